# SPDX-License-Identifier: Apache-2.0
"""ebpc_tb.reports.codecov on small synthetic Verilator coverage files (no simulator needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ebpc_tb.reports import codecov
from ebpc_tb.reports.codecov import CoveragePoint, Exclusion


def point(file: str, line: int, kind: str, page_module: str, comment: str, count: int,
          column: int = 3, hier: str = "top.u") -> str:
    """One line of a Verilator coverage .dat file (SystemCoverage text format)."""
    fields = {"f": file, "l": str(line), "n": str(column), "t": kind, "page": f"v_{kind}/{page_module}",
              "o": comment, "S": str(line), "h": hier}
    return "C '" + "".join(f"\x01{k}\x02{v}" for k, v in fields.items()) + f"' {count}\n"


def write_dat(path: Path, *lines: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# SystemC::Coverage-3\n" + "".join(lines))
    return path


A = "/repo/rtl/mod_a.sv"
B = "/repo/rtl/mod_b.sv"


def full_data(root: Path, toggle_hit: bool = True) -> None:
    """Two runs: every line/branch point of mod_a and mod_b hit in one of them."""
    write_dat(root / "run1" / "coverage_test_encoder.dat",
              point(A, 10, "line", "mod_a", "if", 4),
              point(A, 12, "line", "mod_a", "else", 0),
              point(A, 20, "branch", "mod_a__P1", "if", 1),
              point(A, 5, "toggle", "mod_a__W8", "x[0]:0->1", 1),
              point(A, 5, "toggle", "mod_a__W8", "x[0]:1->0", 0),
              point(B, 7, "expr", "mod_b", "(a==1) => 1", 2))
    write_dat(root / "run2" / "coverage.dat",
              point(A, 12, "line", "mod_a", "else", 2),
              point(A, 5, "toggle", "mod_a__W16", "x[0]:1->0", 1 if toggle_hit else 0),
              point(B, 7, "expr", "mod_b", "(a==1) => 0", 1),
              point(B, 9, "line", "mod_b", "case", 1))


def rtl_dir(tmp_path: Path, text: str = "module mod_a;\nendmodule\n") -> Path:
    rtl = tmp_path / "rtl"
    rtl.mkdir(exist_ok=True)
    (rtl / "mod_a.sv").write_text(text)
    return rtl


def run(tmp_path: Path, *args: str) -> int:
    rtl = tmp_path / "rtl" if (tmp_path / "rtl").is_dir() else rtl_dir(tmp_path)
    return codecov.main(["--root", str(tmp_path / "sim"), "--rtl", str(rtl), *args])


# -- reading and merging ------------------------------------------------------------------------

def test_read_points_parses_fields(tmp_path):
    dat = write_dat(tmp_path / "coverage.dat", point(A, 10, "line", "mod_a", "if", 4, column=7))
    assert codecov.read_points(dat) == {CoveragePoint(A, 10, 7, "line", "mod_a", "if"): 4}


def test_merge_across_files_and_instances(tmp_path):
    one = write_dat(tmp_path / "a" / "coverage.dat",
                    point(A, 10, "line", "mod_a", "if", 0, hier="top.u0"),
                    point(A, 10, "line", "mod_a", "if", 3, hier="top.u1"))
    two = write_dat(tmp_path / "b" / "coverage_test_decoder.dat",
                    point(A, 10, "line", "mod_a", "if", 2), point(A, 11, "line", "mod_a", "else", 0))
    merged = codecov.merge_files([one, two])
    assert merged == {CoveragePoint(A, 10, 3, "line", "mod_a", "if"): 5,
                      CoveragePoint(A, 11, 3, "line", "mod_a", "else"): 0}
    [summary] = codecov.summarise(merged)
    assert summary.totals == {"line": 2} and summary.hits == {"line": 1}
    assert summary.missed == ["mod_a.sv:11 line else"]


def test_a_point_missed_in_one_run_but_hit_in_another_is_hit(tmp_path):
    full_data(tmp_path / "sim")
    summaries = codecov.summarise(codecov.merge_files(codecov.find_dat_files(tmp_path / "sim")))
    assert all(not s.missed for s in summaries)


def test_specialisations_fold_into_their_module(tmp_path):
    dat = write_dat(tmp_path / "coverage.dat",
                    point(A, 5, "toggle", "mod_a__W8", "x[0]:0->1", 1),
                    point(A, 5, "toggle", "mod_a__P12_Q3", "x[0]:0->1", 0),
                    point(A, 5, "toggle", "mod_a__B18_C5", "x[0]:1->0", 0),
                    point(A, 5, "toggle", "mod_a", "x[1]:1->0", 0))
    [summary] = codecov.summarise(codecov.read_points(dat))
    assert summary.module == "mod_a"
    assert summary.totals == {"toggle": 3} and summary.hits == {"toggle": 1}


def test_only_rtl_files_are_counted(tmp_path):
    dat = write_dat(tmp_path / "coverage.dat", point(A, 1, "line", "mod_a", "if", 1),
                    point("/repo/tb/bench.sv", 1, "line", "bench", "if", 0))
    assert [s.module for s in codecov.summarise(codecov.read_points(dat))] == ["mod_a"]


def test_find_dat_files_reads_every_coverage_dat(tmp_path):
    for rel in ("x_cov/coverage.dat", "y_cov/coverage_test_decoder.dat", "deep/z/coverage_1.dat",
                "x_cov/Vtop__verFiles.dat", "x_cov/other.dat"):
        write_dat(tmp_path / rel)
    found = [p.relative_to(tmp_path).as_posix() for p in codecov.find_dat_files(tmp_path)]
    assert found == ["deep/z/coverage_1.dat", "x_cov/coverage.dat", "y_cov/coverage_test_decoder.dat"]
    assert codecov.find_dat_files(tmp_path / "missing") == []


# -- baseline -----------------------------------------------------------------------------------

def test_write_baseline_rounds_down_to_a_tenth(tmp_path):
    lines = [point(A, 5, "toggle", "mod_a", f"t{i}", int(i < 2)) for i in range(3)]      # 66.67 %
    lines += [point(A, 6, "expr", "mod_a", f"e{i}", int(i < 999)) for i in range(1000)]  # 99.9 %
    lines += [point(B, 1, "line", "mod_b", "if", 1)]                                      # no toggle/expr
    write_dat(tmp_path / "sim" / "coverage.dat", *lines)
    out = tmp_path / "base" / "code_baseline.json"
    assert run(tmp_path, "--write-baseline", str(out)) == 0
    assert json.loads(out.read_text()) == {"mod_a": {"toggle": 66.6, "expr": 99.9},
                                           "mod_b": {"toggle": 100.0, "expr": 100.0}}
    # the data just written passes its own floors
    assert run(tmp_path, "--check", "--baseline", str(out)) == 0


def test_floor_is_exact_for_round_percentages():
    summary = codecov.ModuleSummary("m", totals={"toggle": 1000, "expr": 3}, hits={"toggle": 123, "expr": 3})
    assert codecov.baseline_floors([summary]) == {"m": {"toggle": 12.3, "expr": 100.0}}


# -- the gate -----------------------------------------------------------------------------------

def baseline(tmp_path: Path, floors: dict) -> str:
    path = tmp_path / "code_baseline.json"
    path.write_text(json.dumps(floors))
    return str(path)


FLOORS = {"mod_a": {"toggle": 100.0, "expr": 100.0}, "mod_b": {"toggle": 100.0, "expr": 100.0}}


def test_check_passes_on_complete_data(tmp_path, capsys):
    full_data(tmp_path / "sim")
    assert run(tmp_path, "--check", "--baseline", baseline(tmp_path, FLOORS)) == 0
    assert "check passed" in capsys.readouterr().out


def test_check_fails_on_an_unhit_line(tmp_path, capsys):
    full_data(tmp_path / "sim")
    write_dat(tmp_path / "sim" / "run3" / "coverage.dat", point(B, 30, "line", "mod_b", "else", 0),
              point(B, 31, "branch", "mod_b", "cond_then", 0))
    assert run(tmp_path, "--check", "--baseline", baseline(tmp_path, FLOORS)) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["codecov: FAIL: line point not hit: mod_b: mod_b.sv:30 line else",
                   "codecov: FAIL: branch point not hit: mod_b: mod_b.sv:31 branch cond_then"]


def test_require_lines_is_an_alias_of_check(tmp_path, capsys):
    full_data(tmp_path / "sim")
    write_dat(tmp_path / "sim" / "run3" / "coverage.dat", point(B, 30, "line", "mod_b", "else", 0))
    assert run(tmp_path, "--require-lines", "--baseline", baseline(tmp_path, FLOORS)) == 1
    assert "mod_b.sv:30 line else" in capsys.readouterr().err
    # without --check the report is printed but nothing fails
    assert run(tmp_path, "--baseline", baseline(tmp_path, FLOORS)) == 0
    assert "not hit: mod_b: mod_b.sv:30 line else" in capsys.readouterr().out


def test_check_fails_on_toggle_below_floor(tmp_path, capsys):
    full_data(tmp_path / "sim", toggle_hit=False)  # mod_a toggle 1/2
    floors = {"mod_a": {"toggle": 50.1, "expr": 100.0}, "mod_b": {"toggle": 0, "expr": 100.0}}
    assert run(tmp_path, "--check", "--baseline", baseline(tmp_path, floors)) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["codecov: FAIL: mod_a: toggle coverage 50.00% below the floor 50.1% (1/2)"]
    floors["mod_a"]["toggle"] = 50.0  # exactly at the floor passes
    assert run(tmp_path, "--check", "--baseline", baseline(tmp_path, floors)) == 0


def test_check_fails_on_module_missing_from_data(tmp_path, capsys):
    full_data(tmp_path / "sim")
    floors = dict(FLOORS, mod_c={"toggle": 10.0, "expr": 10.0})
    assert run(tmp_path, "--check", "--baseline", baseline(tmp_path, floors)) == 1
    assert capsys.readouterr().err.splitlines() == ["codecov: FAIL: module mod_c of the baseline has no coverage data"]


def test_check_fails_on_module_without_floor(tmp_path, capsys):
    full_data(tmp_path / "sim")
    assert run(tmp_path, "--check", "--baseline", baseline(tmp_path, {"mod_a": FLOORS["mod_a"]})) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("codecov: FAIL: module mod_b has no floor in the baseline")


@pytest.mark.parametrize("content,message", [
    (None, "not found"),
    ("{not json", "is not valid JSON"),
    ('{"mod_a": {"toggle": 1}}', "needs numeric 'toggle' and 'expr' floors"),
    ("[1, 2]", "expected an object"),
])
def test_check_fails_on_missing_or_bad_baseline(tmp_path, capsys, content, message):
    full_data(tmp_path / "sim")
    path = tmp_path / "code_baseline.json"
    if content is not None:
        path.write_text(content)
    assert run(tmp_path, "--check", "--baseline", str(path)) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("codecov: FAIL: baseline ") and message in line


def test_no_coverage_files_is_an_error(tmp_path, capsys):
    (tmp_path / "sim").mkdir()
    assert run(tmp_path) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("codecov: error: no coverage*.dat files under")
    assert run(tmp_path, "--check", "--baseline", baseline(tmp_path, FLOORS)) == 1


def test_named_file_missing_is_an_error(tmp_path, capsys):
    assert codecov.main([str(tmp_path / "nope.dat"), "--rtl", str(rtl_dir(tmp_path))]) == 1
    assert "not found" in capsys.readouterr().err


# -- exclusions ---------------------------------------------------------------------------------

RTL_TEXT = """\
module mod_a;
  always_comb begin
    case (s)
      A: ;
      /* verilator coverage_off */  // unreachable: s only holds A
      default: x = 1;
      /* verilator coverage_on */
    endcase
  end
  // Never taken: the parameter check stops elaboration first.
  // (kept for lint)
  /*verilator coverage_off*/
  assign y = 0;
  /*verilator coverage_on*/
