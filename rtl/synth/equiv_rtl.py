# SPDX-License-Identifier: Apache-2.0
"""`make equiv-rtl REV=..`: the RTL of this tree proven equivalent to the RTL of another revision.

    python -m ebpc_synth.equiv_rtl (--rev REV | --gold-dir DIR) [--gate-dir DIR]
                                   [--tops encoder,decoder] [-W 8,16,32] [-L 1,2,4,8]
                                   [--param Name=Value ...] [--seq 2] [--out build/equiv_rtl]

The guard of a refactoring that must not change function (a fold of two modules into one, a
renamed signal, a moved assertion): per configuration (every top x W x Lanes, the RTL defaults
otherwise) both RTL trees are read by yosys-slang as `make synth` reads them, elaborated only
(``proc``, ``flatten``, ``memory_map``; no optimisation), and ``equiv_make`` pairs them by
signal name (ports and registers: every other wire is made anonymous, as a refactoring may
rename or drop it; a register is paired by its path without generate-if scopes ``gen_*``, as a
fold moves registers into and out of them, and ``--rename OLD=NEW`` pairs one the refactoring
renamed), then ``async2sync``, ``equiv_simple -seq N``,
``equiv_induct -seq N``, ``equiv_status``. ``proven``: from any state in which the paired
registers agree, both give equal outputs and register values for ever (so from reset). A
register that was renamed is simply unpaired; its outputs still have to agree. ``not proven``:
the first unproven signals are printed.

Gold is the ``rtl/`` folder of git revision REV (``git archive``) or any folder DIR; gate is
this tree's ``rtl/`` or ``--gate-dir``. Both are read from inside the repository (the
WebAssembly Yosys remaps absolute /tmp paths): a folder outside it is copied to the work
directory first.

Prints one row per configuration and writes <out>/summary.json. Exit 0: all proven; 1: not;
2: bad input or a tool failure.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Mapping, Sequence

from . import RTL_DIR
from .__main__ import SHORT_TOPS, _csv_ints, _param
from .equiv import REPO, EquivError, _rel, _run, parse_status
from .flow import Config

WORK = REPO / "build" / "equiv_rtl"
HEADER = f"{'configuration':44} {'result':>11} {'pairs':>6} {'unproven':>8} {'cpu s':>7}"


@dataclasses.dataclass(frozen=True)
class RtlEquivResult:
    config: Config
    result: str                 # "proven" or "not proven"
    equiv_cells: int            # paired signal bits
    unproven: int
    cpu_s: float
    unproven_signals: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"top": self.config.top, "label": self.config.label, "params": dict(self.config.params),
                "result": self.result, "equiv_cells": self.equiv_cells, "unproven": self.unproven,
                "cpu_s": round(self.cpu_s, 1), "unproven_signals": list(self.unproven_signals)}

    def row(self) -> str:
        return (f"{self.config.label:44} {self.result:>11} {self.equiv_cells:6d} {self.unproven:8d} "
                f"{self.cpu_s:7.1f}")


def _sources(rtl_dir: Path) -> list[str]:
    files = sorted(rtl_dir.glob("*.sv"))
    if not files:
        raise EquivError(f"no SystemVerilog sources in {rtl_dir}")
    return [_rel(f) for f in files]


_GENERATE_SCOPE = re.compile(r"^gen_\w+$")   # a generate-if block (a loop's has an index)
_REGISTERS = "t:*dff* %co w:* %i"


def pairing_name(register: str, renames: Mapping[str, str]) -> str:
    """The name a register is paired by: its path without generate-if scopes (a fold moves
    registers into and out of them), then as ``renames`` maps it (an OLD path also below an
    instance: u_encoder.OLD)."""
    name = ".".join(p for p in register.split(".") if not _GENERATE_SCOPE.match(p))
    for old, new in renames.items():   # (a path inside the top, also below an instance of it)
        if name == old or name.endswith("." + old):
            return name[:len(name) - len(old)] + new
    return name


def _elaborate(top: str, rtl_dir: Path, params: str) -> list[str]:
    return [f"read_slang --threads 1 --top {top} -I {_rel(rtl_dir)} {params} {' '.join(_sources(rtl_dir))}",
            f"hierarchy -check -top {top}", "proc", "flatten", "opt_clean", "chformal -remove",
            "memory -nomap", "memory_map", "opt_clean"]


def _registers(config: Config, rtl_dir: Path, params: str, workdir: Path, name: str) -> list[str]:
    """The register (flip-flop output) names of ``config`` elaborated from ``rtl_dir``."""
    listing = workdir / f"{name}.registers"
    _run(workdir, f"{config.label}.{name}.registers",
         "\n".join([*_elaborate(config.top, rtl_dir, params),
                    f"tee -q -o {_rel(listing)} select -list {_REGISTERS}"]) + "\n")
    return [line.split("/", 1)[1] for line in listing.read_text().split() if "/" in line]


def _read(config: Config, rtl_dir: Path, params: str, name: str, registers: Sequence[str],
          renames: Mapping[str, str]) -> list[str]:
    """Yosys commands that elaborate ``config`` from ``rtl_dir``, give its registers their
    pairing names and stash it as module ``name``."""
    taken = set(registers)
    moves = []
    for register in registers:
        target = pairing_name(register, renames)
        if target != register and target not in taken:
            moves.append(f"rename {register} {target}")
            taken.add(target)
    return [*_elaborate(config.top, rtl_dir, params), f"cd {config.top}", *moves, "cd ..",
            # Only ports and registers are paired: a refactoring may rename or drop any
            # combinational wire (a loop variable, an intermediate of a folded block).
            f"select -set regs {_REGISTERS}", "rename -hide w:* @regs %d i:* %d o:* %d",
            f"rename {config.top} {name}", f"design -stash {name}"]


def check(config: Config, gold_dir: Path, gate_dir: Path, workdir: Path, seq: int = 2,
          renames: Mapping[str, str] | None = None) -> RtlEquivResult:
    """Prove ``config`` of the RTL in ``gate_dir`` equivalent to the one in ``gold_dir``;
    ``renames``: gold register (pairing name) -> gate register, for a register the refactoring
    renamed."""
    workdir.mkdir(parents=True, exist_ok=True)
    params = " ".join(f"-G {k}={v}" for k, v in config.params)
    gold = _read(config, gold_dir, params, "gold", _registers(config, gold_dir, params, workdir, "gold"),
                 renames or {})
    gate = _read(config, gate_dir, params, "gate", _registers(config, gate_dir, params, workdir, "gate"), {})
    script = [*gold, *gate,
              "design -copy-from gold -as gold gold", "design -copy-from gate -as gate gate",
              "equiv_make gold gate equiv", "hierarchy -top equiv", "async2sync",
              f"equiv_simple -seq {seq}", f"equiv_induct -seq {seq}", "equiv_status"]
    log, cpu, _ = _run(workdir, config.label, "\n".join(script) + "\n")
    cells, unproven, names = parse_status(log)
    return RtlEquivResult(config, "proven" if unproven == 0 else "not proven", cells, unproven, cpu,
                          tuple(names[:8]))


def revision_rtl(rev: str, dest: Path) -> Path:
    """The ``rtl/`` folder of git revision ``rev``, extracted below ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "rtl"], capture_output=True)
    if archive.returncode != 0:
        raise EquivError(f"git archive {rev}: {archive.stderr.decode(errors='replace').strip()}")
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest / "rtl"


