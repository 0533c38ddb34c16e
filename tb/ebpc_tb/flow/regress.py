# SPDX-License-Identifier: Apache-2.0
"""Multi-seed regression, the running half: the random parts of the benches over many seeds,
as items on a Dask cluster.

    python -m ebpc_tb.flow.regress --seeds 4 [--cluster local] [--workers 2] [--sim verilator]
        [--top all] [--tests test_random,...] [--sample 1] [--scale 0.15] [--seed-list 11,12]
        [--split] [--shard I/N] [--timeout 900] [--builds shared|worker] [--out build/regress]
        [--queue Q --account A --cores C --memory M --walltime T --python PATH]
    python -m ebpc_tb.flow.regress --merge DIR [DIR ...] [--out build/regress]

For every seed (fresh ones unless --seed-list gives them) it plans, for each bench, the
seed-dependent tests (:data:`RANDOM_TESTS`) at the default parameters and at ``--sample``
parameter sets drawn from the sweep with that seed (fewer random transmissions, ``--scale``).
Each (seed, simulator, bench, parameter set, test group) is an item (:mod:`ebpc_tb.flow.jobs`;
``--split``: a group per test); ``--shard I/N`` keeps every N-th. The items run on the cluster
``--cluster`` names (:mod:`ebpc_tb.flow.cluster`), after every worker has been checked against
this checkout (:mod:`ebpc_tb.flow.workers`), each in a process of its own killed after
``--timeout`` seconds (:mod:`ebpc_tb.flow.items`), handed out by :mod:`ebpc_tb.flow.dispatch`.

Everything goes under ``<out>`` (cleared first): what each item sent back (cocotb JUnit, logs,
functional coverage, Verilator .dat files) and ``outcomes.json`` (:class:`RegressionRun`: the
run's commit, date and cluster, every item's :class:`ItemRecord` and every test's
:class:`TestOutcome`, each with the one command that reproduces it). ``--merge`` joins the
folders of several shards into ``<out>``. The reports are written from that by
``python -m ebpc_tb.reports.regression``; ``make regress`` runs both. Exit status 1 when any
item failed, 2 on bad arguments or an unusable cluster.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import secrets
import shutil
import sys
import time
import zlib
from pathlib import Path
from typing import Any, Mapping, Sequence

from . import runner
from .cluster import ClusterError, ClusterOptions, open_client, parse_cluster
from .covdata import CoverageSums, sum_files
from .dispatch import DispatchOptions, dispatch
from .items import ItemRecord, ItemResult, ItemSettings
from .launcher import Launchers
from .jobs import (DEFAULT_SCALE, RANDOM_TESTS, Config, Job, JsonRow, TestOutcome, bench_tests, outcomes_from_junit,
                   parse_shard, plan_jobs, progress_line, shard)
from .workers import BuildSlot, Fingerprint, check_workers, fingerprint
from .. import spec
from ..spec import REPO_DIR, fresh_seed, parse_seed

__all__ = ["RANDOM_TESTS", "DEFAULT_SCALE", "OUTCOMES_FILE", "Config", "Job", "TestOutcome", "RunInfo",
           "RegressionRun", "plan_jobs", "bench_tests", "outcomes_from_junit", "progress_line", "write_outcomes",
           "read_outcomes", "merge_runs", "main"]

# What the reports half reads: <out>/outcomes.json.
OUTCOMES_FILE = "outcomes.json"
DATA_DIRS = ("junit", "logs", "functional", "codecov")
# Variables a reproduce command carries when set (they change the stimulus or the checks), and
# those forwarded to every worker besides (code coverage changes no outcome).
_PASSED_ENV = (spec.RUN_VARIABLES["inject_fault"], spec.RUN_VARIABLES["vectors"])
_FORWARDED_ENV = (*spec.NO_CODE_COVERAGE, *_PASSED_ENV)


@dataclasses.dataclass(frozen=True)
class RunInfo(JsonRow):
    """Where and when a regression ran."""

    commit: str = ""
    changes: str = ""           # digest of uncommitted changes ("" for a clean checkout)
    date: str = ""              # start, ISO 8601 UTC
    cluster: str = ""
    workers: tuple[str, ...] = ()
    startup: float = 0.0        # seconds to start or reach the cluster and check its workers
    shard: str = ""
    timeout: float = 0.0
    json_tuples = {"workers": str}


@dataclasses.dataclass(frozen=True)
class RegressionRun:
    """What one regression ran: its seeds, wall time, items and every test's outcome, in plan order."""

    seeds: tuple[int, ...]
    outcomes: tuple[TestOutcome, ...]
    elapsed: float = 0.0
    items: tuple[ItemRecord, ...] = ()
    info: RunInfo = RunInfo()

    @property
    def failed(self) -> list[TestOutcome]:
        return [o for o in self.outcomes if o.failed]

    def to_json(self) -> dict[str, Any]:
        return {"seeds": list(self.seeds), "elapsed": self.elapsed, "info": self.info.to_json(),
                "items": [i.to_json() for i in self.items], "outcomes": [o.to_json() for o in self.outcomes]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "RegressionRun":
        return cls(tuple(int(s) for s in data["seeds"]), tuple(TestOutcome.from_json(o) for o in data["outcomes"]),
                   float(data.get("elapsed", 0.0)), tuple(ItemRecord.from_json(i) for i in data.get("items", ())),
                   RunInfo.from_json(data.get("info", {})))


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


def merge_runs(runs: Sequence[RegressionRun]) -> RegressionRun:
    """Shards of one regression as one run; ValueError if they ran different commits or share an item."""
    commits = {r.info.commit for r in runs if r.info.commit}
    if len(commits) > 1:
        raise ValueError(f"the shards ran different commits: {', '.join(sorted(c[:12] for c in commits))}")
    names = [i.name for r in runs for i in r.items]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"an item is in more than one shard: {', '.join(twice[:3])}")
    seeds = tuple(dict.fromkeys(s for r in runs for s in r.seeds))
    infos = [r.info for r in runs]
    info = RunInfo(commit=next(iter(commits), ""), changes=infos[0].changes if infos else "",
                   date=min((i.date for i in infos if i.date), default=""),
                   cluster="; ".join(dict.fromkeys(i.cluster for i in infos if i.cluster)),
                   workers=tuple(dict.fromkeys(w for i in infos for w in i.workers)),
                   startup=max((i.startup for i in infos), default=0.0), shard=f"{len(runs)} shards merged",
                   timeout=max((i.timeout for i in infos), default=0.0))
    return RegressionRun(seeds, tuple(o for r in runs for o in r.outcomes), max((r.elapsed for r in runs), default=0.0),
                         tuple(i for r in runs for i in r.items), info)


