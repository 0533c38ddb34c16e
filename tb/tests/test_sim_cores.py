# SPDX-License-Identifier: Apache-2.0
"""pytest wrapper: the encoder, decoder and loopback benches under each simulator, at the
default parameter set and over the sweep (:func:`ebpc_tb.flow.pytest_support.sim_matrix`),
and at Lanes > 1 (:func:`ebpc_tb.flow.pytest_support.lanes_matrix`: a few (W, Lanes) runs;
EBPC_FULL=1: every W x Lanes 2/4/8).

Each test runs `python -m ebpc_tb.flow.run --top <top>` in a subprocess and fails if the
simulation fails, does not build, or scores nothing (JUnit XML: tests > 0, failures = 0).
"""

import pytest

from ebpc_tb import spec
from ebpc_tb.flow.pytest_support import lanes_matrix, matrix_id, options, run_sim, sim_matrix

MATRIX = [(top, item) for top in ("encoder", "decoder", "loopback") for item in sim_matrix(top)]


@pytest.mark.parametrize("top,item", MATRIX, ids=[f"{top}-{matrix_id(item)}" for top, item in MATRIX])
def test_core(top, item):
    sim, config, scale = item
    run_sim(sim, top, config, scale)


LANES = lanes_matrix()


@pytest.mark.parametrize("top,sim,config,lanes,dec_lanes", LANES,
                         ids=[f"{t}-{s}-W{c[0]}N{c[1]}Z{c[2]}-L{a}" + (f"to{b}" if b != a else "")
                              for t, s, c, a, b in LANES])
def test_core_lanes(top, sim, config, lanes, dec_lanes, monkeypatch):
    """Every test of the top's native bench with Lanes words per beat (the loopback's decoder
    with DecLanes); under Verilator instrumented for code coverage like the single-lane builds
    (a stage's Lanes > 1 code is covered here)."""
    args = ["--param", f"Lanes={lanes}"] + (["--param", f"DecLanes={dec_lanes}"] if top == "loopback" else [])
    run_sim(sim, top, config, None if options().full else options().sweep_scale, extra_args=args)
