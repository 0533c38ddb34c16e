# SPDX-License-Identifier: Apache-2.0
"""Helpers for the pytest wrappers in tb/tests: run one simulation in a subprocess.

The regression's knobs (EBPC_SIMS, EBPC_SWEEP, ...) are :class:`ebpc_tb.spec.FlowOptions`;
EBPC_SEED, the base seed of every simulation, is fixed once per regression
(:func:`session_seed`: a fresh one when unset), printed first in the header ("seed: N
(reproduce: make test SEED=N)"), with every failure, and recorded in the JUnit XML
(testsuite property ``ebpc_seed`` and a property of every test case).  Fixed stimulus
(conformance cases, directed corners) does not depend on it.  Each simulation runs as
``python -m ebpc_tb.flow.run ... --summary FILE``, and its results come back from that JSON file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from . import runner
from .. import spec
from ..spec import REPO_DIR, TB_DIR, fresh_seed, parse_seed

SEED_ENV = spec.SEED_VARIABLE
SEED_PROPERTY = "ebpc_seed"

TOPS = list(spec.TOPS)


def session_seed() -> int:
    """The base seed of this regression: EBPC_SEED, or a fresh one stored in EBPC_SEED.

    The pytest controller calls this first (:func:`pytest_configure`), so its xdist workers
    and every simulation they start inherit the same seed.
    """
    raw = os.environ.get(SEED_ENV, "").strip()
    if raw:
        return parse_seed(raw, SEED_ENV)
    seed = fresh_seed()
    os.environ[SEED_ENV] = str(seed)
    return seed


def reproduce_command(seed: int, nodeid: str | None = None) -> str:
    """The make command that re-runs the regression (or one test of it) with ``seed``."""
    part = f" PYTEST_ARGS='{nodeid}'" if nodeid else ""
    return f"make test SEED={seed}{part}"


def seed_banner(seed: int) -> str:
    return f"seed: {seed} (reproduce: {reproduce_command(seed)})"


# -- pytest hooks (registered by tb/tests/conftest.py) ---------------------------------------

def pytest_configure(config) -> None:
    """Fix the regression's seed before xdist starts its workers (they inherit os.environ)."""
    try:
        seed = session_seed()
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[_SEED_KEY] = seed


def pytest_report_header(config) -> list[str]:
    return [seed_banner(config.stash[_SEED_KEY])]


def pytest_sessionstart(session) -> None:
    """Record the seed as a testsuite property of the JUnit XML (written by the controller)."""
    try:
        from _pytest.junitxml import xml_key  # noqa: PLC0415
    except ImportError:
        return
    xml = session.config.stash.get(xml_key, None)
    if xml is not None:
        xml.add_global_property(SEED_PROPERTY, session.config.stash[_SEED_KEY])


def pytest_collection_modifyitems(config, items) -> None:
    """Every test case carries the seed as a JUnit property (also under xdist)."""
    seed = config.stash[_SEED_KEY]
    for item in items:
        item.user_properties.append((SEED_PROPERTY, seed))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failure's report gets a section with the seed and the command reproducing it."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        seed = item.config.stash[_SEED_KEY]
        report.sections.append(("ebpc seed", f"{seed_banner(seed)}\nthis test alone: "
                                              f"{reproduce_command(seed, item.nodeid)}"))


_SEED_KEY = pytest.StashKey[int]()


def options() -> spec.FlowOptions:
    """The regression's knobs (read from the environment on every call: tests may change it)."""
    try:
        return spec.FlowOptions.from_env()
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None


def sims() -> list[str]:
    return list(options().sims)


def top_available(top: str) -> bool:
    module = spec.TOPS[top][0]
    return any(runner.RTL_DIR.glob(f"{module}.sv")) or any(runner.RTL_DIR.glob(f"{module}.v"))


