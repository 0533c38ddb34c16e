# SPDX-License-Identifier: Apache-2.0
"""No silent pass: a bench test whose checks did not run fails.

Runs the cocotb module tb/test_bench_guard.py on the encoder and checks each test's
outcome: the proper use passes; a test that forgets ``finish()``, one whose scoreboard
checked nothing, and one that builds a bench and leaves it all fail with the bench's
message; a test failing on its own keeps its own message.
"""

import xml.etree.ElementTree as ET

import pytest

from ebpc_tb.flow import runner

from ebpc_tb import spec
from ebpc_tb.flow.pytest_support import sims, top_available

EXPECT = {
    "control": None,
    "guard_no_finish": "ended without EncoderBench.finish()",
    "guard_nothing_sent": "the scoreboard checked nothing",
    "guard_no_start": "ended without EncoderBench.finish()",
    "guard_assert_still_reported": "deliberate failure of guard_assert_still_reported",
}


# One simulator is enough (the rule lives in the Python bench); Icarus builds in seconds and
# has no code coverage to pollute.
@pytest.mark.parametrize("sim", ["icarus" if "icarus" in sims() else sims()[0]])
def test_bench_fails_when_its_checks_did_not_run(sim, tmp_path, monkeypatch):
    if not top_available("encoder"):
        pytest.skip("encoder RTL not there yet")
    monkeypatch.setenv("EBPC_CODE_COVERAGE", "0")
    monkeypatch.delenv("EBPC_COVERAGE", raising=False)
    log = tmp_path / "guard.log"
    res = runner.run(sim, "encoder", spec.RunSpec.of(spec.DEFAULT_CONFIG, seed=1),
                     test_module="test_bench_guard", log_file=log)
    assert res.xml is not None, f"no results: {res.line()}\n{log.read_text(errors='replace')[-3000:]}"
    outcome = {}
    for case in ET.parse(res.xml).iter("testcase"):
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        outcome[case.get("name")] = failure
    assert set(outcome) == set(EXPECT), f"tests run: {sorted(outcome)}"
    text = log.read_text(errors="replace")
    for name, message in EXPECT.items():
        if message is None:
            assert outcome[name] is None, f"{name} should pass:\n{text[-3000:]}"
        else:
            assert outcome[name] is not None, f"{name} passed although its checks never ran"
            assert message in text, f"{name}: no '{message}' in the log"
    assert "ended without EncoderBench.finish()" not in text.split("guard_assert_still_reported")[-1], \
        "the guard piled its own error on a test that already failed"
