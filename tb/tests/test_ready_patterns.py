# SPDX-License-Identifier: Apache-2.0
"""The random ready/stall levels of StreamSink and RandomLevel (no simulator: fake handles).

The levels are drawn a run at a time; these tests hold them to the per-cycle definition of
BackpressureConfig (each cycle: a stall of 1..max_stall starts with stall_prob, else high
with ready_prob), so a wrong run-length formula fails here, not as a quietly milder bench.
"""

import random

import pytest

from ebpc_tb.bench.engine import CycleEngine
from ebpc_tb.bench.stream import StreamSink
from ebpc_tb.bench.traffic import BackpressureConfig, RandomLevel

CYCLES = 200_000


class Sig:
    def __init__(self):
        self.value = 0


def _levels(cfg: BackpressureConfig, seed: int, sink: bool) -> list[int]:
    """The level driven in each of CYCLES cycles (a sink's ready, or a stall input)."""
    engine = CycleEngine(clock=None)
    sig = Sig()
    if sink:
        port = type("Port", (), {"out_valid_o": Sig(), "out_ready_i": sig, "out_data_o": Sig()})()
        StreamSink(port, "out", engine, backpressure=cfg, rng=random.Random(seed))
    else:
        RandomLevel(sig, engine, cfg, random.Random(seed))
    out = []
    for _ in range(CYCLES):
        engine.step()
        out.append(int(sig.value))
    return out


def _expected_low_share(cfg: BackpressureConfig) -> float:
    """Share of low (not ready) cycles: per decision, a stall (mean (1+max)/2 cycles) with
    stall_prob, else one cycle, low with 1 - ready_prob."""
    s, p, m = cfg.stall_prob, cfg.ready_prob, (1 + cfg.max_stall) / 2
    return (s * m + (1 - s) * (1 - p)) / (s * m + (1 - s))


CONFIGS = [BackpressureConfig(ready_prob=0.7),
           BackpressureConfig(ready_prob=0.97, stall_prob=0.002, max_stall=40),
           BackpressureConfig(ready_prob=0.5, stall_prob=0.01, max_stall=100),
           BackpressureConfig(ready_prob=0.0)]


@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: f"p{c.ready_prob}-s{c.stall_prob}-m{c.max_stall}")
@pytest.mark.parametrize("sink", [True, False], ids=["sink", "level"])
def test_low_share_matches_the_per_cycle_definition(cfg, sink):
    seed = 11
    levels = _levels(cfg, seed, sink)
    ready = levels if sink else [1 - v for v in levels]     # a stall input is high when stalled
    low = ready.count(0) / CYCLES
    assert abs(low - _expected_low_share(cfg)) < 0.02, f"seed {seed}: low share {low:.4f}"


def test_plain_ready_cycles_are_independent():
    """Without stalls each cycle is its own coin: P(low | previous low) = P(low)."""
    seed = 5
    ready = _levels(BackpressureConfig(ready_prob=0.7), seed, sink=True)
    after_low = [b for a, b in zip(ready, ready[1:]) if a == 0]
    share = after_low.count(0) / len(after_low)
    assert abs(share - 0.3) < 0.02, f"seed {seed}: P(low | low) = {share:.4f}"


def test_stalls_are_bounded_runs():
    """Stalls alone (ready_prob 1): low runs come from 1..max_stall stalls, sometimes back to back."""
    seed = 3
    cfg = BackpressureConfig(ready_prob=1.0, stall_prob=0.01, max_stall=40)
    ready = _levels(cfg, seed, sink=True)
    runs, n = [], 0
    for v in ready + [1]:
        if v == 0:
            n += 1
        elif n:
            runs.append(n)
            n = 0
    assert runs, f"seed {seed}: no stall in {CYCLES} cycles"
    assert max(runs) > 30, f"seed {seed}: longest stall {max(runs)}"
    # back-to-back stalls (chance 1 %) merge: a run over 40 needs two
    assert sum(r > 40 for r in runs) < 0.05 * len(runs), f"seed {seed}: runs {sorted(runs)[-10:]}"


def test_always_ready_is_held_and_leaves_the_engine():
    engine = CycleEngine(clock=None)
    sig = Sig()
    level = RandomLevel(sig, engine, BackpressureConfig(ready_prob=0.5), random.Random(1))
    assert engine.drivers, "a random pattern must be driven every cycle"
    level.configure(BackpressureConfig.always_ready(), random.Random(1))
    assert engine.drivers == [] and engine.scheduled == 0 and sig.value == 0
    for _ in range(100):
        engine.step()
        assert sig.value == 0


def test_same_seed_same_pattern():
    cfg = BackpressureConfig(ready_prob=0.8, stall_prob=0.01, max_stall=20)
    assert _levels(cfg, 9, sink=True)[:5000] == _levels(cfg, 9, sink=True)[:5000]
    assert _levels(cfg, 9, sink=True)[:5000] != _levels(cfg, 10, sink=True)[:5000]
