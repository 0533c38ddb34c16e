# SPDX-License-Identifier: Apache-2.0
"""The mutation tool (ebpc_tb.flow.mutate, make mutate): which tokens it mutates, how it applies a
mutant, that its sample is deterministic, the waiver match and the reports. The mutation run
itself is `make mutate` (tens of minutes, not in make test)."""

from __future__ import annotations

import json

from ebpc_tb.flow import mutate

RTL = """\
module m (input logic clk_i, input logic rst_ni, input logic [3:0] a_i, output logic y_o);
  logic [3:0] q;
  // a comment with a < b and 1'b0
  assign y_o = (a_i <= 4'd3) && !q[0];
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) q <= '0;
    else         q <= a_i + 1'b1;
  end
`ifndef SYNTHESIS
  always @(posedge clk_i) assert (q != 4'd9) else $fatal(1, "x");
`endif
endmodule
"""


def _mutants(tmp_path):
    path = tmp_path / "m.sv"
    path.write_text(RTL)
    return mutate.enumerate_mutants([path])


def test_operators_and_what_is_left_alone(tmp_path):
    muts = _mutants(tmp_path)
    changes = {(m.line, m.old, m.new) for m in muts}
    assert (4, "<=", "<") in changes            # relational, inside parentheses
    assert (4, "&&", "||") in changes and (4, "!", "") in changes
    assert (4, "0", "1") in changes             # off by one on a literal (q[0])
    assert (7, "+", "-") in changes and (7, "1'b1", "1'b0") in changes
    # non-blocking assignments, the reset branch, comments, declarations, assertions: untouched
    assert not any(m.line == 7 and m.old == "<=" for m in muts)
    assert not any(m.line in (1, 2, 3, 6, 10) for m in muts)
    # widths of sized literals are not values
    assert not any(m.line == 4 and m.old == "4" for m in muts)


def test_apply_changes_one_token(tmp_path):
    muts = _mutants(tmp_path)
    m = next(x for x in muts if x.old == "&&")
    out = mutate.apply(m, RTL)
    assert out.splitlines()[3] == "  assign y_o = (a_i <= 4'd3) || !q[0];"
    assert sum(a != b for a, b in zip(out.splitlines(), RTL.splitlines())) == 1


def test_sample_is_deterministic_and_spread(tmp_path):
    muts = _mutants(tmp_path) * 1
    assert mutate.sample(muts, 3, 7) == mutate.sample(muts, 3, 7)
    assert len(mutate.sample(muts, 3, 7)) == 3
    assert mutate.sample(muts, 10_000, 7) == list(muts)


def test_waivers_match_file_text_and_change(tmp_path):
    m = mutate.Mutant("m.sv", 4, 30, "logic", "&&", "||", "assign y_o = (a_i <= 4'd3) && !q[0];")
    waivers = [{"file": "m.sv", "line_text": m.text, "old": "&&", "new": "||", "reason": "why"}]
    assert mutate.waiver_for(m, waivers) == "why"
    assert mutate.waiver_for(m, [{**waivers[0], "new": "&"}]) == ""


def test_reports_count_and_list_survivors(tmp_path):
    m = mutate.Mutant("m.sv", 4, 30, "logic", "&&", "||", "assign y_o = x && y;")
    outcomes = [mutate.Outcome(m, "killed", "fast", "icarus encoder"),
                mutate.Outcome(m, "survived", "broad"),
                mutate.Outcome(m, "not_compiling", "fast", "icarus encoder")]
    meta = {"command": "make mutate", "seed": 1, "files": ["m.sv"], "enumerated": 9, "minutes": 0.5}
    summ = mutate.write_reports(outcomes, tmp_path, meta)
    assert (summ.killed, summ.survived, summ.not_compiling, summ.compiling) == (1, 1, 1, 2)
    assert summ.score == 0.5
    text = (tmp_path / "mutation.md").read_text()
    assert "rtl/m.sv:4 [logic] `&&` -> `||`" in text and "50.0 %" in text
    data = json.loads((tmp_path / "mutation.json").read_text())
    assert data["summary"]["survived"] == 1 and len(data["mutants"]) == 3


def test_repository_rtl_has_mutants_outside_the_assertions():
    files = sorted(mutate.RTL_DIR.glob("ebpc_enc*.sv"))
    muts = mutate.enumerate_mutants(files)
    assert len(muts) > 100
    assert not any("$fatal" in m.text or m.text.startswith("assert") for m in muts)
