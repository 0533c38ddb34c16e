# SPDX-License-Identifier: Apache-2.0
"""The lane dimension of the coverage model (Lanes > 1), as pure functions.

A build with ``Lanes = L`` carries word k of every packet in lane ``k mod L`` of beat
``k div L`` (docs/integration.md). Where a packet, a zero run or a block falls on the
beats is what the multi-lane datapaths must get right, so these points count it, per
stream the bench scores (``data``: the words in or out, ``znz``, ``bpc``: the coded
streams) and from the golden model's view of the transmission. The points carry L in
their names (``ebpc.lanes4.*``): builds of different L merge into one parameter set's
report without mixing their bins.

============================== ==========================================================
``final_keep``                 ``<stream>.<k>``: words kept in a packet's final beat,
                               k = 1..L (every legal TKEEP of a final beat)
``packet``                     the data packet: ``one_word``, ``one_beat`` (2..L words),
                               ``several_beats``
``run_start`` / ``run_end``    the lane a maximal run of zero words starts / ends in
``run_beats``                  the run lies ``within_beat`` or ``spans_beats``
``block_start``                the lane of the BPC word a block's code starts in
``block_beats``                a block's code lies ``within_beat`` or ``straddles`` beats
============================== ==========================================================
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Iterable, Mapping, Sequence

import ebpc

__all__ = ["STREAMS", "lane_bins", "transmission_lane_bins", "lane_coverage_json", "lane_closure"]

STREAMS = ("data", "znz", "bpc")
_SPAN = ["within_beat", "spans_beats"]


def _name(lanes: int, point: str) -> str:
    return f"ebpc.lanes{lanes}.{point}"


def lane_bins(lanes: int, streams: Sequence[str] = STREAMS) -> dict[str, list[str]]:
    """The lane cover points and their bins of a build with ``lanes`` words per beat, for
    the ``streams`` its bench scores (none at ``lanes == 1``: there is no lane dimension)."""
    if lanes < 2:
        return {}
    lane_ids = [str(i) for i in range(lanes)]
    points = {_name(lanes, "final_keep"): [f"{s}.{k}" for s in streams for k in range(1, lanes + 1)]}
    if "data" in streams:
        points |= {_name(lanes, "packet"): ["one_word", "one_beat", "several_beats"],
                   _name(lanes, "run_start"): lane_ids, _name(lanes, "run_end"): lane_ids,
                   _name(lanes, "run_beats"): list(_SPAN)}
    if "bpc" in streams:
        points |= {_name(lanes, "block_start"): lane_ids,
                   _name(lanes, "block_beats"): ["within_beat", "straddles"]}
    return points


def _zero_runs(values: Sequence[int]) -> Iterable[tuple[int, int]]:
    """(first, last) index of every maximal run of zero words."""
    start = None
    for i, v in enumerate(values):
        if v == 0 and start is None:
            start = i
        elif v != 0 and start is not None:
            yield start, i - 1
            start = None
    if start is not None:
        yield start, len(values) - 1


def _block_spans(values: Sequence[int], w: int, n: int, z: int) -> Iterable[tuple[int, int]]:
    """(first, last) BPC word of every block's code."""
    first_bit: dict[int, int] = {}
    end_bit: dict[int, int] = {}
    for symbol in ebpc.symbol_trace(list(values), w, n, z):
        if symbol.stream != "bpc":
            continue
        first_bit.setdefault(symbol.block, symbol.bit_offset)
        end_bit[symbol.block] = symbol.bit_offset + len(symbol.bits)
    for block, first in first_bit.items():
        yield first // w, (end_bit[block] - 1) // w


