# SPDX-License-Identifier: Apache-2.0
"""Worst-case sizes of the two streams of one transmission, for sizing buffers.

Notation (docs/ebpc-format.md): L words of W bits, BPC blocks of N words, ZNZ runs of up to
Z zeros; r = log2(Z), c = ceil(log2(N)).

ZNZ. A non-zero word costs 1 bit; a zero run costs 1 + r bits per piece of up to Z zeros.
Runs are separated by at least one non-zero word, so a run of a single zero is the dearest
zero (1 + r bits for one word) and alternating zero / non-zero words cost the most:

    znz_bits(L) = ceil(L/2) * (1 + r) + floor(L/2)

(at least 1.5 bits per word, always more than the L bits of an all-non-zero input). This is
exact: model/tests/test_sizing.py checks it against ``ebpc.encode`` on every zero/non-zero
pattern of up to 11 words.

BPC. A block is its W-bit base plus one symbol for each of its W+1 delta bit-planes. The
longest plane symbol S(N) is the longest code rule 5 of the format can select for an
(N-1)-bit plane: 5 + c for a single one (N >= 3; for N = 2 the one bit is "all ones", 5
bits), N for an uncompressed plane (N >= 4), 5 for all ones / an all-zero DBP; a run of
all-zero planes costs at most 2 bits per plane. So a block costs at most

    block_bits = W + (W + 1) * S(N),   S(N) = 5 (N = 2), 5 + c (N = 3), max(N, 5 + c) (N >= 4)

and a transmission's BPC stream at most ceil(L/N) blocks:

    bpc_bits(L) = ceil(L/N) * block_bits

The block bound is reached (adversarial search, same test) for W in {8, 16, 32} and
N in {2, 4, 8, 16}. A last, partial block of m < N words is bounded by block_bits too,
except for m = 1, which is computed exactly: its planes hold one delta, d = -b[0], whose
W+1 bits a[0..W] give plane k a single one (5 + c bits; 5 for N = 2) when a[k] = 1 and
a[k-1] = 0, an all-zero DBP (5 bits) when a[k] = 0 and a[k-1] = 1, and otherwise a zero
plane (runs: 2 or 3 + log2 W bits). single_word_block_bits maximises that over the bit
patterns d can have (a[W] = a[W-1], as b[0] fits W bits; plus d = 2^(W-1)) by dynamic
programming; for W = N = 8 it is 62 bits (b[0] = -85), not 80. So

    bpc_bits(L) = floor(L/N) * block_bits + (0 | single_word_block_bits | block_bits)

for L mod N = 0 | 1 | otherwise: exact for L mod N in {0, 1} (checked), an upper bound
otherwise. Words: each stream ceil(bits / W) (the last word is padded).

Both streams at once: the worst ZNZ input (half the words zero) is not the worst BPC input
(every word non-zero), so ``total_words`` maximises ZNZ words + BPC words over the number q
of non-zero words, with the ZNZ bound for q non-zero words: q bits, plus 1 + r per run piece,
at most min(L - q, q + 1) runs of one zero each and one more piece per Z further zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import Params

__all__ = ["WorstCase", "worst_case_words", "worst_plane_symbol_bits", "worst_block_bits", "worst_znz_bits",
           "single_word_block_bits", "worst_bpc_bits"]


@dataclass(frozen=True)
class WorstCase:
    """Worst-case sizes of one transmission of ``num_words`` words (see the module doc).

    znz_bits / znz_words   the ZNZ stream (exact)
    bpc_bits / bpc_words   the BPC stream (exact for L mod N in {0, 1}, else an upper bound)
    block_bits             one BPC block
    total_words            ZNZ words + BPC words of one input (<= znz_words + bpc_words)
    """

    num_words: int
    width: int
    block: int
    max_zero_run: int
    znz_bits: int
    znz_words: int
    block_bits: int
    bpc_bits: int
    bpc_words: int
    total_words: int

    @property
    def input_bits(self) -> int:
        return self.num_words * self.width

    @property
    def expansion(self) -> float:
        """Worst coded bits of both streams over the input bits (a ratio below 1 is expansion)."""
        return (self.znz_bits + self.bpc_bits) / self.input_bits


def worst_plane_symbol_bits(block: int) -> int:
    """S(N): the longest code of one delta bit-plane of a block of N words."""
    position_bits = (block - 1).bit_length()
    if block == 2:
        return 5
    if block == 3:
        return 5 + position_bits
    return max(block, 5 + position_bits)


def worst_block_bits(width: int, block: int) -> int:
    """W + (W+1) * S(N): the longest code of one BPC block."""
    Params(width, block, 16)
    return width + (width + 1) * worst_plane_symbol_bits(block)


def _plane_run_bits(run: int, width: int) -> int:
    """Bits of a run of ``run`` all-zero DBX planes (0 for no run)."""
    if run == 0:
        return 0
    return 2 if run == 1 else 3 + width.bit_length() - 1


def _one_delta_block_bits(bits: list[int], width: int, block: int) -> int:
    """Bits of a block whose planes hold one delta with the W+1 bits ``bits`` (a[0] first)."""
    single = 5 if block == 2 else 5 + (block - 1).bit_length()
    total, run, prev = width, 0, 0
    for a in bits:
        if a == prev:
            run += 1
        else:
            total += _plane_run_bits(run, width) + (single if a else 5)
            run = 0
        prev = a
    return total + _plane_run_bits(run, width)


def single_word_block_bits(width: int, block: int) -> int:
    """The longest code of a block holding one non-zero word and N-1 words of padding."""
    Params(width, block, 16)
    single = 5 if block == 2 else 5 + (block - 1).bit_length()
    # best[(prev bit, zero-plane run)] = most bits of the planes so far (the open run not counted).
    best: dict[tuple[int, int], int] = {(0, 0): 0}
    for k in range(width + 1):
        nxt: dict[tuple[int, int], int] = {}
        for (prev, run), bits in best.items():
            choices = (prev,) if k == width else (0, 1)   # a[W] = a[W-1]: b[0] fits W bits
            for a in choices:
                if a == prev:
                    state, value = (a, run + 1), bits
                else:
                    state, value = (a, 0), bits + _plane_run_bits(run, width) + (single if a else 5)
                if nxt.get(state, -1) < value:
                    nxt[state] = value
        best = nxt
    patterns = max(bits + _plane_run_bits(run, width) for (_, run), bits in best.items())
    # d = 2^(W-1) (b[0] = -2^(W-1)) is the one delta with a[W] != a[W-1].
    extreme = _one_delta_block_bits([0] * (width - 1) + [1, 0], width, block)
    return width + max(patterns, extreme - width)


def worst_bpc_bits(nonzero_words: int, width: int, block: int) -> int:
    """The longest BPC stream of ``nonzero_words`` non-zero words (see the module doc)."""
    full, rest = divmod(nonzero_words, block)
    last = 0 if rest == 0 else single_word_block_bits(width, block) if rest == 1 else worst_block_bits(width, block)
    return full * worst_block_bits(width, block) + last


def worst_znz_bits(num_words: int, max_zero_run: int) -> int:
    """ceil(L/2) * (1 + log2 Z) + floor(L/2): the longest ZNZ stream of L words."""
    run_bits = max_zero_run.bit_length() - 1
    return (num_words + 1) // 2 * (1 + run_bits) + num_words // 2


def _znz_bits_with_nonzeros(num_words: int, nonzero: np.ndarray, max_zero_run: int) -> np.ndarray:
    """Longest ZNZ stream of L words of which ``nonzero`` (an array of counts q) are non-zero."""
    run_bits = max_zero_run.bit_length() - 1
    zeros = num_words - nonzero
    runs = nonzero + 1
    pieces = np.where(zeros <= runs, zeros, runs + (zeros - runs) // max_zero_run)
    return nonzero + pieces * (1 + run_bits)


def worst_case_words(num_words: int, width: int, block: int = 8, max_zero_run: int = 16) -> WorstCase:
    """Worst-case sizes (bits and W-bit words) of both streams of one transmission of L words."""
    p = Params(width, block, max_zero_run)
    if isinstance(num_words, bool) or not isinstance(num_words, (int, np.integer)) or num_words < 1:
        raise ValueError(f"num_words must be an integer >= 1, got {num_words!r}")
    num_words = int(num_words)
    znz_bits = worst_znz_bits(num_words, p.max_zero_run)
    blk = worst_block_bits(p.width, p.block)
    one = single_word_block_bits(p.width, p.block)
    bpc_bits = worst_bpc_bits(num_words, p.width, p.block)
    q = np.arange(num_words + 1, dtype=np.int64)
    znz_q = _znz_bits_with_nonzeros(num_words, q, p.max_zero_run)
    rest = q % p.block
    bpc_q = q // p.block * blk + np.where(rest == 0, 0, np.where(rest == 1, one, blk))
    total = -(-znz_q // p.width) + -(-bpc_q // p.width)
    return WorstCase(
        num_words=num_words,
        width=p.width,
        block=p.block,
        max_zero_run=p.max_zero_run,
        znz_bits=znz_bits,
        znz_words=-(-znz_bits // p.width),
        block_bits=blk,
        bpc_bits=bpc_bits,
        bpc_words=-(-bpc_bits // p.width),
        total_words=int(total.max()),
    )
