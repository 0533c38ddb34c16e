# SPDX-License-Identifier: Apache-2.0
"""Strict SystemVerilog check of the RTL with slang (the `pyslang` wheel), no relaxing option.

    python -m ebpc_synth.slang_check --top ebpc_encoder -G DataWidth=16 [-G ...] rtl/*.sv
    python -m ebpc_synth.slang_check --sweep        # every top x every sweep parameter set

Exit status 0 when slang reports no error, 1 otherwise (the errors are printed).
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from . import RTL_DIR, rtl_files


class SlangError(ValueError):
    """slang could not read the sources, or found errors in them (the report is the message)."""


def compile_rtl(files: Sequence[str], top: str | None = None, params: Sequence[str] = (),
                defines: Sequence[str] = ()):
    """The elaborated ``pyslang`` compilation of ``files`` (top ``top``, parameter overrides
    ``NAME=VALUE``, defines), the RTL directory as include directory (rtl/ebpc_assert.svh).
    Raises :class:`SlangError` with slang's report when the sources do not compile."""
    import pyslang  # noqa: PLC0415 - optional dependency

    driver = pyslang.driver.Driver()
    driver.addStandardArgs()
    args = ["slang", *(["--top", top] if top else []), "-I", str(RTL_DIR), *files]
    args += [arg for param in params for arg in ("-G", param)]
    args += [arg for define in defines for arg in ("-D", define)]
    if not driver.parseCommandLine(" ".join(args), pyslang.driver.CommandLineOptions()):
        raise SlangError("slang: bad command line")
    if not driver.processOptions() or not driver.parseAllSources():
        raise SlangError("slang: cannot read the sources")
    compilation = driver.createCompilation()
    errors = [diag for diag in compilation.getAllDiagnostics() if diag.isError()]
    if errors:
        raise SlangError(pyslang.DiagnosticEngine.reportAll(driver.sourceManager, errors))
    return compilation


def check(files: Sequence[str], top: str, params: Sequence[str] = (), defines: Sequence[str] = ()) -> tuple[bool, str]:
    """Compile ``files`` with ``top`` and parameter overrides; returns (ok, diagnostics text)."""
    try:
        compile_rtl(files, top, params, defines)
    except SlangError as error:
        return False, str(error)
    return True, ""


def elaborated_parameters(files: Sequence[str], top: str, params: Sequence[str] = ()) -> dict[str, int]:
    """The values slang elaborates for ``top``'s parameters (defaults where not overridden):
    what the RTL itself says, for checking any other statement of its defaults."""
    body = compile_rtl(files, top, params).getRoot().topInstances[0].body
    return {symbol.name: int(str(symbol.value)) for symbol in body.parameters}


TOPS = ("ebpc_encoder", "ebpc_decoder", "ebpc_loopback", "ebpc_axis_encoder", "ebpc_axis_decoder")
# The regression's parameter sweep: W x N x Z.
SWEEP = [(w, n, z) for w in (8, 16, 32) for n in (8, 16) for z in (2, 16, 64)]


def check_sweep(files: Sequence[str]) -> list[str]:
    """Compile every top at every sweep parameter set; returns one line per failure."""
    failures = []
    for top in TOPS:
        for w, n, z in SWEEP:
            params = [f"DataWidth={w}", f"BlockSize={n}", f"MaxZeroRun={z}"]
            ok, text = check(files, top, params)
            if not ok:
                failures.append(f"{top} {' '.join(params)}: {text.strip().splitlines()[0] if text.strip() else 'error'}")
    return failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ebpc_synth.slang_check", description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="every top at every sweep parameter set (files default to rtl/*.sv)")
    parser.add_argument("--top")
    parser.add_argument("-G", dest="params", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("-D", dest="defines", action="append", default=[], metavar="MACRO[=VALUE]")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    files = args.files or [str(p) for p in rtl_files()]
    if args.sweep:
        failures = check_sweep(files)
        for line in failures:
            print(f"slang FAILED: {line}", file=sys.stderr)
        print(f"slang: {len(TOPS) * len(SWEEP) - len(failures)} of {len(TOPS) * len(SWEEP)} top/parameter sets clean")
        return 1 if failures else 0
    if not args.top:
        parser.error("--top is required without --sweep")
    ok, text = check(files, args.top, args.params, args.defines)
    if text.strip():
        print(text.rstrip(), file=sys.stderr)
    print(f"slang {'clean' if ok else 'FAILED'}: {args.top} {' '.join(args.params)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
