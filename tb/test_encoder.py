# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of ebpc_encoder against the golden model (``ebpc.encode``).

Parameters come from the environment (see ebpc_tb.spec): EBPC_W/N/Z, EBPC_SEED,
EBPC_VECTORS, EBPC_FULL, EBPC_SCALE.  Run through ``python -m ebpc_tb.flow.run --top encoder``.
"""

from __future__ import annotations


from ebpc_tb.bench import scenarios, suites
from ebpc_tb.bench.env import EncoderBench
from ebpc_tb.bench.traffic import BackpressureConfig, GapConfig
from ebpc_tb.bench.testing import ebpc_test

TOP = "encoder"


@ebpc_test(TOP)
async def test_conformance(dut, cfg):
    """Every conformance case: exact words from the bundled cases, free flow then with traffic."""
    await scenarios.conformance(EncoderBench(dut, cfg, "test_conformance"))


@ebpc_test(TOP)
async def test_vectors(dut, cfg):
    """Real feature-map vectors matching these parameters, with random traffic."""
    await scenarios.vectors(EncoderBench(dut, cfg, "test_vectors"))


@ebpc_test(TOP)
async def test_random(dut, cfg):
    """Random transmissions (length, sparsity, value distributions) with changing traffic."""
    await scenarios.random_mix(EncoderBench(dut, cfg, "test_random"), cfg.count(300, minimum=20))


@ebpc_test(TOP)
async def test_corners(dut, cfg):
    """Directed corner cases, back to back, free flow then heavy backpressure."""
    await scenarios.corners(EncoderBench(dut, cfg, "test_corners"))


@ebpc_test(TOP)
async def test_back_to_back(dut, cfg):
    """Many short transmissions queued at once: no idle cycle between them."""
    await scenarios.back_to_back(EncoderBench(dut, cfg, "test_back_to_back"), cfg.count(150, minimum=30))


@ebpc_test(TOP)
async def test_coverage_closure(dut, cfg):
    """The coverage-directed transmissions: every data bin of these parameters."""
    await scenarios.coverage_closure(EncoderBench(dut, cfg, "test_coverage_closure"))


async def _backpressure(dut, cfg, name, znz_bp, bpc_bp):
    tb = EncoderBench(dut, cfg, name, znz_bp=znz_bp, bpc_bp=bpc_bp)
    await tb.start()
    for t in suites.randoms(cfg, tb.rng, cfg.count(40, minimum=10)):
        tb.send(t.values, t.name)
    await tb.finish()


def _long_stalls(cfg):
    return BackpressureConfig(ready_prob=0.7, stall_prob=0.02, max_stall=suites.long_stall(cfg))


@ebpc_test(TOP)
async def test_backpressure_znz(dut, cfg):
    """Long stalls on the ZNZ output only."""
    await _backpressure(dut, cfg, "test_backpressure_znz", _long_stalls(cfg), None)


@ebpc_test(TOP)
async def test_backpressure_bpc(dut, cfg):
    """Long stalls on the BPC output only."""
    await _backpressure(dut, cfg, "test_backpressure_bpc", None, _long_stalls(cfg))


@ebpc_test(TOP)
async def test_backpressure_both(dut, cfg):
    """Independent long stalls and random ready on both outputs."""
    await _backpressure(dut, cfg, "test_backpressure_both", _long_stalls(cfg),
                        BackpressureConfig(ready_prob=0.3, stall_prob=0.01, max_stall=suites.long_stall(cfg)))


@ebpc_test(TOP)
async def test_input_gaps(dut, cfg):
    """Random and long idle gaps on the input stream."""
    tb = EncoderBench(dut, cfg, "test_input_gaps",
                      gaps=GapConfig(prob=0.4, max_gap=5, long_prob=0.01, long_max=suites.long_stall(cfg) // 2))
    await tb.start()
    for t in suites.randoms(cfg, tb.rng, cfg.count(40, minimum=10)):
        tb.send(t.values, t.name)
    await tb.finish()


@ebpc_test(TOP)
async def test_reset_mid_transmission(dut, cfg):
    """Reset at a random point of a transmission, then clean transmissions must be exact."""
    await scenarios.reset_mid_transmission(EncoderBench(dut, cfg, "test_reset_mid_transmission"),
                                           cfg.count(6, minimum=3))
