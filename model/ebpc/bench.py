# SPDX-License-Identifier: Apache-2.0
"""Golden-model speed: `python -m ebpc.bench` (make bench).

ReLU-like 8-bit words (about half zeros), N=8, Z=16, one process. Prints the best of
several runs of encode and decode in words/s, and the speed-up over the plain per-symbol
reference implementation (timed on a slice, since it is slow).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .codec import encode
from .decoding import decode
from .params import Params
from .reference import reference_decode, reference_encode

ENCODE_TARGET = 10e6
DECODE_TARGET = 2e6


@dataclass(frozen=True)
class Timing:
    words: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.words / self.seconds


def relu_like(num_words: int, seed: int) -> np.ndarray:
    """Half-normal magnitudes clipped to int8, about half of them zero."""
    rng = np.random.default_rng(seed)
    return np.clip(np.maximum(rng.normal(0.0, 30.0, num_words), 0), 0, 127).astype(np.int64)


def _best(run: Callable[[], object], words: int, repeats: int) -> Timing:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return Timing(words, best)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=4_000_000)
    parser.add_argument("--reference-words", type=int, default=40_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    p = Params(8, 8, 16)
    words = relu_like(args.words, args.seed)
    encoded = encode(words, p.width, p.block, p.max_zero_run)
    assert np.array_equal(decode(encoded.znz, encoded.bpc, words.size, 8, 8, 16), words)
    enc = _best(lambda: encode(words, 8, 8, 16), words.size, args.repeats)
    dec = _best(lambda: decode(encoded.znz, encoded.bpc, words.size, 8, 8, 16), words.size, args.repeats)
    part = words[: args.reference_words]
    part_list = [int(v) for v in part]
    ref_enc = _best(lambda: reference_encode(part_list, p), part.size, 1)
    ref_z, ref_b, _, _ = reference_encode(part_list, p)
    ref_dec = _best(lambda: reference_decode(ref_z, ref_b, part.size, p), part.size, 1)
    sparsity = float(np.mean(words == 0))
    print(f"golden model, {words.size} ReLU-like 8-bit words ({sparsity:.1%} zeros), W=8 N=8 Z=16, best of {args.repeats}")
    for name, fast, slow, target in (("encode", enc, ref_enc, ENCODE_TARGET), ("decode", dec, ref_dec, DECODE_TARGET)):
        verdict = "meets" if fast.rate >= target else "MISSES"
        print(
            f"  {name}: {fast.rate / 1e6:7.2f} Mwords/s  (target {target / 1e6:.0f} Mwords/s: {verdict}); "
            f"per-symbol reference {slow.rate / 1e6:.3f} Mwords/s, speed-up {fast.rate / slow.rate:.0f}x"
        )
    print(f"  compression ratio (coded bits) {encoded.ratio:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
