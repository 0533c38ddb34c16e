# SPDX-License-Identifier: Apache-2.0
"""The coverage model's bins, as pure functions (no simulator needed).

Two kinds of cover points:

* **data points**: what a transmission exercises in the format, computed from the golden
  model's symbol trace of its values (:func:`transmission_bins`). Their bin space depends
  only on the parameters (:func:`data_bins`).
* **traffic points**: cycle-level handshake events seen by the bench's monitors, one point
  per top (:data:`TRAFFIC_BINS`), and the decoder's error classes (:data:`ERROR_BINS`).

:mod:`ebpc_tb.bench.coverage` samples these inside a simulation; :mod:`ebpc_tb.bench.closure` uses
:func:`transmission_bins` to choose stimulus that hits every data bin.

=========================== ======================================================
``ebpc.bpc.kind``            BPC symbol kinds
``ebpc.bpc.single_pos``      single-one positions 0..N-2
``ebpc.bpc.pair_pos``        two-ones (pair) positions 0..N-3
``ebpc.bpc.zero_run``        all-zero DBX run lengths 1..W+1
``ebpc.bpc.padding``         zero words padding the last block, 0..N-1
``ebpc.bpc.straddle``        bit offsets at which a BPC symbol crosses a word boundary
``ebpc.bpc.final_pad``       zero bits padding the final BPC word, 0..W-1
``ebpc.znz.run``             ZNZ zero-run symbol lengths 1..Z
``ebpc.znz.split``           whole zero runs: <Z, =Z, Z+1..2Z-1, a multiple k*Z (k>=2),
                             longer than 2Z with a remainder (split into several symbols)
``ebpc.znz.straddle``        bit offsets at which a ZNZ symbol crosses a word boundary
``ebpc.znz.final_pad``       zero bits padding the final ZNZ word, 0..W-1
``ebpc.tx.length``           transmission length classes: 1, 2..N-1, N..4N, 4N+1..256, >256
``ebpc.tx.content``          all zeros, no zero, mixed
``<top>.traffic``            cycle-level handshake events (:data:`TRAFFIC_BINS`)
``ebpc.decoder.error``       decoder error classes flagged, plus ``none``
=========================== ======================================================
"""

from __future__ import annotations

import ebpc

__all__ = ["KINDS", "LENGTH_BINS", "SPLIT_BINS", "CONTENT_BINS", "TRAFFIC_BINS", "JOINT_BINS", "ERROR_BINS",
           "data_bins", "transmission_bins", "zero_runs"]

KINDS = ["base", "all_ones", "dbp_zero", "pair", "single", "uncompressed", "zero_planes"]
LENGTH_BINS = ["1", "2..N-1", "N..4N", "4N+1..256", ">256"]
SPLIT_BINS = ["<Z", "=Z", "Z+1..2Z-1", "k*Z", ">2Z"]
CONTENT_BINS = ["all_zero", "no_zero", "mixed"]
ERROR_BINS = [*ebpc.FLAG_NAMES, "none"]     # the decoder's error_o bits in bit order, then none

# Cycle-level traffic events per top. For a stream s:
#   s.stall_with_data   the DUT holds a word on output s and the sink is not ready
#   s.stall_16          ... for 16 cycles in a row or more
#   s.backpressured     the DUT is not ready for an offered input word
#   s.gap_mid_frame     no word offered between the first and the last word of a frame
#   s.back_to_back      a frame's first word offered (valid) in the cycle after the previous
#                       frame's last word was handed over
#   a+b.stall_with_data both outputs held with data in the same cycle
#   link.*              the loopback's internal encoder->decoder links stalled with a word on them
#   reset.mid_transmission  reset while a transmission was in flight
TRAFFIC_BINS: dict[str, list[str]] = {
    "encoder": ["in.gap_mid_frame", "in.back_to_back", "in.backpressured",
                "znz.stall_with_data", "bpc.stall_with_data", "znz+bpc.stall_with_data",
                "znz.stall_16", "bpc.stall_16", "znz.back_to_back", "bpc.back_to_back",
                "reset.mid_transmission"],
    "decoder": ["znz.gap_mid_frame", "bpc.gap_mid_frame", "znz.back_to_back", "bpc.back_to_back",
                "len.backpressured", "znz.backpressured", "bpc.backpressured",
                "out.stall_with_data", "out.stall_16", "out.back_to_back",
                "reset.mid_transmission"],
    "loopback": ["in.gap_mid_frame", "in.back_to_back", "in.backpressured", "len.backpressured",
                 "out.stall_with_data", "out.stall_16", "out.back_to_back",
                 "link.znz_stall_with_data", "link.bpc_stall_with_data", "link.znz+bpc_stall_with_data",
                 "reset.mid_transmission"],
}

