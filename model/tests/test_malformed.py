# SPDX-License-Identifier: Apache-2.0
"""Malformed streams: one exception type naming the stream and bit offset; never a hang."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ebpc

WORDS = np.array([0, 0, 3, 4, 5, 0, 0, 0, 7, -2, 9, 1, 1, 1, 0, 8, 8], dtype=np.int64)


def _encoded() -> ebpc.Encoded:
    return ebpc.encode(WORDS, 8, 8, 16)


def _stream(bits: str) -> list[int]:
    bits += "0" * (-len(bits) % 8)
    return [int(bits[i : i + 8], 2) for i in range(0, len(bits), 8)]


def test_truncated_bpc() -> None:
    e = _encoded()
    with pytest.raises(ebpc.DecodeError) as info:
        ebpc.decode(e.znz, e.bpc[:-2], WORDS.size, 8, 8, 16)
    assert info.value.stream == "bpc" and info.value.bit_offset > 0


def test_truncated_znz() -> None:
    e = _encoded()
    with pytest.raises(ebpc.DecodeError) as info:
        ebpc.decode(e.znz[:1], e.bpc, WORDS.size, 8, 8, 16)
    assert info.value.stream == "znz"


@pytest.mark.parametrize("stream", ["znz", "bpc"])
def test_trailing_words(stream: str) -> None:
    e = _encoded()
    znz = np.append(e.znz, np.uint64(0)) if stream == "znz" else e.znz
    bpc = np.append(e.bpc, np.uint64(0)) if stream == "bpc" else e.bpc
    with pytest.raises(ebpc.DecodeError) as info:
        ebpc.decode(znz, bpc, WORDS.size, 8, 8, 16)
    assert info.value.stream == stream
    assert "left over" in str(info.value)


def test_zero_run_passing_the_word_count() -> None:
    znz = _stream("1" + "0" + "0100")  # one non-zero word, then a run of 5 zeros
    with pytest.raises(ebpc.DecodeError) as info:
        ebpc.decode(znz, [1, 0], 3, 8, 8, 16)
    assert info.value.stream == "znz" and info.value.bit_offset == 1


@pytest.mark.parametrize(
    ("plane_codes", "offset"),
    [
        ("00011" "111" "001" "110", 8),  # single one at position 7 > N-2, then 8 zero planes
        ("00010" "110" "001" "110", 8),  # pair at position 6 > N-3, then 8 zero planes
        ("10101010" "001" "111", 16),  # run of 9 planes after one plane: 10 > W+1
    ],
)
def test_impossible_codes(plane_codes: str, offset: int) -> None:
    bpc = _stream("00000001" + plane_codes)
    with pytest.raises(ebpc.DecodeError) as info:
        ebpc.decode([0xFF], bpc, 8, 8, 8, 16)
    assert info.value.stream == "bpc" and info.value.bit_offset == offset


def test_word_count_mismatch() -> None:
    e = _encoded()
    with pytest.raises(ebpc.DecodeError):
        ebpc.decode(e.znz, e.bpc, WORDS.size + 9, 8, 8, 16)
    with pytest.raises(ebpc.DecodeError):
        ebpc.decode(e.znz, e.bpc, WORDS.size - 5, 8, 8, 16)
    with pytest.raises(ebpc.DecodeError) as info:
        ebpc.decode(e.znz, e.bpc, 0, 8, 8, 16)
    assert info.value.stream == "length"


def test_bpc_present_for_all_zero_transmission() -> None:
    with pytest.raises(ebpc.DecodeError) as info:
        ebpc.decode([0b01111000], [5], 16, 8, 8, 16)
    assert info.value.stream == "bpc"


def test_stream_words_out_of_range() -> None:
    with pytest.raises(ebpc.DecodeError):
        ebpc.decode([256], [], 1, 8, 8, 16)


@settings(max_examples=400, deadline=2000)
@given(
    st.lists(st.integers(0, 255), max_size=40),
    st.lists(st.integers(0, 255), max_size=60),
    st.integers(1, 300),
    st.sampled_from([(8, 8, 16), (8, 16, 2), (8, 3, 256)]),
)
def test_garbage_never_hangs(znz: list[int], bpc: list[int], count: int, params: tuple[int, int, int]) -> None:
    """Any input either decodes to `count` words or raises DecodeError, within the deadline."""
    try:
        words = ebpc.decode(znz, bpc, count, *params)
    except ebpc.DecodeError as error:
        assert error.stream in ("znz", "bpc", "length")
    else:
        assert words.size == count
        again = ebpc.encode(words, *params)
        # Whatever decodes must re-encode to the same ZNZ symbols (padding bits aside).
        assert again.znz.size <= len(znz)
