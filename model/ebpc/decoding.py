# SPDX-License-Identifier: Apache-2.0
"""The EBPC decoder: one transmission's two streams and word count back to its words.

Numpy except for one tight loop per BPC block that walks the symbol boundaries (a prefix
code cannot be split without knowing where the previous symbol ended); every per-symbol
decision in that loop is a table look-up precomputed for all bit positions at once.
"""

from __future__ import annotations

import re

import numpy as np

from .bitstream import gather_field, unpack_bits
from .codec import DecodeError
from .params import Params

__all__ = ["decode"]


def _stream_bits(words: object, width: int, stream: str) -> np.ndarray:
    array = np.asarray(words)
    if array.ndim != 1:
        array = array.reshape(-1)
    if array.size == 0:
        return np.zeros(0, dtype=np.uint8)
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.integer):
        raise DecodeError(stream, 0, f"stream words must be integers, got dtype {array.dtype}")
    if int(array.min()) < 0 or int(array.max()) >= 1 << width:
        raise DecodeError(stream, 0, f"stream words must be unsigned {width}-bit values")
    return unpack_bits(array.astype(np.uint64), width)


def _decode_znz(bits: np.ndarray, num_words: int, p: Params) -> tuple[np.ndarray, int]:
    """Zero/non-zero mask of the L words and the bit count the symbols used."""
    run_bits = p.run_bits
    text = (bits + ord("0")).astype(np.uint8).tobytes()
    # Scanning for zero-run symbols skips each '1' (a non-zero symbol) as a non-match.
    pattern = re.compile(b"0[01]{%d}" % run_bits)
    starts = np.fromiter((m.start() for m in pattern.finditer(text)), dtype=np.int64)
    if starts.size:
        runs = gather_field(bits, starts + 1, run_bits).astype(np.int64) + 1
    else:
        runs = np.zeros(0, dtype=np.int64)
    symbol_bits = 1 + run_bits
    ones_before = starts - np.arange(starts.size) * symbol_bits
    zeros_before = np.cumsum(runs) - runs
    words_before = ones_before + zeros_before  # words accounted before each zero symbol
    words_after = words_before + runs
    last = int(np.searchsorted(words_after, num_words))  # first zero symbol reaching L
    if last < starts.size and words_before[last] < num_words:
        if words_after[last] > num_words:
            raise DecodeError("znz", int(starts[last]), f"zero run of {runs[last]} passes the word count {num_words}")
        used = int(starts[last]) + symbol_bits
        n_runs = last + 1
    else:
        # The transmission ends on non-zero symbols after zero symbol `last - 1`.
        end_prev = int(starts[last - 1]) + symbol_bits if last else 0
        words_prev = int(words_after[last - 1]) if last else 0
        used = end_prev + (num_words - words_prev)
        if used > bits.size or not bits[end_prev:used].all():
            stop = end_prev + int(np.argmin(np.concatenate((bits[end_prev:used], [0]))))
            raise DecodeError("znz", min(stop, bits.size), "stream ends before the word count is reached")
        n_runs = last
    zero = np.zeros(num_words + 1, dtype=np.int64)
    np.add.at(zero, words_before[:n_runs], 1)
    np.add.at(zero, words_after[:n_runs], -1)
    return np.cumsum(zero[:num_words]) > 0, used


def _bpc_tables(p: Params) -> tuple[bytes, bytes]:
    """For every 8-bit look-ahead value: the length of the plane code and planes it covers."""
    length = bytearray(256)
    planes = bytearray(256)
    run_field = p.plane_run_bits
    for ahead in range(256):
        if ahead >> 7:
            length[ahead], planes[ahead] = p.block, 1
        elif ahead >> 6:
            length[ahead], planes[ahead] = 2, 1
        elif ahead >> 5:
            length[ahead] = 3 + run_field
            planes[ahead] = ((ahead >> (5 - run_field)) & ((1 << run_field) - 1)) + 2
        elif ahead >> 4 == 0:
            length[ahead], planes[ahead] = 5, 1  # 0000x
        else:
            length[ahead], planes[ahead] = 5 + p.position_bits, 1  # 0001x
    return bytes(length), bytes(planes)


