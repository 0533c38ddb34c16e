# SPDX-License-Identifier: Apache-2.0
"""Test scenarios shared by the benches (encoder, decoder, loopback and the AXI4-Stream tops).

Each scenario takes a constructed (not yet started) bench and drives it through a whole
test: start, stimulus, traffic changes, :meth:`finish` (which runs the final checks). The
benches share one interface for this (:class:`~ebpc_tb.bench.base.Bench` and its
subclasses): ``send(values, name, znz=None, bpc=None)``, ``random_traffic()`` (a new random
mix of gaps/backpressure/stalls/pauses on every port), ``busy_traffic(heavy)`` (gaps and
backpressure everywhere, long stalls when ``heavy``), ``wait_all()`` and ``finish()``.

:func:`shared_tests` makes them a test module's cocotb tests (``test_conformance`` ...), with
the counts that module gives in a :class:`Counts`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

from cocotb.triggers import ClockCycles

from . import suites
from .lane_bins import lane_closure
from .testing import ebpc_test
from .traffic import BackpressureConfig

__all__ = ["conformance", "vectors", "random_mix", "steady_traffic", "corners", "back_to_back",
           "reset_mid_transmission", "coverage_closure", "Counts", "shared_tests"]


async def conformance(tb) -> None:
    """Every conformance case for these parameters, free flow, then again under traffic."""
    cfg = tb.cfg
    cases = suites.conformance(cfg)
    await tb.start()
    if not cases:
        tb.log.warning("no conformance case for %s: sending the corner set instead", cfg.describe())
        cases = [(t, None, None) for t in suites.corners(cfg)[:10]]
    for t, znz, bpc in cases:
        tb.send(t.values, t.name, znz, bpc)
    await tb.wait_all()
    tb.busy_traffic(heavy=False)
    for t, znz, bpc in cases:
        tb.send(t.values, t.name + " (traffic)", znz, bpc)
    await tb.finish()


async def vectors(tb) -> None:
    """Real feature-map vectors (EBPC_VECTORS or the committed ones), traffic changing every 4
    (EBPC_VECTORS_EXACT: the file's cases for these parameters, first in free flow)."""
    cfg = tb.cfg
    cases = suites.vectors(cfg)
    await tb.start()
    assert cases, f"{cfg.vectors or 'the committed vectors'}: no case usable for {cfg.describe()}"
    if cfg.vectors_exact:
        # every case of the file stored for this parameter set: free flow, then under traffic
        for t, znz, bpc in cases:
            tb.send(t.values, t.name, znz, bpc)
        await tb.wait_all()
        tb.log.info("%d case(s) of %s at %s, free flow", len(cases), cfg.vectors, cfg.describe())
    for i, (t, znz, bpc) in enumerate(cases):
        if i % 4 == 0:
            tb.random_traffic()
        tb.send(t.values, t.name, znz, bpc)
    await tb.finish()


async def random_mix(tb, count: int) -> None:
    """``count`` random transmissions; traffic changes every 10, the bench drains every 50."""
    await tb.start()
    for i, t in enumerate(suites.randoms(tb.cfg, tb.rng, count)):
        if i % 10 == 0:
            tb.random_traffic()
            if i and i % 50 == 0:
                await tb.wait_all()
        tb.send(t.values, t.name)
    await tb.finish()


async def steady_traffic(tb, count: int) -> None:
    """``count`` random transmissions under the traffic the bench was built with (no change)."""
    await tb.start()
    for t in suites.randoms(tb.cfg, tb.rng, count):
        tb.send(t.values, t.name)
    await tb.finish()


async def corners(tb) -> None:
    """Directed corner cases back to back in free flow, then under busy traffic.

    The sweep (a quick run) replays a quarter of them under traffic, with shorter stalls.
    """
    cfg = tb.cfg
    await tb.start()
    cases = suites.corners(cfg)
    for t in cases:
        tb.send(t.values, t.name)
    await tb.wait_all()
    heavy = not cfg.quick
    tb.busy_traffic(heavy=heavy)
    for t in cases if heavy else cases[::4]:
        tb.send(t.values, t.name + " (traffic)")
    await tb.finish()


async def _held_final_words(tb, pairs: int = 3) -> None:
    """Pairs of transmissions with the output sink stalled until both are in: the first one's
    final word waits in the decoder's output register while the second is decoded behind it,
    so on release the second's first word follows it directly (out.back_to_back). Directed,
    since random backpressure reaches it only a few times per run at some parameter sets."""
    width, block = tb.cfg.width, tb.cfg.block
    for pair in range(pairs):
        tb.out_sink.pause()
        tb.send([pair + 1], f"held final word #{pair}")
        tb.send([0, pair + 2] * block, f"behind the held word #{pair}")
        # Long enough for the loopback's encoder and the decoder to have the second
        # transmission's first block decoded (a block takes at most W+1 plane cycles per side).
        await ClockCycles(tb.clk, 8 * (width + block) + 64)
        tb.out_sink.set_backpressure(BackpressureConfig.always_ready())
        await tb.wait_all()


async def back_to_back(tb, count: int) -> None:
    """Many short transmissions queued at once: the inputs never idle between them."""
    cfg = tb.cfg
    rng = tb.rng
    n = cfg.block
    lo, hi = -(1 << (cfg.width - 1)), (1 << (cfg.width - 1)) - 1
    await tb.start()
    if hasattr(tb, "out_sink"):   # the decoder and the loopback: a word output to hold
        await _held_final_words(tb)
    # One-word all-zero transmissions have a one-word ZNZ stream and no BPC stream, so the
    # encoder's ZNZ frames leave on consecutive cycles (znz.back_to_back on every set, not
    # only where random lengths happen to line up).
    for i in range(6):
        tb.send([0], f"one zero word #{i}")
    for i in range(count):
        length = rng.choice([1, 1, 2, 3, n - 1, n, n + 1, 2 * n, rng.randint(1, 4 * n)])
        kind = rng.random()
        if kind < 0.2:
            values = [0] * length
        elif kind < 0.4:
            values = [rng.randint(1, 5) for _ in range(length)]
        else:
            values = [0 if rng.random() < 0.4 else rng.randint(lo, hi) for _ in range(length)]
        tb.send(values, f"b2b#{i}[L={length}]")
    await tb.finish()


async def reset_mid_transmission(tb, repeats: int, max_delay: int = 120) -> None:
    """Reset at a random point with transmissions in flight; clean ones after it must be exact.

    Each victim is padded to more than ``max_delay`` words per lane: a bench moves at most
    Lanes words per cycle on the uncompressed side, so the reset always lands mid-transmission
    (reset.mid_transmission on every repeat, not on most)."""
    cfg = tb.cfg
    rng = tb.rng
    # (Lanes > 1: up to Lanes words per cycle on the uncompressed side)
    lanes = max(tb.params.get("Lanes", 1), tb.params.get("DecLanes", 1))
    pad = max(3 * cfg.block, lanes * (max_delay + 1))
    await tb.start()
    for rep in range(repeats):
        tb.random_traffic()
        for t in suites.randoms(cfg, rng, 2):
            tb.send(t.values + [rng.randint(1, 9)] * pad, "victim " + t.name)
        await ClockCycles(tb.clk, rng.randint(1, max_delay))
        await tb.reset_now(cycles=rng.randint(1, 4))
        for t in suites.randoms(cfg, rng, 3):
            tb.send(t.values, f"after reset {rep}: " + t.name)
        await tb.wait_all()
    await tb.finish()


async def coverage_closure(tb) -> None:
    """The coverage-directed set (every data bin of these parameters; with Lanes > 1 also
    every lane bin the bench samples), under random traffic."""
    await tb.start()
    tb.random_traffic()
    for t in suites.closure(tb.cfg, tb.rng, tb.log):
        tb.send(t.values, t.name)
    cfg = tb.cfg
    groups = tb.coverage.lane_groups if tb.coverage is not None else {}
    for lanes, streams in groups.items():
        chosen = lane_closure(cfg.width, cfg.block, cfg.max_zero_run, lanes, tb.rng, streams)
        for i, values in enumerate(v for v in chosen if cfg.fits(len(v))):
            tb.send(values, f"lane closure L={lanes} #{i}")
    await tb.finish()


@dataclasses.dataclass(frozen=True)
class Counts:
    """How much a bench's shared tests send: (count, minimum) before EBPC_SCALE (``cfg.count``).

    ``back_to_back`` or ``resets`` None: the bench has no such test.
    """
    random: tuple[int, int]
    back_to_back: tuple[int, int] | None = None
    resets: tuple[int, int] | None = None
    reset_delay: int = 120          # the longest wait before a reset (reset_mid_transmission)


def shared_tests(top: str, bench: Callable[..., Any], module: str, counts: Counts) -> dict[str, Any]:
    """The shared scenarios as cocotb tests of ``module`` (give ``__name__``), by test name.

    Each test builds ``bench(dut, cfg, test_name)`` and runs one scenario on it, with its
    count from ``counts`` scaled by the run; the test module puts them in its namespace
    (``globals().update(...)``), where cocotb finds them.
    """
    plan: dict[str, tuple[Callable[..., Any], tuple[int, int] | None, dict[str, Any]]] = {
        "test_conformance": (conformance, None, {}),
        "test_vectors": (vectors, None, {}),
        "test_random": (random_mix, counts.random, {}),
        "test_corners": (corners, None, {}),
        "test_coverage_closure": (coverage_closure, None, {}),
    }
    if counts.back_to_back is not None:
        plan["test_back_to_back"] = (back_to_back, counts.back_to_back, {})
    if counts.resets is not None:
        plan["test_reset_mid_transmission"] = (reset_mid_transmission, counts.resets,
                                               {"max_delay": counts.reset_delay})
    return {name: _shared_test(top, bench, module, name, *entry) for name, entry in plan.items()}


def _shared_test(top: str, bench: Callable[..., Any], module: str, name: str, scenario: Callable[..., Any],
                 count: tuple[int, int] | None, kwargs: dict[str, Any]) -> Any:
    async def test(dut, cfg) -> None:
        args = () if count is None else (cfg.count(*count),)
        await scenario(bench(dut, cfg, name), *args, **kwargs)

    # cocotb names a test (and seeds it) by its function's module and qualified name
    test.__name__ = test.__qualname__ = name
    test.__module__ = module
    test.__doc__ = scenario.__doc__
    return ebpc_test(top)(test)
