# SPDX-License-Identifier: Apache-2.0
"""The format contract: every conformance case, and the worked examples of ebpc-format.md."""

from __future__ import annotations

import numpy as np
import pytest

import ebpc
from ebpc.reference import reference_decode, reference_encode

CASES = ebpc.bundled_cases()


def test_bundled_cases_are_the_full_set() -> None:
    assert len(CASES) >= 57
    assert {(c.w, c.n) for c in CASES} >= {(w, n) for w in (8, 16, 32) for n in (8, 16)}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_encode_gives_expected_words(case: ebpc.Case) -> None:
    result = ebpc.encode(case.values, case.w, case.n, case.z)
    assert [int(w) for w in result.znz] == case.znz
    assert [int(w) for w in result.bpc] == case.bpc
    assert -(-result.znz_bits // case.w) == len(case.znz)
    assert -(-result.bpc_bits // case.w) == len(case.bpc)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_decode_gives_values_back(case: ebpc.Case) -> None:
    words = ebpc.decode(case.znz, case.bpc, len(case.values), case.w, case.n, case.z)
    assert words.tolist() == case.values


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_reference_agrees_with_cases(case: ebpc.Case) -> None:
    p = ebpc.Params(case.w, case.n, case.z)
    znz, bpc, _, _ = reference_encode(case.values, p)
    assert (znz, bpc) == (case.znz, case.bpc)
    assert reference_decode(case.znz, case.bpc, len(case.values), p) == case.values


def _bits(words: np.ndarray, width: int, count: int) -> str:
    return "".join(format(int(w), f"0{width}b") for w in words)[:count]


def test_worked_example_znz_bits() -> None:
    values = [0, 0, 0, 5, 7, 6, 0, 9, 9, 10, 12] + [0] * 19 + [4, -3]
    result = ebpc.encode(values, 8, 8, 16)
    assert _bits(result.znz, 8, result.znz_bits) == "00010" "111" "00000" "1111" "01111" "00010" "11"
    assert result.znz.tolist() == [23, 7, 188, 88]


def test_worked_example_first_block() -> None:
    result = ebpc.encode([5, 7, 6, 9, 9, 10, 12, 4], 8, 8, 16)
    expected = "00000101" "10110100" "11000110" "11010010" "00011110" "001011"
    assert _bits(result.bpc, 8, result.bpc_bits) == expected
    assert result.bpc.tolist() == [5, 180, 198, 210, 30, 44]


@pytest.mark.parametrize(
    ("block", "bits", "words"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8], 24, [1, 0, 13]),
        ([5, 5, 6, 7, 7, 7, 7, 7], 27, [5, 17, 9, 160]),
        ([4, 4, 4, 7, 7, 7, 7, 7], 29, [4, 26, 66, 96]),
        ([9] * 8, 14, [9, 60]),
        ([-128, 127] * 4, 32, [128, 5, 81, 128]),
    ],
)
def test_single_block_examples(block: list[int], bits: int, words: list[int]) -> None:
    result = ebpc.encode(block, 8, 8, 16)
    assert result.bpc_bits == bits
    assert result.bpc.tolist() == words