def merge_dirs(sources: Sequence[Path], out: Path) -> RegressionRun:
    """The folders of several shards joined into ``out`` (cleared first); ValueError (one line)."""
    runs = [read_outcomes(src) for src in sources]
    merged = merge_runs(runs)
    shutil.rmtree(out, ignore_errors=True)
    for src in sources:
        for sub in DATA_DIRS:
            if sub != "codecov" and (src / sub).is_dir():
                shutil.copytree(src / sub, out / sub, dirs_exist_ok=True)
    # two shards ran items of one build: their coverage is summed, not overwritten
    sum_files(((dat.stem, dat) for src in sources for dat in sorted((src / "codecov").glob("*.dat"))), out / "codecov")
    out.mkdir(parents=True, exist_ok=True)
    write_outcomes(out, merged)
    return merged


# -- running (I/O) -----------------------------------------------------------------------------

def _settings(run_id: str, timeout: float) -> ItemSettings:
    env = {k: os.environ.get(k, "") for k in _FORWARDED_ENV}
    return ItemSettings(topic=f"ebpc-regress-{run_id}", timeout=timeout, env=tuple(sorted(env.items())),
                        reproduce_env=tuple(sorted((k, v) for k, v in env.items() if k in _PASSED_ENV and v)))


def _admit(client: Any, expected: Fingerprint, seen: dict[str, Fingerprint]) -> Any:
    """The dispatcher's check of each new worker against this checkout."""

    def admit(addresses: list[str]) -> None:
        addresses = [a for a in addresses if a not in seen]
        if not addresses:
            return
        found = check_workers(client, expected, addresses)
        seen.update(found)
        for address, fp in sorted(found.items()):
            print(f"[regress] worker {address} on {fp.host}: {fp.short}, Python {fp.python}, "
                  f"{len(fp.packages)} packages, as this checkout", flush=True)

    return admit


def _report(out: Path, done: list[int], total: int, coverage: CoverageSums):
    def report(result: ItemResult) -> None:
        result.files.write(out, result.record.name)
        if result.files.codecov is not None:
            coverage.add(result.record.build, zlib.decompress(result.files.codecov))
        done[0] += 1
        r = result.record
        for o in result.outcomes:
            print(progress_line(o), flush=True)
        print(f"[regress] item {done[0]}/{total} {r.name} {r.status.upper()} in {r.seconds:.1f} s on worker {r.worker}",
              flush=True)

    return report


