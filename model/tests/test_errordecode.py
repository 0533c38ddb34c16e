# SPDX-License-Identifier: Apache-2.0
"""ebpc.decode_with_flags: the hardware decoder's words and error flags, worked by hand.

Every stream below is written bit by bit at W=8, N=8, Z=16 (position fields 3 bits, zero-run
fields 4 bits, plane-run fields 3 bits). The block used throughout, ``BLOCK5``, is base 5 and
one run of all nine zero DBX planes (``001`` + 9-2 = ``111``): eight words of value 5.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ebpc
from ebpc import errordecode as ed

BLOCK5 = "00000101" + "001" + "111"


def _words(bits: str) -> list[int]:
    bits += "0" * (-len(bits) % 8)
    return [int(bits[i : i + 8], 2) for i in range(0, len(bits), 8)]


def _run(znz: str, bpc: str, length: int, n: int = 8) -> ebpc.DecoderOutcome:
    return ebpc.decode_with_flags(_words(znz), _words(bpc), length, 8, n, 16)


def test_clean_transmission_matches_decode() -> None:
    words = np.array([0, 0, 3, 4, 5, 0, 0, 0, 7, -2, 9, 1, 1, 1, 0, 8, 8], dtype=np.int64)
    enc = ebpc.encode(words, 8, 8, 16)
    got = ebpc.decode_with_flags(enc.znz.tolist(), enc.bpc.tolist(), words.size, 8, 8, 16)
    assert got.flags == 0 and got.clean
    assert list(got.words) == words.tolist()
    assert (got.nonzero, got.znz_taken, got.bpc_taken) == (11, len(enc.znz), len(enc.bpc))


def test_hand_block_is_eight_fives() -> None:
    got = _run("1" * 8, BLOCK5, 8)
    assert got.flags == 0 and got.words == (5,) * 8


def test_zero_run_passing_l_after_a_non_zero_word() -> None:
    # '1' (word 5), then '0'+'0100' a run of 5 zeros: 1 + 5 > L = 3.
    got = _run("1" + "0" + "0100", BLOCK5, 3)
    assert got.flags == ed.ZNZ_RUN_OVERFLOW
    assert got.words == (5, 0, 0)          # word 0 decoded, from the failing run on 0
    assert got.nonzero == 1 and got.bpc_taken == 1 + 1


def test_znz_ending_early() -> None:
    # bits 1 1 0|0000 0|0 : two non-zero words, a run of 1, then a run symbol cut short.
    got = ebpc.decode_with_flags([0b11000000], _words(BLOCK5), 20, 8, 8, 16)
    assert got.flags == ed.ZNZ_TRUNCATED
    assert got.words == (5, 5) + (0,) * 18


def test_bpc_ending_in_the_second_block() -> None:
    # nine non-zero words need two blocks; the BPC stream holds only the first.
    got = _run("1" * 9, BLOCK5, 9)
    assert got.flags == ed.BPC_TRUNCATED
    assert got.words == (5,) * 8 + (0,)


@pytest.mark.parametrize(
    ("code", "flags", "words"),
    [
        ("00011" "111", ed.BPC_BAD_POSITION, (0,) * 8),    # single one at 7 > N-2 = 6
        ("00010" "110", ed.BPC_BAD_POSITION, (0,) * 8),    # pair at 6 > N-3 = 5
        ("01" "001" "111", ed.BPC_RUN_TOO_LONG, (0,) * 8),  # a zero plane, then a run of 9 > 8 left
        # pair at 5 (legal) in plane 0, the 8 planes after it repeat it (DBX 0): deltas 5 and 6
        # are all ones (-1)
        ("00010" "101" "001" "110", 0, (5, 5, 5, 5, 5, 5, 4, 3)),
        ("00011" "110" "001" "110", 0, (5, 5, 5, 5, 5, 5, 5, 4)),  # single at 6: delta 6 is -1
    ],
)
def test_plane_codes(code: str, flags: int, words: tuple[int, ...]) -> None:
    got = _run("1" * 8, "00000101" + code, 8)
    assert got.flags == flags
    assert got.words == words
    if not flags:
        assert list(words) == ebpc.decode(_words("1" * 8), _words("00000101" + code), 8, 8, 8, 16).tolist()


def test_bpc_error_in_block_one_keeps_block_zero_and_zero_runs() -> None:
    # words: 8 non-zero, a run of 2 zeros, 1 non-zero, a run of 1 zero; block 1 has a bad position.
    znz = "1" * 8 + "0" + "0001" + "1" + "0" + "0000"
    got = _run(znz, BLOCK5 + "00000101" + "00011" + "111", 12)
    assert got.flags == ed.BPC_BAD_POSITION
    assert got.words == (5,) * 8 + (0, 0, 0, 0)


def test_trailing_words() -> None:
    znz_extra = ebpc.decode_with_flags([0x80, 0x00], _words(BLOCK5), 1, 8, 8, 16)
    assert znz_extra.flags == ed.ZNZ_TRAILING and znz_extra.words == (5,)
    assert znz_extra.znz_taken == 2
    bpc_extra = ebpc.decode_with_flags([0x80], _words(BLOCK5) + [0], 1, 8, 8, 16)
    assert bpc_extra.flags == ed.BPC_TRAILING and bpc_extra.words == (5,)
    assert bpc_extra.bpc_taken == 3


def test_padding_bits_are_not_trailing() -> None:
    # the final ZNZ word holds '1' and seven padding ones: no flag (only whole words count).
    got = ebpc.decode_with_flags([0xFF], _words(BLOCK5), 1, 8, 8, 16)
    assert got.flags == 0 and got.words == (5,)


def test_bpc_trailing_not_flagged_after_a_znz_error() -> None:
    got = ebpc.decode_with_flags(_words("1" + "0" + "0100"), _words(BLOCK5) + [0, 0], 3, 8, 8, 16)
    assert got.flags == ed.ZNZ_RUN_OVERFLOW


def test_znz_trailing_with_a_bpc_error() -> None:
    got = ebpc.decode_with_flags([0x80, 0x12], _words("00000101" + "00011" + "111"), 1, 8, 8, 16)
    assert got.flags == ed.ZNZ_TRAILING | ed.BPC_BAD_POSITION
    assert got.words == (0,)


def test_znz_error_and_bpc_error_in_the_block_it_needs() -> None:
    got = _run("1" + "0" + "0100", "00000101" + "00011" + "111", 3)
    assert got.flags == ed.ZNZ_RUN_OVERFLOW | ed.BPC_BAD_POSITION
    assert got.words == (0, 0, 0)


def test_zero_length_takes_nothing() -> None:
    got = ebpc.decode_with_flags([0x80], [1], 0, 8, 8, 16)
    assert got.flags == ed.ZERO_LENGTH and got.words == ()
    assert (got.znz_taken, got.bpc_taken) == (0, 0)


def test_all_zero_transmission_takes_no_bpc() -> None:
    got = _run("0" + "1111", "", 16)
    assert got.flags == 0 and got.words == (0,) * 16 and got.bpc_taken == 0
    overflow = _run("0" + "1111", "", 10)
    assert overflow.flags == ed.ZNZ_RUN_OVERFLOW and overflow.words == (0,) * 10


def test_what_no_decoder_can_be_given() -> None:
    with pytest.raises(ValueError, match="no BPC word"):
        ebpc.decode_with_flags([0x80], [], 1, 8, 8, 16)
    with pytest.raises(ValueError, match="ZNZ word"):
        ebpc.decode_with_flags([], [], 3, 8, 8, 16)
    with pytest.raises(ValueError, match="non-negative"):
        ebpc.decode_with_flags([0x80], [], -1, 8, 8, 16)


def test_flag_names() -> None:
    assert ebpc.flag_names(0) == "none"
    assert ebpc.flag_names(0x41) == "ZNZ_RUN_OVERFLOW|BPC_TRAILING"
    assert len(ebpc.FLAG_NAMES) == 8


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(-128, 127), min_size=1, max_size=80),
    st.sampled_from([(8, 8, 16), (8, 2, 2), (8, 5, 256), (16, 12, 4), (32, 8, 64)]),
    st.integers(0, 2**32 - 1),
)
def test_agrees_with_decode_on_corrupted_streams(values, params, seed) -> None:
    """Clean iff ebpc.decode decodes, with the same words; a ZNZ failure of ebpc.decode is a
    ZNZ flag here, a BPC failure a BPC flag with no ZNZ flag."""
    w, n, z = params
    rng = np.random.default_rng(seed)
    enc = ebpc.encode(values, w, n, z)
    znz, bpc = enc.znz.tolist(), enc.bpc.tolist()
    length = len(values)
    how = int(rng.integers(0, 6))
    if how == 1:
        znz[int(rng.integers(0, len(znz)))] ^= 1 << int(rng.integers(0, w))
    elif how == 2 and bpc:
        bpc[int(rng.integers(0, len(bpc)))] ^= 1 << int(rng.integers(0, w))
    elif how == 3:
        length = int(rng.integers(1, 2 * length + 2))
    elif how == 4 and len(bpc) > 1:
        bpc = bpc[: int(rng.integers(1, len(bpc)))]
    elif how == 5:
        znz = znz + [int(rng.integers(0, 1 << w))]
    try:
        got = ebpc.decode_with_flags(znz, bpc, length, w, n, z)
    except ValueError:
        return                                   # no BPC word for a decoded non-zero word
    assert len(got.words) == length
    send_bpc = bpc if got.nonzero else []
    try:
        want = ebpc.decode(znz, send_bpc, length, w, n, z)
    except ebpc.DecodeError as exc:
        assert not got.clean
        if exc.stream == "znz":
            assert got.flags & (ed.ZNZ_RUN_OVERFLOW | ed.ZNZ_TRUNCATED | ed.ZNZ_TRAILING)
        else:
            assert not got.flags & (ed.ZNZ_RUN_OVERFLOW | ed.ZNZ_TRUNCATED | ed.ZNZ_TRAILING)
            assert got.flags & (ed.BPC_TRUNCATED | ed.BPC_BAD_POSITION | ed.BPC_RUN_TOO_LONG | ed.BPC_TRAILING)
    else:
        assert got.clean, got.describe()
        assert list(got.words) == want.tolist()


@pytest.mark.parametrize("values", [[0, 5, 0, 0, 7, 1], [0] * 20, [3] * 17, [-1, 0, 127, -128]])
def test_takes_back_what_encode_returns(values: list[int]) -> None:
    """The API takes its own output: ``Encoded.znz``/``.bpc`` are numpy arrays (an empty one
    for an all-zero transmission), and decode_with_flags decodes them cleanly."""
    enc = ebpc.encode(np.array(values, dtype=np.int8), 8)
    assert isinstance(enc.znz, np.ndarray) and isinstance(enc.bpc, np.ndarray)
    outcome = ebpc.decode_with_flags(enc.znz, enc.bpc, enc.num_words, 8)
    assert outcome.clean, outcome.describe()
    assert list(outcome.words) == values
    assert (outcome.znz_taken, outcome.bpc_taken) == (enc.znz.size, enc.bpc.size if any(values) else 0)


def test_words_that_are_not_a_sequence_give_one_line() -> None:
    with pytest.raises(ValueError, match="znz: expected a sequence"):
        ebpc.decode_with_flags(5, [], 3, 8)


def test_each_flag_constant_is_the_bit_of_its_name() -> None:
    assert [getattr(ed, name) for name in ebpc.FLAG_NAMES] == [1 << i for i in range(8)]
    assert ebpc.flag_names(ed.BPC_TRUNCATED | ed.ZERO_LENGTH) == "BPC_TRUNCATED|ZERO_LENGTH"
