# SPDX-License-Identifier: Apache-2.0
"""Throughput bench: ``python -m ebpc_tb.flow.perf [--sim verilator] [--check]``.

Per configuration (W/N in 8/8, 8/16, 16/8, 32/8 at Z=16) and stimulus (dense smooth,
random dense, ReLU-like ~50 % zeros, sparse ~90 % zeros), with outputs always ready and
inputs always valid, prints the encoder's and decoder's words/cycle next to the bound
L / max(L, BPC words, ZNZ words) and the fraction of the bound reached.  Targets:
>= 0.99 of the bound for W=8, >= 0.85 for W=16, >= 0.45 for W=32 (``--check`` exits
non-zero when one is missed).  Cycles run from the first input handshake to the last
done_o of 4 back-to-back transmissions of 1024 words (``--len``, ``--tx``).

``--speed``: the simulation speed of the benches instead.  Runs the regression's own
cocotb tests of the encoder, decoder and loopback (random traffic with gaps and
backpressure, every output word checked) at W=8 N=8 Z=16 under each simulator and prints
the scored clock cycles per second: simulated time (10 ns clock) over the tests' wall
time, summed over the tests, and the same over the simulator process's CPU time (which
includes its start-up, and is less disturbed by other load on the machine).  Target:
>= 50 k cycles/s under Verilator (``--check``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from . import runner
from .. import spec

CONFIGS = [(8, 8, 16), (8, 16, 16), (16, 8, 16), (32, 8, 16)]
TARGET = {8: 0.99, 16: 0.85, 32: 0.45}
SPEED_TOPS = ("encoder", "decoder", "loopback")
SPEED_TARGET = {"verilator": 50_000.0}
CLOCK_NS = 10


@dataclasses.dataclass
class SpeedRow:
    """Scored simulation speed of one bench under one simulator."""

    sim: str
    top: str
    tests: int
    cycles: int
    wall_s: float            # sum of the tests' wall times (cocotb results file)
    cpu_s: float             # CPU time of the whole simulator process
    load: float              # 1-minute load average when it ended
    ok: bool

    @property
    def cycles_per_s(self) -> float:
        return self.cycles / self.wall_s if self.wall_s else 0.0

    @property
    def cycles_per_cpu_s(self) -> float:
        return self.cycles / self.cpu_s if self.cpu_s else 0.0


def scored_cycles(xml: Path) -> tuple[int, float, int]:
    """(clock cycles, wall seconds, tests) summed over the passed tests of a cocotb results file."""
    cycles_ns = wall = 0.0
    tests = 0
    for case in ET.parse(xml).iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None or case.find("skipped") is not None:
            continue
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        cycles_ns += float(props.get("sim_time_duration", 0.0))
        wall += float(case.get("time", 0.0))
        tests += 1
    return int(round(cycles_ns / CLOCK_NS)), wall, tests


def measure_speed(sim: str, top: str, seed: int) -> SpeedRow:
    """Run the regression tests of ``top`` at W=8 N=8 Z=16 (built first, not timed)."""
    runner.build(sim, top, spec.DEFAULT_CONFIG, quiet=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory(prefix="ebpc_speed_") as tmp:
        log = Path(tmp) / "sim.log"
        res = runner.run(sim, top, spec.RunSpec.of(spec.DEFAULT_CONFIG, seed=seed), log_file=log)
        if not res.ok and log.exists():
            print(log.read_text(errors="replace")[-4000:], file=sys.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    cycles, wall, tests = scored_cycles(res.xml) if res.xml else (0, 0.0, 0)
    return SpeedRow(sim, top, tests, cycles, wall, cpu, os.getloadavg()[0], res.ok)


def speed_main(args) -> int:
    try:
        sims = runner.parse_choices(args.sim_list, runner.SIMS, "--sims")
        tops = runner.parse_choices(args.top if args.top != "encoder,decoder" else ",".join(SPEED_TOPS),
                                    SPEED_TOPS, "--top")
    except ValueError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    rows = []
    print(f"EBPC bench speed: the regression tests at W=8 N=8 Z=16, seed {args.seed}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f} at start", flush=True)
    print(f"{'sim':9s} {'top':8s} {'tests':>5s} {'cycles':>8s} {'wall s':>7s} {'cycles/s':>9s} "
          f"{'cpu s':>6s} {'cyc/cpu-s':>9s} {'load':>5s} {'target':>7s}", flush=True)
    misses = failed = 0
    for sim in sims:
        for top in tops:
            r = measure_speed(sim, top, args.seed)
            rows.append(r)
            target = SPEED_TARGET.get(sim)
            miss = target is not None and r.cycles_per_s < target
            misses += miss
            failed += not r.ok
            print(f"{sim:9s} {top:8s} {r.tests:5d} {r.cycles:8d} {r.wall_s:7.2f} {r.cycles_per_s:9.0f} "
                  f"{r.cpu_s:6.2f} {r.cycles_per_cpu_s:9.0f} {r.load:5.2f} "
                  f"{(f'{target:.0f}' if target else '-'):>7s}"
                  f"{'  MISSED' if miss else ''}{'' if r.ok else '  RUN FAILED'}", flush=True)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(
            [dict(dataclasses.asdict(r), cycles_per_s=r.cycles_per_s, cycles_per_cpu_s=r.cycles_per_cpu_s)
             for r in rows], indent=1))
    print(f"({misses} speed target(s) missed, {failed} failed run(s); the figures depend on the load "
          f"of the machine)")
    if failed:
        return 2
    return 1 if (args.check and misses) else 0


# Lanes: the encoder's and decoder's fraction of the port bound (the most beats any of their
# streams needs) on one long packet per kind, inputs always valid, outputs always ready
# (tb/test_lanes.py::lanes_throughput, lanes_dec_throughput); --top picks the tops.
LANES = (1, 2, 4, 8)
LANES_TARGET = {8: 0.95, 16: 0.95}     # W = 32: at least the single lane's fraction


def lanes_main(args) -> int:
    out = Path(tempfile.mkstemp(prefix="ebpc_lanes_", suffix=".jsonl")[1])
    failed = []
    tops = [t.strip() for t in args.top.split(",") if t.strip()]
    widths = [int(w) for w in args.widths.split(",")]
    select = {"encoder": "throughput", "decoder": "dec_throughput"}
    for top in tops:
        if top not in select:
            print(f"perf --lanes: unknown top {top!r} (encoder, decoder)")
            return 2
        for w in widths:
            for lanes in LANES:
                run_spec = spec.RunSpec.of((w, 8, 16), {"Lanes": lanes}, seed=args.seed, results=str(out),
                                           select=select[top], words=max(args.len, 4096))
                res = runner.run(args.sim, top, run_spec, test_module="test_lanes")
                if not res.ok:
                    failed.append(res.line())
    rows = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    out.unlink()
    single = {(r["top"], r["w"], r["kind"]): r["bound_cycles"] / r["cycles"] for r in rows if r["lanes"] == 1}
    print(f"\nEBPC {' and '.join(tops)} with Lanes ({args.sim}, N=8 Z=16, one packet of {max(args.len, 4096)} "
          f"words per kind, inputs always valid, outputs always ready)")
    print(f"{'top':8s} {'W':>3s} {'Lanes':>5s} {'stimulus':9s} {'words/cyc':>9s} {'fraction':>8s} {'target':>6s}")
    misses = 0
    for r in rows:
        frac = r["bound_cycles"] / r["cycles"]
        target = LANES_TARGET.get(r["w"], single.get((r["top"], r["w"], r["kind"]), 0.0))
        ok = frac >= target - 1e-9
        misses += not ok
        r.update(words_per_cycle=r["words"] / r["cycles"], fraction=frac, target=target)
        print(f"{r['top']:8s} {r['w']:3d} {r['lanes']:5d} {r['kind']:9s} {r['words_per_cycle']:9.2f} {frac:8.3f} {target:6.2f}"
              f"{'' if ok else '  MISSED'}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(rows, indent=1))
    for line in failed:
        print("run failed: " + line)
    print(f"({misses} target(s) missed)")
    return 2 if failed else (1 if (args.check and misses) else 0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ebpc_tb.flow.perf", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sim", default="verilator", choices=runner.SIMS)
    ap.add_argument("--top", default="encoder,decoder")
    ap.add_argument("--len", type=int, default=1024, help="words per transmission")
    ap.add_argument("--tx", type=int, default=4, help="transmissions per stimulus")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    ap.add_argument("--json", default=None, help="also write the rows to this JSON file")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="extra HDL parameter of the benched tops (e.g. PlanesPerCycle=2)")
    ap.add_argument("--speed", action="store_true",
                    help="measure the benches' scored cycles/s instead (see above)")
    ap.add_argument("--sims", dest="sim_list", default="icarus,verilator",
                    help="--speed: simulators (comma list)")
    ap.add_argument("--lanes", action="store_true",
                    help="the beats per cycle of the --top tops (encoder, decoder) for every W and Lanes "
                         "instead (see LANES_TARGET)")
    ap.add_argument("--widths", default="8,16,32", help="--lanes: data widths (comma list)")
    args = ap.parse_args(argv)
    if args.speed:
        return speed_main(args)
    if args.lanes:
        return lanes_main(args)
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
            run_spec = spec.RunSpec.of(cfg, params, seed=args.seed, results=str(out), select=top,
                                       words=args.len, transmissions=args.tx)
            res = runner.run(args.sim, top, run_spec, test_module="test_throughput")
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
