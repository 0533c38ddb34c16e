# SPDX-License-Identifier: Apache-2.0
"""Shared strategies for the golden-model tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

WIDTHS = (8, 16, 32)
ZERO_RUNS = tuple(1 << k for k in range(1, 9))


@st.composite
def codec_params(draw: st.DrawFn) -> tuple[int, int, int]:
    """W in {8,16,32}, any legal N (2..2W, favouring 8 and 16), Z a power of two 2..256."""
    width = draw(st.sampled_from(WIDTHS))
    block = draw(st.one_of(st.sampled_from((8, 16)), st.integers(2, 2 * width)))
    zero_run = draw(st.sampled_from(ZERO_RUNS))
    return width, block, zero_run


@st.composite
def transmissions(draw: st.DrawFn, width: int) -> np.ndarray:
    """Words with a drawn length, sparsity and value distribution (signed W-bit)."""
    length = draw(st.integers(1, 600))
    seed = draw(st.integers(0, 2**32 - 1))
    sparsity = draw(st.sampled_from((0.0, 0.1, 0.5, 0.9, 0.99, 1.0)))
    shape = draw(st.sampled_from(("uniform", "small", "relu", "walk", "extremes", "runs")))
    rng = np.random.default_rng(seed)
    low, high = -(1 << (width - 1)), (1 << (width - 1)) - 1
    if shape == "uniform":
        words = rng.integers(low, high, length, endpoint=True)
    elif shape == "small":
        words = rng.integers(-4, 5, length)
    elif shape == "relu":
        words = np.clip(np.abs(rng.normal(0, high / 8, length)), 0, high).astype(np.int64)
    elif shape == "walk":
        words = np.clip(np.cumsum(rng.integers(-3, 4, length)) + rng.integers(low // 2, high // 2), low, high)
    elif shape == "extremes":
        words = rng.choice(np.array([low, high, -1, 1, low + 1, high - 1]), length)
    else:  # long zero runs of every length around Z
        words = rng.integers(low, high, length, endpoint=True)
        for start in rng.integers(0, length, 4):
            words[start : start + int(rng.integers(1, 600))] = 0
    words = np.where(rng.random(length) < sparsity, 0, words)
    return words.astype(np.int64)
