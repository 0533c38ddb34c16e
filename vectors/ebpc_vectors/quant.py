# SPDX-License-Identifier: Apache-2.0
"""Quantisers: per-layer fixed point, float16 / bfloat16 bit patterns.

Fixed point ``fixedB`` (B = 8, 12, 16), as the EBPC authors quantised: one scale
per layer (and kind: activation or gradient), chosen so that the largest
magnitude that layer reaches over the whole batch of images maps to
``safety * (2**(B-1) - 1)`` (default safety 0.75); the capture computes that
maximum in a first pass over all images (``scaling='batch'``, the default) or
takes each image's own maximum (``scaling='image'``).  Values are then
multiplied by the scale, rounded to the nearest integer with ties to even
(``numpy.rint``) and saturated to ``[-2**(B-1), 2**(B-1) - 1]``; a safety factor
above 1 makes the largest values saturate.  Stored as int8 (B = 8) or int16
(B = 12, 16: 12-bit values sign-extended into 16-bit words); the codec word
width W is 8 or 16.  BatchNorm runs in inference mode (running statistics).

Float ``float16`` / ``bfloat16``: the unscaled float32 value rounded to the
format (round to nearest even) and stored as its raw 16-bit pattern (uint16);
W = 16.  The codec sees the pattern reinterpreted as a signed 16-bit word
(``pattern.view(int16)``), so +0.0 is the only zero word.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from . import VectorsError


#: Where the fixed-point scale's maximum is taken: over all images (per layer), or per image.
SCALINGS = ("batch", "image")


@dataclass(frozen=True)
class Quant:
    name: str        # fixed8 | fixed12 | fixed16 | float16 | bfloat16
    kind: str        # 'fixed' | 'float'
    bits: int        # significant bits (12 for fixed12)
    width: int       # codec / storage word width W (8 or 16)
    dtype: str       # numpy storage dtype: int8 | int16 | uint16


QUANTS = {
    "fixed8": Quant("fixed8", "fixed", 8, 8, "int8"),
    "fixed12": Quant("fixed12", "fixed", 12, 16, "int16"),
    "fixed16": Quant("fixed16", "fixed", 16, 16, "int16"),
    "float16": Quant("float16", "float", 16, 16, "uint16"),
    "bfloat16": Quant("bfloat16", "float", 16, 16, "uint16"),
}


def get_quant(name: str) -> Quant:
    q = QUANTS.get(name)
    if q is None:
        if name.startswith("fixed"):
            raise VectorsError(f"unsupported fixed-point width {name!r}: use fixed8, fixed12 "
                               f"or fixed16")
        raise VectorsError(f"unknown quantisation {name!r}; choose from {', '.join(QUANTS)}")
    return q


def fixed_point(x: np.ndarray, bits: int, safety: float = 0.75,
                max_abs: float | None = None) -> tuple[np.ndarray, float]:
    """Max normalisation to ``safety`` of full scale, then B-bit signed ints.

    ``max_abs`` is the magnitude that maps to ``safety * (2**(B-1) - 1)``: the
    layer's maximum over the batch of images; None takes this tensor's own maximum.
    Returns (int64 array, scale) with ``q = clip(rint(x * scale))`` (ties to even).
    """
    if bits not in (8, 12, 16):
        raise VectorsError(f"unsupported fixed-point width {bits}: use 8, 12 or 16")
    if not (safety > 0 and np.isfinite(safety)):
        raise VectorsError(f"safety factor must be a positive number, not {safety}")
    x = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(x)):
        raise VectorsError("tensor holds NaN or infinity; cannot quantise")
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    if max_abs is None:
        m = float(np.max(np.abs(x))) if x.size else 0.0
    else:
        m = float(max_abs)
        if not (m >= 0 and np.isfinite(m)):
            raise VectorsError(f"max_abs must be a finite number >= 0, not {max_abs}")
    scale = safety * hi / m if m > 0 else 1.0
    q = np.clip(np.rint(x * scale), lo, hi).astype(np.int64)
    return q, scale


def float16_bits(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):   # overflow to +-inf is the format's behaviour
        return np.asarray(x, dtype=np.float32).astype(np.float16).view(np.uint16)


def bfloat16_bits(x: np.ndarray) -> np.ndarray:
    t = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)).to(torch.bfloat16)
    return t.view(torch.int16).numpy().view(np.uint16).copy()


def quantise(x: np.ndarray, q: Quant, safety: float = 0.75,
             max_abs: float | None = None) -> tuple[np.ndarray, float | None]:
    """Quantise a float tensor; returns (array in q.dtype, scale or None for floats).

    ``max_abs``: the fixed-point reference maximum (see ``fixed_point``); floats ignore it.
    """
    if q.kind == "fixed":
        v, scale = fixed_point(x, q.bits, safety, max_abs)
        return v.astype(q.dtype), scale
    if q.name == "float16":
        return float16_bits(x), None
    return bfloat16_bits(x), None


def codec_words(a: np.ndarray) -> np.ndarray:
    """Stored array -> signed int64 words for the codec (uint16 patterns as int16)."""
    a = np.asarray(a).reshape(-1)
    if a.dtype == np.uint16:
        a = a.view(np.int16)
    return a.astype(np.int64)
