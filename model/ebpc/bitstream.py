# SPDX-License-Identifier: Apache-2.0
"""Packing variable-length codes into W-bit words, MSB first, and back (vectorised)."""

from __future__ import annotations

import numpy as np

__all__ = ["pack_codes", "unpack_bits", "gather_field"]

_BIG_ENDIAN = {8: ">u1", 16: ">u2", 32: ">u4"}


def pack_codes(values: np.ndarray, lengths: np.ndarray, width: int) -> tuple[np.ndarray, int]:
    """Concatenate codes (value, length <= 64 bits) MSB first; pack into W-bit words.

    Returns the words (uint64, the last one zero-padded) and the exact bit count.
    Works on 64-bit chunks: a code touches at most two chunks, the codes starting in a chunk
    have disjoint bits (one OR-reduction per chunk), and at most one code spills into the
    next chunk. The stream is never expanded to single bits.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    values = np.asarray(values, dtype=np.uint64)
    if lengths.size == 0:
        return np.zeros(0, dtype=np.uint64), 0
    ends = np.cumsum(lengths)
    total = int(ends[-1])
    starts = ends - lengths
    chunk = starts >> 6
    end_in_chunk = (starts & 63) + lengths  # 1..127
    # numpy shifts by >= 64 give 0, which clears what does not belong to a part.
    left = np.maximum(64 - end_in_chunk, 0).astype(np.uint64)
    right = np.maximum(end_in_chunk - 64, 0).astype(np.uint64)
    head = (values << left) >> right
    chunks = np.zeros((total + 63) // 64, dtype=np.uint64)
    firsts = np.flatnonzero(np.concatenate(([True], chunk[1:] != chunk[:-1])))
    chunks[chunk[firsts]] = np.bitwise_or.reduceat(head, firsts)
    spills = np.flatnonzero(end_in_chunk > 64)
    chunks[chunk[spills] + 1] |= values[spills] << (128 - end_in_chunk[spills]).astype(np.uint64)
    as_bytes = chunks.astype(">u8").tobytes()
    words = np.frombuffer(as_bytes, dtype=_BIG_ENDIAN[width]).astype(np.uint64)
    return words[: (total + width - 1) // width], total


def unpack_bits(words: np.ndarray, width: int) -> np.ndarray:
    """W-bit words -> their bits, MSB first, as a uint8 array of 0/1."""
    words = np.asarray(words)
    as_words = words.astype(_BIG_ENDIAN[width])
    return np.unpackbits(as_words.view(np.uint8))


def gather_field(bits: np.ndarray, starts: np.ndarray, length: int) -> np.ndarray:
    """Read `length` (<= 64) bits at each start as unsigned integers; past the end reads 0."""
    starts = np.asarray(starts, dtype=np.int64)
    out = np.zeros(starts.size, dtype=np.uint64)
    for i in range(length):
        index = starts + i
        inside = index < bits.size
        bit = np.zeros(starts.size, dtype=np.uint64)
        bit[inside] = bits[index[inside]]
        out = (out << np.uint64(1)) | bit
    return out
