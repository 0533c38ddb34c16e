# SPDX-License-Identifier: Apache-2.0
"""Codec parameters and their legal ranges (see ebpc-format.md, "Parameters")."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Params", "ParameterError", "SUPPORTED_WIDTHS"]

SUPPORTED_WIDTHS = (8, 16, 32)


class ParameterError(ValueError):
    """An illegal codec parameter (word width, block size or maximum zero run)."""


def _is_power_of_two(value: int) -> bool:
    return value > 0 and value & (value - 1) == 0


@dataclass(frozen=True)
class Params:
    """The three format parameters with the field widths derived from them.

    width        W, bits per word (8, 16 or 32)
    block        N, non-zero words coded together (2 <= N <= 2W)
    max_zero_run Z, longest zero run of one ZNZ symbol (power of two, 2..256)
    """

    width: int
    block: int
    max_zero_run: int

    def __post_init__(self) -> None:
        for name in ("width", "block", "max_zero_run"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                try:
                    as_int = int(value)
                except (TypeError, ValueError):
                    raise ParameterError(f"{name} must be an integer, got {value!r}") from None
                if as_int != value:
                    raise ParameterError(f"{name} must be an integer, got {value!r}")
                object.__setattr__(self, name, as_int)
        if self.width not in SUPPORTED_WIDTHS:
            raise ParameterError(f"width must be one of {SUPPORTED_WIDTHS}, got {self.width}")
        if not 2 <= self.block <= 2 * self.width:
            raise ParameterError(
                f"block must be in 2..{2 * self.width} for width {self.width}, got {self.block}"
            )
        if not (_is_power_of_two(self.max_zero_run) and 2 <= self.max_zero_run <= 256):
            raise ParameterError(
                f"max_zero_run must be a power of two in 2..256, got {self.max_zero_run}"
            )

    @property
    def run_bits(self) -> int:
        """log2(Z): bits of a ZNZ zero-run length."""
        return self.max_zero_run.bit_length() - 1

    @property
    def position_bits(self) -> int:
        """ceil(log2(N)): bits of a position inside a bit-plane."""
        return (self.block - 1).bit_length()

    @property
    def plane_run_bits(self) -> int:
        """log2(W): bits of the length field of an all-zero-DBX run."""
        return self.width.bit_length() - 1

    @property
    def planes(self) -> int:
        """W + 1 delta bit-planes per block."""
        return self.width + 1

    @property
    def plane_bits(self) -> int:
        """N - 1 bits per delta bit-plane."""
        return self.block - 1

    @property
    def word_min(self) -> int:
        return -(1 << (self.width - 1))

    @property
    def word_max_unsigned(self) -> int:
        return (1 << self.width) - 1
