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


COUNTS = scenarios.Counts(random=(300, 20), back_to_back=(150, 30), resets=(6, 3))
# The shared scenarios (ebpc_tb.bench.scenarios) as this module's tests: test_conformance,
# test_vectors, test_random, test_corners, test_coverage_closure, test_back_to_back and
# test_reset_mid_transmission.
globals().update(scenarios.shared_tests(TOP, EncoderBench, __name__, COUNTS))


async def _backpressure(dut, cfg, name, znz_bp, bpc_bp):
    await scenarios.steady_traffic(EncoderBench(dut, cfg, name, znz_bp=znz_bp, bpc_bp=bpc_bp),
                                   cfg.count(40, minimum=10))


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
    gaps = GapConfig(prob=0.4, max_gap=5, long_prob=0.01, long_max=suites.long_stall(cfg) // 2)
    await scenarios.steady_traffic(EncoderBench(dut, cfg, "test_input_gaps", gaps=gaps), cfg.count(40, minimum=10))