def _decode_bpc(bits: np.ndarray, n_blocks: int, p: Params) -> tuple[np.ndarray, int]:
    """Decode n_blocks blocks; returns the (n_blocks, N) signed words and the bits used."""
    total = bits.size
    padded = np.concatenate((bits, np.zeros(8, dtype=np.uint8)))
    ahead = np.zeros(total, dtype=np.uint8)
    for i in range(8):
        ahead = (ahead << 1) | padded[i : i + total]
    length_table, planes_table = _bpc_tables(p)
    lengths = np.frombuffer(length_table, dtype=np.uint8)[ahead].tobytes()
    planes = np.frombuffer(planes_table, dtype=np.uint8)[ahead].tobytes()
    base_at: list[int] = []
    symbol_at: list[int] = []
    width, per_block = p.width, p.planes
    position = 0
    for _ in range(n_blocks):
        base_at.append(position)
        position += width
        covered = 0
        while covered < per_block:
            if position >= total:
                raise DecodeError("bpc", min(position, total), f"stream ends inside block {len(base_at) - 1}")
            symbol_at.append(position)
            covered += planes[position]
            position += lengths[position]
        if covered > per_block:
            raise DecodeError(
                "bpc", symbol_at[-1], f"run of all-zero planes passes the end of block {len(base_at) - 1}"
            )
    if position > total:
        raise DecodeError("bpc", total, f"stream ends inside block {n_blocks - 1}")
    starts = np.asarray(symbol_at, dtype=np.int64)
    head = gather_field(bits, starts, 5).astype(np.int64)
    covers = np.frombuffer(planes, dtype=np.uint8)[starts].astype(np.int64)
    symbol_block = np.repeat(np.arange(n_blocks), np.diff(np.searchsorted(starts, np.asarray(base_at + [total]))))
    first_plane = np.cumsum(covers) - covers
    block_first = np.searchsorted(symbol_block, np.arange(n_blocks))
    first_plane -= first_plane[block_first][symbol_block]

    raw = head >> 4 == 1
    zero_planes = ((head >> 3) == 0b01) | ((head >> 2) == 0b001)
    all_ones = head == 0b00000
    dbp_zero = head == 0b00001
    pair = head == 0b00010
    single = head == 0b00011
    pos_bits = p.position_bits
    position_field = gather_field(bits, starts + 5, pos_bits).astype(np.int64)
    bad = (single & (position_field > p.block - 2)) | (pair & (position_field > p.block - 3))
    if bad.any():
        at = int(starts[np.argmax(bad)])
        raise DecodeError("bpc", at, "bit position outside the plane")
    plane_mask = (1 << p.plane_bits) - 1
    dbx_value = np.zeros(starts.size, dtype=np.uint64)
    dbx_value[raw] = gather_field(bits, starts[raw] + 1, p.plane_bits)
    dbx_value[all_ones] = plane_mask
    shift = np.where(single, p.block - 2 - position_field, p.block - 3 - position_field)
    shift = np.clip(shift, 0, 63).astype(np.uint64)
    dbx_value[single] = np.uint64(1) << shift[single]
    dbx_value[pair] = np.uint64(3) << shift[pair]
    dbx = np.zeros((n_blocks, per_block), dtype=np.uint64)
    forced_zero = np.zeros((n_blocks, per_block), dtype=bool)
    one_plane = ~zero_planes
    dbx[symbol_block[one_plane], first_plane[one_plane]] = dbx_value[one_plane]
    forced_zero[symbol_block[dbp_zero], first_plane[dbp_zero]] = True
    dbp = np.zeros_like(dbx)
    previous = np.zeros(n_blocks, dtype=np.uint64)
    for k in range(per_block):
        plane = np.where(forced_zero[:, k], np.uint64(0), dbx[:, k] ^ previous)
        dbp[:, k] = plane
        previous = plane
    deltas = np.zeros((n_blocks, p.plane_bits), dtype=np.int64)
    for column in range(p.plane_bits):
        bit = (dbp >> np.uint64(p.plane_bits - 1 - column)) & np.uint64(1)
        deltas[:, column] = (bit << np.arange(per_block, dtype=np.uint64)).sum(axis=1).astype(np.int64)
    deltas = np.where(deltas >= 1 << p.width, deltas - (1 << per_block), deltas)
    base = gather_field(bits, np.asarray(base_at, dtype=np.int64), width).astype(np.int64)
    words = np.concatenate((base[:, None], deltas), axis=1).cumsum(axis=1)
    words &= (1 << width) - 1
    words = np.where(words >= 1 << (width - 1), words - (1 << width), words)
    return words, position


def decode(
    znz: object, bpc: object, num_words: int, width: int, block: int = 8, max_zero_run: int = 16
) -> np.ndarray:
    """Decode one transmission back to its L signed words.

    Raises DecodeError (naming the stream and bit offset) for malformed input: a zero run
    passing L, a stream ending early, an impossible position, a zero-plane run passing its
    block, or whole words left over in either stream.
    """
    p = Params(width, block, max_zero_run)
    if isinstance(num_words, bool) or int(num_words) != num_words or num_words < 1:
        raise DecodeError("length", 0, f"word count must be a positive integer, got {num_words!r}")
    num_words = int(num_words)
    znz_bits = _stream_bits(znz, p.width, "znz")
    bpc_bits = _stream_bits(bpc, p.width, "bpc")
    zero, znz_used = _decode_znz(znz_bits, num_words, p)
    if znz_bits.size > -(-znz_used // p.width) * p.width:
        raise DecodeError("znz", znz_used, "whole words left over after the last symbol")
    nonzero = int(num_words - zero.sum())
    out = np.zeros(num_words, dtype=np.int64)
    if nonzero == 0:
        if bpc_bits.size:
            raise DecodeError("bpc", 0, "no non-zero word, yet the stream is not empty")
        return out
    words, bpc_used = _decode_bpc(bpc_bits, -(-nonzero // p.block), p)
    if bpc_bits.size > -(-bpc_used // p.width) * p.width:
        raise DecodeError("bpc", bpc_used, "whole words left over after the last block")
    out[~zero] = words.reshape(-1)[:nonzero]
    return out