def sim_matrix(top: str) -> list[tuple[str, tuple[int, int, int], float | None]]:
    """(sim, config, scale) runs for one top: the default config fully, then the sweep."""
    out = []
    for sim in sims():
        out.append((sim, spec.DEFAULT_CONFIG, None))
    opts = options()
    if opts.sweep:
        scale = opts.sweep_scale
        swept = {"icarus": opts.sweep_icarus, "verilator": opts.sweep_verilator}
        pairwise = opts.sweep_pairwise
        for sim in sims():
            tops = swept.get(sim, "all")
            if tops != "all" and top not in tops.split(","):
                continue
            configs = spec.PAIRWISE_CONFIGS if sim == "verilator" and top in pairwise else spec.SWEEP_CONFIGS
            for cfg in configs:
                if cfg != spec.DEFAULT_CONFIG:
                    out.append((sim, cfg, scale))
    return out


def lanes_matrix() -> list[tuple[str, str, tuple[int, int, int], int, int]]:
    """(top, sim, config, Lanes, DecLanes) native-bench runs at Lanes > 1 (spec.lanes_sweep):
    none without the sweep (EBPC_SWEEP=0); a run whose simulator is not in EBPC_SIMS goes
    to the other one."""
    opts = options()
    if not opts.sweep or not opts.sims:
        return []
    return [(top, sim if sim in opts.sims else opts.sims[0], config, lanes, dec_lanes)
            for top, sim, config, lanes, dec_lanes in spec.lanes_sweep(opts.full)]


def matrix_id(item) -> str:
    sim, (w, n, z), scale = item
    return f"{sim}-W{w}N{n}Z{z}" + ("" if scale is None else "-sweep")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTEST_CURRENT_TEST", None)
    paths = [str(TB_DIR), str(REPO_DIR / "model")]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def _run_flow(args: list[str], label: str, timeout: float, code_coverage: bool
              ) -> tuple[list[str], subprocess.CompletedProcess, list[runner.RunResult]]:
    """``python -m ebpc_tb.flow.run <args> --seed <session seed> --summary <file>``: the command,
    the finished process and its runs (read from the JSON summary); each run's results XML is
    copied into the regression's JUnit folder."""
    opts = options()
    cmd = [sys.executable, "-m", "ebpc_tb.flow.run", *args, "--seed", str(session_seed())]
    if opts.full:
        cmd += ["--full"]
    env = _env()
    if not code_coverage:
        env.update(spec.NO_CODE_COVERAGE)
    with tempfile.TemporaryDirectory(prefix="ebpc_run_") as tmp:
        summary = Path(tmp) / "summary.json"
        proc = subprocess.run([*cmd, "--summary", str(summary)], cwd=REPO_DIR, env=env, capture_output=True,
                              text=True, timeout=timeout)
        results = runner.read_summary(summary)
    if opts.junit_dir:
        junit = Path(opts.junit_dir)
        junit.mkdir(parents=True, exist_ok=True)
        for r in results:
            if r.xml and r.xml.exists():
                shutil.copyfile(r.xml, junit / f"{label}_{r.xml.parent.parent.name}_{r.xml.parent.name}_{r.xml.name}")
    return cmd, proc, results


