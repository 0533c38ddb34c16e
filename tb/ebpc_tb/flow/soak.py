# SPDX-License-Identifier: Apache-2.0
"""Soak: ``python -m ebpc_tb.flow.soak`` (``make soak``; not part of the default regression).

Per configuration (W = 8, 16 and 32 at N = 8, Z = 16 by default), top (encoder,
decoder, loopback) and Lanes (``--lanes``, default ``$SOAK_LANES`` or 1; the loopback's
DecLanes the same): at least ``--words`` input words (default 10 million, ``SOAK_WORDS``)
in random transmissions under random gaps and backpressure that change every few
transmissions, slices of the real feature maps (``vectors/data/*.npz``) in the mix, every
output word checked against the golden model by the regression's benches (a mismatch
fails the run).  The decoder also takes ``--corrupt`` corrupted transmissions (default
1000: bit flips, truncation, garbage, wrong L, extra words), each followed by a clean
one that must decode exactly; every corrupted one must end with its documented outputs
(exactly L words, ``done_o``, the model's error flags), and the bench's watchdog fails a
run that makes no progress for a bounded number of cycles.

Prints words per second, totals and seeds per run, writes a JSON summary
(``--json``, default ``reports/soak.json``), exits 1 if a run failed.  The seed of every
run is printed; ``--seed`` replays a soak.  The cocotb side is
:func:`ebpc_tb.bench.soak.soak_test` (``tb/test_soak.py``).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from ..bench.soak import SoakResult
from ..spec import LANES, REPO_DIR, RunSpec, fresh_seed, parse_seed
from . import runner

__all__ = ["main"]

TOPS = ("encoder", "decoder", "loopback")
DEFAULT_WORDS = 10_000_000
DEFAULT_CORRUPT = 1000


# -- command line ---------------------------------------------------------------------------

def _parse_list(raw: str, what: str, choices=None) -> list:
    items = [x.strip() for x in raw.split(",") if x.strip()]
    if choices is not None:
        bad = [x for x in items if x not in choices]
        if bad or not items:
            raise ValueError(f"{what} {raw!r}: use a comma list of {', '.join(choices)}")
        return items
    try:
        vals = [int(x) for x in items]
    except ValueError:
        raise ValueError(f"{what} {raw!r}: a comma list of integers") from None
    if not vals:
        raise ValueError(f"{what} is empty")
    return vals


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ebpc_tb.flow.soak", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sim", default="verilator", choices=runner.SIMS)
    ap.add_argument("--top", default=",".join(TOPS))
    ap.add_argument("--w", default="8,16,32", help="data widths (N and Z from --n/--z)")
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--z", type=int, default=16)
    ap.add_argument("--lanes", default=os.environ.get("SOAK_LANES") or "1",
                    help="words per beat, a comma list of 1, 2, 4, 8: one run per (W, top, Lanes) "
                         "(default: $SOAK_LANES or 1)")
    ap.add_argument("--words", default=os.environ.get("SOAK_WORDS") or str(DEFAULT_WORDS),
                    help="input words per run (default: $SOAK_WORDS or 10 million)")
    ap.add_argument("--corrupt", type=int, default=DEFAULT_CORRUPT,
                    help="corrupted transmissions per decoder run")
    ap.add_argument("--seed", default=None, help="base seed (default: a fresh one, printed)")
    ap.add_argument("--json", default=str(REPO_DIR / "reports" / "soak.json"))
    ap.add_argument("--jobs", type=int, default=1, help="simulations at once (one per CPU core at most)")
    args = ap.parse_args(argv)
    try:
        tops = _parse_list(args.top, "--top", TOPS)
        widths = _parse_list(args.w, "--w")
        lanes_list = _parse_list(args.lanes, "--lanes")
        if any(x not in LANES for x in lanes_list):
            raise ValueError(f"--lanes {args.lanes!r}: each of {', '.join(map(str, LANES))}")
        try:
            words = int(float(args.words))
        except ValueError:
            raise ValueError(f"--words/SOAK_WORDS {args.words!r} is not a number") from None
        seed = parse_seed(args.seed, "--seed") if args.seed is not None else fresh_seed()
    except ValueError as exc:
        print(f"soak: {exc}", file=sys.stderr)
        return 2
    if words < 1 or args.corrupt < 0:
        print("soak: --words must be >= 1 and --corrupt >= 0", file=sys.stderr)
        return 2
    print(f"soak: seed {seed}, {words} words per run, {args.corrupt} corrupted decoder transmissions, "
          f"{args.sim}, tops {','.join(tops)}, W {','.join(map(str, widths))}, Lanes {','.join(map(str, lanes_list))} "
          f"(N={args.n} Z={args.z})", flush=True)
    out = Path(tempfile.mkstemp(prefix="ebpc_soak_", suffix=".jsonl")[1])
    t0 = time.monotonic()
    lock = threading.Lock()

    def one(job: tuple[int, str, int]) -> SoakResult:
        w, top, lanes = job
        params = ({"Lanes": lanes} | ({"DecLanes": lanes} if top == "loopback" else {})) if lanes > 1 else {}
        run_spec = RunSpec.of((w, args.n, args.z), params, seed=seed, results=str(out), select=top, words=words,
                              corrupt=args.corrupt)
        log = Path(tempfile.gettempdir()) / f"ebpc_soak_{top}_W{w}_L{lanes}.log"
        res = runner.run(args.sim, top, run_spec, test_module="test_soak", log_file=log)
        with lock:
            rows = [json.loads(x) for x in out.read_text().splitlines() if x.strip()]
            row = next((r for r in rows if r["top"] == top and r["w"] == w and r.get("lanes", 1) == lanes), None)
            r = SoakResult(**row) if row else SoakResult(top, w, args.n, args.z, seed, lanes=lanes)
            r.sim = args.sim
            r.ok = bool(row) and res.ok and res.tests - res.skipped >= 1
            if not r.ok:
                r.error = f"{res.line()}; log: {log}"
            print(_line(r), flush=True)
        return r

    jobs = [(w, top, lanes) for lanes in lanes_list for w in widths for top in tops]
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(one, jobs))
    finally:
        out.unlink(missing_ok=True)
    total = sum(r.words for r in results)
    secs = time.monotonic() - t0
    print(f"\nsoak: {total} words in {len(results)} runs ({sum(r.corrupted for r in results)} corrupted "
          f"transmissions), {secs:.0f} s; seed {seed}; "
          f"{sum(not r.ok for r in results)} failed run(s)")
    if args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"seed": seed, "words_per_run": words, "corrupt_per_decoder_run": args.corrupt,
                                    "sim": args.sim, "lanes": lanes_list, "seconds": secs, "ok": all(r.ok for r in results),
                                    "runs": [dict(dataclasses.asdict(r), words_per_second=r.words_per_second)
                                             for r in results]}, indent=1))
        print(f"soak: summary in {path}")
    if not all(r.ok for r in results):
        print(f"soak: replay with: python -m ebpc_tb.flow.soak --seed {seed} --words {words} --sim {args.sim} "
              f"--lanes {','.join(map(str, lanes_list))}")
        return 1
    return 0


def _line(r: SoakResult) -> str:
    status = "PASS" if r.ok else "FAIL"
    s = (f"{status} {r.sim:9s} {r.top:8s} W={r.w:<2d} N={r.n} Z={r.z} Lanes={r.lanes} seed={r.seed}: {r.words} words "
         f"({r.transmissions} tx, {r.real} real-data, {r.corrupted} corrupted, {r.flagged} flagged), "
         f"{r.words_checked} output words checked, {r.cycles} cycles, {r.seconds:.1f} s, "
         f"{r.words_per_second:.0f} words/s, longest wait without progress {r.longest_stall} cycles "
         f"(watchdog {r.watchdog})")
    return s + (f"\n     {r.error}" if r.error else "")


if __name__ == "__main__":
    sys.exit(main())
