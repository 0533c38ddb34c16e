# SPDX-License-Identifier: Apache-2.0
"""The ``.ebpc`` container: an array's words as one or more EBPC transmissions, with what it
takes to give the array back exactly (shape, dtype, how its words were read).

A container is a NumPy ``.npz`` archive (format version 2; docs/formats.md):

=================  ===========================================================================
``format``         2
``znz``, ``bpc``   the W-bit words of every transmission's streams, concatenated (unsigned)
``tile_words``     L of each transmission (int64); ``tile_znz_words``, ``tile_bpc_words``:
                   its words in each stream
``num_words``      the total word count; ``shape`` and ``dtype`` (NumPy dtype string) of the array
``signed_words``   1: the values were read as signed W-bit words, 0: as unsigned ones
``width``, ``block``, ``max_zero_run``   W, N, Z
=================  ===========================================================================

Version 1 archives (no ``format`` field: one transmission, no ``dtype``) still unpack, to
signed W-bit integers. This module is pure: :func:`to_fields` / :func:`from_fields` turn a
:class:`Container` into the archive's arrays and back; the command line does the file I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .codec import as_words, encode
from .decoding import decode
from .params import Params

__all__ = [
    "FORMAT_VERSION",
    "RTL_DEFAULT_MAX_WORDS",
    "Container",
    "ContainerError",
    "from_fields",
    "pack",
    "to_fields",
    "unpack",
]

FORMAT_VERSION = 2
# The most words one transmission can have for the RTL decoder at its default CountWidth=16.
RTL_DEFAULT_MAX_WORDS = (1 << 16) - 1

_WORD_TYPES = {8: np.uint8, 16: np.uint16, 32: np.uint32}


class ContainerError(ValueError):
    """A container that cannot be written or read: one line saying why."""


@dataclass(frozen=True)
class Container:
    """An array coded as ``len(tile_words)`` independent transmissions."""

    params: Params
    znz: np.ndarray
    bpc: np.ndarray
    tile_words: tuple[int, ...]
    tile_znz_words: tuple[int, ...]
    tile_bpc_words: tuple[int, ...]
    shape: tuple[int, ...] | None
    dtype: np.dtype | None
    signed_words: bool

    @property
    def num_words(self) -> int:
        return sum(self.tile_words)

    @property
    def coded_bits(self) -> int:
        """Bits of whole stream words (what a memory stores)."""
        return (self.znz.size + self.bpc.size) * self.params.width


def _reads_signed(values: np.ndarray, width: int) -> bool:
    """How W-bit words restore these values (all in -2**(W-1) .. 2**W-1, as as_words checked):
    signed (True) or unsigned (False)."""
    low, high = int(values.min()), int(values.max())
    if high < 1 << (width - 1):
        return True
    if low >= 0:
        return False
    raise ContainerError(
        f"values {low} .. {high} mix negative numbers with numbers >= 2**{width - 1}: "
        f"{width}-bit words cannot give both back (use a wider --width)"
    )


def pack(values: object, width: int, block: int = 8, max_zero_run: int = 16,
         tile: int | None = None) -> Container:
    """Code an integer array (flattened in C order) as transmissions of at most ``tile`` words
    (one transmission when ``tile`` is None). Raises :class:`ebpc.WordRangeError` for what
    is no word array (not integer, empty, values not fitting W bits) and ContainerError
    for values that W-bit words cannot give back."""
    p = Params(width, block, max_zero_run)
    array = np.asarray(values)
    if tile is not None and (isinstance(tile, bool) or int(tile) != tile or tile < 1):
        raise ContainerError(f"tile must be a positive number of words, got {tile!r}")
    words = as_words(array, p.width)
    signed = _reads_signed(array.reshape(-1), p.width)
    step = int(tile) if tile is not None else words.size
    coded = [encode(words[i : i + step], p.width, p.block, p.max_zero_run) for i in range(0, words.size, step)]
    word_type = _WORD_TYPES[p.width]
    return Container(
        params=p,
        znz=np.concatenate([c.znz for c in coded]).astype(word_type),
        bpc=np.concatenate([c.bpc for c in coded]).astype(word_type),
        tile_words=tuple(c.num_words for c in coded),
        tile_znz_words=tuple(int(c.znz.size) for c in coded),
        tile_bpc_words=tuple(int(c.bpc.size) for c in coded),
        shape=tuple(int(d) for d in array.shape),
        dtype=array.dtype,
        signed_words=signed,
    )


def unpack(container: Container) -> np.ndarray:
    """The array back: every transmission decoded, in the stored shape and dtype.

    Raises :class:`ebpc.DecodeError` for a malformed stream."""
    p = container.params
    parts = []
    z_at = b_at = 0
    for words, z_count, b_count in zip(container.tile_words, container.tile_znz_words, container.tile_bpc_words):
        znz = container.znz[z_at : z_at + z_count]
        bpc = container.bpc[b_at : b_at + b_count]
        parts.append(decode(znz, bpc, words, p.width, p.block, p.max_zero_run))
        z_at, b_at = z_at + z_count, b_at + b_count
    flat = np.concatenate(parts)
    if not container.signed_words:
        flat = flat & ((1 << p.width) - 1)
    dtype = container.dtype if container.dtype is not None else np.dtype(f"int{p.width}")
    out = flat.astype(dtype)
    return out.reshape(container.shape) if container.shape is not None else out


def to_fields(container: Container) -> dict[str, np.ndarray]:
    """The archive's arrays (for ``np.savez``)."""
    p = container.params
    return {
        "format": np.int64(FORMAT_VERSION),
        "znz": container.znz,
        "bpc": container.bpc,
        "tile_words": np.asarray(container.tile_words, dtype=np.int64),
        "tile_znz_words": np.asarray(container.tile_znz_words, dtype=np.int64),
        "tile_bpc_words": np.asarray(container.tile_bpc_words, dtype=np.int64),
        "num_words": np.int64(container.num_words),
        "shape": np.asarray(container.shape if container.shape is not None else (container.num_words,), dtype=np.int64),
        "dtype": np.asarray(container.dtype.str if container.dtype is not None else f"<i{p.width // 8}"),
        "signed_words": np.int64(container.signed_words),
        "width": np.int64(p.width),
        "block": np.int64(p.block),
        "max_zero_run": np.int64(p.max_zero_run),
    }


