# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of ebpc_axis_encoder, driven by cocotbext-axi, scored against ``ebpc.encode``.

Every stream has an AxiStreamSource/AxiStreamSink with a random pause generator and an
AxiStreamMonitor (ebpc_tb.axis). Parameters come from the environment (ebpc_tb.config);
run through ``python -m ebpc_tb.run --top axis_encoder``.
"""

from __future__ import annotations

from ebpc_tb import suites
from ebpc_tb.axis import AxisEncoderBench
from ebpc_tb.testing import ebpc_test

TOP = "axis_encoder"


@ebpc_test(TOP)
async def test_conformance(dut, cfg):
    """The conformance cases of these parameters: exact ZNZ and BPC packets from the case file."""
    tb = AxisEncoderBench(dut, cfg, "test_conformance")
    await tb.reset()
    cases = suites.conformance(cfg)
    for t, znz, bpc in cases:
        tb.send(t.name, t.values, znz, bpc)
    if not cases:  # no case of these parameters: the model's streams of the corner set
        for t in suites.corners(cfg)[:10]:
            tb.send(t.name, t.values)
    await tb.finish()


@ebpc_test(TOP)
async def test_corners(dut, cfg):
    """Directed corners (all-zero transmissions have no BPC packet), back to back."""
    tb = AxisEncoderBench(dut, cfg, "test_corners")
    await tb.reset()
    for t in suites.corners(cfg):
        tb.send(t.name, t.values)
    await tb.finish()



@ebpc_test(TOP)
async def test_vectors(dut, cfg):
    """Real feature-map slices (EBPC_VECTORS or the committed ones), stored streams kept."""
    tb = AxisEncoderBench(dut, cfg, "test_vectors")
    await tb.reset()
    cases = suites.vectors(cfg)
    assert cases, f"no vector usable for {cfg.describe()}"
    for t, znz, bpc in cases:
        tb.send(t.name, t.values, znz, bpc)
    await tb.finish()


@ebpc_test(TOP)
async def test_coverage_closure(dut, cfg):
    """The coverage-directed transmissions of these parameters (ebpc_tb.closure)."""
    tb = AxisEncoderBench(dut, cfg, "test_coverage_closure")
    await tb.reset()
    for t in suites.closure(cfg, tb.rng, tb.log):
        tb.send(t.name, t.values)
    await tb.finish()

@ebpc_test(TOP)
async def test_random(dut, cfg):
    """Random transmissions in batches, each batch with new random pauses on every stream."""
    tb = AxisEncoderBench(dut, cfg, "test_random")
    await tb.reset()
    for batch in range(4):
        tb.randomize_pauses([tb.source, tb.znz_sink, tb.bpc_sink])
        for t in suites.randoms(cfg, tb.rng, cfg.count(15, minimum=4)):
            tb.send(f"batch{batch}/{t.name}", t.values)
        await tb.finish()
        tb.expected.clear()
        tb.done.clear()