def transmission_lane_bins(values: Sequence[int], w: int, n: int, z: int, lanes: int,
                           streams: Sequence[str] = STREAMS) -> list[tuple[str, str]]:
    """Every (cover point, bin) sample one transmission of ``values`` produces at ``lanes``
    words per beat, for the ``streams`` scored (with repeats)."""
    if lanes < 2:
        return []
    samples: list[tuple[str, str]] = []
    enc = ebpc.encode(list(values), w, n, z)
    sizes = {"data": len(values), "znz": int(enc.znz.size), "bpc": int(enc.bpc.size)}
    for stream in streams:
        if sizes[stream]:
            samples.append((_name(lanes, "final_keep"), f"{stream}.{(sizes[stream] - 1) % lanes + 1}"))
    if "data" in streams:
        length = len(values)
        samples.append((_name(lanes, "packet"), "one_word" if length == 1 else
                        "one_beat" if length <= lanes else "several_beats"))
        for first, last in _zero_runs(values):
            samples += [(_name(lanes, "run_start"), str(first % lanes)),
                        (_name(lanes, "run_end"), str(last % lanes)),
                        (_name(lanes, "run_beats"), _SPAN[first // lanes != last // lanes])]
    if "bpc" in streams:
        for first, last in _block_spans(values, w, n, z):
            samples += [(_name(lanes, "block_start"), str(first % lanes)),
                        (_name(lanes, "block_beats"), "straddles" if first // lanes != last // lanes
                         else "within_beat")]
    return samples


def lane_coverage_json(config: dict, groups: Mapping[int, Sequence[str]],
                       samples: Iterable[tuple[str, str]]) -> str:
    """A coverage file of the benches' format (``ebpc_tb.reports.coverage_report`` merges it)
    holding the lane points of one run: ``config`` (w, n, z, seed, top), the points of each
    ``lanes -> streams`` group, and every bin's hits."""
    hits = Counter(samples)
    points = {}
    for lanes, streams in groups.items():
        for point, bins in lane_bins(lanes, streams).items():
            counts = {b: hits[(point, b)] for b in bins}
            covered = sum(1 for c in counts.values() if c)
            points[point] = {"size": len(bins), "covered": covered,
                             "percent": round(100.0 * covered / len(bins), 2), "bins": counts}
    unknown = sorted(f"{p} {b}" for p, b in hits if b not in points.get(p, {}).get("bins", {}))
    if unknown:
        raise ValueError(f"samples outside the lane model: {', '.join(unknown)}")
    lanes = {"Lanes": max(groups)} if groups else {}
    return json.dumps({"config": dict(config, params=lanes), "coverage": points}, indent=1)


def _candidate(rng, w: int, lanes: int) -> list[int]:
    """A random transmission for the closure pool: any length up to a few hundred words, of
    dense, sparse, ReLU-like, constant or slowly varying words."""
    lo, hi = -(1 << (w - 1)), (1 << (w - 1)) - 1
    length = rng.choice([rng.randint(1, 2 * lanes + 2), rng.randint(1, 64), rng.randint(1, 400)])
    kind = rng.choice(["dense", "sparse", "relu", "constant", "smooth"])
    if kind == "constant":
        value = rng.randint(lo, hi) or 1
        return [value] * length
    if kind == "smooth":
        value, out = rng.randint(lo // 2, hi // 2), []
        for _ in range(length):
            value = max(lo, min(hi, value + rng.randint(-2, 2)))
            out.append(value)
        return out
    zeros = {"dense": 0.0, "sparse": 0.9, "relu": 0.5}[kind]
    return [0 if rng.random() < zeros else (rng.randint(lo, hi) or 1) for _ in range(length)]


def lane_closure(w: int, n: int, z: int, lanes: int, rng, streams: Sequence[str] = STREAMS,
                 pool: int = 600) -> list[list[int]]:
    """Transmissions that together hit every lane bin they can: drawn from ``rng`` (a pool of
    ``pool`` random candidates), kept greedily while each adds a bin not yet hit. The bins
    the pool misses stay unhit (the coverage report names them)."""
    space = {(p, b) for p, bins in lane_bins(lanes, streams).items() for b in bins}
    chosen: list[list[int]] = []
    for _ in range(pool):
        if not space:
            break
        values = _candidate(rng, w, lanes)
        new = space.intersection(transmission_lane_bins(values, w, n, z, lanes, streams))
        if new:
            chosen.append(values)
            space -= new
    return chosen
