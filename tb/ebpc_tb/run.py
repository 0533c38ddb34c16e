# SPDX-License-Identifier: Apache-2.0
"""Command line: build and run the EBPC cocotb benches.

    python -m ebpc_tb.run --sim icarus|verilator --top encoder|decoder|loopback
        [--w 8 --n 8 --z 16] [--sweep] [--vectors path.json] [--seed N]
        [--waves] [--testcase NAME] [--full] [--scale X] [--coverage out.json]

``--sim``/``--top`` accept comma lists or ``all``.  ``--sweep`` runs
W in {8,16,32} x N in {8,16} x Z in {2,16,64} with fewer random transmissions
(``--scale``, default 0.25 for a sweep).  Exit status is non-zero when any
run fails, scores nothing or does not build.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from . import runner


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ebpc_tb.run", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sim", default=os.environ.get("SIM", "icarus"),
                    help="icarus, verilator, a comma list or all (default icarus)")
    ap.add_argument("--top", default=os.environ.get("TOP", "encoder"),
                    help="encoder, decoder, loopback, a comma list or all (default encoder)")
    ap.add_argument("--w", type=int, default=8, help="DataWidth (default 8)")
    ap.add_argument("--n", type=int, default=8, help="BlockSize (default 8)")
    ap.add_argument("--z", type=int, default=16, help="MaxZeroRun (default 16)")
    ap.add_argument("--sweep", action="store_true", help="run the parameter sweep")
    ap.add_argument("--vectors", default=None, help="extra vectors (JSON, conformance-case format)")
    ap.add_argument("--seed", type=int, default=None, help="base seed (default: random, printed)")
    ap.add_argument("--waves", action="store_true", default=os.environ.get("WAVES", "") == "1",
                    help="dump a waveform (FST for icarus, VCD for verilator)")
    ap.add_argument("--testcase", default=None, help="run only this cocotb test (comma list)")
    ap.add_argument("--full", action="store_true", default=os.environ.get("EBPC_FULL", "") == "1",
                    help="the large run (10x random transmissions)")
    ap.add_argument("--scale", type=float, default=None, help="scale the number of random transmissions")
    ap.add_argument("--coverage", default=None, help="write functional coverage to this JSON file")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="extra HDL parameter (e.g. PlanesPerCycle=4); own build directory")
    ap.add_argument("--jobs", "-j", type=int, default=1, help="parallel runs (default 1)")
    ap.add_argument("--build-only", action="store_true", help="only build")
    args = ap.parse_args(argv)

    try:
        sims = runner.parse_choices(args.sim, runner.SIMS, "--sim")
        tops = runner.parse_choices(args.top, list(runner.TOPS), "--top")
    except ValueError as exc:
        ap.error(str(exc))
    if args.vectors and not os.path.exists(args.vectors):
        ap.error(f"vector file {args.vectors} does not exist")
    configs = runner.SWEEP_CONFIGS if args.sweep else [(args.w, args.n, args.z)]
    try:
        params = runner.parse_params(args.param)
    except ValueError as exc:
        ap.error(str(exc))
    scale = args.scale if args.scale is not None else (0.25 if args.sweep else None)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2**31)
    print(f"[ebpc_tb] seed {seed} (re-run with --seed {seed})", flush=True)

    jobs = [(s, t, c) for s in sims for t in tops for c in configs]
    t0 = time.monotonic()
    results: list[runner.RunResult] = []

    if args.build_only:
        rc = 0
        for s, t, c in jobs:
            try:
                tag = "".join(f"_{k}{v}" for k, v in sorted(params.items()))
                runner.build(s, t, c, waves=args.waves, params=params or None,
                             bdir=runner.build_dir_for(s, t, c, args.waves, tag))
            except runner.BuildError as exc:
                print(exc.log[-5000:], file=sys.stderr)
                print(f"BUILD FAILED: {exc}", file=sys.stderr)
                rc = 1
        return rc

    def one(job):
        s, t, c = job
        cov = None
        if args.coverage:
            cov = args.coverage if len(jobs) == 1 else \
                args.coverage.replace(".json", f"_{s}_{t}_W{c[0]}_N{c[1]}_Z{c[2]}.json")
        r = runner.run(s, t, c, seed=seed, vectors=args.vectors, testcase=args.testcase,
                       waves=args.waves, full=args.full, scale=scale, coverage=cov, params=params or None)
        print(f"[ebpc_tb] {r.line()}", flush=True)
        return r

    if args.jobs > 1:
        # build serially per simulator first (builds already use all cores), then run in parallel
        for s, t, c in jobs:
            try:
                tag = "".join(f"_{k}{v}" for k, v in sorted(params.items()))
                runner.build(s, t, c, waves=args.waves, params=params or None,
                             bdir=runner.build_dir_for(s, t, c, args.waves, tag))
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
    bad = [r for r in results if not r.ok]
    if bad:
        print(f"[ebpc_tb] {len(bad)} of {len(results)} run(s) FAILED (seed {seed})")
        return 1
    print(f"[ebpc_tb] all {len(results)} run(s) passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
