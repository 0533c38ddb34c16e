# SPDX-License-Identifier: Apache-2.0
"""pytest wrapper: the AXI4-Stream tops (cocotbext-axi client) under each simulator.

Default parameters under every simulator, plus a part of the sweep (W=16, N=16, Z=2 under
Icarus; EBPC_FULL=1: the whole sweep under every simulator).
The benches record no functional or code coverage: the tops are pure wiring over the cores,
whose coverage the valid/ready benches close. A corrupted expectation must fail the run.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from ebpc_tb.flow import runner

from ebpc_tb import spec
from ebpc_tb.spec import REPO_DIR
from ebpc_tb.flow.pytest_support import _env, options, run_sim, sims

TOPS = ["axis_encoder", "axis_decoder"]
# The fault-injection runs share the default build directories (and their result files) with
# the plain runs: one xdist worker takes them all, one after the other (make test uses
# --dist loadgroup).
pytestmark = pytest.mark.xdist_group("axis_builds")
# A small part of the sweep: (sim, config) pairs, so each simulator sees a non-default W, N, Z.
SWEEP_PART = [("icarus", (16, 16, 2))]


def _matrix():
    out = [(sim, spec.DEFAULT_CONFIG, None) for sim in sims()]
    opts = options()
    if not opts.sweep:
        return out
    scale = opts.sweep_scale
    if opts.full:
        part = [(sim, cfg) for sim in sims() for cfg in spec.SWEEP_CONFIGS if cfg != spec.DEFAULT_CONFIG]
    else:
        part = [(sim, cfg) for sim, cfg in SWEEP_PART if sim in sims()]
    return out + [(sim, cfg, scale) for sim, cfg in part]


MATRIX = _matrix()


def _id(item) -> str:
    sim, (w, n, z), scale = item
    return f"{sim}-W{w}N{n}Z{z}" + ("" if scale is None else "-sweep")


@pytest.mark.parametrize("item", MATRIX, ids=[_id(m) for m in MATRIX])
@pytest.mark.parametrize("top", TOPS)
def test_axis(top, item, monkeypatch):
    sim, config, scale = item
    monkeypatch.setenv("EBPC_CODE_COVERAGE", "0")     # not instrumented (see the module doc)
    monkeypatch.delenv("EBPC_COVERAGE_DIR", raising=False)
    run_sim(sim, top, config, scale)


def test_axis_encoder_with_counts(monkeypatch):
    """EnableCounts=1: done_o comes with each transmission's word counts (checked), under the
    first simulator (the counts are plain registers; one simulator is enough)."""
    monkeypatch.setenv("EBPC_CODE_COVERAGE", "0")
    monkeypatch.delenv("EBPC_COVERAGE_DIR", raising=False)
    run_sim(sims()[0], "axis_encoder", spec.DEFAULT_CONFIG, 0.5, extra_args=["--param", "EnableCounts=1"])


FAULTS = [("axis_encoder", "znz", "ZNZ packet"), ("axis_encoder", "bpc", "BPC packet"),
          ("axis_decoder", "out", "output packet")]


@pytest.mark.parametrize("top,fault,message", FAULTS, ids=[f"{t}-{f}" for t, f, _ in FAULTS])
def test_axis_injected_fault_is_caught(top, fault, message):
    sim = sims()[0]
    env = _env()
    env["EBPC_INJECT_FAULT"] = fault
    env["EBPC_CODE_COVERAGE"] = "0"
    cmd = [sys.executable, "-m", "ebpc_tb.flow.run", "--sim", sim, "--top", top, "--seed", "1",
           "--testcase", "test_corners"]
    proc = subprocess.run(cmd, cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=900)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, f"the injected {fault} fault was not detected:\n{out[-3000:]}"
    assert message in out and "EBPC_INJECT_FAULT" in out, f"no '{message}' report:\n{out[-3000:]}"
    xml = runner.build_dir_for(sim, top, spec.DEFAULT_CONFIG) / f"results_{spec.TOPS[top][1]}_test_corners.xml"
    tests, failures, _, _ = runner.parse_junit(xml)
    assert tests >= 1 and failures >= 1
