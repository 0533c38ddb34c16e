# SPDX-License-Identifier: Apache-2.0
"""What a hardware decoder outputs for any transmission, well-formed or malformed.

:func:`ebpc.decode` stops at the first problem with a :class:`ebpc.DecodeError`. A hardware
decoder cannot stop: it must hand over exactly L words and report what went wrong. This
module computes that outcome, the documented error behaviour of ``rtl/ebpc_decoder.sv``
(its header, "Error flags" and "Error behaviour"), symbol by symbol:

- the eight flags of ``error_o`` (:data:`FLAG_NAMES`, bit 0 first);
- the L output words: decoded values before the first error, 0 from it on: after a ZNZ
  error (run passing L, stream ending early) every word from the failing symbol on; after
  a BPC error (stream ending early, bad position, zero-plane run too long) every non-zero
  word of the failing block and of later blocks. Trailing words change no output word;
- which input words are taken: every ZNZ word (a stream is drained through its ``last``
  word after an error), every BPC word when at least one non-zero ZNZ symbol was decoded,
  none otherwise (an all-zero transmission takes nothing from the BPC side); L = 0 takes
  nothing at all.

When ZNZ fails after k non-zero symbols, the BPC side decodes the ceil(k/N) blocks those
words need (their BPC errors are flagged too) and discards the rest; trailing BPC words are
only flagged when no other ZNZ or BPC error was found (the rest of the stream is discarded
anyway). Written for obviousness (bit strings, one symbol at a time), like
:mod:`ebpc.reference`; it shares nothing with it but :class:`~ebpc.params.Params`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .params import Params

# The decoder's error flags, bit i named FLAG_NAMES[i] (rtl/ebpc_pkg.sv: err_flag_e).
FLAG_NAMES = (
    "ZNZ_RUN_OVERFLOW",
    "ZNZ_TRUNCATED",
    "BPC_TRUNCATED",
    "BPC_BAD_POSITION",
    "BPC_RUN_TOO_LONG",
    "ZNZ_TRAILING",
    "BPC_TRAILING",
    "ZERO_LENGTH",
)
(ZNZ_RUN_OVERFLOW, ZNZ_TRUNCATED, BPC_TRUNCATED, BPC_BAD_POSITION, BPC_RUN_TOO_LONG, ZNZ_TRAILING,
 BPC_TRAILING, ZERO_LENGTH) = (1 << bit for bit in range(len(FLAG_NAMES)))

__all__ = ["FLAG_NAMES", *FLAG_NAMES, "DecoderOutcome", "decode_with_flags", "flag_names"]

_ZNZ_ERRORS = ZNZ_RUN_OVERFLOW | ZNZ_TRUNCATED
_BPC_ERRORS = BPC_TRUNCATED | BPC_BAD_POSITION | BPC_RUN_TOO_LONG


def flag_names(flags: int) -> str:
    """``'ZNZ_TRUNCATED|BPC_TRAILING'`` for a flag word, ``'none'`` for 0."""
    names = [FLAG_NAMES[i] for i in range(8) if flags >> i & 1]
    return "|".join(names) if names else "none"


@dataclass(frozen=True)
class DecoderOutcome:
    """The decoder's answer to one transmission.

    words       the L output words, signed W-bit integers
    flags       the 8-bit error word (0: clean)
    nonzero     non-zero ZNZ symbols decoded (before a ZNZ error, if any)
    znz_taken   ZNZ words the decoder takes (all of them for L >= 1, none for L = 0)
    bpc_taken   BPC words it takes (all of them when ``nonzero`` > 0, else none)
    """

    words: tuple[int, ...]
    flags: int
    nonzero: int
    znz_taken: int
    bpc_taken: int

    @property
    def clean(self) -> bool:
        return self.flags == 0

    def describe(self) -> str:
        return f"flags {self.flags:#04x} ({flag_names(self.flags)}), {len(self.words)} words"


class _Bits:
    """A word stream as a bit string, read MSB-first; ``take`` returns None past its end."""

    def __init__(self, words: list[int], width: int) -> None:
        mask = (1 << width) - 1
        self.bits = "".join(format(int(w) & mask, f"0{width}b") for w in words)
        self.at = 0

    def take(self, count: int) -> int | None:
        if self.at + count > len(self.bits):
            self.at = len(self.bits)
            return None
        chunk = self.bits[self.at : self.at + count]
        self.at += count
        return int(chunk, 2) if chunk else 0

    def whole_words_left(self, width: int) -> bool:
        """More words than the one holding the last symbol read."""
        used_words = -(-self.at // width)
        return len(self.bits) // width > used_words


def _parse_znz(znz: list[int], length: int, p: Params) -> tuple[list[bool], int]:
    """The zero/non-zero pattern decoded (shorter than L after an error) and the ZNZ flags."""
    reader = _Bits(znz, p.width)
    pattern: list[bool] = []
    while len(pattern) < length:
        kind = reader.take(1)
        if kind is None:
            return pattern, ZNZ_TRUNCATED
        if kind:
            pattern.append(True)
            continue
        field = reader.take(p.run_bits)
        if field is None:
            return pattern, ZNZ_TRUNCATED
        run = field + 1
        if len(pattern) + run > length:
            return pattern, ZNZ_RUN_OVERFLOW
        pattern.extend([False] * run)
    return pattern, ZNZ_TRAILING if reader.whole_words_left(p.width) else 0


def _plane_dbx(reader: _Bits, p: Params, planes_left: int) -> tuple[list[int | None], int]:
    """One plane symbol: its DBX values (None: a DBP-zero plane) or a BPC error flag."""
    if (bit := reader.take(1)) is None:
        return [], BPC_TRUNCATED
    if bit:                                          # 1 + DBX: uncompressed
        dbx = reader.take(p.plane_bits)
        return ([], BPC_TRUNCATED) if dbx is None else ([dbx], 0)
    if (bit := reader.take(1)) is None:
        return [], BPC_TRUNCATED
    if bit:                                          # 01: one all-zero DBX
        return [0], 0
    if (bit := reader.take(1)) is None:
        return [], BPC_TRUNCATED
    if bit:                                          # 001 + (r - 2): r all-zero DBX
        field = reader.take(p.plane_run_bits)
        if field is None:
            return [], BPC_TRUNCATED
        run = field + 2
        return ([], BPC_RUN_TOO_LONG) if run > planes_left else ([0] * run, 0)
    first, second = reader.take(1), reader.take(1)
    if first is None or second is None:
        return [], BPC_TRUNCATED
    if not first:                                    # 00001: DBP zero; 00000: DBX all ones
        return ([None], 0) if second else ([(1 << p.plane_bits) - 1], 0)
    single = second == 1                             # 00011 + pos: single; 00010 + pos: pair
    pos = reader.take(p.position_bits)
    if pos is None:
        return [], BPC_TRUNCATED
    if pos > p.block - (2 if single else 3):
        return [], BPC_BAD_POSITION
    shift = p.plane_bits - 1 - pos
    return [(1 << shift) if single else (3 << (shift - 1))], 0


def _signed(value: int, width: int) -> int:
    value &= (1 << width) - 1
    return value - (1 << width) if value >> (width - 1) else value


def _decode_block(reader: _Bits, p: Params) -> tuple[list[int], int]:
    """One block's N words (signed), or [] and the BPC error flag."""
    base = reader.take(p.width)
    if base is None:
        return [], BPC_TRUNCATED
    dbx: list[int | None] = []
    while len(dbx) < p.planes:
        more, flag = _plane_dbx(reader, p, p.planes - len(dbx))
        if flag:
            return [], flag
        dbx.extend(more)
    deltas = [0] * p.plane_bits
    previous = 0
    for k, x in enumerate(dbx):
        plane = 0 if x is None else x ^ previous
        previous = plane
        for i in range(p.plane_bits):
            deltas[i] |= (plane >> (p.plane_bits - 1 - i) & 1) << k
    words = [_signed(base, p.width)]
    for d in deltas:                                 # W+1-bit two's complement deltas
        words.append(_signed(words[-1] + d, p.width))
    return words, 0


