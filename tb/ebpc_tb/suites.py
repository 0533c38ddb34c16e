"""Stimulus lists shared by the encoder, decoder and loopback test modules."""

from __future__ import annotations

import random

from .config import CONFORMANCE_FILE, TbConfig
from .stimulus import (Transmission, corner_transmissions, load_case_file, matching_cases,
                       random_transmission)

__all__ = ["conformance", "vectors", "randoms", "corners", "max_len", "long_stall"]


def _cases_to_tx(cases: list[dict]) -> list[tuple[Transmission, list[int] | None, list[int] | None]]:
    out = []
    for c in cases:
        out.append((Transmission(str(c["name"]), [int(v) for v in c["values"]]),
                    [int(x) for x in c["znz"]] if "znz" in c else None,
                    [int(x) for x in c["bpc"]] if "bpc" in c else None))
    return out


def conformance(cfg: TbConfig):
    """Conformance cases (tb/data copy) for this parameter set: (tx, znz, bpc)."""
    cases = matching_cases(load_case_file(CONFORMANCE_FILE), cfg.width, cfg.block, cfg.max_zero_run)
    return _cases_to_tx(cases)


def vectors(cfg: TbConfig):
    """Cases of EBPC_VECTORS matching this parameter set (empty if unset)."""
    if not cfg.vectors:
        return []
    cases = matching_cases(load_case_file(cfg.vectors), cfg.width, cfg.block, cfg.max_zero_run)
    return _cases_to_tx(cases)


def max_len(cfg: TbConfig) -> int:
    return 1500 if cfg.full else 120 if cfg.quick else 300


def long_stall(cfg: TbConfig) -> int:
    """Longest stall/gap used by the backpressure tests."""
    return 80 if cfg.quick else 300


def randoms(cfg: TbConfig, rng: random.Random, count: int) -> list[Transmission]:
    return [random_transmission(rng, cfg.width, cfg.block, cfg.max_zero_run, max_len(cfg), i)
            for i in range(count)]


def corners(cfg: TbConfig) -> list[Transmission]:
    return corner_transmissions(cfg.width, cfg.block, cfg.max_zero_run, cfg.full)
