# SPDX-License-Identifier: Apache-2.0
"""Parameter checking, input word checking, and the baseline size formulas."""

from __future__ import annotations

import numpy as np
import pytest

import ebpc


@pytest.mark.parametrize(
    ("width", "block", "zero_run"),
    [(12, 8, 16), (8, 1, 16), (8, 17, 16), (16, 33, 16), (8, 8, 24), (8, 8, 1), (8, 8, 512), (8, 8.5, 16)],
)
def test_illegal_parameters(width: int, block: int, zero_run: int) -> None:
    with pytest.raises(ebpc.ParameterError):
        ebpc.encode([1, 2, 3], width, block, zero_run)


@pytest.mark.parametrize("width", [8, 16, 32])
def test_derived_field_widths(width: int) -> None:
    p = ebpc.Params(width, 9, 64)
    assert (p.run_bits, p.position_bits, p.plane_run_bits) == (6, 4, width.bit_length() - 1)
    assert ebpc.Params(width, 8, 2).position_bits == 3  # ceil(log2 N) even though positions stop at N-2


@pytest.mark.parametrize(
    "values",
    [[], [1.5, 2.0], [256], [-129], [True, False]],
)
def test_bad_words(values: list) -> None:
    with pytest.raises(ebpc.WordRangeError):
        ebpc.encode(np.asarray(values), 8)


def _zero_rle_by_hand(words: list[int], width: int, burst: int) -> int:
    bits, run = 0, 0
    for w in words + [1]:
        if w == 0:
            run += 1
            continue
        while run > 0:
            bits += 1 + (burst.bit_length() - 1)
            run -= min(run, burst)
        bits += 1 + width
    return bits - (1 + width)


def test_baselines_by_hand() -> None:
    rng = np.random.default_rng(5)
    words = np.where(rng.random(1000) < 0.6, 0, rng.integers(-128, 128, 1000))
    nonzero = int(np.count_nonzero(words))
    sizes = ebpc.compare(words, 8, 8, 16, max_burst=8)
    assert sizes["zvc"] == 1000 + 8 * nonzero
    assert sizes["zero_rle"] == _zero_rle_by_hand(words.tolist(), 8, 8)
    assert sizes["ebpc"] == ebpc.encode(words, 8, 8, 16).coded_bits


def test_plain_bpc_equals_ebpc_bpc_part_without_zeros() -> None:
    rng = np.random.default_rng(6)
    words = rng.integers(1, 100, 64)
    assert ebpc.plain_bpc_bits(words, 8, 8) == ebpc.encode(words, 8, 8, 16).bpc_bits


def test_stats_ratios() -> None:
    words = np.array([0] * 50 + [3] * 50)
    result = ebpc.stats(words, 8)
    assert result.sparsity == 0.5
    assert result.ratio("ebpc") == pytest.approx(800 / result.bits["ebpc"])
    assert set(result.bits) == set(ebpc.METHODS)