def run_sim(sim: str, top: str, config, scale: float | None = None, timeout: float = 3600,
            extra_args: list[str] | None = None) -> runner.RunResult:
    """Run ``python -m ebpc_tb.flow.run`` for one (sim, top, config); fail the pytest test on any problem."""
    if not top_available(top):
        pytest.fail(f"rtl/{spec.TOPS[top][0]}.sv does not exist")
    w, n, z = config
    args = ["--sim", sim, "--top", top, "--w", str(w), "--n", str(n), "--z", str(z)]
    if scale is not None:
        args += ["--scale", str(scale)]
    args += extra_args or []
    tag = "".join(f"_{a.replace('=', '')}" for a in (extra_args or []) if "=" in a)
    run_name = f"{sim}_{top}_W{w}_N{n}_Z{z}{tag}"
    if options().coverage_dir:
        args += ["--coverage", str(Path(options().coverage_dir) / f"{run_name}.json")]
    cmd, proc, results = _run_flow(args, run_name, timeout, _instrumented(sim, top, config, extra_args))
    res = results[0] if results else runner.RunResult(sim, top, tuple(config))
    out = proc.stdout + proc.stderr
    problems = []
    if proc.returncode != 0:
        problems.append(f"exit status {proc.returncode}")
    if res.tests - res.skipped <= 0:
        problems.append("no test ran (nothing scored)")
    if res.failures:
        problems.append(f"{res.failures} failing test(s): {', '.join(res.failed_tests)}")
    if problems:
        pytest.fail(f"{sim} {top} W={w} N={n} Z={z} seed={session_seed()}: {'; '.join(problems)}\n"
                    f"reproduce: {' '.join(_shown(cmd))}\n--- output (tail) ---\n{_tail(out)}",
                    pytrace=False)
    return res


# -- every conformance case at its own parameters; sampled parameter sets ----------------------

def conformance_configs() -> list[tuple[int, int, int]]:
    """Parameter sets of the bundled conformance cases that the regression must run at their own
    W, N, Z (``python -m ebpc_tb.flow.run --vectors``): those the sweep does not build (the sweep's
    runs already replay the cases of their set in test_conformance); EBPC_FULL=1 or
    EBPC_SWEEP=0: all of them."""
    from .run import file_configs  # noqa: PLC0415

    configs = file_configs(str(spec.CONFORMANCE_FILE))
    if options().full or not options().sweep:
        return configs
    return [c for c in configs if c not in spec.SWEEP_CONFIGS]


def sampled_count() -> int:
    """K, the parameter sets drawn from the whole legal space per regression: EBPC_SAMPLED,
    else 2 (8 with EBPC_FULL=1)."""
    return options().sampled


def run_many(args: list[str], label: str, timeout: float = 3600, code_coverage: bool = False) -> str:
    """Run ``python -m ebpc_tb.flow.run <args> --seed <session seed>`` (several builds in one call);
    fail the pytest test unless it exits 0 with results. Returns the output."""
    cmd, proc, results = _run_flow(args, label, timeout, code_coverage)
    out = proc.stdout + proc.stderr
    if proc.returncode != 0 or not results:
        pytest.fail(f"{label} seed={session_seed()}: exit status {proc.returncode}"
                    f"{'' if results else ', no results'}\nreproduce: {' '.join(_shown(cmd))}\n"
                    f"--- output (tail) ---\n{_tail(out)}", pytrace=False)
    return out


def _shown(cmd: list[str]) -> list[str]:
    """The command as one would type it (``python -m ...`` from the repository root), without
    the regression's coverage output file."""
    out: list[str] = []
    skip = False
    for i, arg in enumerate(cmd):
        if skip:
            skip = False
        elif arg == "--coverage":
            skip = True
        else:
            out.append("python" if i == 0 else arg)
    return out


def _instrumented(sim: str, top: str, config, extra_args: list[str] | None) -> bool:
    """Whether this run's Verilator build carries code coverage (see EBPC_CODE_COVERAGE).

    The encoder and decoder sweep builds are not instrumented by default: an instrumented
    build costs three times the compile time, and the loopback builds of the same
    parameters already cover both cores' code (the check proves every line is still hit).
    """
    opts = options()
    if sim != "verilator" or not opts.code_coverage:
        return False
    if opts.full or extra_args:
        return True
    return top == "loopback" or tuple(config) == spec.DEFAULT_CONFIG


def _tail(text: str, lines: int = 120) -> str:
    """The failure report (ERROR lines and what follows) or the tail of the output."""
    rows = text.splitlines()
    idx = next((i for i, r in enumerate(rows) if " ERROR " in r or "Error" in r), None)
    if idx is not None:
        return "\n".join(rows[max(0, idx - 5):idx + lines])
    return "\n".join(rows[-lines:])


def build_log_text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