def run_items(jobs: Sequence[Job], out: Path, cluster: str, options: ClusterOptions, *, timeout: float,
              shared_builds: bool | None = None, slot_base: str = "", shard_label: str = "",
              start_timeout: float = 300.0) -> RegressionRun:
    """Run the items on the cluster, their files into ``out`` (cleared once the cluster is up and
    its workers checked: a cluster that cannot be used leaves the last regression's data alone);
    ClusterError/ValueError (one line)."""
    plan = parse_cluster(cluster, options)
    shared = plan.kind == "local" if shared_builds is None else shared_builds
    sims = sorted({j.sim for j in jobs})
    expected = fingerprint(("iverilog",) if "icarus" in sims else ())
    run_id = secrets.token_hex(4)
    settings = _settings(run_id, timeout)
    date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    t0 = time.monotonic()
    seen: dict[str, Fingerprint] = {}
    print(f"[regress] {len(jobs)} item(s) on {plan.describe()}; builds: "
          f"{'shared (build/sim)' if shared else 'one tree per worker'}", flush=True)
    with open_client(plan) as client:
        client.register_plugin(Launchers(), name=Launchers.name)
        if not shared:
            client.register_plugin(BuildSlot(slot_base), name=BuildSlot.name)
        client.wait_for_workers(1, timeout=start_timeout)
        _admit(client, expected, seen)(list(client.nthreads()))
        startup = time.monotonic() - t0
        # nothing of an earlier regression (outcomes.json, coverage) may pass for this one's
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        coverage = CoverageSums()
        results = dispatch(client, jobs, settings, DispatchOptions(shared_builds=shared, start_timeout=start_timeout),
                           _admit(client, expected, seen), _report(out, [0], len(jobs), coverage))
        coverage.write(out / "codecov")
        for plugin in (Launchers.name, *(() if shared else (BuildSlot.name,))):
            client.unregister_worker_plugin(plugin)
    info = RunInfo(expected.commit, expected.changes, date, plan.describe(),
                   tuple(sorted({r.record.worker for r in results if r.record.worker})), round(startup, 2),
                   shard_label, timeout)
    return RegressionRun(tuple(dict.fromkeys(j.seed for j in jobs)), tuple(o for r in results for o in r.outcomes),
                         time.monotonic() - t0, tuple(r.record for r in results), info)


# -- command line ------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _Request:
    """The checked command line."""

    seeds: list[int]
    sample: int
    scale: float
    sims: list[str]
    tops: list[str]
    tests: list[str]
    options: ClusterOptions
    timeout: float
    shard: tuple[int, int] | None


def _parse(args: argparse.Namespace) -> _Request:
    """ValueError (one line) on a bad argument."""
    if args.seed_list.strip():
        seeds = [parse_seed(s, "seed") for s in args.seed_list.split(",") if s.strip()]
    else:
        count = int(args.seeds)
        if count < 1:
            raise ValueError(f"--seeds {args.seeds}: need at least 1")
        seeds = [fresh_seed() for _ in range(count)]
    sample, scale, timeout = int(args.sample), float(args.scale), float(args.timeout)
    if sample < 0 or not scale > 0 or not timeout > 0:
        raise ValueError("--sample must be >= 0, --scale > 0, --timeout > 0")
    tests = [t.strip() for t in args.tests.split(",") if t.strip()]
    if not tests or not all(t.isidentifier() for t in tests):
        raise ValueError(f"--tests {args.tests!r}: a comma list of cocotb test names")
    options = ClusterOptions(workers=int(args.workers), queue=args.queue, account=args.account, cores=int(args.cores),
                             memory=args.memory, walltime=args.walltime, python=args.python)
    parse_cluster(args.cluster, options)       # the cluster string and options, checked before anything runs
    return _Request(seeds, sample, scale, runner.parse_choices(args.sim, runner.SIMS, "--sim"),
                    runner.parse_choices(args.top, list(spec.TOPS), "--top"), tests, options,
                    timeout * (10 if args.full else 1), parse_shard(args.shard) if args.shard else None)


