# SPDX-License-Identifier: Apache-2.0
"""Helpers for the pytest wrappers in tb/tests: run one simulation in a subprocess.

Environment knobs for the regression:
    EBPC_SEED            base seed of every simulation; unset or empty: a fresh seed per
                         regression (:func:`session_seed`), printed first in the header
                         ("seed: N (reproduce: make test SEED=N)"), with every failure, and
                         recorded in the JUnit XML (testsuite property ``ebpc_seed`` and a
                         property of every test case). Fixed stimulus (conformance cases,
                         directed corners) does not depend on it
    EBPC_FULL=1          the large run
    EBPC_SIMS            simulators to run (default "icarus,verilator")
    EBPC_SWEEP           "1" (default): include the parameter sweep; "0": default config only
    EBPC_SWEEP_SCALE     scale of random transmissions in sweep configs (default 0.15)
    EBPC_SWEEP_ICARUS    tops swept under Icarus (default "encoder,decoder"; "all" with EBPC_FULL=1)
    EBPC_SWEEP_VERILATOR tops swept under Verilator (default "all"; or a comma list)
    EBPC_SWEEP_PAIRWISE  tops whose Verilator sweep covers only runner.PAIRWISE_CONFIGS, the
                         half of the sweep holding every pair of parameter values (default
                         "encoder,decoder": their builds are the slowest, and the loopback
                         holds both everywhere; none with EBPC_FULL=1)
    EBPC_CODE_COVERAGE=1 instrument Verilator builds for code coverage: those of the default
                         configuration, of the loopback sweep (it holds encoder and decoder)
                         and of the extra-parameter runs; with EBPC_FULL=1 every build
    EBPC_COVERAGE_DIR    if set, every run writes its functional coverage JSON here
    EBPC_JUNIT_DIR       if set, every run's cocotb JUnit XML is copied here
    EBPC_SAMPLED         K, parameter sets drawn from the whole legal space with the seed
                         (default 2; 8 with EBPC_FULL=1; tb/tests/test_sim_sampled.py)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from . import runner
from .config import REPO_DIR, TB_DIR, fresh_seed, parse_seed

SEED_ENV = "EBPC_SEED"
SEED_PROPERTY = "ebpc_seed"

TOPS = list(runner.TOPS)


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


def sims() -> list[str]:
    raw = os.environ.get("EBPC_SIMS", "icarus,verilator")
    return [s for s in (x.strip() for x in raw.split(",")) if s]


def top_available(top: str) -> bool:
    module = runner.TOPS[top][0]
    return any(runner.RTL_DIR.glob(f"{module}.sv")) or any(runner.RTL_DIR.glob(f"{module}.v"))


# The default regression's sweep (EBPC_FULL=1: every bench, both simulators, all 18 sets):
# the loopback (it holds encoder and decoder, instrumented for code coverage) over all 18 sets
# under Verilator; encoder and decoder over all 18 under Icarus and over the 9 pairwise sets
# under Verilator. That keeps `make test` under 15 minutes on two cores.
DEFAULT_ICARUS_SWEEP = "encoder,decoder"
DEFAULT_PAIRWISE = "encoder,decoder"


def sim_matrix(top: str) -> list[tuple[str, tuple[int, int, int], float | None]]:
    """(sim, config, scale) runs for one top: the default config fully, then the sweep."""
    out = []
    for sim in sims():
        out.append((sim, runner.DEFAULT_CONFIG, None))
    if os.environ.get("EBPC_SWEEP", "1") != "0":
        scale = float(os.environ.get("EBPC_SWEEP_SCALE", "0.15"))
        full = os.environ.get("EBPC_FULL") == "1"
        swept = {"icarus": os.environ.get("EBPC_SWEEP_ICARUS", "all" if full else DEFAULT_ICARUS_SWEEP),
                 "verilator": os.environ.get("EBPC_SWEEP_VERILATOR", "all")}
        pairwise = os.environ.get("EBPC_SWEEP_PAIRWISE", "" if full else DEFAULT_PAIRWISE).split(",")
        for sim in sims():
            tops = swept.get(sim, "all")
            if tops != "all" and top not in tops.split(","):
                continue
            configs = runner.PAIRWISE_CONFIGS if sim == "verilator" and top in pairwise else runner.SWEEP_CONFIGS
            for cfg in configs:
                if cfg != runner.DEFAULT_CONFIG:
                    out.append((sim, cfg, scale))
    return out


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


def run_sim(sim: str, top: str, config, scale: float | None = None, timeout: float = 3600,
            extra_args: list[str] | None = None) -> runner.RunResult:
    """Run ``python -m ebpc_tb.run`` for one (sim, top, config); fail the pytest test on any problem."""
    import pytest  # noqa: PLC0415

    if not top_available(top):
        pytest.fail(f"rtl/{runner.TOPS[top][0]}.sv does not exist")
    w, n, z = config
    seed = str(session_seed())
    cmd = [sys.executable, "-m", "ebpc_tb.run", "--sim", sim, "--top", top, "--w", str(w), "--n", str(n),
           "--z", str(z), "--seed", seed]
    if scale is not None:
        cmd += ["--scale", str(scale)]
    if os.environ.get("EBPC_FULL") == "1":
        cmd += ["--full"]
    cmd += extra_args or []
    tag = "".join(f"_{a.replace('=', '')}" for a in (extra_args or []) if "=" in a)
    run_name = f"{sim}_{top}_W{w}_N{n}_Z{z}{tag}"
    if os.environ.get("EBPC_COVERAGE_DIR"):
        cmd += ["--coverage", str(Path(os.environ["EBPC_COVERAGE_DIR"]) / f"{run_name}.json")]
    env = _env()
    if not _instrumented(sim, top, config, extra_args):
        env["EBPC_CODE_COVERAGE"] = "0"
    proc = subprocess.run(cmd, cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=timeout)
    out = proc.stdout + proc.stderr
    xml = _results_xml(out) or runner.build_dir_for(sim, top, config) / f"results_{runner.TOPS[top][1]}.xml"
    res = runner.RunResult(sim, top, tuple(config))
    if os.environ.get("EBPC_JUNIT_DIR") and xml.exists():
        junit = Path(os.environ["EBPC_JUNIT_DIR"])
        junit.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(xml, junit / f"{run_name}.xml")
    if xml.exists():
        res.tests, res.failures, res.skipped, res.failed_tests = runner.parse_junit(xml)
        res.xml = xml
    problems = []
    if proc.returncode != 0:
        problems.append(f"exit status {proc.returncode}")
    if res.tests - res.skipped <= 0:
        problems.append("no test ran (nothing scored)")
    if res.failures:
        problems.append(f"{res.failures} failing test(s): {', '.join(res.failed_tests)}")
    if problems:
        pytest.fail(f"{sim} {top} W={w} N={n} Z={z} seed={seed}: {'; '.join(problems)}\n"
                    f"reproduce: {' '.join(_shown(cmd))}\n--- output (tail) ---\n{_tail(out)}",
                    pytrace=False)
    return res


# -- every conformance case at its own parameters; sampled parameter sets ----------------------

def conformance_configs() -> list[tuple[int, int, int]]:
    """Parameter sets of the bundled conformance cases that the regression must run at their own
    W, N, Z (``python -m ebpc_tb.run --vectors``): those the sweep does not build (the sweep's
    runs already replay the cases of their set in test_conformance); EBPC_FULL=1 or
    EBPC_SWEEP=0: all of them."""
    from .run import file_configs  # noqa: PLC0415
    from .config import CONFORMANCE_FILE  # noqa: PLC0415

    configs = file_configs(str(CONFORMANCE_FILE))
    if os.environ.get("EBPC_FULL") == "1" or os.environ.get("EBPC_SWEEP", "1") == "0":
        return configs
    return [c for c in configs if c not in runner.SWEEP_CONFIGS]


def sampled_count() -> int:
    """K, the parameter sets drawn from the whole legal space per regression: EBPC_SAMPLED,
    else 2 (8 with EBPC_FULL=1)."""
    raw = os.environ.get("EBPC_SAMPLED", "").strip()
    if raw:
        try:
            value = int(raw)
        except ValueError:
            raise pytest.UsageError(f"EBPC_SAMPLED={raw!r} is not an integer") from None
        return max(0, value)
    return 8 if os.environ.get("EBPC_FULL") == "1" else 2


def run_many(args: list[str], label: str, timeout: float = 3600, code_coverage: bool = False) -> str:
    """Run ``python -m ebpc_tb.run <args> --seed <session seed>`` (several builds in one call);
    fail the pytest test unless it exits 0. Copies every results XML into EBPC_JUNIT_DIR and
    returns the output."""
    seed = str(session_seed())
    cmd = [sys.executable, "-m", "ebpc_tb.run", *args, "--seed", seed]
    if os.environ.get("EBPC_FULL") == "1":
        cmd += ["--full"]
    env = _env()
    if not code_coverage:
        env["EBPC_CODE_COVERAGE"] = "0"
    proc = subprocess.run(cmd, cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=timeout)
    out = proc.stdout + proc.stderr
    xmls = [Path(line.split(":", 1)[1].strip()) for line in out.splitlines()
            if line.strip().startswith("results:")]
    if os.environ.get("EBPC_JUNIT_DIR"):
        junit = Path(os.environ["EBPC_JUNIT_DIR"])
        junit.mkdir(parents=True, exist_ok=True)
        for xml in xmls:
            if xml.exists():
                shutil.copyfile(xml, junit / f"{label}_{xml.parent.parent.name}_{xml.parent.name}_{xml.name}")
    if proc.returncode != 0 or not xmls:
        pytest.fail(f"{label} seed={seed}: exit status {proc.returncode}"
                    f"{'' if xmls else ', no results'}\nreproduce: {' '.join(_shown(cmd))}\n"
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
    if sim != "verilator" or os.environ.get("EBPC_CODE_COVERAGE", "") != "1":
        return False
    if os.environ.get("EBPC_FULL") == "1" or extra_args:
        return True
    return top == "loopback" or tuple(config) == runner.DEFAULT_CONFIG


def _results_xml(output: str) -> Path | None:
    """The results file the run reported (``results: <path>`` in its summary)."""
    for line in reversed(output.splitlines()):
        line = line.strip()
        if line.startswith("results:"):
            return Path(line.split(":", 1)[1].strip())
    return None


def _tail(text: str, lines: int = 120) -> str:
    """The failure report (ERROR lines and what follows) or the tail of the output."""
    rows = text.splitlines()
    idx = next((i for i, r in enumerate(rows) if " ERROR " in r or "Error" in r), None)
    if idx is not None:
        return "\n".join(rows[max(0, idx - 5):idx + lines])
    return "\n".join(rows[-lines:])


def build_log_text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
