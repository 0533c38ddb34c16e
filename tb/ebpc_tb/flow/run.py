# SPDX-License-Identifier: Apache-2.0
"""Command line: build and run the EBPC cocotb benches.

    python -m ebpc_tb.flow.run --sim icarus|verilator --top encoder|decoder|loopback|axis_encoder|axis_decoder
        [--w 8 --n 8 --z 16] [--sweep] [--vectors path.json] [--sample K] [--seed N]
        [--waves] [--testcase NAME] [--full] [--scale X] [--coverage out.json]

``--sim``/``--top`` accept comma lists or ``all``.  ``--sweep`` runs
W in {8,16,32} x N in {8,16} x Z in {2,16,64} with fewer random transmissions
(``--scale``, default 0.25 for a sweep).  ``--vectors f.json`` without --w/--n/--z runs
every case of the file at its own W, N, Z: one build per parameter set (cached), the
cases of that set in test_vectors (free flow, then under traffic), and one summary line
per parameter set.  ``--sample K`` draws K parameter sets from the whole legal space
(W, N, Z, PlanesPerCycle of each core, CountWidth, EnableCounts) with the seed and runs
the random, corner and closure tests there.  ``--netlist X.v`` runs the top's bench on a
gate-level netlist instead of the RTL (:mod:`ebpc_tb.flow.gls`): its parameters come from the
sidecar ``X.params.json`` and ``--param``/``--w``/``--n``/``--z``; with ``--vectors`` the
file's cases at the netlist's W, N, Z.  Exit status is non-zero when any
run fails, scores nothing or does not build.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import runner
from .. import spec


SAMPLED_TESTS = "test_random,test_corners,test_coverage_closure"


@dataclasses.dataclass(frozen=True)
class Job:
    """One simulation: a top of one build (W, N, Z and further parameters)."""

    sim: str
    top: str
    config: tuple[int, int, int]
    params: dict[str, object]
    testcase: str | None
    vectors_exact: bool = False
    max_length: int = 0

    @property
    def tag(self) -> str:
        return runner.params_tag(self.params)


def file_configs(path: str) -> list[tuple[int, int, int]]:
    """The parameter sets (W, N, Z) of a case file, sorted; ValueError (one line) if the file
    is unreadable, has no case or holds an illegal parameter set."""
    import ebpc  # noqa: PLC0415

    from ..bench.stimulus import load_case_file  # noqa: PLC0415

    cases = load_case_file(path)
    if not cases:
        raise ValueError(f"{path}: no case")
    configs = sorted({(int(c["w"]), int(c["n"]), int(c["z"])) for c in cases})
    for w, n, z in configs:
        try:
            ebpc.Params(w, n, z)
        except ebpc.ParameterError as exc:
            raise ValueError(f"{path}: a case at W={w} N={n} Z={z}: {exc}") from None
    return configs


def record_params(path: str, params: dict[str, object]) -> None:
    """Add the build's parameters beyond W/N/Z to a functional-coverage file (``config.params``)."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return
    data.setdefault("config", {})["params"] = {k: int(v) if str(v).lstrip("-").isdigit() else v
                                               for k, v in params.items()}
    Path(path).write_text(json.dumps(data, indent=1))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ebpc_tb.flow.run", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sim", default=os.environ.get("SIM", "icarus"),
                    help="icarus, verilator, a comma list or all (default icarus)")
    ap.add_argument("--top", default=None,
                    help=f"{', '.join(spec.TOPS)} (the last two: the AXI4-Stream tops), "
                         "a comma list or all (default encoder)")
    ap.add_argument("--w", type=int, default=None, help="DataWidth (default 8)")
    ap.add_argument("--n", type=int, default=None, help="BlockSize (default 8)")
    ap.add_argument("--z", type=int, default=None, help="MaxZeroRun (default 16)")
    ap.add_argument("--sweep", action="store_true", help="run the parameter sweep")
    ap.add_argument("--vectors", default=None,
                    help="case file (JSON, conformance-case format): alone, every case runs at its "
                         "own W, N, Z (test_vectors); with --w/--n/--z, the whole bench at that set "
                         "with the file as its real-data stimulus")
    ap.add_argument("--sample", type=int, default=0, metavar="K",
                    help="run K parameter sets drawn from the whole legal space with the seed "
                         f"({SAMPLED_TESTS.replace(',', ', ')})")
    ap.add_argument("--sample-index", type=int, default=None, metavar="I",
                    help="with --sample: only the I-th drawn set (0-based)")
    ap.add_argument("--sample-budget", type=int, default=None, metavar="B",
                    help="with --sample: draw only sets whose encoder PlanesPerCycle x BlockSize is at "
                         f"most B (make test: {spec.QUICK_ENCODER_PLANE_BITS}; default: the whole space)")
    ap.add_argument("--max-length", type=int, default=0, metavar="L",
                    help="send no transmission longer than L words (0: the bench's own limits)")
    ap.add_argument("--seed", type=int, default=None, help="base seed (default: random, printed)")
    ap.add_argument("--waves", action="store_true", default=os.environ.get("WAVES", "") == "1",
                    help="dump a waveform (FST for icarus, VCD for verilator)")
    ap.add_argument("--testcase", default=None, help="run only this cocotb test (comma list)")
    ap.add_argument("--full", action="store_true", default=spec.FlowOptions.from_env().full,
                    help="the large run (10x random transmissions)")
    ap.add_argument("--scale", type=float, default=None, help="scale the number of random transmissions")
    ap.add_argument("--coverage", default=None, help="write functional coverage to this JSON file")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="extra HDL parameter (e.g. PlanesPerCycle=4); own build directory")
    ap.add_argument("--inject-fault", choices=("znz", "bpc", "out"), default=None,
                    help="bench self-test: corrupt one expected word of the third transmission "
                         "(the run must then fail)")
    ap.add_argument("--summary", type=Path, default=None,
                    help="write every run's result to this JSON file")
    ap.add_argument("--jobs", "-j", type=int, default=1, help="parallel runs (default 1)")
    ap.add_argument("--build-only", action="store_true", help="only build")
    ap.add_argument("--netlist", default=None, metavar="X.v",
                    help="simulate this gate-level netlist of --top (sky130_fd_sc_hd or Yosys internal "
                         "cells) instead of the RTL; parameters from X.params.json and --param")
    args = ap.parse_args(argv)
    if args.netlist:
        return netlist_main(ap, args)
    args.top = args.top or os.environ.get("TOP", "encoder")

    try:
        # --sim auto (with --sample): the faster simulator for each drawn set (runner.quicker_sim)
        sims = ["auto"] if args.sim == "auto" and args.sample else runner.parse_choices(args.sim, runner.SIMS, "--sim")
        tops = runner.parse_choices(args.top, list(spec.TOPS), "--top")
        params = runner.parse_params(args.param)
    except ValueError as exc:
        ap.error(str(exc))
    if args.vectors and not os.path.exists(args.vectors):
        ap.error(f"vector file {args.vectors} does not exist")
    if args.sample < 0 or (args.sample_index is not None and not 0 <= args.sample_index < args.sample):
        ap.error(f"--sample-index must be in 0..K-1 with --sample K (got {args.sample_index}, K={args.sample})")
    explicit = (args.w, args.n, args.z) != (None, None, None)
    single = (args.w or 8, args.n or 8, args.z or 16)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2**31)
    print(f"[ebpc_tb] seed {seed} (re-run with --seed {seed})", flush=True)

    jobs: list[Job] = []
    if args.sample:
        points = spec.sample_configs(seed, args.sample, args.sample_budget)
        chosen = [args.sample_index] if args.sample_index is not None else range(args.sample)
        for i in chosen:
            point = points[i]
            print(f"[ebpc_tb] sampled set {i} of seed {seed}: {point.describe()}", flush=True)
            point_sims = [runner.quicker_sim(point.config)] if sims == ["auto"] else sims
            jobs += [Job(s, t, point.config, {**point.params(t), **params}, args.testcase or SAMPLED_TESTS)
                     for s in point_sims for t in tops]
        scale = args.scale if args.scale is not None else 0.25
    elif args.vectors and not explicit and not args.sweep:
        try:
            configs = file_configs(args.vectors)
        except ValueError as exc:
            ap.error(str(exc))
        print(f"[ebpc_tb] {args.vectors}: {len(configs)} parameter set(s), each case at its own",
              flush=True)
        jobs = [Job(s, t, c, dict(params), args.testcase or "test_vectors", vectors_exact=True)
                for c in configs for s in sims for t in tops]
        scale = args.scale
    else:
        configs = spec.SWEEP_CONFIGS if args.sweep else [single]
        jobs = [Job(s, t, c, dict(params), args.testcase) for s in sims for t in tops for c in configs]
        scale = args.scale if args.scale is not None else (0.25 if args.sweep else None)

    if args.max_length < 0:
        ap.error(f"--max-length must be >= 0, got {args.max_length}")
    if args.max_length:
        jobs = [dataclasses.replace(j, max_length=min(args.max_length, spec.max_length_for(j.top, j.params)
                                                      or args.max_length)) for j in jobs]
    t0 = time.monotonic()
    results: list[runner.RunResult] = []

    def build(job: Job) -> None:
        runner.build(job.sim, job.top, job.config, waves=args.waves, params=job.params or None,
                     bdir=runner.build_dir_for(job.sim, job.top, job.config, args.waves, job.tag))

    if args.build_only:
        rc = 0
        for job in jobs:
            try:
                build(job)
            except runner.BuildError as exc:
                print(exc.log[-5000:], file=sys.stderr)
                print(f"BUILD FAILED: {exc}", file=sys.stderr)
                rc = 1
        return rc

    def one(job: Job) -> runner.RunResult:
        w, n, z = job.config
        cov = None
        if args.coverage:
            cov = args.coverage if len(jobs) == 1 else \
                args.coverage.replace(".json", f"_{job.sim}_{job.top}_W{w}_N{n}_Z{z}{job.tag}.json")
        run_spec = spec.RunSpec.of(job.config, job.params, seed=seed, full=args.full, scale=scale or 1.0,
                                   vectors=args.vectors, vectors_exact=job.vectors_exact, coverage=cov,
                                   max_length=job.max_length, inject_fault=args.inject_fault)
        r = runner.run(job.sim, job.top, run_spec, testcase=job.testcase, waves=args.waves)
        if cov:
            record_params(cov, {**spec.rtl_defaults(job.top, w, int(job.params.get("Lanes", 1))), **job.params})
        print(f"[ebpc_tb] {r.line()}", flush=True)
        return r

    if args.jobs > 1:
        # build serially per simulator first (builds already use all cores), then run in parallel
        for job in jobs:
            try:
                build(job)
            except runner.BuildError:
                pass  # reported by run()
        with ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(one, jobs))
    else:
        results = [one(j) for j in jobs]

    print("\n[ebpc_tb] summary (seed %d, %.1fs):" % (seed, time.monotonic() - t0))
    for r in results:
        print("  " + r.line())
        if r.xml:
            print(f"      results: {r.xml}")
        if r.waves:
            print(f"      waves:   {r.waves}")
    if len({j.config for j in jobs}) > 1 or args.sample or (args.vectors and not explicit):
        print("[ebpc_tb] per parameter set:")
        for line in config_lines(jobs, results):
            print("  " + line)
    if args.summary:
        runner.write_summary(args.summary, seed, results)
    bad = [r for r in results if not r.ok]
    if bad:
        print(f"[ebpc_tb] {len(bad)} of {len(results)} run(s) FAILED (seed {seed})")
        return 1
    print(f"[ebpc_tb] all {len(results)} run(s) passed")
    return 0


