# SPDX-License-Identifier: Apache-2.0
"""The dashboard (ebpc_tb.reports.dashboard and its dashboard_* modules): rendering from synthetic
data, collecting from files, and the page built from a real (small) multi-seed run."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ebpc_tb.reports import dashboard as db
from ebpc_tb.reports import dashboard_data as dd
from ebpc_tb.reports.codecov import CoveragePoint
from ebpc_tb.reports.dashboard_collect import collect
from ebpc_tb.flow.pytest_support import sims
from ebpc_tb.spec import REPO_DIR


def _text(element) -> str:
    return "".join(element.itertext())


def _parse(page: str) -> ET.Element:
    """The page must be well-formed (XML parser) and self-contained (no script, no remote URL)."""
    root = ET.fromstring(page)
    assert root.tag == "html"
    assert not list(root.iter("script")) and not list(root.iter("link"))
    for el in root.iter():
        for attr in ("src", "href"):
            value = el.get(attr, "")
            assert "://" not in value and not value.startswith("//"), value
    return root


def _rows(root: ET.Element, section: str) -> list[ET.Element]:
    sec = next(s for s in root.iter("section") if s.get("id") == section)
    return list(sec.iter("tr"))


def _synthetic() -> dd.DashboardData:
    pytest_run = dd.Run("pytest", "pytest", 77, (
        dd.TestRow("tb.tests.test_sim_encoder::test_encoder[verilator-W8N8Z16]", "pass", "", 3.0),
        dd.TestRow("tb.tests.test_sim_decoder::test_decoder[icarus-W8N8Z16]", "fail",
                   "icarus decoder W=8 N=8 Z=16 seed=77: 1 failing test(s)\nreproduce: python -m ...", 4.0),
    ))
    sim_ok = dd.Run("verilator_encoder_W8_N8_Z16", "cocotb", 77, (dd.TestRow("test_random", "pass"),))
    sim_bad = dd.Run("icarus_decoder_W8_N8_Z16", "cocotb", 77, (
        dd.TestRow("test_random", "fail", "DECODER MISMATCH <out> & more\nline two"),
        dd.TestRow("test_corners", "pass")))
    regress = {"seeds": [5, 6], "outcomes": [
        {"seed": 5, "sim": "verilator", "top": "encoder", "config": [8, 8, 16], "sampled": False,
         "test": "test_random", "status": "pass", "message": "", "reproduce": "python -m ebpc_tb.flow.run --seed 5"},
        {"seed": 6, "sim": "verilator", "top": "loopback", "config": [16, 8, 2], "sampled": True,
         "test": "test_corners", "status": "fail", "message": "LOOPBACK MISMATCH\ndetail",
         "reproduce": "python -m ebpc_tb.flow.run --top loopback --seed 6 --testcase test_corners"}],
        "functional_coverage": {"configs": 1, "bins": 4, "hit": 3, "percent": 75.0},
        "info": {"commit": "0123456789abcdef", "changes": "", "date": "2026-12-06T01:02:03+00:00",
                 "cluster": "LocalCluster, 2 worker process(es)", "workers": ["0", "1"], "startup": 0.6,
                 "shard": "", "timeout": 900},
        "items": [
            {"name": "s5_verilator_encoder_W8_N8_Z16", "seed": 5, "status": "pass", "seconds": 4.0, "worker": "1",
             "attempts": 2, "attempt_workers": ["0", "1"], "first_failure": "", "reproduce": ""},
            {"name": "s6_verilator_loopback_W16_N8_Z2", "seed": 6, "status": "timeout", "seconds": 900.0,
             "worker": "0", "attempts": 1, "attempt_workers": ["0"],
             "first_failure": "test_corners: timed out after 900 s on worker 0",
             "reproduce": "python -m ebpc_tb.flow.run --top loopback --seed 6 --testcase test_corners"}],
        "per_seed": [{"seed": 5, "items": 1, "passed": 1, "failed": 0, "seconds": 4.0},
                     {"seed": 6, "items": 1, "passed": 0, "failed": 1, "seconds": 900.0}],
        "per_config": [{"sim": "verilator", "top": "loopback", "config": [16, 8, 2], "sampled": True, "items": 1,
                        "passed": 0, "failed": 1, "retried": 0, "seconds": 900.0, "mean_seconds": 900.0},
                       {"sim": "verilator", "top": "encoder", "config": [8, 8, 16], "sampled": False, "items": 1,
                        "passed": 1, "failed": 0, "retried": 1, "seconds": 4.0, "mean_seconds": 4.0}],
        "durations": {"wall": 904.2, "startup": 0.6, "item_seconds": 904.0, "mean_item": 452.0, "max_item": 900.0,
                      "build_seconds": 0.0, "workers": 2, "gap_ms": 3.0, "overhead_percent": 0.001},
        "closure": [{"seeds": 1, "seed": 5, "hit": 2, "bins": 4, "percent": 50.0},
                    {"seeds": 2, "seed": 6, "hit": 3, "bins": 4, "percent": 75.0}]}
    history = ({"date": "2026-12-05T01:00:00+00:00", "commit": "fedcba9876543210", "cluster": "slurm jobs",
                "seeds": 1000, "items": 10000, "failed_items": 0, "retried": 3, "wall": 4100.0,
                "functional_percent": 99.5, "line_percent": 100.0},
               {"date": "2026-12-06T01:02:03+00:00", "commit": "0123456789abcdef", "cluster": "LocalCluster",
                "seeds": 2, "items": 2, "failed_items": 1, "retried": 1, "wall": 904.2,
                "functional_percent": 75.0, "line_percent": None})
    functional = dd.CoverageSet("make test", 2, {
        "W8_N8_Z16": {"ebpc.znz.run": {"1": 5, "2": 0, "3": 1}, "ebpc.tx.content": {"all_zero": 2, "mixed": 9}},
        "W16_N8_Z2": {"ebpc.znz.run": {"1": 4, "2": 3}}})
    points = {
        CoveragePoint("/x/rtl/ebpc_enc_znz.sv", 2, 1, "line", "ebpc_enc_znz", "block"): 10,
        CoveragePoint("/x/rtl/ebpc_enc_znz.sv", 3, 1, "line", "ebpc_enc_znz", "block"): 0,
        CoveragePoint("/x/rtl/ebpc_enc_znz.sv", 3, 2, "branch", "ebpc_enc_znz", "if"): 4,
        CoveragePoint("/x/rtl/ebpc_enc_znz.sv", 3, 3, "branch", "ebpc_enc_znz", "else"): 0,
        CoveragePoint("/x/rtl/ebpc_fifo.sv", 1, 1, "toggle", "ebpc_fifo", "data"): 1,
        CoveragePoint("/x/cocotb/shim.v", 1, 1, "line", "shim", "block"): 0,     # not rtl/: ignored
    }
    sources = {"ebpc_enc_znz.sv": ["module ebpc_enc_znz;", "  assign a = b;", "  if (x) y = 1;", "endmodule"],
               "ebpc_fifo.sv": ["module ebpc_fifo; endmodule"]}
    code = dd.code_from_points(points, sources, "make test", 3)
    return dd.DashboardData(
        generated="2026-01-01 00:00 UTC", test_seed=77, runs=(pytest_run, sim_ok, sim_bad), regress=regress,
        regress_history=history,
        functional=(functional,), code=(code,),
        bench={"encoder": [{"W": 8, "N": 8, "words_per_cycle": 0.997}]},
        synth={"configs": [{"top": "ebpc_encoder", "W": 8, "N": 8, "Z": 16, "ge_total": 12345.5,
                            "ge_seq": 5000, "ge_comb": 7345.5, "depth": 31, "flops": 400, "cells": 2100}]},
        plots=("ratio_by_network.png",), documents=("coverage.txt",))


def test_render_synthetic_page_has_every_run_module_and_figure():
    data = _synthetic()
    page = db.render(data)
    root = _parse(page)
    text = _text(root)
    for run in data.runs:
        assert run.name in text
        for t in run.tests:
            assert t.name in text
    for module in data.code[0].modules:
        assert module in text
    assert "shim" not in data.code[0].modules
    assert "make test SEED=77" in text
    # multi-seed table: both seeds, the failure's first line and its reproduce command
    assert "make regress SEED_LIST=5,6" in text
    assert "LOOPBACK MISMATCH" in text
    assert "python -m ebpc_tb.flow.run --top loopback --seed 6 --testcase test_corners" in text
    # escaping: the failure message with markup characters is text, not markup
    assert "DECODER MISMATCH <out> & more" in text and "line two" in text
    # the regression's run: commit, date, durations, retries, closure and trend charts
    assert "0123456789ab" in text and "2026-12-06 01:02:03" in text and "LocalCluster" in text
    assert "904 s" in text and "3.0 ms (0.00 % of an item)" in text
    assert "2 (0, 1)" in text                                   # attempts and the workers of each
    assert "test_corners: timed out after 900 s on worker 0" in text
    charts = [_text(t) for t in root.iter("title")]
    assert any("bins hit" in c for c in charts) and any("wall time" in c for c in charts)
    assert "fedcba987654" in text and "99.5" in text            # an earlier regression in the trend
    # figures and plots
    assert "12345.5" in text and "0.997" in text and "not run yet" not in text
    imgs = [i.get("src") for i in root.iter("img")]
    assert imgs == ["ratio_by_network.png"]
    assert any(a.get("href") == "coverage.txt" for a in root.iter("a"))


def test_failures_first_and_unhit_bins_first():
    root = _parse(db.render(_synthetic()))
    # functional: in the W8_N8_Z16 row of ebpc.znz.run, the unhit bin 2 comes first, marked
    for row in _rows(root, "functional"):
        cells = list(row.iter("td"))
        if cells and _text(cells[0]) == "ebpc.znz.run" and len(list(cells[2].iter("span"))) == 3:
            spans = list(cells[2].iter("span"))
            assert [_text(s) for s in spans] == ["2: 0", "1: 5", "3: 1"]
            assert spans[0].get("class") == "unhit" and spans[1].get("class") != "unhit"
            break
    else:
        pytest.fail("no ebpc.znz.run row with three bins")
    # the parameter set with unhit bins is listed (and opened) before the complete one
    summaries = [_text(s) for s in root.iter("summary")]
    w8 = next(i for i, s in enumerate(summaries) if s.startswith("W8_N8_Z16"))
    w16 = next(i for i, s in enumerate(summaries) if s.startswith("W16_N8_Z2"))
    assert w8 < w16
    # regress: the failing test is the first row of the per-test table, the failed item of the items'
    def with_status(cells: int) -> list[ET.Element]:
        return [r for r in _rows(root, "runs") if len(list(r.iter("td"))) == cells
                and any(td.find("span") is not None for td in r.iter("td"))]

    reg_rows = with_status(8)
    assert "FAIL" in _text(reg_rows[0]) and "PASS" in _text(reg_rows[1])
    item_rows = with_status(7)
    assert "TIMEOUT" in _text(item_rows[0]) and "PASS" in _text(item_rows[1])
    config_rows = [_text(r) for r in _rows(root, "runs") if _text(r).startswith(("verilatorloopback", "verilatorencoder"))]
    assert config_rows[0].startswith("verilatorloopback") and config_rows[1].startswith("verilatorencoder")


def test_annotated_source_marks_lines():
    data = _synthetic()
    znz = next(f for f in data.code[0].files if f.name == "ebpc_enc_znz.sv")
    assert znz.modules == ("ebpc_enc_znz",)
    assert znz.marks[3].missed and not znz.marks[2].missed
    assert znz.marks[3].counts["branch"] == (1, 2) and znz.marks[3].line_hits == 0
    assert data.code[0].modules["ebpc_enc_znz"] == {"line": (1, 2), "branch": (1, 2)}
    root = _parse(db.render(data))
    src_rows = [r for t in root.iter("table") if t.get("class") == "src" for r in t.iter("tr")]
    by_text = {_text(list(r.iter("td"))[2]): r for r in src_rows}
    assert by_text["  if (x) y = 1;"].get("class") == "miss"
    assert _text(list(by_text["  if (x) y = 1;"].iter("td"))[1]) == "0 b1/2"
    assert by_text["  assign a = b;"].get("class") == "hit"
    assert by_text["endmodule"].get("class") == ""


def test_missing_parts_say_not_run_yet():
    page = db.render(dd.DashboardData(generated="now"))
    text = _text(_parse(page))
    for what in ("make test", "make regress SEEDS=n", "make bench", "make synth", "make report"):
        assert f"not run yet ({what}" in text, what


def test_parse_junit_runs_reads_seed_status_and_message():
    xml = ("<testsuites><testsuite name='pytest'><properties><property name='ebpc_seed' value='42'/>"
           "</properties><testcase classname='a.b' name='t1' time='1.5'/>"
           "<testcase classname='a.b' name='t2'><failure message='boom'>trace</failure></testcase>"
           "<testcase classname='a.b' name='t3'><skipped message='no sim'/></testcase>"
           "</testsuite></testsuites>")
    run, seed = dd.parse_junit_runs(xml, "pytest", "pytest")
    assert seed == 42 and run.seed == 42
    assert [(t.name, t.status) for t in run.tests] == [("a.b::t1", "pass"), ("a.b::t2", "fail"), ("a.b::t3", "skip")]
    assert run.tests[1].message == "boom\ntrace" and run.tests[0].seconds == 1.5
    assert not run.ok


def _write_synthetic_tree(root: Path) -> None:
    (root / "build" / "junit" / "sim").mkdir(parents=True)
    (root / "build" / "junit" / "pytest.xml").write_text(
        "<testsuites><testsuite><properties><property name='ebpc_seed' value='9'/></properties>"
        "<testcase classname='m' name='test_x'/></testsuite></testsuites>")
    (root / "build" / "junit" / "sim" / "icarus_encoder_W8_N8_Z16.xml").write_text(
        "<testsuites><testsuite><testcase name='test_random'><properties>"
        "<property name='random_seed' value='9'/></properties></testcase></testsuite></testsuites>")
    fun = root / "build" / "coverage" / "functional"
    fun.mkdir(parents=True)
    for i, hits in enumerate(({"1": 1, "2": 0}, {"1": 2, "2": 0})):
        (fun / f"run{i}.json").write_text(json.dumps(
            {"config": {"w": 8, "n": 8, "z": 16, "seed": 9}, "coverage": {"ebpc.znz.run": {"bins": hits}}}))
    (root / "rtl").mkdir()
    (root / "rtl" / "ebpc_fifo.sv").write_text("module ebpc_fifo;\nendmodule\n")
    dat = root / "build" / "sim" / "verilator" / "fifo"
    dat.mkdir(parents=True)
    fields = "\x01f\x02/elsewhere/rtl/ebpc_fifo.sv\x01l\x021\x01n\x021\x01t\x02line" \
             "\x01page\x02v_line/ebpc_fifo\x01o\x02block\x01h\x02top.u"
    (dat / "coverage_test_fifo.dat").write_text(f"# SystemC::Coverage-3\nC '{fields}' 7\n")
    reports = root / "reports"
    reports.mkdir()
    (reports / "synth.json").write_text(json.dumps({"configs": [{"top": "ebpc_fifo", "ge_total": 99}]}))
    (reports / "ratio_by_network.png").write_bytes(b"\x89PNG\r\n")
    (reports / "compression.md").write_text("# report\n")


def test_collect_reads_every_source(tmp_path):
    _write_synthetic_tree(tmp_path)
    data = collect(tmp_path, "now")
    assert data.test_seed == 9
    assert [r.name for r in data.runs] == ["pytest", "icarus_encoder_W8_N8_Z16"]
    assert data.runs[1].seed == 9
    (fun,) = data.functional
    assert fun.runs == 2 and fun.configs == {"W8_N8_Z16": {"ebpc.znz.run": {"1": 3, "2": 0}}}
    (code,) = data.code
    assert code.modules == {"ebpc_fifo": {"line": (1, 1)}}
    assert code.files[0].lines == ("module ebpc_fifo;", "endmodule")      # read from <root>/rtl
    assert data.synth["configs"][0]["ge_total"] == 99 and data.bench is None
    assert data.plots == ("ratio_by_network.png",) and "compression.md" in data.documents
    assert db.main(["--root", str(tmp_path)]) == 0
    page = (tmp_path / "reports" / "index.html").read_text()
    text = _text(_parse(page))
    assert "icarus_encoder_W8_N8_Z16" in text and "ebpc_fifo" in text and "not run yet (make bench)" in text


def test_main_rejects_a_missing_root(tmp_path, capsys):
    assert db.main(["--root", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dashboard: error:") and len(err.strip().splitlines()) == 1


@pytest.mark.skipif("verilator" not in sims(), reason="needs Verilator (EBPC_SIMS)")
def test_dashboard_of_a_real_multi_seed_run(tmp_path, monkeypatch):
    """Two seeds of one short bench test under Verilator with code coverage, as make regress runs
    them: on a real LocalCluster (a scheduler and two worker processes); the regression's own
    reports, then the dashboard built from them (real cocotb JUnit, coverage JSON, .dat)."""
    from ebpc_tb.flow import regress
    from ebpc_tb.reports import regression

    monkeypatch.setenv("EBPC_CODE_COVERAGE", "1")
    monkeypatch.delenv("EBPC_INJECT_FAULT", raising=False)
    out, reports = tmp_path / "build" / "regress", tmp_path / "reports" / "regress"
    ran = regress.main(["--seed-list", "3,4", "--top", "encoder", "--sample", "0", "--cluster", "local",
                        "--workers", "2", "--tests", "test_coverage_closure", "--out", str(out)])
    reported = regression.main(["--out", str(out), "--reports", str(reports)])
    summary = json.loads((reports / "regress.json").read_text())
    assert summary["seeds"] == [3, 4] and len(summary["outcomes"]) == 2
    # the items came back as data from the workers: who ran them, how long, how often
    assert [i["name"] for i in summary["items"]] == ["s3_verilator_encoder_W8_N8_Z16", "s4_verilator_encoder_W8_N8_Z16"]
    assert all(i["worker"] in ("0", "1") and i["attempts"] == 1 and i["seconds"] > 0 for i in summary["items"])
    assert summary["info"]["cluster"].startswith("LocalCluster") and len(summary["info"]["commit"]) == 40
    assert summary["durations"]["items"] == 2 and [r["seeds"] for r in summary["closure"]] == [1, 2]
    assert (reports / "history.jsonl").is_file()
    assert ran == reported == (1 if summary["failed"] else 0)
    assert sorted(p.name for p in (out / "junit").glob("*.xml")) == \
        ["s3_verilator_encoder_W8_N8_Z16.xml", "s4_verilator_encoder_W8_N8_Z16.xml"]
    # the two items' code coverage, summed into their build's one file
    assert [p.name for p in (out / "codecov").glob("*.dat")] == ["verilator_encoder_W8_N8_Z16.dat"]
    assert (reports / "code_coverage.json").is_file()
    # feed the cocotb results in as make test's, so both halves of the page have real data
    (tmp_path / "build" / "junit" / "sim").mkdir(parents=True)
    for xml in (out / "junit").glob("*.xml"):
        (tmp_path / "build" / "junit" / "sim" / xml.name).write_text(xml.read_text())
    (tmp_path / "rtl").symlink_to(REPO_DIR / "rtl")
    data = collect(tmp_path, "now")
    assert len(data.regress_history) == 1
    assert {r.name for r in data.runs} == {"s3_verilator_encoder_W8_N8_Z16", "s4_verilator_encoder_W8_N8_Z16"}
    assert {r.seed for r in data.runs} == {3, 4}
    modules = set(data.code[0].modules)
    assert "ebpc_encoder" in modules
    root = _parse(db.render(data))
    text = _text(root)
    for run in data.runs:
        assert run.name in text
    for module in modules:
        assert module in text
    for o in summary["outcomes"]:
        assert o["status"] in ("pass", "fail", "error")
        if o["status"] != "pass":
            assert o["reproduce"] in text
    assert any(t.get("class") == "src" for t in root.iter("table"))


def test_a_big_regression_lists_every_failure_and_some_passes():
    from ebpc_tb.reports.dashboard_regress import PASSING_SHOWN, regress_section

    items = [{"name": f"item{k:04d}", "seed": k, "status": "pass", "seconds": 1.0, "worker": "0", "attempts": 1}
             for k in range(PASSING_SHOWN + 50)]
    items[7] = dict(items[7], status="fail", first_failure="test_random: MISMATCH", reproduce="python -m x --seed 7")
    items[9] = dict(items[9], attempts=2, attempt_workers=["0", "1"])
    html = regress_section({"seeds": list(range(len(items))), "items": items, "outcomes": []})
    root = ET.fromstring(f"<div>{html}</div>")
    rows = [r for r in root.iter("tr") if r.find("td") is not None and _text(r).startswith("item")]
    assert len(rows) == PASSING_SHOWN + 2
    assert _text(rows[0]).startswith("item0007") and _text(rows[1]).startswith("item0009")
    assert "48 more passing items in regress.json" in _text(root)
