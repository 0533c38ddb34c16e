# SPDX-License-Identifier: Apache-2.0
"""The EBPC codec's words and symbols, and its vectorised, bit-exact encoder (ebpc-format.md).

Encoding is pure numpy.  The decoder is :mod:`ebpc.decoding`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .bitstream import pack_codes
from .params import Params

__all__ = [
    "Encoded",
    "DecodeError",
    "WordRangeError",
    "Symbol",
    "SymbolKind",
    "as_words",
    "encode",
    "symbol_trace",
    "bpc_block_codes",
]


class WordRangeError(ValueError):
    """Input words that are not integers fitting W bits (signed or unsigned), or none at all."""


class DecodeError(ValueError):
    """A malformed compressed stream.

    stream      'znz', 'bpc' or 'length' (the word count itself is illegal)
    bit_offset  where in that stream the problem was found
    """

    def __init__(self, stream: str, bit_offset: int, reason: str) -> None:
        super().__init__(f"{stream} stream, bit {bit_offset}: {reason}")
        self.stream = stream
        self.bit_offset = bit_offset
        self.reason = reason


class SymbolKind:
    """Names of the symbol kinds as they appear in traces and coverage."""

    NONZERO = "nonzero"  # ZNZ '1'
    ZERO_RUN = "zero_run"  # ZNZ '0' + run length - 1
    BASE = "base"  # BPC first word of a block
    ALL_ONES = "all_ones"  # DBX all ones: 00000
    DBP_ZERO = "dbp_zero"  # DBX non-zero, DBP zero: 00001
    PAIR = "pair"  # two adjacent ones: 00010 + position
    SINGLE = "single"  # one one: 00011 + position
    UNCOMPRESSED = "uncompressed"  # 1 + DBX
    ZERO_PLANES = "zero_planes"  # run of all-zero DBX: 01 (one) or 001 + (r - 2)

    BPC_PLANE_KINDS = (ALL_ONES, DBP_ZERO, PAIR, SINGLE, UNCOMPRESSED, ZERO_PLANES)


# Integer codes of the plane kinds used inside the vectorised coder.
_ZERO, _ONES, _DBP0, _PAIR, _SINGLE, _RAW = range(6)
_KIND_NAMES = {
    _ZERO: SymbolKind.ZERO_PLANES,
    _ONES: SymbolKind.ALL_ONES,
    _DBP0: SymbolKind.DBP_ZERO,
    _PAIR: SymbolKind.PAIR,
    _SINGLE: SymbolKind.SINGLE,
    _RAW: SymbolKind.UNCOMPRESSED,
}


@dataclass(frozen=True)
class Symbol:
    """One coded symbol, for debugging traces.

    block   BPC: block index; ZNZ: index of the first input word the symbol stands for
    plane   BPC: first delta bit-plane it codes (-1 for the base); ZNZ: words it covers
    """

    stream: str
    block: int
    plane: int
    kind: str
    bit_offset: int
    bits: str


@dataclass(frozen=True)
class Encoded:
    """One encoded transmission: both packed streams, their exact bit lengths, parameters."""

    znz: np.ndarray
    bpc: np.ndarray
    znz_bits: int
    bpc_bits: int
    num_words: int
    width: int
    block: int
    max_zero_run: int
    nonzero_words: int = field(default=0)

    @property
    def coded_bits(self) -> int:
        return self.znz_bits + self.bpc_bits

    @property
    def ratio(self) -> float:
        """Compression ratio over coded bits (the paper's measure)."""
        return self.num_words * self.width / self.coded_bits

    @property
    def word_ratio(self) -> float:
        """Compression ratio over whole packed words (what a memory sees)."""
        return self.num_words / (self.znz.size + self.bpc.size)


def as_words(values: object, width: int) -> np.ndarray:
    """Flatten (C order) integer values that fit W bits, signed or unsigned; return signed int64.

    Unsigned values >= 2**(W-1) are taken as the same W-bit word (two's complement).
    """
    array = np.asarray(values)
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.integer):
        if array.size and array.dtype == object:
            try:
                array = np.asarray([int(v) for v in array.ravel()], dtype=object)
                array = array.astype(np.int64)
            except (TypeError, ValueError, OverflowError):
                raise WordRangeError("words must be integers") from None
        elif array.size == 0 and array.dtype == np.float64:
            array = array.astype(np.int64)
        else:
            raise WordRangeError(f"words must be integers, got dtype {array.dtype}")
    flat = array.reshape(-1)
    if flat.size == 0:
        raise WordRangeError("an empty transmission (no words) is not valid input")
    if flat.dtype == np.uint64:
        if int(flat.max()) >= 1 << width:
            raise WordRangeError(f"value {int(flat.max())} does not fit {width} bits")
        flat = flat.astype(np.int64)
    else:
        flat = flat.astype(np.int64)
        low, high = int(flat.min()), int(flat.max())
        if low < -(1 << (width - 1)) or high >= 1 << width:
            bad = low if low < -(1 << (width - 1)) else high
            raise WordRangeError(
                f"value {bad} does not fit {width} bits "
                f"(signed {-(1 << (width - 1))}..{(1 << (width - 1)) - 1} or unsigned 0..{(1 << width) - 1})"
            )
    return np.where(flat >= 1 << (width - 1), flat - (1 << width), flat)


