# SPDX-License-Identifier: Apache-2.0
"""Round trips and agreement with the per-symbol reference, over random transmissions."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import ebpc
from ebpc.reference import reference_decode, reference_encode

from strategies import codec_params, transmissions


@st.composite
def params_and_words(draw: st.DrawFn) -> tuple[tuple[int, int, int], np.ndarray]:
    params = draw(codec_params())
    return params, draw(transmissions(params[0]))


@settings(max_examples=300, deadline=None)
@given(params_and_words())
def test_round_trip(case: tuple[tuple[int, int, int], np.ndarray]) -> None:
    (width, block, zero_run), words = case
    result = ebpc.encode(words, width, block, zero_run)
    assert result.znz.size == -(-result.znz_bits // width)
    assert result.bpc.size == -(-result.bpc_bits // width)
    assert (result.bpc.size == 0) == (np.count_nonzero(words) == 0)
    back = ebpc.decode(result.znz, result.bpc, words.size, width, block, zero_run)
    np.testing.assert_array_equal(back, words)


@settings(max_examples=150, deadline=None)
@given(params_and_words())
def test_vectorised_matches_reference(case: tuple[tuple[int, int, int], np.ndarray]) -> None:
    (width, block, zero_run), words = case
    p = ebpc.Params(width, block, zero_run)
    znz, bpc, znz_bits, bpc_bits = reference_encode(words.tolist(), p)
    result = ebpc.encode(words, width, block, zero_run)
    assert result.znz.tolist() == znz
    assert result.bpc.tolist() == bpc
    assert (result.znz_bits, result.bpc_bits) == (znz_bits, bpc_bits)
    assert reference_decode(znz, bpc, words.size, p) == words.tolist()


@settings(max_examples=100, deadline=None)
@given(params_and_words())
def test_symbol_trace_spells_the_streams(case: tuple[tuple[int, int, int], np.ndarray]) -> None:
    (width, block, zero_run), words = case
    result = ebpc.encode(words, width, block, zero_run)
    trace = ebpc.symbol_trace(words, width, block, zero_run)
    for stream, packed, count in (("znz", result.znz, result.znz_bits), ("bpc", result.bpc, result.bpc_bits)):
        symbols = [s for s in trace if s.stream == stream]
        offsets = [s.bit_offset for s in symbols]
        assert offsets == sorted(offsets)
        spelled = "".join(s.bits for s in symbols)
        assert spelled == "".join(format(int(w), f"0{width}b") for w in packed)[:count]
        assert all(s.kind in (ebpc.SymbolKind.BPC_PLANE_KINDS + (ebpc.SymbolKind.BASE,)) for s in symbols if stream == "bpc")
    znz_words = sum(s.plane for s in trace if s.stream == "znz")
    assert znz_words == words.size


def test_unsigned_input_is_the_same_words() -> None:
    signed = np.array([-1, -128, 5, 0, 127], dtype=np.int64)
    unsigned = signed & 0xFF
    a, b = ebpc.encode(signed, 8), ebpc.encode(unsigned.astype(np.uint8), 8)
    assert a.znz.tolist() == b.znz.tolist() and a.bpc.tolist() == b.bpc.tolist()


def test_any_shape_is_flattened_in_c_order() -> None:
    rng = np.random.default_rng(7)
    maps = rng.integers(-50, 50, (2, 3, 4, 5))
    flat = ebpc.encode(maps.reshape(-1), 8)
    shaped = ebpc.encode(maps, 8)
    assert flat.znz.tolist() == shaped.znz.tolist() and flat.bpc.tolist() == shaped.bpc.tolist()


def test_long_transmission_matches_reference() -> None:
    rng = np.random.default_rng(2024)
    words = np.where(rng.random(50_000) < 0.5, 0, rng.integers(-128, 128, 50_000))
    p = ebpc.Params(8, 8, 16)
    znz, bpc, _, _ = reference_encode(words.tolist(), p)
    result = ebpc.encode(words, 8, 8, 16)
    assert result.znz.tolist() == znz and result.bpc.tolist() == bpc
    np.testing.assert_array_equal(ebpc.decode(result.znz, result.bpc, words.size, 8, 8, 16), words)
