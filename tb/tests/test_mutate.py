# SPDX-License-Identifier: Apache-2.0
"""The mutation tool (make mutate: ebpc_tb.flow.mutate and its mutants, mutant_runs and
mutation_results modules): which tokens it mutates, how it applies a mutant, that its sample is
deterministic, the runs covering a module, the waiver match and the reports. The mutation run
itself is `make mutate` (tens of minutes, not in make test)."""

from __future__ import annotations

import json

from ebpc_tb.flow import mutant_runs, mutants, mutate, mutation_results as results

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
    return mutants.enumerate_mutants([path])


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
    out = mutants.apply(m, RTL)
    assert out.splitlines()[3] == "  assign y_o = (a_i <= 4'd3) || !q[0];"
    assert sum(a != b for a, b in zip(out.splitlines(), RTL.splitlines())) == 1


def test_sample_is_deterministic_and_spread(tmp_path):
    muts = _mutants(tmp_path) * 1
    assert mutants.sample(muts, 3, 7) == mutants.sample(muts, 3, 7)
    assert len(mutants.sample(muts, 3, 7)) == 3
    assert mutants.sample(muts, 10_000, 7) == list(muts)


def test_waivers_match_file_text_and_change(tmp_path):
    m = mutants.Mutant("m.sv", 4, 30, "logic", "&&", "||", "assign y_o = (a_i <= 4'd3) && !q[0];")
    waivers = [{"file": "m.sv", "line_text": m.text, "old": "&&", "new": "||", "reason": "why"}]
    assert results.waiver_for(m, waivers) == "why"
    assert results.waiver_for(m, [{**waivers[0], "new": "&"}]) == ""


def test_reports_count_and_list_survivors(tmp_path):
    m = mutants.Mutant("m.sv", 4, 30, "logic", "&&", "||", "assign y_o = x && y;")
    outcomes = [results.Outcome(m, "killed", "fast", "icarus encoder"),
                results.Outcome(m, "survived", "broad"),
                results.Outcome(m, "not_compiling", "fast", "icarus encoder")]
    meta = {"command": "make mutate", "seed": 1, "files": ["m.sv"], "enumerated": 9, "minutes": 0.5}
    summ = results.write_reports(outcomes, tmp_path, meta)
    assert (summ.killed, summ.survived, summ.not_compiling, summ.compiling) == (1, 1, 1, 2)
    assert summ.score == 0.5
    text = (tmp_path / "mutation.md").read_text()
    assert "rtl/m.sv:4 [logic] `&&` -> `||`" in text and "50.0 %" in text
    data = json.loads((tmp_path / "mutation.json").read_text())
    assert data["summary"]["survived"] == 1 and len(data["mutants"]) == 3


def test_repository_rtl_has_mutants_outside_the_assertions():
    files = sorted(mutate.RTL_DIR.glob("ebpc_enc*.sv"))
    muts = mutants.enumerate_mutants(files)
    assert len(muts) > 100
    assert not any("$fatal" in m.text or m.text.startswith("assert") for m in muts)


def test_with_waiver_classifies_survivors_only():
    m = mutants.Mutant("m.sv", 4, 30, "logic", "&&", "||", "assign y_o = x && y;")
    waivers = [{"file": "m.sv", "line_text": m.text, "old": "&&", "new": "||", "reason": "equivalent"}]
    assert results.with_waiver(results.Outcome(m, "survived"), waivers) == results.Outcome(m, "waived",
                                                                                           waiver="equivalent")
    assert results.with_waiver(results.Outcome(m, "waived", waiver="old"), []) == results.Outcome(m, "survived")
    killed = results.Outcome(m, "killed", "fast", "icarus encoder")
    assert results.with_waiver(killed, waivers) is killed


def test_rewaive_reads_back_a_report_and_applies_the_waivers(tmp_path, capsys):
    m = mutants.Mutant("m.sv", 4, 30, "logic", "&&", "||", "assign y_o = x && y;")
    outcomes = [results.Outcome(m, "killed", "fast", "icarus encoder", 2.5), results.Outcome(m, "survived", "", "", 1.0)]
    meta = {"command": "make mutate", "seed": 1, "files": ["m.sv"], "enumerated": 9, "minutes": 0.5}
    results.write_reports(outcomes, tmp_path, meta)
    entries = json.loads((tmp_path / "mutation.json").read_text())["mutants"]
    assert [results.Outcome.from_json(e) for e in entries] == outcomes
    waivers = tmp_path / "waivers.json"
    waivers.write_text(json.dumps({"waivers": [{"file": "m.sv", "line_text": m.text, "old": "&&", "new": "||",
                                                "reason": "equivalent"}]}))
    assert mutate.rewaive(tmp_path / "mutation.json", waivers, tmp_path) == 0
    assert capsys.readouterr().out.strip() == "mutate: 1 killed, 1 waived, 0 survived, 0 not compiling of 2: score 100.0 %"
    assert "equivalent" in (tmp_path / "mutation.md").read_text()


def test_covering_and_broad_runs():
    # A decoder stage serves every Lanes: the native bench with words and beats, the AXI4-Stream
    # bench with beats of 2 and 8.
    assert [(r.top, r.params) for r in mutant_runs.covering_runs("ebpc_dec_bpc")] == \
        [("decoder", ()), ("decoder", ("Lanes=2",)), ("axis_decoder", ("Lanes=2",)), ("axis_decoder", ("Lanes=8",))]
    assert [r.top for r in mutant_runs.covering_runs("ebpc_fifo")] == ["encoder", "decoder", "loopback"]
    broad = mutant_runs.broad_runs("ebpc_enc_znz")
    assert {r.config for r in broad} >= set(mutant_runs.BROAD_CONFIGS)
    assert any(r.params == ("PlanesPerCycle=1",) for r in broad)
    assert mutant_runs.Run("encoder", (8, 8, 16), ("EnableCounts=1",)).label() == \
        "icarus encoder W=8 N=8 Z=16 EnableCounts=1"
