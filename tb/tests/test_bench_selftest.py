# SPDX-License-Identifier: Apache-2.0
"""The benches can fail: a corrupted expectation must make the simulation fail and be reported.

EBPC_INJECT_FAULT flips one bit of an expected word of the third transmission of the
conformance test (ZNZ / BPC for the encoder, an output word for the decoder/loopback); also
with Lanes > 1, where the benches pack and unpack beats (the words still scored one by one).
"""

import subprocess
import sys

import pytest

from ebpc_tb.flow import runner

from ebpc_tb import spec
from ebpc_tb.spec import REPO_DIR
from ebpc_tb.flow.pytest_support import _env, sims, top_available

CASES = [("encoder", "znz", "ENCODER MISMATCH on ZNZ"), ("encoder", "bpc", "ENCODER MISMATCH on BPC"),
         ("decoder", "out", "DECODER MISMATCH"), ("loopback", "out", "DECODER MISMATCH")]


@pytest.mark.parametrize("sim", sims())
@pytest.mark.parametrize("top,fault,message", CASES, ids=[f"{t}-{f}" for t, f, _ in CASES])
def test_injected_fault_is_caught(sim, top, fault, message):
    if not top_available(top):
        pytest.skip(f"{top} RTL not there yet")
    env = _env()
    env["EBPC_INJECT_FAULT"] = fault
    cmd = [sys.executable, "-m", "ebpc_tb.flow.run", "--sim", sim, "--top", top, "--seed", "1",
           "--testcase", "test_conformance"]
    proc = subprocess.run(cmd, cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=900)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, f"the injected {fault} fault was not detected:\n{out[-3000:]}"
    assert message in out, f"no '{message}' report:\n{out[-3000:]}"
    xml = runner.build_dir_for(sim, top, spec.DEFAULT_CONFIG) / f"results_{spec.TOPS[top][1]}_test_conformance.xml"
    tests, failures, _, _ = runner.parse_junit(xml)
    assert tests >= 1 and failures >= 1


# (top, fault, message, HDL parameters): Lanes > 1, the loopback with DecLanes != Lanes
LANE_CASES = [("encoder", "bpc", "ENCODER MISMATCH on BPC", {"Lanes": 4}),
              ("decoder", "out", "DECODER MISMATCH", {"Lanes": 2}),
              ("loopback", "out", "DECODER MISMATCH", {"Lanes": 2, "DecLanes": 4})]


@pytest.mark.parametrize("top,fault,message,params", LANE_CASES,
                         ids=[f"{t}-{f}-" + "-".join(f"{k}{v}" for k, v in p.items()) for t, f, _, p in LANE_CASES])
def test_injected_fault_is_caught_at_lanes(top, fault, message, params):
    sim = "icarus" if "icarus" in sims() else sims()[0]
    env = _env()
    env["EBPC_INJECT_FAULT"] = fault
    env.update(spec.NO_CODE_COVERAGE)
    cmd = [sys.executable, "-m", "ebpc_tb.flow.run", "--sim", sim, "--top", top, "--seed", "1",
           "--testcase", "test_conformance", *(a for k, v in params.items() for a in ("--param", f"{k}={v}"))]
    proc = subprocess.run(cmd, cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=900)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, f"the injected {fault} fault was not detected at {params}:\n{out[-3000:]}"
    assert message in out, f"no '{message}' report at {params}:\n{out[-3000:]}"
    xml = (runner.build_dir_for(sim, top, spec.DEFAULT_CONFIG, tag=runner.params_tag(params))
           / f"results_{spec.TOPS[top][1]}_test_conformance.xml")
    tests, failures, _, _ = runner.parse_junit(xml)
    assert tests >= 1 and failures >= 1
