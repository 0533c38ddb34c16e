# SPDX-License-Identifier: Apache-2.0
"""The RTL assertions fire: each class is provoked once on ebpc_encoder (tb/test_assert_selftest.py)
under Icarus and Verilator, and the simulation must fail with that assertion's name, its time and
the instance. Also checks that the assertions stay out of synthesis and that a clean run passes
with them active (the regular benches do that for every top)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ebpc_tb.flow import runner

from ebpc_tb import spec
from ebpc_tb.flow.pytest_support import sims

MODULE = "test_assert_selftest"

# (cocotb test, encoder parameters, expected assertion, simulators); the top is the encoder
# unless the case says otherwise (KEEP_CASES: the AXI4-Stream encoder with two lanes)
CASES = [
    ("fire_in_hold", {"EnableCounts": 0}, "ebpc_encoder.in_hold", ("icarus", "verilator")),
    ("fire_out_hold", {"EnableCounts": 0}, "ebpc_enc_packer.out_hold", ("icarus", "verilator")),
    ("fire_chk_hold", {"EnableCounts": 0}, "ebpc_enc_bpc_coder.chk_hold", ("icarus", "verilator")),
    # Verilator is two-state: no X/Z can reach the design, so this class is Icarus's only.
    ("fire_x_known", {"EnableCounts": 0}, "ebpc_encoder.in_ctrl_known", ("icarus",)),
    ("fire_push_full", {"EnableCounts": 1}, "ebpc_fifo.push_full", ("icarus", "verilator")),
    ("fire_pop_empty", {"EnableCounts": 1}, "ebpc_fifo.pop_empty", ("icarus", "verilator")),
    ("fire_count_wrap", {"EnableCounts": 1, "CountWidth": 2}, "ebpc_enc_packer.count_wrap",
     ("icarus", "verilator")),
    ("fire_wait_count", {"EnableCounts": 0}, "ebpc_encoder.wait_count", ("icarus", "verilator")),
    ("fire_keep", {"Lanes": 2}, "ebpc_axis_encoder.s_axis_tkeep", ("icarus", "verilator")),
]

TOP_OF = {"fire_keep": "axis_encoder"}

ITEMS = [(sim, case, params, name) for case, params, name, case_sims in CASES
         for sim in sims() if sim in case_sims]

# "EBPC_ASSERT <module>.<name> at <time> in <instance>: ..."
_MESSAGE = re.compile(r"EBPC_ASSERT (\S+) at (\d+) in (\S+?):")


@pytest.mark.parametrize("sim,case,params,name", ITEMS, ids=[f"{s}-{c}" for s, c, _, _ in ITEMS])
def test_assertion_fires(sim, case, params, name, tmp_path, monkeypatch):
    monkeypatch.setenv("EBPC_CODE_COVERAGE", "0")     # no coverage data from provoked failures
    log = tmp_path / f"{sim}_{case}.log"
    top = TOP_OF.get(case, "encoder")
    res = runner.run(sim, top, spec.RunSpec.of(spec.DEFAULT_CONFIG, params), testcase=case,
                     test_module=MODULE, log_file=log)
    text = log.read_text(errors="replace") if log.exists() else ""
    found = _MESSAGE.findall(text)
    assert found, f"{sim} {case}: no EBPC_ASSERT message ({res.line()}):\n{text[-3000:]}"
    fired, time, instance = found[0]
    assert fired == name, f"{sim} {case}: expected {name}, the first assertion to fire was {fired}"
    assert int(time) > 0 and instance.startswith(f"ebpc_{top}"), found[0]
    # The firing assertion fails the cocotb test (the simulation stops with $fatal).
    assert not res.ok and case in res.failed_tests, f"{sim} {case}: the test did not fail: {res.line()}"


def test_assertions_not_synthesized():
    """Every assertion block sits inside `ifndef SYNTHESIS (read_slang defines SYNTHESIS, so
    make synth sees none of them): the assertion macros of rtl/ebpc_assert.svh as well as any
    bare assert/assume/cover."""
    rtl = Path(runner.RTL_DIR)
    for path in sorted(rtl.glob("*.sv")):
        depth = 0
        guarded = []
        for number, line in enumerate(path.read_text().splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("`ifndef SYNTHESIS"):
                guarded.append(True)
            elif stripped.startswith(("`ifdef", "`ifndef")):
                guarded.append(False)
            elif stripped.startswith("`endif"):
                guarded.pop()
            depth = sum(guarded)
            if re.match(r"(assert|assume|cover)\s*\(|`EBPC_ASSERT\w*\s*\(", stripped):
                assert depth > 0, f"{path.name}:{number}: assertion outside `ifndef SYNTHESIS"


def test_assertions_and_parameter_checks_use_the_macros():
    """rtl/*.sv checks only through rtl/ebpc_assert.svh (EBPC_ASSERT*, EBPC_PARAM_CHECK): no
    assert, $fatal or $error of their own, and no handshake checker instantiated by hand, so
    that every check keeps one format and one idiom."""
    rtl = Path(runner.RTL_DIR)
    for path in sorted(rtl.glob("*.sv")):
        # (block comments blanked line for line, so that the line numbers stay)
        text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), path.read_text(), flags=re.S)
        for number, line in enumerate(text.splitlines(), 1):
            code = line.split("//", 1)[0]
            bad = re.search(r"\bassert\s*\(|\$fatal\b|\$error\b", code)
            if path.name != "ebpc_hold_check.sv":
                bad = bad or re.search(r"\bebpc_hold_check\s*#", code)
            assert not bad, f"{path.name}:{number}: {bad.group(0)} outside the macros of ebpc_assert.svh"
