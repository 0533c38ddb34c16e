# SPDX-License-Identifier: Apache-2.0
"""Soak: ``python -m ebpc_tb.soak`` (``make soak``; not part of the default regression).

Per configuration (W = 8, 16 and 32 at N = 8, Z = 16 by default) and top (encoder,
decoder, loopback): at least ``--words`` input words (default 10 million, ``SOAK_WORDS``)
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
run is printed; ``--seed`` replays a soak.  The cocotb side is :func:`soak_test`
(``tb/test_soak.py``).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

from .config import REPO_DIR, TbConfig, fresh_seed, parse_seed

__all__ = ["SoakResult", "RealData", "soak_test", "main"]

TOPS = ("encoder", "decoder", "loopback")
DEFAULT_WORDS = 10_000_000
DEFAULT_CORRUPT = 1000
VECTOR_DIR = REPO_DIR / "vectors" / "data"
MAX_LEN = 4096           # longest transmission (CountWidth = 16 holds it with room)
QUEUE = 12               # transmissions queued ahead of the DUT


@dataclasses.dataclass
class SoakResult:
    """One soak run (one top, one parameter set), as written by the cocotb side."""

    top: str
    w: int
    n: int
    z: int
    seed: int
    words: int = 0                # input values sent (clean transmissions)
    transmissions: int = 0
    real: int = 0                 # of which slices of real feature maps
    real_words: int = 0
    corrupted: int = 0            # corrupted transmissions (decoder)
    flagged: int = 0              # transmissions that ended with error flags (as the model said)
    words_checked: int = 0        # output words compared (ZNZ + BPC for the encoder)
    longest_stall: int = 0        # most cycles without progress seen by the watchdog (16-cycle steps)
    watchdog: int = 0             # the watchdog's limit (2000 + the longest configured stall)
    cycles: int = 0
    seconds: float = 0.0
    sim: str = ""
    ok: bool = False
    error: str = ""

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


class RealData:
    """Slices of the committed real feature maps whose values fit W bits (signed)."""

    def __init__(self, width: int, directory: Path = VECTOR_DIR):
        import numpy as np  # noqa: PLC0415

        self.maps: list[tuple[str, "np.ndarray"]] = []
        for path in sorted(directory.glob("*.npz")):
            with np.load(path) as data:
                for key in data.files:
                    arr = data[key].reshape(-1)
                    bits = arr.dtype.itemsize * 8
                    if bits > width or arr.size == 0:
                        continue
                    if arr.dtype.kind == "u":      # float16 bit patterns: as signed words
                        arr = arr.astype(np.int64)
                        arr = np.where(arr >= 1 << (bits - 1), arr - (1 << bits), arr)
                    self.maps.append((f"{path.stem}:{key}", arr.astype(np.int64)))

    def __bool__(self) -> bool:
        return bool(self.maps)

    def draw(self, rng: random.Random, max_len: int) -> tuple[str, list[int]]:
        name, arr = self.maps[rng.randrange(len(self.maps))]
        length = min(arr.size, rng.choice([rng.randint(1, 64), rng.randint(1, max_len)]))
        start = rng.randrange(arr.size - length + 1)
        return f"{name}[{start}:{start + length}]", [int(v) for v in arr[start:start + length]]


def _garbage_case(cfg: TbConfig, rng: random.Random, index: int):
    """Random stream words and a random L; the expectation from the model's error decoder."""
    import ebpc  # noqa: PLC0415

    from .malformed import MalformedCase, znz_scan  # noqa: PLC0415

    w, n, z = cfg.width, cfg.block, cfg.max_zero_run
    length = rng.randint(1, 4 * n)
    znz = [rng.randrange(1 << w) for _ in range(rng.randint(1, 6))]
    nnz = znz_scan(znz, length, w, z)[0]
    bpc = [rng.randrange(1 << w) for _ in range(rng.randint(1, 12))] if nnz > 0 else []
    got = ebpc.decode_with_flags(znz, bpc, length, w, n, z)
    return MalformedCase(f"garbage#{index}[L={length}]", length, znz, bpc, got.flags,
                         expected=[int(v) for v in got.words])


