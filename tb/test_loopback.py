"""cocotb tests of ebpc_loopback (encoder -> internal link -> decoder): output == input.

Random backpressure everywhere: input gaps, length-stream gaps, output backpressure and
random stalls of the internal ZNZ/BPC links (znz_stall_i/bpc_stall_i).  Parameters from
the environment (see ebpc_tb.config).  Run through ``python -m ebpc_tb.run --top loopback``.
"""

from __future__ import annotations


from cocotb.triggers import ClockCycles

from ebpc_tb import suites
from ebpc_tb.env import LoopbackBench, random_backpressure, random_gaps
from ebpc_tb.stream import BackpressureConfig, GapConfig
from ebpc_tb.testing import ebpc_test

TOP = "loopback"


def _random_traffic(tb):
    rng = tb.rng
    tb.set_traffic(gaps=random_gaps(rng), len_gaps=random_gaps(rng), out_bp=random_backpressure(rng))
    tb.set_stalls(random_backpressure(rng), random_backpressure(rng))


@ebpc_test(TOP)
async def test_conformance(dut, cfg):
    """Conformance-case values round-trip, free flow then with traffic."""
    cases = suites.conformance(cfg) or [(t, None, None) for t in suites.corners(cfg)[:10]]
    tb = LoopbackBench(dut, cfg, "test_conformance")
    await tb.start()
    for t, _, _ in cases:
        tb.send(t.values, t.name)
    await tb.wait_all()
    _random_traffic(tb)
    for t, _, _ in cases:
        tb.send(t.values, t.name + " (traffic)")
    await tb.finish()


@ebpc_test(TOP)
async def test_vectors(dut, cfg):
    """Real vectors (EBPC_VECTORS) round-trip with random traffic everywhere."""
    cases = suites.vectors(cfg)
    tb = LoopbackBench(dut, cfg, "test_vectors")
    await tb.start()
    assert cases, f"{cfg.vectors or 'the committed vectors'}: no case usable for {cfg.describe()}"
    for i, (t, _, _) in enumerate(cases):
        if i % 4 == 0:
            _random_traffic(tb)
        tb.send(t.values, t.name)
    await tb.finish()


@ebpc_test(TOP)
async def test_random(dut, cfg):
    """Random transmissions with random traffic on every port and link."""
    tb = LoopbackBench(dut, cfg, "test_random")
    await tb.start()
    for i, t in enumerate(suites.randoms(cfg, tb.rng, cfg.count(200, minimum=20))):
        if i % 10 == 0:
            _random_traffic(tb)
        tb.send(t.values, t.name)
    await tb.finish()


@ebpc_test(TOP)
async def test_corners(dut, cfg):
    """Directed corner cases, free flow then heavy traffic and long link stalls."""
    tb = LoopbackBench(dut, cfg, "test_corners")
    await tb.start()
    corners = suites.corners(cfg)
    for t in corners:
        tb.send(t.values, t.name)
    await tb.wait_all()
    heavy = cfg.scale >= 1 or cfg.full
    tb.set_traffic(gaps=GapConfig(prob=0.3, max_gap=3), len_gaps=GapConfig(prob=0.5, max_gap=10),
                   out_bp=random_backpressure(tb.rng, heavy=heavy))
    tb.set_stalls(BackpressureConfig(ready_prob=0.6, stall_prob=0.01, max_stall=100),
                  BackpressureConfig(ready_prob=0.5, stall_prob=0.01, max_stall=100))
    for t in corners if heavy else corners[::4]:    # the sweep replays a quarter
        tb.send(t.values, t.name + " (traffic)")
    await tb.finish()


@ebpc_test(TOP)
async def test_link_stalls(dut, cfg):
    """Long stalls on one internal link at a time, then on both."""
    tb = LoopbackBench(dut, cfg, "test_link_stalls")
    await tb.start()
    long = BackpressureConfig(ready_prob=0.8, stall_prob=0.02, max_stall=suites.long_stall(cfg))
    for znz, bpc in ((long, None), (None, long), (long, long)):
        tb.set_stalls(znz, bpc)
        for t in suites.randoms(cfg, tb.rng, cfg.count(20, minimum=5)):
            tb.send(t.values, t.name)
        await tb.wait_all()
    await tb.finish()


@ebpc_test(TOP)
async def test_reset_mid_transmission(dut, cfg):
    """Reset with traffic in flight, then exact round-trips."""
    tb = LoopbackBench(dut, cfg, "test_reset_mid_transmission")
    await tb.start()
    rng = tb.rng
    for rep in range(cfg.count(5, minimum=3)):
        _random_traffic(tb)
        for t in suites.randoms(cfg, rng, 2):
            tb.send(t.values + [rng.randint(1, 9)] * (3 * cfg.block), "victim " + t.name)
        await ClockCycles(dut.clk_i, rng.randint(1, 150))
        await tb.reset_now(cycles=rng.randint(1, 4))
        for t in suites.randoms(cfg, rng, 3):
            tb.send(t.values, f"after reset {rep}: " + t.name)
        await tb.wait_all()
    await tb.finish()
