# SPDX-License-Identifier: Apache-2.0
"""ebpc.worst_case_words against the model (ebpc.encode) on adversarial data.

- ZNZ: the formula equals the longest stream over every zero/non-zero pattern of up to 11
  words (exhaustive), and the alternating pattern reaches it for long transmissions.
- BPC: no block, found by exhaustive enumeration (W=8, N=2) or by a seeded hill-climbing
  search, codes longer than the bound, and the search reaches it; a block of one word
  reaches exactly single_word_block_bits (exhaustive for W=8, 16; search for W=32); so the
  formula is exact for L mod N in {0, 1}; random and mixed data stay below.
- Both streams: no input tried exceeds total_words.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import ebpc
from ebpc.codec import bpc_block_codes
from ebpc.params import Params
from ebpc.sizing import _znz_bits_with_nonzeros, single_word_block_bits, worst_block_bits, worst_znz_bits

SEED = 20261128


def _block_bits(blocks: np.ndarray, p: Params) -> np.ndarray:
    """Bits of each block's BPC code, as the model codes it."""
    _, lengths, _, first_plane = bpc_block_codes(blocks, p)
    return np.add.reduceat(lengths, np.flatnonzero(first_plane == -1))


def _search_worst_blocks(width: int, block: int, seed: int, real: int | None = None,
                         population: int = 256, rounds: int = 500) -> tuple[int, np.ndarray]:
    """Hill climbing on whole blocks (``real`` non-zero words, the rest zero padding):
    mutate one word per candidate (new value or one flipped bit), keep it unless it got
    shorter. Returns the longest code found and its block."""
    p = Params(width, block, 16)
    rng = np.random.default_rng(seed)
    lo, hi = -(1 << (width - 1)), 1 << (width - 1)
    real = block if real is None else real

    def legal(x: np.ndarray) -> np.ndarray:
        x[x == 0] = 1
        x[:, real:] = 0
        return x

    blocks = legal(rng.integers(lo, hi, size=(population, block)))
    bits = _block_bits(blocks, p)
    rows = np.arange(population)
    for _ in range(rounds):
        cand = blocks.copy()
        cols = rng.integers(0, real, population)
        flipped = cand[rows, cols] ^ (1 << rng.integers(0, width, population))
        flipped = (flipped - lo) % (1 << width) + lo
        cand[rows, cols] = np.where(rng.random(population) < 0.3, rng.integers(lo, hi, population), flipped)
        cand = legal(cand)
        cand_bits = _block_bits(cand, p)
        keep = cand_bits >= bits
        blocks[keep], bits[keep] = cand[keep], cand_bits[keep]
    best = int(bits.argmax())
    return int(bits[best]), blocks[best]


# -- ZNZ -------------------------------------------------------------------------------------

@pytest.mark.parametrize("zero_run", [2, 4, 16, 256])
def test_znz_formula_is_the_exhaustive_maximum(zero_run: int) -> None:
    for length in range(1, 12):
        patterns = np.array(list(itertools.product((0, 1), repeat=length)), dtype=np.int64)
        longest = max(ebpc.encode(row, 8, 8, zero_run).znz_bits for row in patterns)
        assert longest == worst_znz_bits(length, zero_run), (length, zero_run)
        assert ebpc.worst_case_words(length, 8, 8, zero_run).znz_bits == longest


@pytest.mark.parametrize("zero_run", [2, 16, 256])
@pytest.mark.parametrize("length", [1000, 4097])
def test_alternating_zeros_reach_the_znz_bound(length: int, zero_run: int) -> None:
    words = np.zeros(length, dtype=np.int64)
    words[1::2] = 1
    enc = ebpc.encode(words, 16, 8, zero_run)
    worst = ebpc.worst_case_words(length, 16, 8, zero_run)
    assert enc.znz_bits == worst.znz_bits and enc.znz.size == worst.znz_words


def test_znz_bound_with_q_nonzero_words_is_the_exhaustive_maximum() -> None:
    """The per-q bound used for total_words, against every pattern of 12 words."""
    length, zero_run = 12, 2
    patterns = np.array(list(itertools.product((0, 1), repeat=length)), dtype=np.int64)
    longest = {}
    for row in patterns:
        q = int(row.sum())
        longest[q] = max(longest.get(q, 0), ebpc.encode(row, 8, 8, zero_run).znz_bits)
    q = np.arange(length + 1)
    assert _znz_bits_with_nonzeros(length, q, zero_run).tolist() == [longest[i] for i in range(length + 1)]


# -- BPC -------------------------------------------------------------------------------------

def test_block_bound_is_the_exhaustive_maximum_for_w8_n2() -> None:
    p = Params(8, 2, 16)
    values = np.array([v for v in range(-128, 128) if v], dtype=np.int64)
    blocks = np.array(np.meshgrid(values, values)).reshape(2, -1).T
    assert int(_block_bits(blocks, p).max()) == worst_block_bits(8, 2)


@pytest.mark.parametrize("width", [8, 16, 32])
@pytest.mark.parametrize("block", [2, 4, 8, 16])
def test_search_reaches_the_block_bound_and_never_passes_it(width: int, block: int) -> None:
    bound = worst_block_bits(width, block)
    found, worst = _search_worst_blocks(width, block, seed=SEED + 97 * width + block)
    assert found <= bound, f"a block of {found} bits passes the bound {bound}: {worst.tolist()}"
    assert found == bound, f"W={width} N={block}: search found {found} bits, bound {bound} (seed {SEED})"
    # k copies of that block: a transmission whose BPC stream the formula gives exactly.
    k = 5
    words = np.tile(worst, k)
    enc = ebpc.encode(words, width, block, 16)
    wc = ebpc.worst_case_words(words.size, width, block, 16)
    assert enc.bpc_bits == wc.bpc_bits and enc.bpc.size == wc.bpc_words
    assert enc.znz.size <= wc.znz_words
    assert enc.znz.size + enc.bpc.size <= wc.total_words


