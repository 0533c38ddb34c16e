# SPDX-License-Identifier: Apache-2.0
"""pytest wrapper: cocotb loopback bench under each simulator, default config and sweep.

Each test runs `python -m ebpc_tb.flow.run --top loopback` in a subprocess and fails if the
simulation fails, does not build, or scores nothing (JUnit XML: tests > 0, failures = 0).
"""

import pytest

from ebpc_tb.flow.pytest_support import matrix_id, run_sim, sim_matrix

MATRIX = sim_matrix("loopback")


@pytest.mark.parametrize("item", MATRIX, ids=[matrix_id(m) for m in MATRIX])
def test_loopback(item):
    sim, config, scale = item
    run_sim(sim, "loopback", config, scale)
