# SPDX-License-Identifier: Apache-2.0
"""The cocotb side of a soak run (``tb/test_soak.py``; launched by :mod:`ebpc_tb.flow.soak`).

One top, one parameter set: at least ``spec.words`` input words in random transmissions
under traffic that changes every few transmissions, a quarter of them slices of the real
feature maps, every output word checked by the benches' scoreboards; the decoder also takes
``spec.corrupt`` corrupted transmissions, each followed by a clean one.  The result is one
JSON line appended to ``spec.results``.
"""

from __future__ import annotations

import dataclasses
import json
import random
import time
from pathlib import Path

from ..spec import REPO_DIR, RunSpec

__all__ = ["SoakResult", "RealData", "soak_test"]

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
    watchdog: int = 0             # the watchdog's limit (Bench.watchdog_limit at the end)
    cycles: int = 0
    seconds: float = 0.0
    sim: str = ""
    ok: bool = False
    error: str = ""
    lanes: int = 1                # words per beat (Lanes; the loopback's DecLanes too)

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


def _garbage_case(cfg: RunSpec, rng: random.Random, index: int):
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
    from .traffic import BackpressureConfig, GapConfig  # noqa: PLC0415

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
    """The cocotb body of one soak run of ``top`` as the run's spec says."""
    import ebpc  # noqa: PLC0415

    from . import malformed  # noqa: PLC0415
    from .env import DecoderBench, EncoderBench, LoopbackBench  # noqa: PLC0415
    from .stimulus import random_transmission  # noqa: PLC0415

    cfg = RunSpec.from_env()
    target = max(1, cfg.words)
    corrupt = cfg.corrupt if top == "decoder" else 0
    bench_cls = {"encoder": EncoderBench, "decoder": DecoderBench, "loopback": LoopbackBench}[top]
    tb = bench_cls(dut, cfg, f"soak_{top}")
    res = SoakResult(top, cfg.width, cfg.block, cfg.max_zero_run, cfg.seed, lanes=cfg.hdl_params.get("Lanes", 1))
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
    res.watchdog = tb.watchdog_limit
    res.ok = True
    tb.log.info("soak %s W=%d N=%d Z=%d Lanes=%d seed=%d: %d words (%d transmissions, %d real-data, %d corrupted) "
                "in %d cycles, %.1f s: %.0f words/s, %d output words checked, 0 mismatches",
                top, w, n, z, res.lanes, cfg.seed, res.words, res.transmissions, res.real, res.corrupted, res.cycles,
                res.seconds, res.words_per_second, res.words_checked)
    if cfg.results:
        with open(cfg.results, "a") as f:
            f.write(json.dumps(dataclasses.asdict(res)) + "\n")
    return res