def _word_list(words: object, name: str) -> list[int]:
    """Stream words as Python ints, from a list, tuple or 1-D integer array (``Encoded.znz``)."""
    try:
        return [int(w) for w in words]  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a sequence of integer words, got {type(words).__name__}") from None


def decode_with_flags(
    znz: object, bpc: object, length: int, width: int, block: int = 8, max_zero_run: int = 16
) -> DecoderOutcome:
    """The output words, ``error_o`` flags and input words taken for one transmission.

    ``znz``/``bpc`` are the words as presented (``last`` on the final word of each), W bits
    each (higher bits ignored), as lists or 1-D integer arrays (``Encoded.znz``/``.bpc``); ``length`` is L. Raises ValueError (one line) for what no
    decoder can be given: a negative L, no ZNZ word with L >= 1, or no BPC word although a
    non-zero symbol was decoded (the decoder would wait for it forever).
    """
    p = Params(width, block, max_zero_run)
    if isinstance(length, bool) or int(length) != length or length < 0:
        raise ValueError(f"L must be a non-negative integer, got {length!r}")
    length = int(length)
    if length == 0:
        return DecoderOutcome((), ZERO_LENGTH, 0, 0, 0)
    znz, bpc = _word_list(znz, "znz"), _word_list(bpc, "bpc")
    if not znz:
        raise ValueError("L >= 1 needs at least one ZNZ word (a stream ends with its `last` word)")
    pattern, znz_flags = _parse_znz(znz, length, p)
    nonzero = sum(pattern)
    if nonzero == 0:
        return DecoderOutcome(tuple([0] * length), znz_flags, 0, len(znz), 0)
    if not bpc:
        raise ValueError(f"{nonzero} non-zero word(s) decoded but no BPC word given")
    reader = _Bits(bpc, p.width)
    values: list[int] = []
    bpc_flags = 0
    for _ in range(-(-nonzero // p.block)):
        words, bpc_flags = _decode_block(reader, p)
        if bpc_flags:
            break
        values.extend(words)
    if not (znz_flags & _ZNZ_ERRORS or bpc_flags) and reader.whole_words_left(p.width):
        bpc_flags = BPC_TRAILING
    out: list[int] = []
    k = 0
    for nz in pattern:
        out.append((values[k] if k < len(values) else 0) if nz else 0)
        k += nz
    out.extend([0] * (length - len(pattern)))
    return DecoderOutcome(tuple(out), znz_flags | bpc_flags, nonzero, len(znz), len(bpc))