endmodule
"""


def test_find_exclusions(tmp_path):
    rtl = rtl_dir(tmp_path, RTL_TEXT)
    (rtl / "mod_b.sv").write_text("module mod_b;\n/* verilator coverage_off */\nwire w;\nendmodule\n")
    (rtl / "notes.txt").write_text("/* verilator coverage_off */ // not RTL\n")
    assert codecov.find_exclusions(rtl) == [
        Exclusion("mod_a.sv", 5, 7, "unreachable: s only holds A"),
        Exclusion("mod_a.sv", 12, 14, "Never taken: the parameter check stops elaboration first. (kept for lint)"),
        Exclusion("mod_b.sv", 2, 4, "", closed=False),
    ]


def test_exclusions_are_listed_in_text_and_json(tmp_path, capsys):
    full_data(tmp_path / "sim")
    rtl_dir(tmp_path, RTL_TEXT)
    text, js = tmp_path / "out" / "cc.txt", tmp_path / "out" / "cc.json"
    assert run(tmp_path, "--text", str(text), "--json", str(js)) == 0
    listed = ["excluded: mod_a.sv:5-7: unreachable: s only holds A",
              "excluded: mod_a.sv:12-14: Never taken: the parameter check stops elaboration first. (kept for lint)"]
    report = text.read_text().splitlines()
    assert [line.strip() for line in report if "excluded:" in line] == listed
    out = capsys.readouterr().out
    assert all(line in out for line in listed)
    data = json.loads(js.read_text())
    assert data["excluded"] == [line.removeprefix("excluded: ") for line in listed]
    assert data["runs"] == 2 and [m["module"] for m in data["modules"]] == ["mod_a", "mod_b"]
    assert data["modules"][0]["percent"]["line"] == 100.0


def test_check_fails_on_unjustified_or_unclosed_exclusion(tmp_path, capsys):
    full_data(tmp_path / "sim")
    rtl_dir(tmp_path, "module mod_a;\n  /* verilator coverage_off */\n  wire w;\nendmodule\n")
    assert run(tmp_path, "--check", "--baseline", baseline(tmp_path, FLOORS)) == 1
    assert capsys.readouterr().err.splitlines() == [
        "codecov: FAIL: exclusion mod_a.sv:2-4 has no justification comment",
        "codecov: FAIL: exclusion mod_a.sv:2 has no verilator coverage_on before the end of the file",
    ]


def test_unhit_point_inside_an_exclusion_is_flagged_as_stale(tmp_path, capsys):
    full_data(tmp_path / "sim")
    rtl_dir(tmp_path, RTL_TEXT)
    write_dat(tmp_path / "sim" / "old" / "coverage.dat", point(A, 6, "line", "mod_a", "case", 0))
    assert run(tmp_path, "--check", "--baseline", baseline(tmp_path, FLOORS)) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith("mod_a.sv:6 line case (inside a coverage_off region: stale coverage data?)")


def test_repository_rtl_exclusions_are_justified():
    """Every coverage_off region of rtl/ is closed and says why its code cannot be hit."""
    exclusions = codecov.find_exclusions(codecov.DEFAULT_RTL)
    assert exclusions, "rtl/ has no coverage exclusions"
    for e in exclusions:
        assert e.closed and e.reason.startswith("unreachable"), str(e)
