# SPDX-License-Identifier: Apache-2.0
"""A plain per-symbol implementation of the format: the test oracle for the vectorised codec.

Written for obviousness, not speed: bits are strings of '0'/'1', one symbol at a time,
following ebpc-format.md line by line. It shares nothing with codec.py but Params.
"""

from __future__ import annotations

from .params import Params

__all__ = ["reference_encode", "reference_decode", "ReferenceDecodeError"]


class ReferenceDecodeError(ValueError):
    """Malformed stream seen by the reference decoder."""


def _field(value: int, bits: int) -> str:
    return format(value, f"0{bits}b") if bits else ""


def _pack(bits: str, width: int) -> list[int]:
    bits += "0" * (-len(bits) % width)
    return [int(bits[i : i + width], 2) for i in range(0, len(bits), width)]


def _znz_bits(words: list[int], p: Params) -> str:
    out = []
    run = 0
    for word in words:
        if word == 0:
            run += 1
            if run == p.max_zero_run:
                out.append("0" + _field(run - 1, p.run_bits))
                run = 0
        else:
            if run:
                out.append("0" + _field(run - 1, p.run_bits))
                run = 0
            out.append("1")
    if run:
        out.append("0" + _field(run - 1, p.run_bits))
    return "".join(out)


def _plane_code(dbx: int, dbp: int, p: Params) -> str:
    n1 = p.plane_bits
    ones = [i for i in range(n1) if (dbx >> (n1 - 1 - i)) & 1]  # positions from the left
    if dbx == (1 << n1) - 1:
        return "00000"
    if dbp == 0:
        return "00001"
    if len(ones) == 2 and ones[1] == ones[0] + 1:
        return "00010" + _field(ones[0], p.position_bits)
    if len(ones) == 1:
        return "00011" + _field(ones[0], p.position_bits)
    return "1" + _field(dbx, n1)


def _block_bits(block: list[int], p: Params) -> str:
    mask = (1 << p.planes) - 1
    deltas = [(block[i] - block[i - 1]) & mask for i in range(1, p.block)]
    dbp = [sum(((d >> k) & 1) << (p.plane_bits - 1 - i) for i, d in enumerate(deltas)) for k in range(p.planes)]
    dbx = [dbp[0]] + [dbp[k] ^ dbp[k - 1] for k in range(1, p.planes)]
    out = [_field(block[0] & ((1 << p.width) - 1), p.width)]
    run = 0
    for k in range(p.planes):
        if dbx[k] == 0:
            run += 1
            continue
        if run:
            out.append("01" if run == 1 else "001" + _field(run - 2, p.plane_run_bits))
            run = 0
        out.append(_plane_code(dbx[k], dbp[k], p))
    if run:
        out.append("01" if run == 1 else "001" + _field(run - 2, p.plane_run_bits))
    return "".join(out)


def reference_encode(words: list[int], p: Params) -> tuple[list[int], list[int], int, int]:
    """Signed words -> (znz words, bpc words, znz bit count, bpc bit count)."""
    if not words:
        raise ValueError("empty transmission")
    znz = _znz_bits(words, p)
    nonzero = [w for w in words if w != 0]
    nonzero += [0] * (-len(nonzero) % p.block)
    bpc = "".join(_block_bits(nonzero[i : i + p.block], p) for i in range(0, len(nonzero), p.block))
    return _pack(znz, p.width), _pack(bpc, p.width), len(znz), len(bpc)


class _Reader:
    def __init__(self, words: list[int], width: int, name: str) -> None:
        self.bits = "".join(_field(w, width) for w in words)
        self.at = 0
        self.name = name

    def take(self, count: int) -> int:
        if self.at + count > len(self.bits):
            raise ReferenceDecodeError(f"{self.name}: ends early at bit {self.at}")
        chunk = self.bits[self.at : self.at + count]
        self.at += count
        return int(chunk, 2) if chunk else 0

    def check_no_whole_words_left(self, width: int) -> None:
        if len(self.bits) - self.at >= width:
            raise ReferenceDecodeError(f"{self.name}: whole words left over at bit {self.at}")


def reference_decode(znz: list[int], bpc: list[int], num_words: int, p: Params) -> list[int]:
    """Inverse of reference_encode; raises ReferenceDecodeError on malformed streams."""
    if num_words < 1:
        raise ReferenceDecodeError("word count must be positive")
    zr = _Reader(znz, p.width, "znz")
    pattern: list[bool] = []  # True = non-zero
    while len(pattern) < num_words:
        if zr.take(1):
            pattern.append(True)
        else:
            run = zr.take(p.run_bits) + 1
            if len(pattern) + run > num_words:
                raise ReferenceDecodeError("znz: zero run passes the word count")
            pattern.extend([False] * run)
    zr.check_no_whole_words_left(p.width)
    nonzero = sum(pattern)
    br = _Reader(bpc, p.width, "bpc")
    values: list[int] = []
    for _ in range(-(-nonzero // p.block)):
        base = br.take(p.width)
        dbx: list[int] = []
        forced_zero: set[int] = set()
        while len(dbx) < p.planes:
            if br.take(1):
                dbx.append(br.take(p.plane_bits))
            elif br.take(1):
                dbx.append(0)
            elif br.take(1):
                run = br.take(p.plane_run_bits) + 2
                if len(dbx) + run > p.planes:
                    raise ReferenceDecodeError("bpc: zero-plane run passes the block")
                dbx.extend([0] * run)
            elif not br.take(1):
                if br.take(1):
                    forced_zero.add(len(dbx))
                    dbx.append(-1)  # placeholder: DBP is zero
                else:
                    dbx.append((1 << p.plane_bits) - 1)
            else:
                single = br.take(1)
                pos = br.take(p.position_bits)
                if pos > p.block - 2 - (0 if single else 1):
                    raise ReferenceDecodeError("bpc: position outside the plane")
                shift = p.plane_bits - 1 - pos
                dbx.append((1 << shift) if single else (3 << (shift - 1)))
        previous = 0
        deltas = [0] * p.plane_bits
        for k in range(p.planes):
            plane = 0 if k in forced_zero else dbx[k] ^ previous
            previous = plane
            for i in range(p.plane_bits):
                deltas[i] |= ((plane >> (p.plane_bits - 1 - i)) & 1) << k
        word = base - (1 << p.width) if base >> (p.width - 1) else base
        block = [word]
        for d in deltas:
            d = d - (1 << p.planes) if d >> p.width else d
            word = (word + d) & ((1 << p.width) - 1)
            word = word - (1 << p.width) if word >> (p.width - 1) else word
            block.append(word)
        values.extend(block)
    br.check_no_whole_words_left(p.width)
    if nonzero == 0 and bpc:
        raise ReferenceDecodeError("bpc: stream should be empty")
    it = iter(values)
    return [next(it) if nz else 0 for nz in pattern]