@pytest.mark.parametrize("width,block", [(8, 8), (16, 16), (32, 8)])
@pytest.mark.parametrize("real", [1, 2, 3])
def test_partial_last_block_stays_below_the_bound(width: int, block: int, real: int) -> None:
    found, worst = _search_worst_blocks(width, block, seed=SEED + real, real=real, rounds=300)
    bound = single_word_block_bits(width, block) if real == 1 else worst_block_bits(width, block)
    assert found <= bound, worst.tolist()


def _single_word_blocks(width: int, block: int) -> tuple[np.ndarray, np.ndarray]:
    """Every block of one non-zero W-bit word and N-1 words of padding, and its bits."""
    values = np.array([v for v in range(-(1 << (width - 1)), 1 << (width - 1)) if v], dtype=np.int64)
    blocks = np.zeros((values.size, block), dtype=np.int64)
    blocks[:, 0] = values
    return values, _block_bits(blocks, Params(width, block, 16))


@pytest.mark.parametrize("width,block", [(8, 2), (8, 3), (8, 4), (8, 8), (8, 16), (16, 8), (16, 16)])
def test_single_word_block_is_the_exhaustive_maximum(width: int, block: int) -> None:
    """Every one-word block (all 2^W - 1 words): the longest is single_word_block_bits."""
    _, bits = _single_word_blocks(width, block)
    assert int(bits.max()) == single_word_block_bits(width, block)


@pytest.mark.parametrize("block", [2, 8, 16])
def test_single_word_block_w32_search(block: int) -> None:
    found, worst = _search_worst_blocks(32, block, seed=SEED + block, real=1, rounds=400)
    assert found == single_word_block_bits(32, block), (found, worst.tolist())


def test_one_word_transmission_w8() -> None:
    """W=N=8: the longest one-word transmission is 1 ZNZ + 8 BPC words (b = -85), as computed."""
    values, bits = _single_word_blocks(8, 8)
    worst_word = int(values[bits.argmax()])
    enc = ebpc.encode([worst_word], 8, 8, 16)
    wc = ebpc.worst_case_words(1, 8, 8, 16)
    assert (enc.bpc_bits, enc.bpc.size) == (wc.bpc_bits, wc.bpc_words)
    longest = max(ebpc.encode([v], 8, 8, 16).znz.size + ebpc.encode([v], 8, 8, 16).bpc.size for v in range(-128, 128))
    assert longest == wc.total_words


@pytest.mark.parametrize("width,block", [(8, 8), (16, 16), (32, 8)])
def test_full_blocks_plus_one_word_reach_the_bound(width: int, block: int) -> None:
    """L = k*N + 1: k worst blocks, then the worst single word: exactly bpc_bits."""
    _, worst = _search_worst_blocks(width, block, seed=SEED + 5 * width + block)
    _, one = _search_worst_blocks(width, block, seed=SEED + 7, real=1, rounds=400)
    words = np.concatenate([np.tile(worst, 3), one[:1]])
    enc = ebpc.encode(words, width, block, 16)
    assert enc.bpc_bits == ebpc.worst_case_words(words.size, width, block, 16).bpc_bits


@pytest.mark.parametrize("width,block,zero_run", [(8, 8, 16), (16, 8, 2), (32, 16, 64), (8, 16, 256)])
def test_random_and_mixed_data_stay_within_every_bound(width: int, block: int, zero_run: int) -> None:
    rng = np.random.default_rng(SEED + width + block + zero_run)
    lo, hi = -(1 << (width - 1)), 1 << (width - 1)
    worst_blocks = [_search_worst_blocks(width, block, seed=SEED + s, rounds=150)[1] for s in range(3)]
    for trial in range(60):
        length = int(rng.integers(1, 400))
        kind = trial % 4
        if kind == 0:
            words = rng.integers(lo, hi, length)
        elif kind == 1:   # alternating zero / non-zero
            words = np.where(np.arange(length) % 2, rng.integers(lo, hi, length), 0)
        elif kind == 2:   # adversarial blocks with random zeros between them
            words = np.tile(worst_blocks[trial % 3], -(-length // block))[:length]
            words = np.where(rng.random(length) < 0.3, 0, words)
        else:
            words = np.where(rng.random(length) < rng.random(), 0, rng.integers(lo, hi, length))
        enc = ebpc.encode(words, width, block, zero_run)
        wc = ebpc.worst_case_words(length, width, block, zero_run)
        context = f"seed {SEED} trial {trial} L={length}"
        assert enc.znz_bits <= wc.znz_bits and enc.znz.size <= wc.znz_words, context
        assert enc.bpc_bits <= wc.bpc_bits and enc.bpc.size <= wc.bpc_words, context
        assert enc.znz.size + enc.bpc.size <= wc.total_words <= wc.znz_words + wc.bpc_words, context


def test_issue_figures_w8_n8() -> None:
    """Incompressible W=N=8 data: 8 ZNZ + 80 BPC bits per 8 words (88 bits per 64)."""
    _, worst = _search_worst_blocks(8, 8, seed=SEED)
    enc = ebpc.encode(np.tile(worst, 8), 8, 8, 16)
    assert enc.znz_bits + enc.bpc_bits == 88 * 8
    assert ebpc.worst_case_words(64, 8, 8, 16).bpc_bits == 640


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        ebpc.worst_case_words(0, 8, 8, 16)
    with pytest.raises(ebpc.ParameterError):
        ebpc.worst_case_words(8, 12, 8, 16)
