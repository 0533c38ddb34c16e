# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of ebpc_axis_decoder, driven by cocotbext-axi, scored against the model.

L, ZNZ and BPC come from AxiStreamSources, the words go to an AxiStreamSink, each with a
random pause generator, and an AxiStreamMonitor watches every stream (ebpc_tb.bench.axis);
the benches' shared scenarios (ebpc_tb.bench.scenarios) run them.
Parameters come from the environment (ebpc_tb.spec); run through
``python -m ebpc_tb.flow.run --top axis_decoder``.
"""

from __future__ import annotations

import ebpc

from ebpc_tb.bench import scenarios
from ebpc_tb.bench.axis import AxisDecoderBench
from ebpc_tb.bench.testing import ebpc_test

TOP = "axis_decoder"
ZNZ_TRUNCATED = 1 << 1
BPC_TRUNCATED = 1 << 2


COUNTS = scenarios.Counts(random=(60, 16))
# The shared scenarios (ebpc_tb.bench.scenarios) as this module's tests: test_conformance,
# test_vectors, test_random, test_corners and test_coverage_closure.
globals().update(scenarios.shared_tests(TOP, AxisDecoderBench, __name__, COUNTS))


@ebpc_test(TOP)
async def test_truncated_streams(dut, cfg):
    """A ZNZ or BPC packet cut short: error_o flags it, the output still has L words (tlast on
    the last), and the next transmission decodes cleanly."""
    tb = AxisDecoderBench(dut, cfg, "test_truncated_streams")
    await tb.start()
    w, n, z = cfg.width, cfg.block, cfg.max_zero_run
    # Dense, not smooth: several words in both streams.
    values = [((i * 37 + 11) % ((1 << (w - 1)) - 1)) + 1 for i in range(6 * n)]
    enc = ebpc.encode(values, w, n, z)
    znz, bpc = [int(x) for x in enc.znz], [int(x) for x in enc.bpc]
    assert len(znz) >= 2 and len(bpc) >= 2, (znz, bpc)
    tb.send(values, "ZNZ cut short", znz[:-1], bpc, expect_error=ZNZ_TRUNCATED)
    tb.send(values, "clean after ZNZ error")
    tb.send(values, "BPC cut short", znz, bpc[:len(bpc) // 2], expect_error=BPC_TRUNCATED)
    tb.send(values, "clean after BPC error")
    await tb.finish()
