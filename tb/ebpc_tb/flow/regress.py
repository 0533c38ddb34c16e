# SPDX-License-Identifier: Apache-2.0
"""Multi-seed regression, the running half: the random parts of the benches over several seeds.

    python -m ebpc_tb.flow.regress --seeds 4 [--jobs 2] [--sim verilator] [--top all]
        [--tests test_random,test_corners,...] [--sample 1] [--scale 0.15]
        [--seed-list 11,12] [--out build/regress]

For every seed (fresh ones unless --seed-list gives them) it runs, for each bench, the
seed-dependent tests (:data:`RANDOM_TESTS`: random transmissions, corner cases under random
traffic, the coverage-closure set, the real-vector slices under random traffic) at the default
parameters, and at ``--sample`` parameter sets drawn from the sweep with that seed (fewer
random transmissions, ``--scale``). The conformance cases and other fixed tests are left to
``make test``. Every run records functional coverage and, under Verilator with
EBPC_CODE_COVERAGE=1, code coverage.

Everything goes under ``<out>`` (cleared first): the per-run data (cocotb JUnit, logs,
coverage JSON and .dat files) and ``outcomes.json`` (:class:`RegressionRun`: the seeds, the
wall time and every test's :class:`TestOutcome`, with the one command that reproduces it,
``python -m ebpc_tb.flow.run ... --seed S --testcase T``: a test's stimulus depends only on the
base seed, the parameters and the test's name). The reports (text, JSON, JUnit, merged
coverage) are written from that by ``python -m ebpc_tb.reports.regression``; ``make regress``
runs both. Exit status 1 when any test failed or a run did not build, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import shlex
import shutil
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Collection, Mapping, Sequence

from . import runner
from .. import spec
from ..spec import REPO_DIR, TB_DIR, fresh_seed, parse_seed

__all__ = ["RANDOM_TESTS", "OUTCOMES_FILE", "Job", "TestOutcome", "RegressionRun", "plan_jobs", "bench_tests",
           "outcomes_from_junit", "progress_line", "write_outcomes", "read_outcomes", "run_regression", "main"]

Config = tuple[int, int, int]

# The seed-dependent tests every bench has (tb/test_<top>.py).
RANDOM_TESTS = ("test_random", "test_corners", "test_coverage_closure", "test_vectors")
DEFAULT_SCALE = 0.15
# What the reports half reads: <out>/outcomes.json.
OUTCOMES_FILE = "outcomes.json"
# Environment variables that change the stimulus or the checks: a reproduce command carries
# them when they are set (code coverage does not change a run's outcome).
_PASSED_ENV = (spec.RUN_VARIABLES["inject_fault"], spec.RUN_VARIABLES["vectors"])


@dataclasses.dataclass(frozen=True)
class Job:
    """One simulation: a bench at one parameter set with one base seed, some of its tests."""

    seed: int
    sim: str
    top: str
    config: Config
    tests: tuple[str, ...]
    scale: float | None = None      # None: the default number of random transmissions
    full: bool = False

    @property
    def name(self) -> str:
        w, n, z = self.config
        return f"s{self.seed}_{self.sim}_{self.top}_W{w}_N{n}_Z{z}"

    @property
    def sampled(self) -> bool:
        return self.scale is not None

    def command(self, tests: Sequence[str] | None = None, env: dict[str, str] | None = None) -> str:
        """The shell command running this job (or only ``tests`` of it) from the repository root."""
        w, n, z = self.config
        args = ["python", "-m", "ebpc_tb.flow.run", "--sim", self.sim, "--top", self.top, "--w", str(w),
                "--n", str(n), "--z", str(z), "--seed", str(self.seed),
                "--testcase", ",".join(tests if tests is not None else self.tests)]
        if self.scale is not None:
            args += ["--scale", str(self.scale)]
        if self.full:
            args.append("--full")
        prefix = [f"{k}={shlex.quote(v)}" for k, v in sorted((env or {}).items())]
        return " ".join(prefix + [shlex.quote(a) for a in args])


@dataclasses.dataclass(frozen=True)
class TestOutcome:
    """One cocotb test of one job."""

    seed: int
    sim: str
    top: str
    config: Config
    sampled: bool
    test: str
    status: str                     # "pass", "fail", "skip" or "error" (no result: build/crash)
    message: str                    # the failure message ("" when passed)
    reproduce: str
    seconds: float = 0.0

    @property
    def first_line(self) -> str:
        return self.message.strip().splitlines()[0] if self.message.strip() else ""

    @property
    def failed(self) -> bool:
        return self.status in ("fail", "error")

    def to_json(self) -> dict[str, Any]:
        return dict(dataclasses.asdict(self), config=list(self.config))

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> "TestOutcome":
        fields = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in row.items() if k in fields}
        return cls(**dict(values, config=tuple(int(x) for x in values["config"])))


@dataclasses.dataclass(frozen=True)
class RegressionRun:
    """What one regression ran: its seeds, its wall time and every test's outcome, in job order."""

    seeds: tuple[int, ...]
    outcomes: tuple[TestOutcome, ...]
    elapsed: float = 0.0

    @property
    def failed(self) -> list[TestOutcome]:
        return [o for o in self.outcomes if o.failed]

    def to_json(self) -> dict[str, Any]:
        return {"seeds": list(self.seeds), "elapsed": self.elapsed, "outcomes": [o.to_json() for o in self.outcomes]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "RegressionRun":
        return cls(tuple(int(s) for s in data["seeds"]),
                   tuple(TestOutcome.from_json(o) for o in data["outcomes"]), float(data.get("elapsed", 0.0)))


# -- planning (pure) ---------------------------------------------------------------------------

def plan_jobs(seeds: Sequence[int], sims: Sequence[str], tops: Sequence[str],
              tests: Sequence[str] = RANDOM_TESTS, sample: int = 1, scale: float = DEFAULT_SCALE,
              full: bool = False, sweep: Sequence[Config] = tuple(spec.SWEEP_CONFIGS),
              default: Config = spec.DEFAULT_CONFIG,
              available: Mapping[str, Collection[str]] | None = None) -> list[Job]:
    """Every job of the regression: per seed, each (sim, top) at the default parameters, then
    at ``sample`` parameter sets of the sweep drawn with that seed (the same for every bench).

    ``available`` (top -> the tests its bench has) narrows ``tests`` per bench; a bench with
    none of them is left out.
    """
    others = [c for c in sweep if tuple(c) != tuple(default)]
    jobs = []
    for seed in seeds:
        drawn = random.Random(f"regress:{seed}").sample(others, min(sample, len(others)))
        for sim in sims:
            for top in tops:
                mine = tuple(t for t in tests if available is None or t in available.get(top, ()))
                if not mine:
                    continue
                jobs.append(Job(seed, sim, top, tuple(default), mine, None, full))
                jobs += [Job(seed, sim, top, tuple(c), mine, scale, full) for c in drawn]
    return jobs


_TEST_RE = re.compile(r"^async\s+def\s+(test_\w+)\s*\(", re.M)


def bench_tests(top: str) -> set[str]:
    """The cocotb tests defined in the bench module of ``top`` (tb/<module>.py)."""
    path = TB_DIR / f"{spec.TOPS[top][1]}.py"
    return set(_TEST_RE.findall(path.read_text())) if path.is_file() else set()


def outcomes_from_junit(job: Job, xml_text: str | None, error: str = "", seconds: float = 0.0,
                        env: dict[str, str] | None = None) -> list[TestOutcome]:
    """The outcome of each test of ``job`` from its cocotb JUnit XML (None: no results file).

    A test of the job missing from the file (the simulation stopped, or the bench has no such
    test) is an error with ``error`` as its message.
    """
    found: dict[str, tuple[str, str]] = {}
    if xml_text:
        try:
            root = ET.fromstring(xml_text)
        except ET.ParseError as exc:
            error = f"bad results file: {exc}" + (f"; {error}" if error else "")
            root = None
        for case in root.iter("testcase") if root is not None else ():
            name = case.get("name", "?")
            bad = case.find("failure")
            if bad is None:
                bad = case.find("error")
            if bad is not None:
                found[name] = ("fail", bad.get("message") or (bad.text or "").strip() or "failed")
            elif case.find("skipped") is not None:
                found[name] = ("skip", "")
            else:
                found[name] = ("pass", "")
    out = []
    for test in job.tests:
        status, message = found.get(test, ("error", error or "no result (simulation stopped before this test?)"))
        out.append(TestOutcome(job.seed, job.sim, job.top, job.config, job.sampled, test, status, message,
                               job.command([test], env), seconds))
    return out


def progress_line(outcome: TestOutcome) -> str:
    """The line printed as each test's result comes in."""
    w, n, z = outcome.config
    mark = "FAIL" if outcome.failed else "ok  "
    return (f"[regress] {mark} seed {outcome.seed} {outcome.sim} {outcome.top} W{w}N{n}Z{z} {outcome.test}"
            + (f": {outcome.first_line}" if outcome.first_line else ""))


# -- running (I/O) -----------------------------------------------------------------------------

def _reproduce_env() -> dict[str, str]:
    return {k: os.environ[k] for k in _PASSED_ENV if os.environ.get(k)}


def _run_job(job: Job, out: Path) -> list[TestOutcome]:
    """Run one job in this process; move its results and coverage into ``out``."""
    for sub in ("junit", "logs", "functional", "codecov"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    log = out / "logs" / f"{job.name}.log"
    cov = out / "functional" / f"{job.name}.json"
    t0 = time.monotonic()
    run_spec = spec.RunSpec.of(job.config, seed=job.seed, full=job.full, scale=job.scale, coverage=str(cov))
    res = runner.run(job.sim, job.top, run_spec, testcase=",".join(job.tests), log_file=log)
    seconds = time.monotonic() - t0
    xml_text = None
    if res.xml and res.xml.exists():
        xml_text = res.xml.read_text(errors="replace")
        shutil.move(str(res.xml), out / "junit" / f"{job.name}.xml")
    bdir = runner.build_dir_for(job.sim, job.top, job.config)
    module = spec.TOPS[job.top][1]
    dat = bdir / f"coverage_{module}_{','.join(job.tests)}.dat"
    if dat.exists():
        # the next seed's run of this build directory writes the same file name
        shutil.move(str(dat), out / "codecov" / f"{job.name}.dat")
    error = f"{res.error} (log: {log})" if res.error else f"no result (log: {log})"
    outcomes = outcomes_from_junit(job, xml_text, error, seconds, _reproduce_env())
    for o in outcomes:
        print(progress_line(o), flush=True)
    return outcomes


def run_regression(jobs: Sequence[Job], out: Path, parallel: int = 1) -> list[TestOutcome]:
    """Run the jobs, ``parallel`` at a time; runs of one build directory never overlap (they
    write the same results and coverage files), so they go one after the other, in job order."""
    groups: dict[tuple, list[Job]] = {}
    for job in jobs:
        groups.setdefault((job.sim, job.top, job.config), []).append(job)

    def one_group(group: list[Job]) -> list[TestOutcome]:
        return [o for job in group for o in _run_job(job, out)]

    order = list(groups.values())
    if parallel > 1:
        with ThreadPoolExecutor(parallel) as pool:
            done = list(pool.map(one_group, order))
    else:
        done = [one_group(g) for g in order]
    by_job = {}
    for outcomes in done:
        for o in outcomes:
            by_job.setdefault((o.seed, o.sim, o.top, o.config), []).append(o)
    return [o for job in jobs for o in by_job.get((job.seed, job.sim, job.top, job.config), [])]


def write_outcomes(out: Path, run: RegressionRun) -> Path:
    """``<out>/outcomes.json``, what ``python -m ebpc_tb.reports.regression`` reads."""
    path = out / OUTCOMES_FILE
    path.write_text(json.dumps(run.to_json(), indent=1) + "\n")
    return path


def read_outcomes(out: Path) -> RegressionRun:
    """The regression written to ``<out>/outcomes.json``; ValueError (one line) if there is none
    or it is not one."""
    path = out / OUTCOMES_FILE
    try:
        return RegressionRun.from_json(json.loads(path.read_text()))
    except FileNotFoundError:
        raise ValueError(f"{path} not found (run python -m ebpc_tb.flow.regress --out {out} first)") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not the outcomes of a regression ({exc})") from None


# -- command line ------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _Request:
    """The checked command line."""

    seeds: list[int]
    parallel: int
    sample: int
    scale: float
    sims: list[str]
    tops: list[str]
    tests: list[str]


def _parse(args: argparse.Namespace) -> _Request:
    """ValueError (one line) on a bad argument."""
    if args.seed_list.strip():
        seeds = [parse_seed(s, "seed") for s in args.seed_list.split(",") if s.strip()]
    else:
        count = int(args.seeds)
        if count < 1:
            raise ValueError(f"--seeds {args.seeds}: need at least 1")
        seeds = [fresh_seed() for _ in range(count)]
    parallel, sample, scale = int(args.jobs), int(args.sample), float(args.scale)
    if parallel < 1 or sample < 0 or not scale > 0:
        raise ValueError("--jobs must be >= 1, --sample >= 0, --scale > 0")
    tests = [t.strip() for t in args.tests.split(",") if t.strip()]
    if not tests or not all(t.isidentifier() for t in tests):
        raise ValueError(f"--tests {args.tests!r}: a comma list of cocotb test names")
    return _Request(seeds, parallel, sample, scale, runner.parse_choices(args.sim, runner.SIMS, "--sim"),
                    runner.parse_choices(args.top, list(spec.TOPS), "--top"), tests)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ebpc_tb.flow.regress", description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="4", help="number of fresh seeds (default 4)")
    ap.add_argument("--seed-list", default="", help="comma list of base seeds (instead of fresh ones)")
    ap.add_argument("--jobs", "-j", default="1", help="simulations at a time (default 1)")
    ap.add_argument("--sim", default="verilator", help="icarus, verilator, a comma list or all (default verilator)")
    ap.add_argument("--top", default="all", help="encoder, decoder, loopback, a comma list or all (default all)")
    ap.add_argument("--tests", default=",".join(RANDOM_TESTS), help="cocotb tests per bench (comma list)")
    ap.add_argument("--sample", default="1", help="sweep parameter sets drawn per seed (default 1)")
    ap.add_argument("--scale", default=str(DEFAULT_SCALE),
                    help=f"random transmissions at sampled parameter sets (default {DEFAULT_SCALE})")
    ap.add_argument("--full", action="store_true", default=spec.FlowOptions.from_env().full,
                    help="the long runs (10x random transmissions)")
    ap.add_argument("--out", type=Path, default=REPO_DIR / "build" / "regress",
                    help="per-run data and outcomes.json (cleared first)")
    args = ap.parse_args(argv)
    try:
        req = _parse(args)
    except ValueError as exc:
        msg = str(exc)
        if "invalid literal" in msg:
            msg = f"not a number: {msg.split(': ', 1)[-1]}"
        print(f"regress: error: {msg}", file=sys.stderr)
        return 2

    print(f"seeds: {' '.join(map(str, req.seeds))} (reproduce this regression: "
          f"make regress SEED_LIST={','.join(map(str, req.seeds))})", flush=True)
    jobs = plan_jobs(req.seeds, req.sims, req.tops, req.tests, req.sample, req.scale, args.full,
                     available={top: bench_tests(top) for top in req.tops})
    if not jobs:
        print(f"regress: error: no bench of {', '.join(req.tops)} has any of the tests {', '.join(req.tests)}",
              file=sys.stderr)
        return 2
    # nothing of an earlier regression (outcomes.json, coverage) may pass for this one's
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    t0 = time.monotonic()
    outcomes = run_regression(jobs, args.out, req.parallel)
    run = RegressionRun(tuple(req.seeds), tuple(outcomes), time.monotonic() - t0)
    path = write_outcomes(args.out, run)
    print(f"\nregress: {len(run.outcomes)} tests, {len(run.failed)} failed; outcomes in {path} "
          f"(reports: python -m ebpc_tb.reports.regression --out {args.out})")
    return 1 if run.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
