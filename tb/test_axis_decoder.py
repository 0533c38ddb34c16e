# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of ebpc_axis_decoder, driven by cocotbext-axi, scored against the model.

L, ZNZ and BPC come from AxiStreamSources, the words go to an AxiStreamSink, each with a
random pause generator, and an AxiStreamMonitor watches every stream (ebpc_tb.axis).
Parameters come from the environment (ebpc_tb.config); run through
``python -m ebpc_tb.run --top axis_decoder``.
"""

from __future__ import annotations

import ebpc

from ebpc_tb import suites
from ebpc_tb.axis import AxisDecoderBench
from ebpc_tb.testing import ebpc_test

TOP = "axis_decoder"
ZNZ_TRUNCATED = 1 << 1
BPC_TRUNCATED = 1 << 2


@ebpc_test(TOP)
async def test_conformance(dut, cfg):
    """The conformance cases of these parameters: their stored streams back to their words."""
    tb = AxisDecoderBench(dut, cfg, "test_conformance")
    await tb.reset()
    cases = suites.conformance(cfg)
    for t, znz, bpc in cases:
        tb.send(t.name, t.values, znz, bpc)
    if not cases:
        for t in suites.corners(cfg)[:10]:
            tb.send(t.name, t.values)
    await tb.finish()


@ebpc_test(TOP)
async def test_corners(dut, cfg):
    """Directed corners (all-zero transmissions carry no BPC packet), back to back."""
    tb = AxisDecoderBench(dut, cfg, "test_corners")
    await tb.reset()
    for t in suites.corners(cfg):
        tb.send(t.name, t.values)
    await tb.finish()



@ebpc_test(TOP)
async def test_vectors(dut, cfg):
    """Real feature-map slices (EBPC_VECTORS or the committed ones), stored streams kept."""
    tb = AxisDecoderBench(dut, cfg, "test_vectors")
    await tb.reset()
    cases = suites.vectors(cfg)
    assert cases, f"no vector usable for {cfg.describe()}"
    for t, znz, bpc in cases:
        tb.send(t.name, t.values, znz, bpc)
    await tb.finish()


@ebpc_test(TOP)
async def test_coverage_closure(dut, cfg):
    """The coverage-directed transmissions of these parameters (ebpc_tb.closure)."""
    tb = AxisDecoderBench(dut, cfg, "test_coverage_closure")
    await tb.reset()
    for t in suites.closure(cfg, tb.rng, tb.log):
        tb.send(t.name, t.values)
    await tb.finish()

@ebpc_test(TOP)
async def test_random(dut, cfg):
    """Random transmissions in batches, each batch with new random pauses on every stream."""
    tb = AxisDecoderBench(dut, cfg, "test_random")
    await tb.reset()
    for batch in range(4):
        tb.randomize_pauses([tb.len_source, tb.znz_source, tb.bpc_source, tb.sink])
        for t in suites.randoms(cfg, tb.rng, cfg.count(15, minimum=4)):
            tb.send(f"batch{batch}/{t.name}", t.values)
        await tb.finish()
        tb.expected.clear()
        tb.done.clear()


@ebpc_test(TOP)
async def test_truncated_streams(dut, cfg):
    """A ZNZ or BPC packet cut short: error_o flags it, the output still has L words (tlast on
    the last), and the next transmission decodes cleanly."""
    tb = AxisDecoderBench(dut, cfg, "test_truncated_streams")
    await tb.reset()
    w, n, z = cfg.width, cfg.block, cfg.max_zero_run
    # Dense, not smooth: several words in both streams.
    values = [((i * 37 + 11) % ((1 << (w - 1)) - 1)) + 1 for i in range(6 * n)]
    enc = ebpc.encode(values, w, n, z)
    znz, bpc = [int(x) for x in enc.znz], [int(x) for x in enc.bpc]
    assert len(znz) >= 2 and len(bpc) >= 2, (znz, bpc)
    tb.send("ZNZ cut short", values, znz[:-1], bpc, expect_error=ZNZ_TRUNCATED)
    tb.send("clean after ZNZ error", values)
    tb.send("BPC cut short", values, znz, bpc[:len(bpc) // 2], expect_error=BPC_TRUNCATED)
    tb.send("clean after BPC error", values)
    await tb.finish()