def _traffic(tb, top: str, rng: random.Random) -> None:
    """A new traffic mix: half of the time light (a few gaps, mild backpressure: the bulk of
    the words), else the regression's random mix, or busy traffic with long stalls."""
    from .stream import BackpressureConfig, GapConfig  # noqa: PLC0415

    kind = rng.random()
    if kind < 0.1:
        tb.busy_traffic(heavy=rng.random() < 0.5)
        return
    if kind < 0.5:
        tb.random_traffic()
        return

    def gaps() -> GapConfig:
        return rng.choice([GapConfig(), GapConfig(prob=0.05, max_gap=2), GapConfig(prob=0.2, max_gap=3)])

    def ready() -> BackpressureConfig:
        return rng.choice([BackpressureConfig(), BackpressureConfig(ready_prob=0.9),
                           BackpressureConfig(ready_prob=0.97, stall_prob=0.002, max_stall=40)])

    if top == "encoder":
        tb.set_traffic(gaps=gaps(), znz_bp=ready(), bpc_bp=ready())
    elif top == "decoder":
        tb.set_traffic(len_gaps=gaps(), znz_gaps=gaps(), bpc_gaps=gaps(), out_bp=ready())
    else:
        tb.set_traffic(gaps=gaps(), len_gaps=gaps(), out_bp=ready())
        tb.set_stalls(ready(), ready())


