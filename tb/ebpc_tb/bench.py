# SPDX-License-Identifier: Apache-2.0
"""Throughput bench: ``python -m ebpc_tb.bench [--sim verilator] [--check]``.

Per configuration (W/N in 8/8, 8/16, 16/8, 32/8 at Z=16) and stimulus (dense smooth,
random dense, ReLU-like ~50 % zeros, sparse ~90 % zeros), with outputs always ready and
inputs always valid, prints the encoder's and decoder's words/cycle next to the bound
L / max(L, BPC words, ZNZ words) and the fraction of the bound reached.  Targets:
>= 0.99 of the bound for W=8, >= 0.85 for W=16, >= 0.45 for W=32 (``--check`` exits
non-zero when one is missed).  Cycles run from the first input handshake to the last
done_o of 4 back-to-back transmissions of 1024 words (``--len``, ``--tx``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from . import runner

CONFIGS = [(8, 8, 16), (8, 16, 16), (16, 8, 16), (32, 8, 16)]
TARGET = {8: 0.99, 16: 0.85, 32: 0.45}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ebpc_tb.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sim", default="verilator", choices=runner.SIMS)
    ap.add_argument("--top", default="encoder,decoder")
    ap.add_argument("--len", type=int, default=1024, help="words per transmission")
    ap.add_argument("--tx", type=int, default=4, help="transmissions per stimulus")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    ap.add_argument("--json", default=None, help="also write the rows to this JSON file")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="extra HDL parameter of the benched tops (e.g. DecisionQueueDepth=8)")
    args = ap.parse_args(argv)
    try:
        params = runner.parse_params(args.param)
    except ValueError as exc:
        ap.error(str(exc))
    tops = [t.strip() for t in args.top.split(",") if t.strip()]
    out = Path(tempfile.mkstemp(prefix="ebpc_bench_", suffix=".jsonl")[1])
    t0 = time.monotonic()
    failed_runs = []
    for top in tops:
        for cfg in CONFIGS:
            res = runner.run(args.sim, top, cfg, seed=args.seed, test_module="test_throughput",
                             params=params or None,
                             extra_env={"EBPC_BENCH_OUT": str(out), "EBPC_BENCH_TOP": top,
                                        "EBPC_BENCH_LEN": str(args.len), "EBPC_BENCH_TX": str(args.tx)})
            if not res.ok or res.tests - res.skipped < 1:
                failed_runs.append(res.line())
    rows = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    out.unlink()
    misses = 0
    print(f"\nEBPC throughput ({args.sim}, {args.tx} x {args.len} words back to back, outputs always ready)")
    print(f"{'top':8s} {'W':>3s} {'N':>3s} {'Z':>3s} {'stimulus':13s} {'words/cyc':>9s} {'bound':>7s} "
          f"{'fraction':>8s} {'target':>6s}")
    for r in rows:
        wpc = r["words"] / r["cycles"]
        bound = r["words"] / r["bound_cycles"]
        frac = wpc / bound
        target = TARGET.get(r["w"], 0.0)
        ok = frac >= target
        misses += not ok
        r.update(words_per_cycle=wpc, bound=bound, fraction=frac, target=target)
        print(f"{r['top']:8s} {r['w']:3d} {r['n']:3d} {r['z']:3d} {r['kind']:13s} {wpc:9.3f} {bound:7.3f} "
              f"{frac:8.3f} {target:6.2f}{'' if ok else '  MISSED'}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    for line in failed_runs:
        print("run failed: " + line)
    print(f"({time.monotonic() - t0:.0f}s; {misses} target(s) missed)")
    if failed_runs:
        return 2
    return 1 if (args.check and misses) else 0


if __name__ == "__main__":
    sys.exit(main())
