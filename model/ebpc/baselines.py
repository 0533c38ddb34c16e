# SPDX-License-Identifier: Apache-2.0
"""The paper's comparison points, each measured in coded bits on the same words.

- ZVC (zero-value compression): a 1-bit zero/non-zero mask per word, plus each non-zero
  word in W bits.
- zero-RLE: a non-zero word is '1' + its W bits; a run of 1..max_burst zeros is '0' +
  (run - 1) in log2(max_burst) bits (longer runs are cut, as in ZNZ).
- plain BPC: the BPC coder applied to all words, zeros included, with no ZNZ stream.
- EBPC: ZNZ + BPC (this format).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .codec import _blocks_of, as_words, bpc_block_codes, encode
from .params import Params, ParameterError

__all__ = ["METHODS", "zvc_bits", "zero_rle_bits", "plain_bpc_bits", "ebpc_bits", "compare", "Stats", "stats"]

METHODS = ("zvc", "zero_rle", "bpc", "ebpc")


def zvc_bits(words: object, width: int) -> int:
    signed = as_words(words, width)
    return int(signed.size + np.count_nonzero(signed) * width)


def _zero_run_symbols(signed: np.ndarray, max_burst: int) -> int:
    """How many symbols the zero runs need when each carries at most max_burst zeros."""
    padded = np.concatenate(([1], signed, [1])) != 0
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    run_lengths = edges[1::2] - edges[0::2]
    return int((-(-run_lengths // max_burst)).sum())


def zero_rle_bits(words: object, width: int, max_burst: int = 16) -> int:
    if not (max_burst >= 2 and max_burst & (max_burst - 1) == 0):
        raise ParameterError(f"max_burst must be a power of two >= 2, got {max_burst}")
    signed = as_words(words, width)
    nonzero = int(np.count_nonzero(signed))
    return nonzero * (1 + width) + _zero_run_symbols(signed, max_burst) * (max_burst.bit_length())


def plain_bpc_bits(words: object, width: int, block: int = 8) -> int:
    p = Params(width, block, 16)
    signed = as_words(words, width)
    _, lengths, _, _ = bpc_block_codes(_blocks_of(signed, p.block), p)
    return int(lengths.sum())


def ebpc_bits(words: object, width: int, block: int = 8, max_zero_run: int = 16) -> int:
    return encode(words, width, block, max_zero_run).coded_bits


def compare(
    words: object, width: int, block: int = 8, max_zero_run: int = 16, max_burst: int = 16
) -> dict[str, int]:
    """Coded size in bits of each method in METHODS on the same words."""
    signed = as_words(words, width)
    return {
        "zvc": zvc_bits(signed, width),
        "zero_rle": zero_rle_bits(signed, width, max_burst),
        "bpc": plain_bpc_bits(signed, width, block),
        "ebpc": ebpc_bits(signed, width, block, max_zero_run),
    }


@dataclass(frozen=True)
class Stats:
    """Sparsity and compression of one array of words under every method."""

    num_words: int
    width: int
    sparsity: float  # fraction of zero words
    bits: dict[str, int]

    @property
    def raw_bits(self) -> int:
        return self.num_words * self.width

    def ratio(self, method: str) -> float:
        return self.raw_bits / self.bits[method]


def stats(words: object, width: int, block: int = 8, max_zero_run: int = 16, max_burst: int = 16) -> Stats:
    signed = as_words(words, width)
    return Stats(
        num_words=int(signed.size),
        width=width,
        sparsity=float(np.count_nonzero(signed == 0) / signed.size),
        bits=compare(signed, width, block, max_zero_run, max_burst),
    )
