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

TOP = "axis_encoder"


COUNTS = scenarios.Counts(random=(60, 16))
# The shared scenarios (ebpc_tb.bench.scenarios) as this module's tests: test_conformance,
# test_vectors, test_random, test_corners and test_coverage_closure.
globals().update(scenarios.shared_tests(TOP, AxisEncoderBench, __name__, COUNTS))
