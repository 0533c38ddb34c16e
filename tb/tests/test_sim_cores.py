# SPDX-License-Identifier: Apache-2.0
"""pytest wrapper: the encoder, decoder and loopback benches under each simulator, at the
default parameter set and over the sweep (:func:`ebpc_tb.flow.pytest_support.sim_matrix`).

Each test runs `python -m ebpc_tb.flow.run --top <top>` in a subprocess and fails if the
simulation fails, does not build, or scores nothing (JUnit XML: tests > 0, failures = 0).
"""

import pytest

from ebpc_tb.flow.pytest_support import matrix_id, run_sim, sim_matrix

MATRIX = [(top, item) for top in ("encoder", "decoder", "loopback") for item in sim_matrix(top)]


@pytest.mark.parametrize("top,item", MATRIX, ids=[f"{top}-{matrix_id(item)}" for top, item in MATRIX])
def test_core(top, item):
    sim, config, scale = item
    run_sim(sim, top, config, scale)