# Events hit when both of two stall events happen in the same cycle.
JOINT_BINS: dict[str, list[tuple[str, str, str]]] = {
    "encoder": [("znz.stall_with_data", "bpc.stall_with_data", "znz+bpc.stall_with_data")],
    "decoder": [],
    "loopback": [("link.znz_stall_with_data", "link.bpc_stall_with_data", "link.znz+bpc_stall_with_data")],
}


def _longest_codes(w: int, n: int, z: int) -> tuple[int, int]:
    """Longest ZNZ and BPC symbols (bits): 1 + log2(Z); max(base W, uncompressed N, run, pair)."""
    znz = 1 + (z.bit_length() - 1)
    bpc = max(w, n, 3 + (w.bit_length() - 1), 5 + (n - 1).bit_length())
    return znz, bpc


def data_bins(w: int, n: int, z: int) -> dict[str, list]:
    """The data cover points and their bins for one parameter set."""
    znz_longest, bpc_longest = _longest_codes(w, n, z)
    return {
        "ebpc.bpc.kind": list(KINDS),
        "ebpc.bpc.single_pos": list(range(max(1, n - 1))),
        "ebpc.bpc.pair_pos": list(range(max(1, n - 2))),
        "ebpc.bpc.zero_run": list(range(1, w + 2)),
        "ebpc.bpc.padding": list(range(n)),
        # A symbol starting at bit offset o of a word crosses into the next one when
        # o + its length > W: only offsets > W - longest can.
        "ebpc.bpc.straddle": list(range(max(0, w - bpc_longest + 1), w)),
        "ebpc.bpc.final_pad": list(range(w)),
        "ebpc.znz.run": list(range(1, z + 1)),
        "ebpc.znz.split": list(SPLIT_BINS),
        "ebpc.znz.straddle": list(range(max(0, w - znz_longest + 1), w)),
        "ebpc.znz.final_pad": list(range(w)),
        "ebpc.tx.length": list(LENGTH_BINS),
        "ebpc.tx.content": list(CONTENT_BINS),
    }


def zero_runs(values: list[int]) -> list[int]:
    """Lengths of the maximal runs of zero words."""
    runs, current = [], 0
    for v in values:
        if v == 0:
            current += 1
        elif current:
            runs.append(current)
            current = 0
    if current:
        runs.append(current)
    return runs


def _length_bin(length: int, n: int) -> str:
    if length == 1:
        return "1"
    if length < n:
        return "2..N-1"
    if length <= 4 * n:
        return "N..4N"
    return "4N+1..256" if length <= 256 else ">256"


def _split_bin(run: int, z: int) -> str:
    if run < z:
        return "<Z"
    if run == z:
        return "=Z"
    if run < 2 * z:
        return "Z+1..2Z-1"
    return "k*Z" if run % z == 0 else ">2Z"


def transmission_bins(values: list[int], w: int, n: int, z: int) -> list[tuple[str, object]]:
    """Every (cover point, bin) sample one transmission of ``values`` produces (with repeats)."""
    samples: list[tuple[str, object]] = []
    length = len(values)
    samples.append(("ebpc.tx.length", _length_bin(length, n)))
    nonzero = sum(1 for v in values if v)
    samples.append(("ebpc.tx.content", "all_zero" if nonzero == 0 else
                    "no_zero" if nonzero == length else "mixed"))
    if nonzero:
        samples.append(("ebpc.bpc.padding", (-nonzero) % n))
    samples += [("ebpc.znz.split", _split_bin(run, z)) for run in zero_runs(values)]
    position_bits = max(1, (n - 1).bit_length())
    run_bits = max(1, (w - 1).bit_length())
    stream_bits = {"znz": 0, "bpc": 0}     # coded bits per stream, from the same trace
    for symbol in ebpc.symbol_trace(values, w, n, z):
        stream_bits[symbol.stream] += len(symbol.bits)
        offset = symbol.bit_offset % w
        if offset + len(symbol.bits) > w:
            samples.append((f"ebpc.{symbol.stream}.straddle", offset))
        if symbol.stream == "znz":
            if symbol.kind == "zero_run":
                samples.append(("ebpc.znz.run", symbol.plane))     # plane holds the run length
            continue
        samples.append(("ebpc.bpc.kind", symbol.kind))
        if symbol.kind == "single":
            samples.append(("ebpc.bpc.single_pos", int(symbol.bits[5:5 + position_bits], 2)))
        elif symbol.kind == "pair":
            samples.append(("ebpc.bpc.pair_pos", int(symbol.bits[5:5 + position_bits], 2)))
        elif symbol.kind == "zero_planes":
            run = 1 if symbol.bits == "01" else int(symbol.bits[3:3 + run_bits], 2) + 2
            samples.append(("ebpc.bpc.zero_run", run))
    samples.append(("ebpc.znz.final_pad", (-stream_bits["znz"]) % w))
    if stream_bits["bpc"]:
        samples.append(("ebpc.bpc.final_pad", (-stream_bits["bpc"]) % w))
    return samples
