# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of ebpc_loopback (encoder -> internal link -> decoder): output == input.

Random backpressure everywhere: input gaps, length-stream gaps, output backpressure and
random stalls of the internal ZNZ/BPC links (znz_stall_i/bpc_stall_i).  Parameters from
the environment (see ebpc_tb.config).  Run through ``python -m ebpc_tb.run --top loopback``.
"""

from __future__ import annotations


from ebpc_tb import scenarios, suites
from ebpc_tb.env import LoopbackBench
from ebpc_tb.stream import BackpressureConfig
from ebpc_tb.testing import ebpc_test

TOP = "loopback"


@ebpc_test(TOP)
async def test_conformance(dut, cfg):
    """Conformance-case values round-trip, free flow then with traffic."""
    await scenarios.conformance(LoopbackBench(dut, cfg, "test_conformance"))


@ebpc_test(TOP)
async def test_vectors(dut, cfg):
    """Real vectors round-trip with random traffic everywhere."""
    await scenarios.vectors(LoopbackBench(dut, cfg, "test_vectors"))


@ebpc_test(TOP)
async def test_random(dut, cfg):
    """Random transmissions with random traffic on every port and link."""
    await scenarios.random_mix(LoopbackBench(dut, cfg, "test_random"), cfg.count(200, minimum=20))


@ebpc_test(TOP)
async def test_corners(dut, cfg):
    """Directed corner cases, free flow then heavy traffic and long link stalls."""
    await scenarios.corners(LoopbackBench(dut, cfg, "test_corners"))


@ebpc_test(TOP)
async def test_back_to_back(dut, cfg):
    """Many short transmissions queued at once on both inputs."""
    await scenarios.back_to_back(LoopbackBench(dut, cfg, "test_back_to_back"), cfg.count(100, minimum=30))


@ebpc_test(TOP)
async def test_coverage_closure(dut, cfg):
    """The coverage-directed transmissions round-trip."""
    await scenarios.coverage_closure(LoopbackBench(dut, cfg, "test_coverage_closure"))


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
    await scenarios.reset_mid_transmission(LoopbackBench(dut, cfg, "test_reset_mid_transmission"),
                                           cfg.count(5, minimum=3), max_delay=150)
