# SPDX-License-Identifier: Apache-2.0
"""Seeds of the regression (ebpc_tb.spec, ebpc_tb.flow.pytest_support) and the multi-seed
regression without a simulator: its planning and outcomes.json (ebpc_tb.flow.regress) and its
reports (ebpc_tb.reports.regression)."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ebpc_tb.flow import regress
from ebpc_tb.reports import regression

from ebpc_tb import spec
from ebpc_tb.spec import SEED_LIMIT, RunSpec, fresh_seed, parse_seed
from ebpc_tb.flow.pytest_support import reproduce_command, session_seed


def test_fresh_seeds_differ_and_fit():
    seeds = {fresh_seed() for _ in range(50)}
    assert len(seeds) > 45
    assert all(1 <= s <= SEED_LIMIT for s in seeds)


@pytest.mark.parametrize("raw,value", [("17", 17), (" 0x10 ", 16), ("0", 0)])
def test_parse_seed(raw, value):
    assert parse_seed(raw) == value


@pytest.mark.parametrize("raw", ["abc", "-1", str(2**31), "1.5"])
def test_parse_seed_rejects(raw):
    with pytest.raises(ValueError, match="EBPC_SEED"):
        parse_seed(raw, "EBPC_SEED")


def test_session_seed_from_env_or_fresh_and_kept(monkeypatch):
    monkeypatch.setenv("EBPC_SEED", "1234")
    assert session_seed() == 1234
    monkeypatch.setenv("EBPC_SEED", "")
    first = session_seed()
    assert 1 <= first <= SEED_LIMIT
    import os
    assert os.environ["EBPC_SEED"] == str(first)       # later calls (and subprocesses) agree
    assert session_seed() == first
    assert reproduce_command(first, "tb/tests/x.py::t[a]") == \
        f"make test SEED={first} PYTEST_ARGS='tb/tests/x.py::t[a]'"


def test_the_seed_is_this_sessions_and_recorded():
    # conftest.py fixed EBPC_SEED for the whole session before the tests ran
    import os
    assert os.environ.get("EBPC_SEED", "").strip().isdigit()


def test_test_seeds_depend_on_base_seed_and_name():
    a, b = RunSpec(seed=1), RunSpec(seed=2)
    assert a.test_seed("test_random") != b.test_seed("test_random")
    assert a.test_seed("test_random") != a.test_seed("test_corners")
    assert a.test_seed("test_random") == RunSpec(seed=1).test_seed("test_random")


def test_plan_jobs_default_first_then_seeded_sample():
    jobs = regress.plan_jobs([5, 6], ["verilator"], ["encoder", "loopback"], ("test_random",), sample=2)
    assert len(jobs) == 2 * 2 * 3
    assert jobs[0] == regress.Job(5, "verilator", "encoder", spec.DEFAULT_CONFIG, ("test_random",))
    seed5 = [j for j in jobs if j.seed == 5]
    sampled = [j.config for j in seed5 if j.sampled]
    assert len(sampled) == 4 and spec.DEFAULT_CONFIG not in sampled
    assert all(c in spec.SWEEP_CONFIGS for c in sampled)
    # the same sample for every bench of a seed, and the same again for the same seed
    assert sampled[:2] == sampled[2:]
    again = regress.plan_jobs([5], ["verilator"], ["encoder"], ("test_random",), sample=2)
    assert [j.config for j in again if j.sampled] == sampled[:2]
    assert all(j.scale == regress.DEFAULT_SCALE for j in seed5 if j.sampled)
    assert regress.plan_jobs([5], ["icarus"], ["decoder"], sample=0)[0].tests == regress.RANDOM_TESTS


def test_plan_jobs_keeps_the_tests_each_bench_has():
    available = {"encoder": {"test_random", "test_corners"}, "axis_encoder": {"test_random"}, "other": set()}
    jobs = regress.plan_jobs([1], ["icarus"], ["encoder", "axis_encoder", "other"],
                             ("test_random", "test_corners"), sample=0, available=available)
    assert [(j.top, j.tests) for j in jobs] == [("encoder", ("test_random", "test_corners")),
                                                ("axis_encoder", ("test_random",))]
    # the benches of the repository: every core bench has all the random tests
    for top in ("encoder", "decoder", "loopback"):
        assert set(regress.RANDOM_TESTS) <= regress.bench_tests(top), top


def test_job_command_reproduces_one_test():
    job = regress.Job(7, "verilator", "decoder", (16, 8, 2), ("test_random", "test_corners"), 0.15)
    assert job.name == "s7_verilator_decoder_W16_N8_Z2"
    assert job.command(["test_corners"], {"EBPC_INJECT_FAULT": "out"}) == (
        "EBPC_INJECT_FAULT=out python -m ebpc_tb.flow.run --sim verilator --top decoder --w 16 --n 8 --z 2 "
        "--seed 7 --testcase test_corners --scale 0.15")


_COCOTB_XML = """<testsuites name="cocotb tests"><testsuite name="test_encoder" tests="3">
<testcase classname="test_encoder" name="test_random"><failure message="ENCODER MISMATCH on ZNZ&#10;  word 0"
 type="ScoreboardError">Traceback</failure></testcase>
