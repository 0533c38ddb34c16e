# SPDX-License-Identifier: Apache-2.0
"""Stimulus: random transmissions and directed corner cases (signed W-bit values).

Every generator takes a seeded :class:`random.Random` and returns a list of
Python ints in ``[-2**(W-1), 2**(W-1))``.
"""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path
from typing import Callable

import ebpc

__all__ = [
    "Transmission",
    "DISTRIBUTIONS",
    "random_values",
    "random_transmission",
    "corner_transmissions",
    "symbol_blocks",
    "load_case_file",
    "matching_cases",
    "THROUGHPUT_KINDS",
    "throughput_values",
]


@dataclasses.dataclass
class Transmission:
    """Stimulus for one transmission plus a label for messages."""

    name: str
    values: list[int]


def _lo(w: int) -> int:
    return -(1 << (w - 1))


def _hi(w: int) -> int:
    return (1 << (w - 1)) - 1


def _clamp(v: int, w: int) -> int:
    return max(_lo(w), min(_hi(w), v))


# -- value distributions -----------------------------------------------------

def _uniform(rng: random.Random, w: int, n: int) -> list[int]:
    lo, hi = _lo(w), _hi(w)
    return [rng.randint(lo, hi) for _ in range(n)]


def _small(rng: random.Random, w: int, n: int) -> list[int]:
    bits = rng.randint(1, max(1, min(w - 1, 5)))
    m = (1 << bits) - 1
    return [rng.randint(-m - 1, m) for _ in range(n)]