# ---------------------------------------------------------------------------------------
# Encoder
# ---------------------------------------------------------------------------------------


def _znz_codes(words: np.ndarray, p: Params) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ZNZ codes in stream order: (values, lengths, index of the word that emits each).

    A non-zero word emits '1'. A zero word emits a zero-run symbol when its piece of the
    run reaches Z or the run ends; the symbol's value is the piece length - 1.
    """
    nonzero = words != 0
    sentinel = np.ones(words.size + 2, dtype=bool)
    sentinel[1:-1] = nonzero
    edges = np.flatnonzero(sentinel[1:] != sentinel[:-1])
    run_start, run_end = edges[0::2], edges[1::2]
    run_length = run_end - run_start
    full_pieces = (run_length - 1) // p.max_zero_run  # pieces of exactly Z before the last
    piece_run = np.repeat(np.arange(run_start.size), full_pieces)
    piece_index = np.arange(piece_run.size) - np.repeat(np.cumsum(full_pieces) - full_pieces, full_pieces)
    full_emitters = run_start[piece_run] + (piece_index + 1) * p.max_zero_run - 1
    emitters = np.concatenate((full_emitters, run_end - 1))
    emitter_values = np.concatenate(
        (np.full(full_emitters.size, p.max_zero_run - 1), (run_length - 1) % p.max_zero_run)
    )
    symbol_length = nonzero.astype(np.int8)
    symbol_length[emitters] = 1 + p.run_bits
    symbol_value = nonzero.astype(np.uint8)
    symbol_value[emitters] = emitter_values
    emitting = np.flatnonzero(symbol_length)
    lengths = symbol_length[emitting].astype(np.int64)
    values = symbol_value[emitting].astype(np.uint64)
    return values, lengths, emitting


def _bit_planes(blocks: np.ndarray, p: Params) -> tuple[np.ndarray, np.ndarray]:
    """Delta bit-planes DBP[k] and their XORs DBX[k] for each block: two (B, W+1) arrays."""
    deltas = (np.diff(blocks, axis=1) & ((1 << p.planes) - 1)).astype(np.uint64)
    shifts = np.arange(p.planes, dtype=np.uint64)
    dbp = np.zeros((blocks.shape[0], p.planes), dtype=np.uint64)
    for column in range(p.plane_bits):  # d[1] is the leftmost bit (position 0)
        bit = (deltas[:, column, None] >> shifts) & np.uint64(1)
        dbp |= bit << np.uint64(p.plane_bits - 1 - column)
    dbx = dbp.copy()
    dbx[:, 1:] ^= dbp[:, :-1]
    return dbp, dbx


def _plane_kinds(dbp: np.ndarray, dbx: np.ndarray, p: Params) -> tuple[np.ndarray, np.ndarray]:
    """Kind of every plane symbol (first matching rule) and the position field where used."""
    all_ones = np.uint64((1 << p.plane_bits) - 1)
    ones = np.bitwise_count(dbx)
    lowest = dbx & (~dbx + np.uint64(1))
    low_index = np.bitwise_count(lowest - np.uint64(1)).astype(np.int64)  # bit index from LSB
    adjacent = (dbx & (dbx >> np.uint64(1))) != 0
    kind = np.full(dbx.shape, _RAW, dtype=np.int8)
    # Assign in reverse rule order so that earlier rules win.
    kind[ones == 1] = _SINGLE
    kind[(ones == 2) & adjacent] = _PAIR
    kind[dbp == 0] = _DBP0
    kind[dbx == all_ones] = _ONES
    kind[dbx == 0] = _ZERO
    # Positions count from the leftmost bit (d[1]); a pair is named by its left one.
    position = np.where(kind == _SINGLE, p.plane_bits - 1 - low_index, p.plane_bits - 2 - low_index)
    return kind, position


def bpc_block_codes(blocks: np.ndarray, p: Params) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """BPC codes of whole blocks (B, N) of signed words, in stream order.

    Returns (values, lengths, kind, first plane) per code; kind -1 marks a base.
    """
    n_blocks = blocks.shape[0]
    dbp, dbx = _bit_planes(blocks, p)
    kind, position = _plane_kinds(dbp, dbx, p)
    pos_bits = p.position_bits
    position = position.astype(np.uint64)
    values = np.zeros((n_blocks, p.planes + 1), dtype=np.uint64)
    lengths = np.zeros((n_blocks, p.planes + 1), dtype=np.int64)
    values[:, 0] = (blocks[:, 0] & ((1 << p.width) - 1)).astype(np.uint64)
    lengths[:, 0] = p.width
    # Prefix and length of each kind's code; the payload is the DBX or a position.
    prefix = np.array([0, 0b00000, 0b00001, 0b00010 << pos_bits, 0b00011 << pos_bits, 1 << p.plane_bits], np.uint64)
    code_length = np.array([0, 5, 5, 5 + pos_bits, 5 + pos_bits, p.block], dtype=np.int64)
    payload = np.where(kind == _RAW, dbx, np.where(kind >= _PAIR, position, np.uint64(0)))
    plane_values = prefix[kind] | payload
    plane_lengths = code_length[kind]
    # Runs of all-zero DBX inside a block: one code at the first plane of the run.
    zero = kind == _ZERO
    before = np.zeros_like(zero)
    before[:, 1:] = zero[:, :-1]
    after = np.zeros_like(zero)
    after[:, :-1] = zero[:, 1:]
    run_starts = np.flatnonzero((zero & ~before).ravel())
    run_ends = np.flatnonzero((zero & ~after).ravel())
    run_lengths = run_ends - run_starts + 1
    flat_values = plane_values.reshape(-1)
    flat_lengths = plane_lengths.reshape(-1)
    flat_values[run_starts] = np.where(
        run_lengths == 1, 0b01, (1 << p.plane_run_bits) | np.maximum(run_lengths - 2, 0)
    ).astype(np.uint64)
    flat_lengths[run_starts] = np.where(run_lengths == 1, 2, 3 + p.plane_run_bits)
    values[:, 1:] = plane_values
    lengths[:, 1:] = plane_lengths
    kinds = np.full((n_blocks, p.planes + 1), -1, dtype=np.int8)
    kinds[:, 1:] = kind
    first_plane = np.broadcast_to(np.arange(-1, p.planes), (n_blocks, p.planes + 1))
    keep = (lengths > 0).reshape(-1)
    return (
        values.reshape(-1)[keep],
        lengths.reshape(-1)[keep],
        kinds.reshape(-1)[keep],
        first_plane.reshape(-1)[keep],
    )


def _blocks_of(nonzero_words: np.ndarray, block: int) -> np.ndarray:
    padded = np.zeros(-(-nonzero_words.size // block) * block, dtype=np.int64)
    padded[: nonzero_words.size] = nonzero_words
    return padded.reshape(-1, block)


def encode(words: object, width: int, block: int = 8, max_zero_run: int = 16) -> Encoded:
    """Encode one transmission of W-bit words (any integer array; flattened in C order)."""
    p = Params(width, block, max_zero_run)
    signed = as_words(words, p.width)
    znz_values, znz_lengths, _ = _znz_codes(signed, p)
    znz, znz_bits = pack_codes(znz_values, znz_lengths, p.width)
    nonzero_words = signed[signed != 0]
    if nonzero_words.size:
        values, lengths, _, _ = bpc_block_codes(_blocks_of(nonzero_words, p.block), p)
        bpc, bpc_bits = pack_codes(values, lengths, p.width)
    else:
        bpc, bpc_bits = np.zeros(0, dtype=np.uint64), 0
    return Encoded(
        znz=znz,
        bpc=bpc,
        znz_bits=znz_bits,
        bpc_bits=bpc_bits,
        num_words=int(signed.size),
        width=p.width,
        block=p.block,
        max_zero_run=p.max_zero_run,
        nonzero_words=int(nonzero_words.size),
    )


def symbol_trace(words: object, width: int, block: int = 8, max_zero_run: int = 16) -> list[Symbol]:
    """Every symbol of the encoding of `words`, ZNZ stream first, each with its bit offset."""
    p = Params(width, block, max_zero_run)
    signed = as_words(words, p.width)
    trace: list[Symbol] = []
    values, lengths, emitters = _znz_codes(signed, p)
    offsets = np.cumsum(lengths) - lengths
    covered = np.where(lengths == 1, 1, values.astype(np.int64) + 1)
    for value, length, emitter, offset, count in zip(values, lengths, emitters, offsets, covered):
        kind = SymbolKind.NONZERO if length == 1 else SymbolKind.ZERO_RUN
        trace.append(
            Symbol("znz", int(emitter - count + 1), int(count), kind, int(offset), format(int(value), f"0{length}b"))
        )
    nonzero_words = signed[signed != 0]
    if nonzero_words.size:
        values, lengths, kinds, planes = bpc_block_codes(_blocks_of(nonzero_words, p.block), p)
        offsets = np.cumsum(lengths) - lengths
        block_index = np.cumsum(kinds == -1) - 1
        for value, length, kind, plane, offset, blk in zip(values, lengths, kinds, planes, offsets, block_index):
            name = SymbolKind.BASE if kind < 0 else _KIND_NAMES[int(kind)]
            trace.append(Symbol("bpc", int(blk), int(plane), name, int(offset), format(int(value), f"0{length}b")))
    return trace
