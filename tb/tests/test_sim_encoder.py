# SPDX-License-Identifier: Apache-2.0
"""pytest wrapper: cocotb encoder bench under each simulator, default config and sweep.

Each test runs `python -m ebpc_tb.flow.run --top encoder` in a subprocess and fails if the
simulation fails, does not build, or scores nothing (JUnit XML: tests > 0, failures = 0).
"""

import pytest

from ebpc_tb.flow.pytest_support import matrix_id, run_sim, sim_matrix

MATRIX = sim_matrix("encoder")


@pytest.mark.parametrize("item", MATRIX, ids=[matrix_id(m) for m in MATRIX])
def test_encoder(item):
    sim, config, scale = item
    run_sim(sim, "encoder", config, scale)