def _relu(rng: random.Random, w: int, n: int) -> list[int]:
    scale = rng.choice([2.0, 8.0, 30.0, float(1 << (w // 2)), float(1 << (w - 3))])
    return [0 if rng.random() < 0.5 else _clamp(int(rng.expovariate(1.0 / scale)) + 1, w)
            for _ in range(n)]


def _walk(rng: random.Random, w: int, n: int) -> list[int]:
    step = rng.choice([1, 2, 3, 8, 1 << (w // 3)])
    v = rng.randint(_lo(w) // 2, _hi(w) // 2)
    out = []
    for _ in range(n):
        v = _clamp(v + rng.randint(-step, step), w)
        out.append(v)
    return out


def _extremes(rng: random.Random, w: int, n: int) -> list[int]:
    lo, hi = _lo(w), _hi(w)
    pool = [lo, hi, lo + 1, hi - 1, -1, 1, 0, 1 << (w - 2), -(1 << (w - 2))]
    return [rng.choice(pool) for _ in range(n)]


def _bits(rng: random.Random, w: int, n: int) -> list[int]:
    """Single-bit and two-bit values (drive single/pair symbols)."""
    out = []
    for _ in range(n):
        v = 1 << rng.randrange(w)
        if rng.random() < 0.3:
            v |= 1 << rng.randrange(w)
        out.append(v - (1 << w) if v >= (1 << (w - 1)) else v)
    return out


DISTRIBUTIONS: dict[str, Callable[[random.Random, int, int], list[int]]] = {
    "uniform": _uniform,
    "small": _small,
    "relu": _relu,
    "walk": _walk,
    "extremes": _extremes,
    "bits": _bits,
}


def _sprinkle_zeros(rng: random.Random, values: list[int], zero_prob: float, z: int) -> list[int]:
    """Replace values by zeros, in runs (geometric lengths, sometimes around Z)."""
    if zero_prob <= 0:
        return [v if v != 0 else 1 for v in values]  # "no zero" variant
    out = list(values)
    i = 0
    n = len(out)
    while i < n:
        if rng.random() < zero_prob:
            r = rng.random()
            if r < 0.6:
                run = 1
            elif r < 0.85:
                run = rng.randint(1, 2 * z + 2)
            else:
                run = rng.choice([z - 1, z, z + 1, 2 * z, 3 * z + 1])
            run = max(1, run)
            for j in range(i, min(n, i + run)):
                out[j] = 0
            i += run
        else:
            i += 1
    return out


def random_values(rng: random.Random, w: int, z: int, length: int,
                  dist: str | None = None, zero_prob: float | None = None) -> tuple[list[int], str]:
    """Random values; returns (values, description)."""
    dist = dist or rng.choice(list(DISTRIBUTIONS))
    values = DISTRIBUTIONS[dist](rng, w, length)
    if zero_prob is None:
        zero_prob = rng.choice([0.0, 0.05, 0.2, 0.5, 0.5, 0.8, 0.97, 1.0])
    if zero_prob >= 1.0:
        values = [0] * length
    elif dist != "relu" or zero_prob == 0.0:
        values = _sprinkle_zeros(rng, values, zero_prob, z)
    return values, f"{dist},zeros~{zero_prob}"


def random_length(rng: random.Random, n: int, z: int, max_len: int) -> int:
    r = rng.random()
    if r < 0.15:
        return rng.randint(1, 4)
    if r < 0.45:
        return rng.randint(1, 3 * n + 2)
    if r < 0.85:
        return rng.randint(1, min(max_len, 128))
    return rng.randint(1, max_len)


def random_transmission(rng: random.Random, w: int, n: int, z: int, max_len: int = 300,
                        index: int = 0) -> Transmission:
    length = random_length(rng, n, z, max_len)
    values, desc = random_values(rng, w, z, length)
    return Transmission(f"random#{index}[L={length},{desc}]", values)


# -- directed corner cases -------------------------------------------------------------

def symbol_blocks(w: int, n: int, planes: list[int] | None = None) -> list[list[int]]:
    """Blocks of N non-zero words that hit every single/pair position in the given planes.

    Base ``lo+1`` with positive deltas ``2**k`` at one position (single) or two
    adjacent positions (pair) never produces a zero word and stays in range.
    """
    lo = _lo(w)
    base = lo + 1
    if planes is None:
        planes = sorted({0, 1, w // 2, w - 2})
    blocks = []
    for k in planes:
        if k < 0 or k > w - 2:
            continue
        for p in range(n - 1):                   # single one at position p
            d = [0] * (n - 1)
            d[p] = 1 << k
            blocks.append(_from_deltas(base, d))
        for p in range(n - 2):                   # pair at position p
            d = [0] * (n - 1)
            d[p] = d[p + 1] = 1 << k
            blocks.append(_from_deltas(base, d))
    return blocks


def _from_deltas(base: int, deltas: list[int]) -> list[int]:
    out = [base]
    for d in deltas:
        out.append(out[-1] + d)
    return out


def corner_transmissions(w: int, n: int, z: int, full: bool = False) -> list[Transmission]:
    """Directed transmissions for one parameter set (see module doc)."""
    lo, hi = _lo(w), _hi(w)
    t: list[Transmission] = []

    def add(name, values):
        t.append(Transmission(name, [int(v) for v in values]))

    add("single nonzero", [1])
    add("single zero", [0])
    add("single min", [lo])
    add("single max", [hi])
    add("single -1", [-1])
    for k in sorted({1, 2, z - 1, z, z + 1, 2 * z, 3 * z, 3 * z + 1}):
        if k >= 1:
            add(f"all zero x{k}", [0] * k)
    add("no zero, N words", list(range(1, n + 1)))
    add("no zero, 3N+1 words, walk", [((i * 37) % (hi - 1)) + 1 for i in range(3 * n + 1)])
    # zero runs of Z-1, Z, Z+1, k*Z between, before and after non-zero words
    for run in sorted({max(1, z - 1), z, z + 1, 2 * z, 3 * z, 2 * z + 1}):
        add(f"run {run} between", [5, *([0] * run), 7])
        add(f"run {run} at start", [*([0] * run), 3, -3])
        add(f"run {run} at end", [9, -9, *([0] * run)])
    # extremes and full-range deltas
    add("lo/hi alternating", [lo if i % 2 == 0 else hi for i in range(2 * n)])
    add("hi/lo alternating", [hi if i % 2 == 0 else lo for i in range(2 * n + 1)])
    add("lo next to hi with zeros", [lo, hi, 0, lo, 0, 0, hi, lo, -1, 1, hi, hi, lo, lo])
    add("extremes block", [lo, lo + 1, hi, hi - 1, -1, 1, lo, hi] * 2)
    # non-zero counts leaving 0..N-1 padding words
    for nnz in range(n, 2 * n):
        vals = []
        for i in range(nnz):
            vals.append((i % 7) - 3 or 4)
            if i % 3 == 0:
                vals.append(0)
        add(f"nnz={nnz} (pad {(-nnz) % n})", vals)
    for nnz in range(1, n):
        add(f"nnz={nnz} (pad {n - nnz})", [0, *([hi - i for i in range(nnz)]), 0])
    # symbol kinds: all-ones DBX, DBP-zero, constant block (zero runs), uncompressed
    add("ramp (all-ones planes)", list(range(1, n + 1)))
    add("constant block (run W+1)", [9] * n)
    # a constant last block (base + one run symbol) ending exactly on a word boundary: the
    # decoder's base cycle then sees the whole block and the stream's `last` word at once
    pick = random.Random(w * 1000 + n)
    for _ in range(64 * w):
        amp = pick.randint(1, hi)
        head = [pick.randint(1, amp) for _ in range(n)]
        if ebpc.encode(head + [3] * n, w, n, z).bpc_bits % w == 0:
            add("constant last block ending on a word boundary", head + [3] * n)
            break
    add("5 5 6 7 pair", [5, 5, 6, 7, 7, 7, 7, 7][:n] + [7] * max(0, n - 8))
    add("4 4 4 7 single", [4, 4, 4, 7, 7, 7, 7, 7][:n] + [7] * max(0, n - 8))
    add("negative ramp", [-(i + 1) for i in range(n)])
    add("sign flips", [(-1) ** i * (i + 1) for i in range(2 * n)])
    # every single/pair position on several planes
    planes = list(range(w - 1)) if full else None
    blocks = symbol_blocks(w, n, planes)
    chunk = 16
    for i in range(0, len(blocks), chunk):
        vals = [v for b in blocks[i:i + chunk] for v in b]
        add(f"symbol positions #{i // chunk}", vals)
    # zero-DBX runs of every length 1..W+1: block whose deltas are 2**k-ish values
    for k in range(w + 1):
        # deltas with bits only in planes < k then sign-free: run of (W+1-k) zero planes
        d = [((1 << k) - 1) if (i % 2 == 0) else 0 for i in range(n - 1)]
        vals = _from_deltas(1, d)
        if all(lo <= v <= hi and v != 0 for v in vals):
            add(f"zero-plane run from plane {k}", vals)
    return t


# -- conformance / vector files --------------------------------------------------------

def load_case_file(path: str | Path) -> list[dict]:
    """Load a JSON list of ``{name, w, n, z, values, znz, bpc}`` cases."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read vector file {path}: {exc}") from exc
    if isinstance(data, dict) and "cases" in data:
        data = data["cases"]
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of cases")
    for i, case in enumerate(data):
        missing = {"w", "n", "z", "values"} - set(case)
        if missing:
            raise ValueError(f"{path}: case #{i} lacks {sorted(missing)}")
        case.setdefault("name", f"{path.stem}#{i}")
    return data


def matching_cases(cases: list[dict], w: int, n: int, z: int) -> list[dict]:
    return [c for c in cases if (c["w"], c["n"], c["z"]) == (w, n, z)]


# The throughput measurements' stimulus kinds (tb/test_throughput.py, tb/test_lanes.py).
THROUGHPUT_KINDS = ("dense_smooth", "random_dense", "relu_50", "sparse_90")


def throughput_values(kind: str, w: int, length: int, rng: random.Random) -> list[int]:
    """``length`` words of one of :data:`THROUGHPUT_KINDS`: a smooth non-zero walk, uniform
    non-zero words, half zeros and half small positive ones (ReLU-like), or 90 % zeros."""
    lo, hi = _lo(w), _hi(w)
    if kind == "dense_smooth":
        value, out = rng.randint(lo // 4, hi // 4), []
        step = max(1, 1 << max(0, w // 4 - 1))
        for _ in range(length):
            value = max(lo, min(hi, value + rng.randint(-step, step)))
            out.append(value or 1)
        return out
    if kind == "random_dense":
        return [rng.randint(lo, hi) or 1 for _ in range(length)]
    if kind == "relu_50":
        scale = float(1 << (w // 2))
        return [0 if rng.random() < 0.5 else min(hi, int(rng.expovariate(1 / scale)) + 1) for _ in range(length)]
    if kind == "sparse_90":
        return [0 if rng.random() < 0.9 else rng.randint(lo, hi) or 1 for _ in range(length)]
    raise ValueError(f"no throughput stimulus kind {kind!r} (one of {', '.join(THROUGHPUT_KINDS)})")
