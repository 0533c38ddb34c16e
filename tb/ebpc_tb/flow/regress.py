# SPDX-License-Identifier: Apache-2.0
"""Multi-seed regression: the random parts of the benches over several base seeds.

    python -m ebpc_tb.flow.regress --seeds 4 [--jobs 2] [--sim verilator] [--top all]
        [--tests test_random,test_corners,...] [--sample 1] [--scale 0.15]
        [--seed-list 11,12] [--out build/regress] [--reports reports/regress]

For every seed (fresh ones unless --seed-list gives them) it runs, for each bench, the
seed-dependent tests (:data:`RANDOM_TESTS`: random transmissions, corner cases under random
traffic, the coverage-closure set, the real-vector slices under random traffic) at the default
parameters, and at ``--sample`` parameter sets drawn from the sweep with that seed (fewer
random transmissions, ``--scale``). The conformance cases and other fixed tests are left to
``make test``. Every run records functional coverage and, under Verilator with
EBPC_CODE_COVERAGE=1, code coverage; both are merged over all seeds and runs.

Results, per seed and test: pass/fail, the first failure message and the one command that
reproduces it (``python -m ebpc_tb.flow.run ... --seed S --testcase T``: a test's stimulus depends
only on the base seed, the parameters and the test's name). Written to
``<reports>/regress.{txt,json}`` and ``<reports>/junit.xml``; the merged coverage to
``<reports>/coverage.{txt,json}`` and ``<reports>/code_coverage.{txt,json}``; the per-run data
(cocotb JUnit, logs, coverage JSON and .dat files) under ``<out>``. Exit status 1 when any
test failed or a run did not build, 2 on bad arguments.
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
from typing import Collection, Iterable, Mapping, Sequence

from . import runner
from .. import spec
from ..spec import REPO_DIR, TB_DIR, fresh_seed, parse_seed

__all__ = ["RANDOM_TESTS", "Job", "TestOutcome", "RegressSummary", "plan_jobs", "bench_tests", "outcomes_from_junit",
           "summarise", "format_text", "to_junit", "run_regression", "main"]

Config = tuple[int, int, int]

# The seed-dependent tests every bench has (tb/test_<top>.py).
RANDOM_TESTS = ("test_random", "test_corners", "test_coverage_closure", "test_vectors")
DEFAULT_SCALE = 0.15
# Environment variables that change the stimulus or the checks: a reproduce command carries
# them when they are set (code coverage does not change a run's outcome).
_PASSED_ENV = ("EBPC_INJECT_FAULT", "EBPC_VECTORS")


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


@dataclasses.dataclass
class RegressSummary:
    seeds: list[int]
    outcomes: list[TestOutcome]
    elapsed: float = 0.0
    functional: dict | None = None   # coverage_report summary (config -> ...), merged over everything
    code: dict | None = None         # codecov JSON (runs, modules)

    @property
    def failed(self) -> list[TestOutcome]:
        return [o for o in self.outcomes if o.status in ("fail", "error")]

    def to_json(self) -> dict:
        return {"seeds": self.seeds, "elapsed": round(self.elapsed, 1),
                "tests": len(self.outcomes), "failed": len(self.failed),
                "outcomes": [dict(dataclasses.asdict(o), config=list(o.config)) for o in self.outcomes],
                "functional_coverage": _functional_totals(self.functional),
                "code_coverage": _code_totals(self.code)}


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


def summarise(outcomes: Iterable[TestOutcome]) -> dict[int, dict[str, int]]:
    """seed -> {"pass": n, "fail": n, "skip": n, "error": n}."""
    table: dict[int, dict[str, int]] = {}
    for o in outcomes:
        row = table.setdefault(o.seed, {"pass": 0, "fail": 0, "skip": 0, "error": 0})
        row[o.status] = row.get(o.status, 0) + 1
    return table


def format_text(summary: RegressSummary) -> str:
    """The per-seed, per-test table, then every failure with its message and reproduce command."""
    lines = [f"multi-seed regression: seeds {', '.join(map(str, summary.seeds))}; "
             f"{len(summary.outcomes)} tests, {len(summary.failed)} failed ({summary.elapsed:.0f} s)"]
    for seed, counts in summarise(summary.outcomes).items():
        lines.append(f"seed {seed}: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
    lines.append("")
    lines.append(f"{'seed':>10}  {'sim':9} {'top':8} {'params':14} {'test':24} result")
    for o in summary.outcomes:
        w, n, z = o.config
        params = f"W{w}N{n}Z{z}" + ("*" if o.sampled else "")
        lines.append(f"{o.seed:>10}  {o.sim:9} {o.top:8} {params:14} {o.test:24} {o.status.upper()}"
                     + (f"  {o.first_line}" if o.first_line else ""))
    if any(o.sampled for o in summary.outcomes):
        lines.append("(* a parameter set sampled from the sweep, fewer random transmissions)")
    for o in summary.failed:
        lines.append("")
        lines.append(f"FAILED seed {o.seed} {o.sim} {o.top} {o.test}: {o.first_line}")
        lines.append(f"  reproduce: {o.reproduce}")
    fun = _functional_totals(summary.functional)
    if fun:
        lines.append("")
        lines.append(f"functional coverage over all seeds: {fun['hit']}/{fun['bins']} bins "
                     f"({fun['percent']:.1f} %) in {fun['configs']} parameter set(s)")
    code = _code_totals(summary.code)
    if code:
        lines.append("code coverage over all seeds: " + ", ".join(
            f"{k} {v['hit']}/{v['total']}" for k, v in code.items() if k != "runs") + f" ({code['runs']} runs)")
    return "\n".join(lines)


def to_junit(summary: RegressSummary) -> str:
    """JUnit XML: a testsuite per seed, a testcase per (sim, top, parameters, test)."""
    suites = ET.Element("testsuites", name="ebpc multi-seed regression")
    for seed in summary.seeds:
        mine = [o for o in summary.outcomes if o.seed == seed]
        suite = ET.SubElement(suites, "testsuite", name=f"seed {seed}", tests=str(len(mine)),
                              failures=str(sum(o.status == "fail" for o in mine)),
                              errors=str(sum(o.status == "error" for o in mine)),
                              skipped=str(sum(o.status == "skip" for o in mine)))
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="ebpc_seed", value=str(seed))
        for o in mine:
            w, n, z = o.config
            case = ET.SubElement(suite, "testcase", classname=f"{o.sim}.{o.top}.W{w}N{n}Z{z}", name=o.test,
                                 time=f"{o.seconds:.1f}")
            if o.status in ("fail", "error"):
                ET.SubElement(case, "failure" if o.status == "fail" else "error",
                              message=o.first_line).text = f"{o.message}\nreproduce: {o.reproduce}"
            elif o.status == "skip":
                ET.SubElement(case, "skipped")
    return ET.tostring(suites, encoding="unicode")


def _functional_totals(functional: dict | None) -> dict | None:
    if not functional:
        return None
    bins = sum(v["bins"] for v in functional.values())
    hit = sum(v["hit"] for v in functional.values())
    return {"configs": len(functional), "bins": bins, "hit": hit, "percent": 100.0 * hit / max(bins, 1)}


def _code_totals(code: dict | None) -> dict | None:
    if not code or not code.get("modules"):
        return None
    out: dict = {"runs": code.get("runs", 0)}
    for m in code["modules"]:
        for kind, total in m["totals"].items():
            row = out.setdefault(kind, {"total": 0, "hit": 0})
            row["total"] += total
            row["hit"] += m["hits"].get(kind, 0)
    return out


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
        mark = "ok  " if o.status in ("pass", "skip") else "FAIL"
        print(f"[regress] {mark} seed {o.seed} {o.sim} {o.top} W{o.config[0]}N{o.config[1]}Z{o.config[2]} "
              f"{o.test}" + (f": {o.first_line}" if o.first_line else ""), flush=True)
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


def _merge_coverage(out: Path, reports: Path) -> tuple[dict | None, dict | None]:
    """Merged functional and code coverage of every run (reports written into ``reports``)."""
    from ..reports import codecov
    from ..reports import coverage_report  # noqa: PLC0415

    functional = None
    files = sorted((out / "functional").glob("*.json"))
    if files:
        text, functional, _ = coverage_report.render(coverage_report.merge(files))
        (reports / "coverage.txt").write_text(text + "\n")
        (reports / "coverage.json").write_text(json.dumps(functional, indent=1) + "\n")
    code = None
    dats = sorted((out / "codecov").glob("*.dat"))
    if dats:
        summaries = codecov.summarise(codecov.merge_files(dats))
        exclusions = codecov.find_exclusions(codecov.DEFAULT_RTL)
        (reports / "code_coverage.txt").write_text(codecov.format_report(summaries, exclusions) + "\n")
        code = {"runs": len(dats), "modules": [s.to_json() for s in summaries],
                "excluded": [str(e) for e in exclusions]}
        (reports / "code_coverage.json").write_text(json.dumps(code, indent=1) + "\n")
    return functional, code


_REPORTS = ("regress.txt", "regress.json", "junit.xml", "coverage.txt", "coverage.json",
            "code_coverage.txt", "code_coverage.json")


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
    ap.add_argument("--full", action="store_true", default=os.environ.get("EBPC_FULL", "") == "1",
                    help="the long runs (10x random transmissions)")
    ap.add_argument("--out", type=Path, default=REPO_DIR / "build" / "regress", help="per-run data (cleared first)")
    ap.add_argument("--reports", type=Path, default=REPO_DIR / "reports" / "regress", help="the reports")
    args = ap.parse_args(argv)
    try:
        if args.seed_list.strip():
            seeds = [parse_seed(s, "seed") for s in args.seed_list.split(",") if s.strip()]
        else:
            count = int(args.seeds)
            if count < 1:
                raise ValueError(f"--seeds {args.seeds}: need at least 1")
            seeds = [fresh_seed() for _ in range(count)]
        jobs_at_once = int(args.jobs)
        sample = int(args.sample)
        scale = float(args.scale)
        if jobs_at_once < 1 or sample < 0 or not scale > 0:
            raise ValueError("--jobs must be >= 1, --sample >= 0, --scale > 0")
        sims = runner.parse_choices(args.sim, runner.SIMS, "--sim")
        tops = runner.parse_choices(args.top, list(spec.TOPS), "--top")
        tests = [t.strip() for t in args.tests.split(",") if t.strip()]
        if not tests or not all(t.isidentifier() for t in tests):
            raise ValueError(f"--tests {args.tests!r}: a comma list of cocotb test names")
    except ValueError as exc:
        msg = str(exc)
        if "invalid literal" in msg:
            msg = f"not a number: {msg.split(': ', 1)[-1]}"
        print(f"regress: error: {msg}", file=sys.stderr)
        return 2

    print(f"seeds: {' '.join(map(str, seeds))} (reproduce this regression: "
          f"make regress SEED_LIST={','.join(map(str, seeds))})", flush=True)
    jobs = plan_jobs(seeds, sims, tops, tests, sample, scale, args.full,
                     available={top: bench_tests(top) for top in tops})
    if not jobs:
        print(f"regress: error: no bench of {', '.join(tops)} has any of the tests {', '.join(tests)}",
              file=sys.stderr)
        return 2
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    args.reports.mkdir(parents=True, exist_ok=True)
    for name in _REPORTS:          # nothing of an earlier regression may pass for this one's
        (args.reports / name).unlink(missing_ok=True)
    t0 = time.monotonic()
    outcomes = run_regression(jobs, args.out, jobs_at_once)
    summary = RegressSummary(seeds, outcomes, time.monotonic() - t0)
    summary.functional, summary.code = _merge_coverage(args.out, args.reports)
    text = format_text(summary)
    (args.reports / "regress.txt").write_text(text + "\n")
    (args.reports / "regress.json").write_text(json.dumps(summary.to_json(), indent=1) + "\n")
    (args.reports / "junit.xml").write_text(to_junit(summary) + "\n")
    print()
    print(text)
    print(f"\nregress: reports in {args.reports}/ (regress.txt, regress.json, junit.xml, coverage.*, code_coverage.*)")
    return 1 if summary.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
