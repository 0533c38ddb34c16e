# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of ebpc_axis_encoder, driven by cocotbext-axi, scored against ``ebpc.encode``.

Every stream has an AxiStreamSource/AxiStreamSink with a random pause generator and an
AxiStreamMonitor (ebpc_tb.bench.axis), and run by the benches' shared scenarios
(ebpc_tb.bench.scenarios). Parameters come from the environment (ebpc_tb.spec);
run through ``python -m ebpc_tb.flow.run --top axis_encoder``.
"""

from __future__ import annotations

from ebpc_tb.bench import scenarios
from ebpc_tb.bench.axis import AxisEncoderBench
from ebpc_tb.bench.testing import ebpc_test

TOP = "axis_encoder"


@ebpc_test(TOP)
async def test_conformance(dut, cfg):
    """The conformance cases of these parameters: their stored streams, word for word, in free
    flow and then with pauses on every stream."""
    await scenarios.conformance(AxisEncoderBench(dut, cfg, "test_conformance"))


@ebpc_test(TOP)
async def test_corners(dut, cfg):
    """Directed corners (all-zero transmissions have no BPC packet), back to back, then with
    frequent pauses."""
    await scenarios.corners(AxisEncoderBench(dut, cfg, "test_corners"))


@ebpc_test(TOP)
async def test_vectors(dut, cfg):
    """Real feature-map slices (EBPC_VECTORS or the committed ones), stored streams kept."""
    await scenarios.vectors(AxisEncoderBench(dut, cfg, "test_vectors"))


@ebpc_test(TOP)
async def test_coverage_closure(dut, cfg):
    """The coverage-directed transmissions of these parameters (ebpc_tb.bench.closure)."""
    await scenarios.coverage_closure(AxisEncoderBench(dut, cfg, "test_coverage_closure"))


@ebpc_test(TOP)
async def test_random(dut, cfg):
    """Random transmissions, new random pauses on every stream every ten."""
    await scenarios.random_mix(AxisEncoderBench(dut, cfg, "test_random"), cfg.count(60, minimum=16))