def _inside_repo(folder: Path, work: Path, name: str) -> Path:
    folder = folder.resolve()
    if not folder.is_dir():
        raise EquivError(f"not a folder: {folder}")
    if folder.is_relative_to(REPO):
        return folder
    copy = work / name
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(folder, copy)
    return copy


def configs(tops: Sequence[str], widths: Sequence[int], lanes: Sequence[int],
            extra: Sequence[tuple[str, int]]) -> list[Config]:
    return [Config(top, (("DataWidth", w), *((("Lanes", n),) if n != 1 else ()), *extra))
            for top, w, n in itertools.product(tops, widths, lanes)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ebpc_synth.equiv_rtl", description=__doc__.splitlines()[0])
    gold = parser.add_mutually_exclusive_group(required=True)
    gold.add_argument("--rev", help="git revision whose rtl/ is the reference")
    gold.add_argument("--gold-dir", type=Path, help="a folder of RTL sources as the reference")
    parser.add_argument("--gate-dir", type=Path, default=RTL_DIR, help="the RTL to check (default: rtl/)")
    parser.add_argument("--tops", default="encoder,decoder")
    parser.add_argument("-W", type=_csv_ints, default=[8, 16, 32])
    parser.add_argument("-L", "--lanes", type=_csv_ints, default=[1])
    parser.add_argument("--param", type=_param, action="append", default=[], metavar="Name=Value")
    parser.add_argument("--rename", action="append", default=[], metavar="OLD=NEW",
                        help="a register the refactoring renamed: its gold name (without gen_* scopes) = its gate name")
    parser.add_argument("--seq", type=int, default=2, help="time steps of equiv_simple / equiv_induct")
    parser.add_argument("--out", type=Path, default=WORK)
    args = parser.parse_args(argv)
    results: list[RtlEquivResult] = []
    try:
        tops = [SHORT_TOPS.get(t, t) for t in args.tops.split(",") if t]
        unknown = [t for t in tops if t not in SHORT_TOPS.values()]
        if unknown:
            raise ValueError(f"unknown top {unknown[0]!r}: use {', '.join(SHORT_TOPS)}")
        if args.seq < 1:
            raise ValueError("--seq must be at least 1")
        renames = dict(r.split("=", 1) for r in args.rename if "=" in r)
        if len(renames) != len(args.rename):
            raise ValueError(f"--rename takes OLD=NEW: {args.rename}")
        work = args.out.resolve()
        if not work.is_relative_to(REPO):
            raise ValueError(f"--out must be inside the repository ({REPO}): Yosys reads from there")
        work.mkdir(parents=True, exist_ok=True)
        gold_dir = (revision_rtl(args.rev, work / "gold") if args.rev
                    else _inside_repo(args.gold_dir, work, "gold_copy"))
        gate_dir = _inside_repo(args.gate_dir, work, "gate_copy")
        print(f"equiv-rtl: gold {args.rev or args.gold_dir}, gate {args.gate_dir}")
        print(HEADER, flush=True)
        for config in configs(tops, args.W, args.lanes, args.param):
            result = check(config, gold_dir, gate_dir, work / config.label, args.seq, renames)
            results.append(result)
            print(result.row(), flush=True)
            if result.unproven_signals:
                print(f"  unproven: {', '.join(result.unproven_signals)}", flush=True)
    except (ValueError, OSError, EquivError, subprocess.CalledProcessError) as error:
        print(f"equiv-rtl: error: {error}", file=sys.stderr)
        return 2
    summary = work / "summary.json"
    summary.write_text(json.dumps({"gold": args.rev or str(args.gold_dir), "gate": str(args.gate_dir),
                                   "results": [r.as_dict() for r in results]}, indent=1) + "\n")
    bad = [r for r in results if r.result != "proven"]
    print(f"equiv-rtl: {len(results) - len(bad)}/{len(results)} proven; wrote {summary}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
