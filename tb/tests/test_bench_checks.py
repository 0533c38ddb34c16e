# SPDX-License-Identifier: Apache-2.0
"""The benches' own checks fail a test that should fail, and only such a test.

Runs the cocotb module tb/test_bench_checks.py on the encoder under each simulator and
checks each test's outcome and message:

* no silent pass: the proper use passes; a test that forgets ``finish()``, one whose
  scoreboard checked nothing, and one that builds a bench and leaves it all fail with the
  bench's message; a test failing on its own keeps its own message (the guard adds none);
* parameter check (ebpc_tb.bench.params): a bench built with a spec that differs from the
  build in W, N or a further parameter (PlanesPerCycle, Lanes) fails with a one-line message
  naming the parameter and both values.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ebpc_tb import spec
from ebpc_tb.flow import runner
from ebpc_tb.flow.pytest_support import sims, top_available

NO_FINISH = "ended without EncoderBench.finish()"
EXPECT = {
    "control": None,
    "guard_no_finish": NO_FINISH,
    "guard_nothing_sent": "the scoreboard checked nothing",
    "guard_no_start": NO_FINISH,
    "guard_assert_still_reported": "deliberate failure of guard_assert_still_reported",
    "wrong_block": "DUT parameter BlockSize=8 (parameter) differs from the run's BlockSize=16",
    "wrong_width": "DUT parameter DataWidth=8 (parameter) differs from the run's DataWidth=16",
    "wrong_planes": "DUT parameter PlanesPerCycle=2 (parameter) differs from the run's PlanesPerCycle=3",
    "wrong_lanes": "DUT parameter Lanes=1 (parameter) differs from the run's Lanes=2",
}


@pytest.mark.parametrize("sim", sims())
def test_bench_checks_fail_what_they_should(sim: str, tmp_path, monkeypatch) -> None:
    if not top_available("encoder"):
        pytest.skip("encoder RTL not there yet")
    monkeypatch.setenv("EBPC_CODE_COVERAGE", "0")
    monkeypatch.delenv("EBPC_COVERAGE", raising=False)
    log = tmp_path / "checks.log"
    res = runner.run(sim, "encoder", spec.RunSpec.of(spec.DEFAULT_CONFIG, seed=1),
                     test_module="test_bench_checks", log_file=log)
    assert res.xml is not None, f"no results: {res.line()}\n{log.read_text(errors='replace')[-3000:]}"
    failed = {case.get("name"): case.find("failure") is not None or case.find("error") is not None
              for case in ET.parse(res.xml).iter("testcase")}
    assert set(failed) == set(EXPECT), f"tests run: {sorted(failed)}"
    text = log.read_text(errors="replace")
    for name, message in EXPECT.items():
        if message is None:
            assert not failed[name], f"{name} should pass:\n{text[-3000:]}"
        else:
            assert failed[name], f"{name} passed although it should fail"
            assert message in text, f"{name}: no '{message}' in the log"
    own = _section(text, "guard_assert_still_reported")
    assert "deliberate failure" in own and NO_FINISH not in own, \
        f"the guard piled its own error on a test that already failed:\n{own[-3000:]}"


def _section(text: str, name: str) -> str:
    """The log of one test of the module: from cocotb's "running" line to the next test's."""
    start = text.index(f"running test_bench_checks.{name} ")
    end = text.find("running test_bench_checks.", start + 1)
    return text[start:] if end < 0 else text[start:end]