async def soak_test(dut, top: str) -> SoakResult:
    """The cocotb body of one soak run (environment: EBPC_SOAK_WORDS/CORRUPT, EBPC_W/N/Z/SEED)."""
    import ebpc  # noqa: PLC0415

    from . import malformed  # noqa: PLC0415
    from .env import DecoderBench, EncoderBench, LoopbackBench  # noqa: PLC0415
    from .stimulus import random_transmission  # noqa: PLC0415

    cfg = TbConfig.from_env()
    target = int(os.environ.get("EBPC_SOAK_WORDS", str(DEFAULT_WORDS)))
    corrupt = int(os.environ.get("EBPC_SOAK_CORRUPT", str(DEFAULT_CORRUPT))) if top == "decoder" else 0
    bench_cls = {"encoder": EncoderBench, "decoder": DecoderBench, "loopback": LoopbackBench}[top]
    tb = bench_cls(dut, cfg, f"soak_{top}")
    res = SoakResult(top, cfg.width, cfg.block, cfg.max_zero_run, cfg.seed)
    rng = tb.rng
    real = RealData(cfg.width)
    garbage = hasattr(ebpc, "decode_with_flags")
    w, n, z = cfg.width, cfg.block, cfg.max_zero_run
    t0 = time.monotonic()
    await tb.start()
    c0 = tb.cycle
    i = 0
    while res.words < target or res.corrupted < corrupt:
        if i % 8 == 0:
            _traffic(tb, top, rng)
        is_real = rng.random() < 0.25 and bool(real)
        if is_real:
            name, values = real.draw(rng, MAX_LEN)
        else:
            t = random_transmission(rng, w, n, z, rng.choice([64, 300, 1500]), i)
            name, values = t.name, t.values
        if res.words < target or not corrupt:
            tb.send(values, f"soak#{i} {name}")
            res.words += len(values)
            res.transmissions += 1
            res.real += is_real
            res.real_words += len(values) if is_real else 0
        # corrupted transmissions spread evenly over the clean words
        if corrupt and res.corrupted < corrupt and res.corrupted * target <= corrupt * res.words:
            if garbage and rng.random() < 0.15:
                case = _garbage_case(cfg, rng, res.corrupted)
            else:
                case = malformed.fuzz_case(values[:rng.randint(1, 8 * n)] or [1], w, n, z, rng, res.corrupted)
            tb.send_malformed(case)
            res.corrupted += 1
            clean = random_transmission(rng, w, n, z, 64, i)
            tb.send(clean.values, f"clean after corrupted #{res.corrupted - 1}: {clean.name}")
            res.words += len(clean.values)
            res.transmissions += 1
        i += 1
        if tb.sb.outstanding > QUEUE:
            await tb.wait_all(keep=QUEUE // 2)
    await tb.finish()
    res.cycles = tb.cycle - c0
    res.seconds = time.monotonic() - t0
    sb = tb.sb
    res.words_checked = (sb.words_checked["znz"] + sb.words_checked["bpc"]
                         if isinstance(sb.words_checked, dict) else sb.words_checked)
    res.flagged = getattr(sb, "flagged", 0)
    res.longest_stall = tb.longest_stall
    res.watchdog = 2000 + tb._stall_budget()
    res.ok = True
    tb.log.info("soak %s W=%d N=%d Z=%d seed=%d: %d words (%d transmissions, %d real-data, %d corrupted) "
                "in %d cycles, %.1f s: %.0f words/s, %d output words checked, 0 mismatches",
                top, w, n, z, cfg.seed, res.words, res.transmissions, res.real, res.corrupted, res.cycles,
                res.seconds, res.words_per_second, res.words_checked)
    out = os.environ.get("EBPC_SOAK_OUT")
    if out:
        with open(out, "a") as f:
            f.write(json.dumps(dataclasses.asdict(res)) + "\n")
    return res


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
    from . import runner  # noqa: PLC0415

    ap = argparse.ArgumentParser(prog="python -m ebpc_tb.soak", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sim", default="verilator", choices=runner.SIMS)
    ap.add_argument("--top", default=",".join(TOPS))
    ap.add_argument("--w", default="8,16,32", help="data widths (N and Z from --n/--z)")
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--z", type=int, default=16)
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
          f"{args.sim}, tops {','.join(tops)}, W {','.join(map(str, widths))} (N={args.n} Z={args.z})", flush=True)
    out = Path(tempfile.mkstemp(prefix="ebpc_soak_", suffix=".jsonl")[1])
    t0 = time.monotonic()
    lock = threading.Lock()

    def one(job: tuple[int, str]) -> SoakResult:
        w, top = job
        res = runner.run(args.sim, top, (w, args.n, args.z), seed=seed, test_module="test_soak",
                         extra_env={"EBPC_SOAK_OUT": str(out), "EBPC_SOAK_TOP": top,
                                    "EBPC_SOAK_WORDS": str(words), "EBPC_SOAK_CORRUPT": str(args.corrupt)},
                         log_file=Path(tempfile.gettempdir()) / f"ebpc_soak_{top}_W{w}.log")
        with lock:
            rows = [json.loads(x) for x in out.read_text().splitlines() if x.strip()]
            row = next((r for r in rows if r["top"] == top and r["w"] == w), None)
            r = SoakResult(**row) if row else SoakResult(top, w, args.n, args.z, seed)
            r.sim = args.sim
            r.ok = bool(row) and res.ok and res.tests - res.skipped >= 1
            if not r.ok:
                r.error = f"{res.line()}; log: {tempfile.gettempdir()}/ebpc_soak_{top}_W{w}.log"
            print(_line(r), flush=True)
        return r

    jobs = [(w, top) for w in widths for top in tops]
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
                                    "sim": args.sim, "seconds": secs, "ok": all(r.ok for r in results),
                                    "runs": [dict(dataclasses.asdict(r), words_per_second=r.words_per_second)
                                             for r in results]}, indent=1))
        print(f"soak: summary in {path}")
    if not all(r.ok for r in results):
        print(f"soak: replay with: python -m ebpc_tb.soak --seed {seed} --words {words} --sim {args.sim}")
        return 1
    return 0


def _line(r: SoakResult) -> str:
    status = "PASS" if r.ok else "FAIL"
    s = (f"{status} {r.sim:9s} {r.top:8s} W={r.w:<2d} N={r.n} Z={r.z} seed={r.seed}: {r.words} words "
         f"({r.transmissions} tx, {r.real} real-data, {r.corrupted} corrupted, {r.flagged} flagged), "
         f"{r.words_checked} output words checked, {r.cycles} cycles, {r.seconds:.1f} s, "
         f"{r.words_per_second:.0f} words/s, longest wait without progress {r.longest_stall} cycles "
         f"(watchdog {r.watchdog})")
    return s + (f"\n     {r.error}" if r.error else "")


if __name__ == "__main__":
    sys.exit(main())