def _scalar(fields: Mapping[str, np.ndarray], name: str) -> int:
    value = np.asarray(fields[name])
    if value.ndim != 0 or not np.issubdtype(value.dtype, np.integer):
        raise ContainerError(f"'{name}' must be an integer scalar")
    return int(value)


def _counts(fields: Mapping[str, np.ndarray], name: str) -> tuple[int, ...]:
    value = np.asarray(fields[name])
    if value.ndim != 1 or value.size == 0 or not np.issubdtype(value.dtype, np.integer) or (value < 0).any():
        raise ContainerError(f"'{name}' must be a non-empty list of non-negative integers")
    return tuple(int(v) for v in value)


def _stream(fields: Mapping[str, np.ndarray], name: str) -> np.ndarray:
    value = np.asarray(fields[name])
    if value.ndim != 1 or (value.size and not np.issubdtype(value.dtype, np.integer)):
        raise ContainerError(f"'{name}' must be a list of integer words")
    return value


def from_fields(fields: Mapping[str, np.ndarray]) -> Container:
    """A container from an archive's arrays (version 1 or 2), every field checked."""
    required = ("znz", "bpc", "num_words", "width", "block", "max_zero_run")
    version = _scalar(fields, "format") if "format" in fields else 1
    if version == FORMAT_VERSION:
        required += ("tile_words", "tile_znz_words", "tile_bpc_words", "shape", "dtype", "signed_words")
    elif version != 1:
        raise ContainerError(f"container format {version} is not known to this version (it reads 1 and 2)")
    missing = [f for f in required if f not in fields]
    if missing:
        raise ContainerError(f"not an ebpc container (missing {', '.join(missing)})")
    p = Params(_scalar(fields, "width"), _scalar(fields, "block"), _scalar(fields, "max_zero_run"))
    znz, bpc = _stream(fields, "znz"), _stream(fields, "bpc")
    num_words = _scalar(fields, "num_words")
    shape: tuple[int, ...] | None = None
    if "shape" in fields:
        raw = np.asarray(fields["shape"])
        if raw.ndim != 1 or (raw.size and not np.issubdtype(raw.dtype, np.integer)) or (raw < 0).any():
            raise ContainerError("'shape' must be a list of non-negative integers")
        shape = tuple(int(x) for x in raw)
        if int(np.prod(shape, dtype=np.int64)) != num_words:
            raise ContainerError(f"shape {shape} does not hold num_words={num_words} words")
    if version == 1:
        return Container(p, znz, bpc, (num_words,), (znz.size,), (bpc.size,), shape, None, True)
    tiles = _counts(fields, "tile_words"), _counts(fields, "tile_znz_words"), _counts(fields, "tile_bpc_words")
    if len({len(t) for t in tiles}) != 1:
        raise ContainerError("'tile_words', 'tile_znz_words' and 'tile_bpc_words' differ in length")
    if sum(tiles[0]) != num_words or sum(tiles[1]) != znz.size or sum(tiles[2]) != bpc.size:
        raise ContainerError("the per-transmission counts do not add up to num_words and the stream lengths")
    try:
        dtype = np.dtype(str(np.asarray(fields["dtype"])))
    except TypeError:
        raise ContainerError(f"'dtype' {np.asarray(fields['dtype'])!s} is not a NumPy dtype") from None
    if dtype == np.bool_ or not np.issubdtype(dtype, np.integer):
        raise ContainerError(f"'dtype' must be an integer type, got {dtype}")
    return Container(p, znz, bpc, *tiles, shape, dtype, bool(_scalar(fields, "signed_words")))
