# SPDX-License-Identifier: Apache-2.0
"""Coverage-directed stimulus: a small set of transmissions that hits every data bin.

Random stimulus reaches most bins of :func:`ebpc_tb.bench.bins.data_bins`, but the sweep runs
few transmissions, and some bins (every final-word padding of a 32-bit word, every ZNZ run
length up to Z=64, every word-boundary offset) need many. :func:`closure_transmissions`
builds a pool of directed and random candidates, scores each with the same function the
coverage model samples (:func:`ebpc_tb.bench.bins.transmission_bins`) and keeps, greedily, the
candidates that add bins until the pool adds nothing more. The result is deterministic for
a given seed.
"""

from __future__ import annotations

import dataclasses
import random

from .bins import data_bins, transmission_bins
from .stimulus import Transmission, corner_transmissions, random_values, symbol_blocks

__all__ = ["Closure", "closure_transmissions"]


@dataclasses.dataclass
class Closure:
    """The chosen transmissions, and the data bins they leave unhit (empty when closed)."""

    transmissions: list[Transmission]
    missed: dict[str, list]

    @property
    def closed(self) -> bool:
        return not any(self.missed.values())


def _directed(w: int, n: int, z: int) -> list[Transmission]:
    lo = -(1 << (w - 1))
    out = [Transmission(f"corner: {t.name}", t.values) for t in corner_transmissions(w, n, z)]
    # one zero run of every length 1..Z, then 2Z and 2Z+1, each between non-zero words
    runs: list[int] = []
    for r in [*range(1, z + 1), 2 * z, 2 * z + 1]:
        runs += [r % 5 + 1, *([0] * r)]
    out.append(Transmission(f"zero runs 1..{z}, {2 * z}, {2 * z + 1}", runs + [3]))
    # every single/pair position once (plane 0), as one transmission
    out.append(Transmission("single/pair positions",
                            [v for block in symbol_blocks(w, n, [0]) for v in block]))
    out.append(Transmission("long walk", [((i * 2654435761) >> 7) % 97 + lo // 2 for i in range(300)]))
    return out


def _random_pool(w: int, n: int, z: int, rng: random.Random, count: int) -> list[Transmission]:
    pool = []
    for i in range(count):
        length = rng.choice([rng.randint(1, 2 * n), rng.randint(1, 6 * n), rng.randint(1, 40)])
        values, desc = random_values(rng, w, z, length)
        pool.append(Transmission(f"closure#{i}[L={length},{desc}]", values))
    return pool


def closure_transmissions(w: int, n: int, z: int, rng: random.Random, pool_size: int = 100,
                          rounds: int = 60) -> Closure:
    """Transmissions that together hit every data bin reachable from the candidate pools.

    The first pool is the directed set plus ``pool_size`` random transmissions; while bins
    remain, up to ``rounds`` further random pools are drawn for them.  (Small pools: scoring
    a candidate costs a model trace, and the directed set plus one pool of 100 closes most
    parameter sets, so drawing more only when bins remain keeps this test's setup short.)
    """
    space = {point: set(bins) for point, bins in data_bins(w, n, z).items()}
    uncovered = {(p, b) for p, bins in space.items() for b in bins}
    chosen: list[Transmission] = []
    candidates = _directed(w, n, z)
    for _ in range(rounds + 1):
        candidates += _random_pool(w, n, z, rng, pool_size)
        _choose(candidates, space, uncovered, chosen, w, n, z)
        if not uncovered:
            break
        candidates = []
    missed = {p: sorted(b for q, b in uncovered if q == p) for p in space}
    return Closure(chosen, {p: b for p, b in missed.items() if b})


def _choose(candidates: list[Transmission], space: dict[str, set], uncovered: set,
            chosen: list[Transmission], w: int, n: int, z: int) -> None:
    """Greedy set cover: move the candidates adding the most uncovered bins into ``chosen``."""
    scored = []
    for t in candidates:
        hits = {(p, b) for p, b in transmission_bins(t.values, w, n, z) if b in space.get(p, ())}
        if hits & uncovered:
            scored.append((t, hits))
    while uncovered:
        best, best_gain = None, set()
        for t, hits in scored:
            gain = hits & uncovered
            # prefer more new bins, then fewer words (cheaper to simulate)
            if len(gain) > len(best_gain) or (gain and len(gain) == len(best_gain)
                                               and len(t.values) < len(best.values)):
                best, best_gain = t, gain
        if best is None:
            break
        chosen.append(best)
        uncovered -= best_gain