def _arguments() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m ebpc_tb.flow.regress", description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="4", help="number of fresh seeds (default 4)")
    ap.add_argument("--seed-list", default="", help="comma list of base seeds (instead of fresh ones)")
    ap.add_argument("--sim", default="verilator", help="icarus, verilator, a comma list or all (default verilator)")
    ap.add_argument("--top", default="all", help="encoder, decoder, loopback, a comma list or all (default all)")
    ap.add_argument("--tests", default=",".join(RANDOM_TESTS), help="cocotb tests per bench (comma list)")
    ap.add_argument("--sample", default="1", help="sweep parameter sets drawn per seed (default 1)")
    ap.add_argument("--scale", default=str(DEFAULT_SCALE),
                    help=f"random transmissions at sampled parameter sets (default {DEFAULT_SCALE})")
    ap.add_argument("--full", action="store_true", default=spec.FlowOptions.from_env().full,
                    help="the long runs (10x random transmissions, 10x the timeout)")
    ap.add_argument("--split", action="store_true", help="one item per test (default: per bench run)")
    ap.add_argument("--shard", default="", help="I/N: run only the I-th of N shards of the items (CI)")
    ap.add_argument("--cluster", default="local",
                    help="local, tcp://HOST:PORT, ssh://HOST,HOST,..., slurm, lsf, pbs or sge (default local)")
    ap.add_argument("--workers", default="2", help="local: worker processes; ssh: per host; batch: in all (default 2)")
    ap.add_argument("--builds", choices=("shared", "worker"), default=None,
                    help="shared: every worker builds into build/sim (default for local); worker: a tree each")
    ap.add_argument("--timeout", default="900", help="seconds an item may run before it is killed (default 900)")
    ap.add_argument("--queue", default="", help="batch: queue or partition")
    ap.add_argument("--account", default="", help="batch: account (Slurm, PBS) or project (LSF, SGE)")
    ap.add_argument("--cores", default="1", help="batch: cores per job, a worker each (default 1)")
    ap.add_argument("--memory", default="", help="batch: memory per job (default 2GB per core)")
    ap.add_argument("--walltime", default="01:00:00", help="batch: a job's time limit (default 01:00:00)")
    ap.add_argument("--python", default="", help="ssh, batch: the workers' interpreter (default: this one's path)")
    ap.add_argument("--merge", type=Path, nargs="+", default=None, metavar="DIR",
                    help="join the folders of several shards into --out instead of running")
    ap.add_argument("--out", type=Path, default=REPO_DIR / "build" / "regress",
                    help="per-item data and outcomes.json (cleared first)")
    return ap


def _error(message: str) -> int:
    if "invalid literal" in message:
        message = f"not a number: {message.split(': ', 1)[-1]}"
    print(f"regress: error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = _arguments().parse_args(argv)
    if args.merge:
        try:
            run = merge_dirs(args.merge, args.out)
        except ValueError as exc:
            return _error(str(exc))
        print(f"regress: {len(args.merge)} shard(s), {len(run.items)} items merged into {args.out}")
        return 1 if run.failed else 0
    try:
        req = _parse(args)
    except ValueError as exc:
        return _error(str(exc))
    print(f"seeds: {' '.join(map(str, req.seeds))} (reproduce this regression: "
          f"make regress SEED_LIST={','.join(map(str, req.seeds))})", flush=True)
    jobs = plan_jobs(req.seeds, req.sims, req.tops, req.tests, req.sample, req.scale, args.full,
                     available={top: bench_tests(top) for top in req.tops}, split=args.split)
    if not jobs:
        return _error(f"no bench of {', '.join(req.tops)} has any of the tests {', '.join(req.tests)}")
    if req.shard:
        jobs = shard(jobs, *req.shard)
    try:
        run = run_items(jobs, args.out, args.cluster, req.options, timeout=req.timeout,
                        shared_builds=None if args.builds is None else args.builds == "shared",
                        shard_label=args.shard)
    except (ClusterError, ValueError, TimeoutError, OSError) as exc:
        return _error(" ".join(str(exc).split()) or type(exc).__name__)
    path = write_outcomes(args.out, run)
    bad = [i for i in run.items if i.failed]
    retried = [i for i in run.items if i.attempts > 1]
    print(f"\nregress: {len(run.items)} items ({len(run.outcomes)} tests), {len(bad)} failed, "
          f"{len(retried)} rerun after a lost worker, {run.elapsed:.0f} s; outcomes in {path} "
          f"(reports: python -m ebpc_tb.reports.regression --out {args.out})")
    return 1 if bad or run.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
