# SPDX-License-Identifier: Apache-2.0
"""Quantisers: range, saturation, float16 / bfloat16 bit patterns."""

import numpy as np
import pytest
import torch

from ebpc_vectors import VectorsError
from ebpc_vectors.quant import (QUANTS, bfloat16_bits, codec_words, fixed_point, float16_bits,
                                get_quant, quantise)

SEED = 1234


@pytest.mark.parametrize("bits", [8, 12, 16])
def test_fixed_point_range_and_scale(bits):
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=5000) * 3.7
    q, scale = fixed_point(x, bits, 0.75)
    hi = (1 << (bits - 1)) - 1
    assert q.min() >= -hi - 1 and q.max() <= hi
    m = np.abs(x).max()
    assert scale == pytest.approx(0.75 * hi / m)
    assert np.abs(q).max() == round(0.75 * hi)          # the max lands at 75 % of full scale
    assert np.array_equal(q, np.rint(x * scale).astype(np.int64)), f"seed {SEED}"


@pytest.mark.parametrize("bits", [8, 12, 16])
def test_fixed_point_saturates(bits):
    x = np.array([-4.0, -1.0, 0.0, 1.0, 4.0])
    q, _ = fixed_point(x, bits, safety=3.0)    # 4.0 -> 3 x full scale
    hi = (1 << (bits - 1)) - 1
    assert q.tolist() == [-hi - 1, round(-3 * hi / 4), 0, round(3 * hi / 4), hi]


def test_fixed_point_all_zero_and_relu_zeros_stay_zero():
    q, scale = fixed_point(np.zeros(10), 8)
    assert not q.any() and scale == 1.0
    x = np.maximum(np.random.default_rng(SEED).normal(size=1000), 0)
    q, scale = fixed_point(x, 8)
    assert np.array_equal(q == 0, np.rint(x * scale) == 0)
    assert (q[x == 0] == 0).all()


def test_bad_bits_and_safety():
    with pytest.raises(VectorsError):
        fixed_point(np.ones(3), 10)
    with pytest.raises(VectorsError):
        fixed_point(np.ones(3), 8, safety=0.0)
    with pytest.raises(VectorsError, match="fixed8, fixed12"):
        get_quant("fixed10")
    with pytest.raises(VectorsError, match="unknown quantisation"):
        get_quant("int4")


SPECIAL = np.array([0.0, -0.0, 1.0, -2.5, 65504.0, 65520.0, 1e-8, 6e-8, -3e-5, 1e5, np.inf,
                    -np.inf, 3.0e38, 1.0 + 2**-8, 1.0 + 3 * 2**-8, 1.00390625], np.float32)


def test_float16_patterns_match_numpy():
    rng = np.random.default_rng(SEED)
    x = np.concatenate([SPECIAL, rng.normal(size=2000).astype(np.float32) * 100,
                        rng.normal(size=500).astype(np.float32) * 1e-6])
    got = float16_bits(x)
    assert got.dtype == np.uint16
    with np.errstate(over="ignore"):
        assert np.array_equal(got, x.astype(np.float16).view(np.uint16))
    assert np.array_equal(got, torch.from_numpy(x).half().view(torch.int16).numpy().view(np.uint16))
    assert got[0] == 0 and got[1] == 0x8000 and got[2] == 0x3C00


def _bf16_reference(x):
    """Round-to-nearest-even truncation of the float32 pattern (finite values, inf)."""
    b = x.astype(np.float32).view(np.uint32).astype(np.uint64)
    return ((b + 0x7FFF + ((b >> 16) & 1)) >> 16).astype(np.uint16)


def test_bfloat16_patterns_bit_exact():
    rng = np.random.default_rng(SEED)
    x = np.concatenate([SPECIAL, rng.normal(size=4000).astype(np.float32) * 10,
                        # exact ties: low 16 bits 0x8000
                        (rng.integers(0, 1 << 15, 200, dtype=np.uint32) << 16 | 0x8000)
                        .astype(np.uint32).view(np.float32)])
    x = x[np.isfinite(x) | np.isinf(x)]
    got = bfloat16_bits(x)
    assert got.dtype == np.uint16
    assert np.array_equal(got, _bf16_reference(x)), f"seed {SEED}"
    assert got[2] == 0x3F80 and got[1] == 0x8000
    assert np.isnan(torch.from_numpy(bfloat16_bits(np.array([np.nan], np.float32)).view(np.int16))
                    .view(torch.bfloat16).float().numpy()).all()


def test_quantise_dtypes_and_codec_words():
    x = np.array([[0.0, 0.5], [1.0, 2.0]], np.float32)
    for name, q in QUANTS.items():
        a, scale = quantise(x, q)
        assert a.dtype == np.dtype(q.dtype) and a.shape == x.shape
        assert (scale is None) == (q.kind == "float")
        w = codec_words(a)
        assert w.dtype == np.int64 and w.shape == (4,)
        assert w.min() >= -(1 << (q.width - 1)) and w.max() < (1 << (q.width - 1))
        assert w[0] == 0 and (w[1:] != 0).all()
    # a float pattern >= 0x8000 becomes a negative codec word with the same 16 bits
    assert codec_words(np.array([0x8000, 0xFFFF, 0x3C00], np.uint16)).tolist() == [-32768, -1, 0x3C00]


@pytest.mark.parametrize("bits", [8, 16])
def test_fixed_point_with_a_batch_maximum(bits):
    rng = np.random.default_rng(SEED)
    x = np.maximum(rng.normal(size=3000), 0) * 2.0
    hi = (1 << (bits - 1)) - 1
    batch_max = float(x.max()) * 3.0                  # another image of the batch peaks higher
    q, scale = fixed_point(x, bits, 0.75, max_abs=batch_max)
    assert scale == pytest.approx(0.75 * hi / batch_max)
    assert np.array_equal(q, np.rint(x * scale).astype(np.int64)), f"seed {SEED}"
    assert q.max() == round(x.max() * scale) < round(0.75 * hi)
    # a map above the batch maximum (cannot happen in a capture) saturates
    q, _ = fixed_point(np.array([0.0, 10.0]), bits, 0.75, max_abs=1.0)
    assert q.tolist() == [0, hi]
    a, s = quantise(x, get_quant(f"fixed{bits}"), 0.75, max_abs=batch_max)
    assert s == scale and a.dtype == np.dtype(QUANTS[f"fixed{bits}"].dtype)
    with pytest.raises(VectorsError, match="max_abs"):
        fixed_point(x, bits, 0.75, max_abs=float("nan"))


def test_rounding_is_to_nearest_ties_to_even():
    # scale 1: max 127 * 0.75 / 95.25 = 1.0; halves go to the even neighbour
    x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001, 95.25])
    q, scale = fixed_point(x, 8, 0.75)
    assert scale == 1.0
    assert q.tolist() == [0, 2, 2, 0, -2, 2, 3, 95]