def netlist_main(ap: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """``--netlist``: one top's bench on a gate-level netlist (every error is one line)."""
    from . import gls  # noqa: PLC0415

    unsupported = [name for name, on in (("--sweep", args.sweep), ("--sample", args.sample),
                                         ("--coverage", args.coverage), ("--jobs", args.jobs > 1),
                                         ("--build-only", args.build_only)) if on]
    if unsupported:
        ap.error(f"--netlist runs one netlist: not with {', '.join(unsupported)} (functional "
                 f"coverage and sweeps are the RTL's)")
    try:
        sims = runner.parse_choices(args.sim, runner.SIMS, "--sim")
        params = runner.parse_params(args.param)
        for flag, name in ((args.w, "DataWidth"), (args.n, "BlockSize"), (args.z, "MaxZeroRun")):
            if flag is not None:
                if name in params and int(params[name], 0) != flag:
                    raise ValueError(f"--param {name}={params[name]} and its flag ({flag}) differ")
                params[name] = str(flag)
        top = None
        if args.top:
            top = runner.parse_choices(args.top, list(spec.TOPS), "--top")
            if len(top) != 1:
                raise ValueError("--netlist takes one --top")
            top = top[0]
        net = gls.load_netlist(args.netlist, top, params)
    except ValueError as exc:   # gls.NetlistError is one
        ap.error(str(exc))
    if args.vectors and not os.path.exists(args.vectors):
        ap.error(f"vector file {args.vectors} does not exist")
    given = sorted(set(net.params) - set(net.from_sidecar))
    print(f"[ebpc_tb] netlist {net.path} ({net.top}); parameters: "
          + ", ".join(f"{k}={v}" for k, v in sorted(net.params.items()))
          + (f" (sidecar: {', '.join(net.from_sidecar)})" if net.from_sidecar else " (no sidecar)")
          + (f" (command line: {', '.join(given)})" if given else ""), flush=True)
    missing = [k for k in ("DataWidth", "BlockSize", "MaxZeroRun") if k not in net.params]
    if missing:
        print(f"[ebpc_tb] netlist: {', '.join(missing)} not given: the RTL defaults are assumed "
              f"(--param {missing[0]}=... to set; only port widths can be checked)", flush=True)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2**31)
    print(f"[ebpc_tb] seed {seed} (re-run with --seed {seed})", flush=True)
    testcase = args.testcase
    exact = bool(args.vectors) and args.w is None and args.n is None and args.z is None
    if exact:
        try:
            configs = file_configs(args.vectors)
        except ValueError as exc:
            ap.error(str(exc))
        if net.config not in configs:
            ap.error(f"{args.vectors} has no case at the netlist's W, N, Z = {net.config} "
                     f"(its sets: {configs})")
        testcase = testcase or "test_vectors"
    max_length = args.max_length or spec.max_length_for(net.top, net.extra)
    module, select = gls.bench_module(net.top, net.params)
    if module:
        print(f"[ebpc_tb] netlist: Lanes > 1: tb/{module}.py ({select}), as on the RTL", flush=True)
    results = []
    for sim in sims:
        run_spec = spec.RunSpec.of(net.config, net.extra, seed=seed, full=args.full, scale=args.scale or 1.0,
                                   vectors=args.vectors, vectors_exact=exact, max_length=max_length,
                                   inject_fault=args.inject_fault, netlist=str(net.path), select=select)
        r = runner.run(sim, net.top, run_spec, testcase=testcase, waves=args.waves, test_module=module)
        print(f"[ebpc_tb] {r.line()} [netlist {net.path.name}]", flush=True)
        results.append(r)
    if args.summary:
        runner.write_summary(args.summary, seed, results)
    bad = [r for r in results if not r.ok]
    print(f"[ebpc_tb] netlist: {len(results) - len(bad)} of {len(results)} run(s) passed (seed {seed})")
    return 1 if bad else 0


def config_lines(jobs: list[Job], results: list[runner.RunResult]) -> list[str]:
    """One line per parameter set (W, N, Z): PASS/FAIL, then each run with its test count and
    its further parameters (they differ per top at a sampled set)."""
    groups: dict[tuple[int, int, int], list[tuple[Job, runner.RunResult]]] = {}
    for job, res in zip(jobs, results):
        groups.setdefault(job.config, []).append((job, res))
    lines = []
    for (w, n, z), runs in groups.items():
        ok = all(r.ok for _, r in runs)
        parts = []
        for j, r in runs:
            extra = " ".join(f"{k}={v}" for k, v in sorted(j.params.items()))
            parts.append(f"{j.sim} {j.top}{' [' + extra + ']' if extra else ''} "
                         f"{'PASS' if r.ok else 'FAIL'} ({r.tests - r.failures}/{r.tests} tests)")
        lines.append(f"{'PASS' if ok else 'FAIL'} W={w} N={n} Z={z}: " + ", ".join(parts))
    return lines


if __name__ == "__main__":
    sys.exit(main())