<testcase classname="test_encoder" name="test_corners"/>
<testcase classname="test_encoder" name="test_vectors"><skipped/></testcase>
</testsuite></testsuites>"""


def test_outcomes_from_junit():
    job = regress.Job(3, "icarus", "encoder", (8, 8, 16),
                      ("test_random", "test_corners", "test_vectors", "test_coverage_closure"))
    out = regress.outcomes_from_junit(job, _COCOTB_XML, "", 2.0)
    assert [(o.test, o.status) for o in out] == [("test_random", "fail"), ("test_corners", "pass"),
                                                  ("test_vectors", "skip"), ("test_coverage_closure", "error")]
    assert out[0].first_line == "ENCODER MISMATCH on ZNZ" and out[0].message.endswith("word 0")
    assert out[0].reproduce.endswith("--seed 3 --testcase test_random")
    assert out[1].message == "" and out[1].first_line == ""
    built = regress.outcomes_from_junit(job, None, "verilator build failed")
    assert {o.status for o in built} == {"error"} and built[0].message == "verilator build failed"


def _failed_run() -> regress.RegressionRun:
    job = regress.Job(3, "icarus", "encoder", (8, 8, 16), ("test_random", "test_corners"))
    return regress.RegressionRun((3,), tuple(regress.outcomes_from_junit(job, _COCOTB_XML)), 12.0)


def test_outcomes_json_round_trip(tmp_path):
    run = _failed_run()
    assert [o.failed for o in run.outcomes] == [True, False] and run.failed == [run.outcomes[0]]
    regress.write_outcomes(tmp_path, run)
    data = json.loads((tmp_path / regress.OUTCOMES_FILE).read_text())
    assert data["seeds"] == [3] and data["outcomes"][0]["config"] == [8, 8, 16]
    assert regress.read_outcomes(tmp_path) == run


@pytest.mark.parametrize("content", [None, "{", '{"seeds": [1]}', '{"seeds": [1], "outcomes": [{"seed": 1}]}'])
def test_read_outcomes_rejects_missing_or_bad_files(tmp_path, content):
    if content is not None:
        (tmp_path / regress.OUTCOMES_FILE).write_text(content)
    with pytest.raises(ValueError, match="outcomes.json"):
        regress.read_outcomes(tmp_path)


def test_summary_text_and_junit():
    run = _failed_run()
    summary = regression.RegressSummary(run, functional={"W8_N8_Z16": {"bins": 10, "hit": 9}},
                                        code={"runs": 1, "modules": [{"totals": {"line": 4}, "hits": {"line": 3}}]})
    assert regression.summarise(run.outcomes) == {3: {"pass": 1, "fail": 1, "skip": 0, "error": 0}}
    text = regression.format_text(summary)
    assert "FAILED seed 3 icarus encoder test_random: ENCODER MISMATCH on ZNZ" in text
    assert "reproduce: python -m ebpc_tb.flow.run --sim icarus --top encoder" in text
    assert "9/10 bins" in text and "line 3/4" in text
    root = ET.fromstring(regression.to_junit(summary))
    suite = root.find("testsuite")
    assert suite.get("failures") == "1" and suite.get("tests") == "2"
    assert suite.find("properties/property").get("value") == "3"
    failure = root.find(".//failure")
    assert failure.get("message") == "ENCODER MISMATCH on ZNZ" and "reproduce:" in failure.text
    data = summary.to_json()
    assert data["failed"] == 1 and data["outcomes"][0]["config"] == [8, 8, 16]
    assert list(data) == ["seeds", "elapsed", "tests", "failed", "outcomes", "functional_coverage", "code_coverage"]


def _coverage_file(path: Path, hits: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"config": {"w": 8, "n": 8, "z": 16, "seed": 3},
                                "coverage": {"ebpc.znz.run": {"bins": hits}}}))


def test_reports_from_the_outcomes_and_coverage_files(tmp_path, capsys):
    out, reports = tmp_path / "out", tmp_path / "reports"
    out.mkdir()
    regress.write_outcomes(out, _failed_run())
    _coverage_file(out / "functional" / "a.json", {"1": 1, "2": 0})
    _coverage_file(out / "functional" / "b.json", {"1": 0, "2": 0, "3": 4})
    reports.mkdir()
    (reports / "code_coverage.txt").write_text("an earlier regression's")
    assert regression.main(["--out", str(out), "--reports", str(reports)]) == 1
    printed = capsys.readouterr().out
    assert "FAILED seed 3 icarus encoder test_random" in printed and "2/3 bins" in printed
    assert sorted(p.name for p in reports.iterdir()) == ["coverage.json", "coverage.txt", "junit.xml",
                                                          "regress.json", "regress.txt"]
    assert json.loads((reports / "coverage.json").read_text())["W8_N8_Z16"]["hit"] == 2
    data = json.loads((reports / "regress.json").read_text())
    assert data["failed"] == 1 and data["functional_coverage"]["bins"] == 3 and data["code_coverage"] is None
    assert (reports / "regress.txt").read_text() == regression.format_text(
        regression.RegressSummary(_failed_run(), json.loads((reports / "coverage.json").read_text()))) + "\n"


def test_reports_without_outcomes_exit_2_and_leave_no_stale_report(tmp_path, capsys):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "regress.txt").write_text("an earlier regression's")
    assert regression.main(["--out", str(tmp_path / "none"), "--reports", str(reports)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("regress: error:") and "outcomes.json not found" in err and len(err.splitlines()) == 1
    assert not list(reports.iterdir())


@pytest.mark.parametrize("argv", [["--seeds", "0"], ["--seeds", "x"], ["--top", "bogus"], ["--seed-list", "a"],
                                  ["--jobs", "0"], ["--tests", "not a name"]])
def test_bad_arguments_exit_2_with_one_line(argv, capsys, tmp_path):
    assert regress.main(argv + ["--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("regress: error:") and len(err.splitlines()) == 1
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("config", spec.SWEEP_CONFIGS, ids=lambda c: "W{}N{}Z{}".format(*c))
def test_coverage_closure_closes_on_this_sessions_seed(config):
    """The coverage check of make test needs every data bin on whatever seed the run drew: the
    closure set must close with the regression's seed as it does with seed 1."""
    from ebpc_tb.bench.closure import closure_transmissions

    w, n, z = config
    seed = session_seed()
    closure = closure_transmissions(w, n, z, RunSpec(w, n, z, seed=seed).rng("test_coverage_closure"))
    assert closure.closed, f"seed {seed}: bins without stimulus: {closure.missed}"


def test_simulation_failure_reproduce_command_is_typeable():
    from ebpc_tb.flow.pytest_support import _shown

    cmd = ["/usr/bin/python3.11", "-m", "ebpc_tb.flow.run", "--seed", "5", "--coverage", "/b/cov.json", "--scale", "0.15"]
    assert _shown(cmd) == ["python", "-m", "ebpc_tb.flow.run", "--seed", "5", "--scale", "0.15"]
