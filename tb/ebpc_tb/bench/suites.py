# SPDX-License-Identifier: Apache-2.0
"""Stimulus lists shared by the encoder, decoder and loopback test modules."""

from __future__ import annotations

import random

from .closure import closure_transmissions
from ..spec import COMMITTED_VECTORS, CONFORMANCE_FILE, RunSpec
from .stimulus import (Transmission, corner_transmissions, load_case_file, matching_cases,
                       random_transmission)

__all__ = ["conformance", "vectors", "randoms", "corners", "closure", "max_len", "long_stall"]


def _cases_to_tx(cases: list[dict]) -> list[tuple[Transmission, list[int] | None, list[int] | None]]:
    out = []
    for c in cases:
        out.append((Transmission(str(c["name"]), [int(v) for v in c["values"]]),
                    [int(x) for x in c["znz"]] if c.get("znz") is not None else None,
                    [int(x) for x in c["bpc"]] if c.get("bpc") is not None else None))
    return out


def conformance(cfg: RunSpec):
    """Conformance cases (tb/data copy) for this parameter set: (tx, znz, bpc)."""
    cases = matching_cases(load_case_file(CONFORMANCE_FILE), cfg.width, cfg.block, cfg.max_zero_run)
    return [c for c in _cases_to_tx(cases) if cfg.fits(len(c[0].values))]


def vectors(cfg: RunSpec):
    """Real-data stimulus: EBPC_VECTORS, else the committed feature-map slices.

    Cases stored for this parameter set keep their expected streams (so the file itself is
    checked too); cases of a narrower word width are replayed with streams from the model.
    The default run takes a fair subset (every third case), a quick run (the sweep) every
    ninth; EBPC_FULL takes them all. EBPC_VECTORS_EXACT: only (and all) the cases stored
    for this parameter set.
    """
    path = cfg.vectors or str(COMMITTED_VECTORS)
    cases = load_case_file(path)
    exact = matching_cases(cases, cfg.width, cfg.block, cfg.max_zero_run)
    if cfg.vectors_exact:
        return _cases_to_tx(exact)
    replayed = [dict(c, name=f"{c['name']} (W{c['w']} words)", znz=None, bpc=None)
                for c in cases if int(c["w"]) <= cfg.width and c not in exact]
    chosen = [c for c in exact + replayed if cfg.fits(len(c["values"]))]
    if not cfg.vectors and not cfg.full:
        chosen = chosen[::9] if cfg.quick else chosen[::3]
    return [(t, znz, bpc) for t, znz, bpc in _cases_to_tx(chosen)]


def max_len(cfg: RunSpec) -> int:
    limit = 1500 if cfg.full else 120 if cfg.quick else 300
    return min(limit, cfg.max_length) if cfg.max_length > 0 else limit


def long_stall(cfg: RunSpec) -> int:
    """Longest stall/gap used by the backpressure tests."""
    return 80 if cfg.quick else 300


def randoms(cfg: RunSpec, rng: random.Random, count: int) -> list[Transmission]:
    out = [random_transmission(rng, cfg.width, cfg.block, cfg.max_zero_run, max_len(cfg), i)
           for i in range(count)]
    if cfg.max_length > 0:     # short lengths of large blocks may still pass a small limit
        out = [t if cfg.fits(len(t.values)) else Transmission(t.name, t.values[:cfg.max_length])
               for t in out]
    return out


def corners(cfg: RunSpec) -> list[Transmission]:
    """The directed corners (those longer than EBPC_MAX_LENGTH left out)."""
    return [t for t in corner_transmissions(cfg.width, cfg.block, cfg.max_zero_run, cfg.full)
            if cfg.fits(len(t.values))]


def closure(cfg: RunSpec, rng: random.Random, log=None) -> list[Transmission]:
    """The coverage-directed set for these parameters (every data bin it can reach).

    Bins the generator cannot reach are logged (the coverage report then lists them).
    """
    chosen = closure_transmissions(cfg.width, cfg.block, cfg.max_zero_run, rng)
    if not chosen.closed and log is not None:
        log.warning("coverage closure: no stimulus found for %s", chosen.missed)
    kept = [t for t in chosen.transmissions if cfg.fits(len(t.values))]
    if len(kept) < len(chosen.transmissions) and log is not None:
        log.warning("coverage closure: %d transmission(s) longer than EBPC_MAX_LENGTH=%d left out",
                    len(chosen.transmissions) - len(kept), cfg.max_length)
    return kept
