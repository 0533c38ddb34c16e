# SPDX-License-Identifier: Apache-2.0
"""Seeds of the regression (ebpc_tb.spec, ebpc_tb.flow.pytest_support) and the multi-seed
regression without a simulator: its items, shards and outcomes.json (ebpc_tb.flow.jobs,
ebpc_tb.flow.regress), its reports and figures (ebpc_tb.reports.regression, regress_stats). The
regression on a real cluster: tb/tests/test_regress_faults.py, tb/tests/test_dashboard.py."""

import dataclasses
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ebpc_tb.flow import jobs as jobs_mod
from ebpc_tb.flow import regress
from ebpc_tb.flow.items import ItemRecord
from ebpc_tb.reports import regress_stats, regression

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
    assert list(data) == ["seeds", "elapsed", "tests", "failed", "outcomes", "functional_coverage", "code_coverage",
                          "info", "items", "failed_items", "retried", "per_seed", "per_config", "durations", "closure"]


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
    assert sorted(p.name for p in reports.iterdir()) == ["coverage.json", "coverage.txt", "history.jsonl",
                                                          "junit.xml", "regress.json", "regress.txt"]
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
                                  ["--workers", "0"], ["--tests", "not a name"], ["--cluster", "kubernetes"],
                                  ["--cluster", "tcp://nowhere"], ["--shard", "3/2"], ["--shard", "1"],
                                  ["--timeout", "0"], ["--cluster", "slurm", "--memory", "lots"],
                                  ["--cluster", "slurm", "--walltime", "1h"]])
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


# -- items, shards, merged shards, the figures of a run -------------------------------------------

def test_plan_jobs_split_gives_a_test_group_per_item():
    whole = regress.plan_jobs([5], ["verilator"], ["encoder"], ("test_random", "test_corners"), sample=1)
    split = regress.plan_jobs([5], ["verilator"], ["encoder"], ("test_random", "test_corners"), sample=1, split=True)
    assert len(whole) == 2 and len(split) == 4
    assert [j.tests for j in split] == [("test_random",), ("test_corners",)] * 2
    assert split[0].name == "s5_verilator_encoder_W8_N8_Z16_test_random"
    assert len({j.name for j in split}) == 4 and {j.build_key for j in split} == {j.build_key for j in whole}


def test_shards_cover_every_item_once():
    jobs = regress.plan_jobs([1, 2, 3], ["icarus", "verilator"], ["encoder", "decoder"], sample=1)
    shards = [jobs_mod.shard(jobs, i, 4) for i in range(1, 5)]
    assert sorted(j.name for s in shards for j in s) == sorted(j.name for j in jobs)
    assert max(map(len, shards)) - min(map(len, shards)) <= 1
    assert jobs_mod.parse_shard("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "a/b", "2"):
        with pytest.raises(ValueError, match="--shard"):
            jobs_mod.parse_shard(bad)


def _item(job: regress.Job, worker: str, started: float, seconds: float, status: str = "pass",
          attempts: int = 1) -> ItemRecord:
    return ItemRecord(job.name, job.seed, job.sim, job.top, job.config, job.sampled, job.tests, status, seconds, 0.5,
                      worker, "host", started, started + seconds, attempts, (worker,) * attempts)


def _run_with_items(seeds=(3, 4), shard_label="") -> regress.RegressionRun:
    jobs = regress.plan_jobs(list(seeds), ["icarus"], ["encoder"], ("test_random",), sample=0)
    items = tuple(_item(j, "w0", 100.0 + 10 * i, 9.0, attempts=1 + (i == 0)) for i, j in enumerate(jobs))
    outcomes = tuple(o for j in jobs for o in regress.outcomes_from_junit(j, _COCOTB_XML))
    info = regress.RunInfo("ab" * 20, "", "2026-12-06T00:00:00+00:00", "LocalCluster", ("w0",), 0.5, shard_label, 900)
    return regress.RegressionRun(tuple(seeds), outcomes, 30.0, items, info)


def test_a_run_with_items_survives_outcomes_json(tmp_path):
    run = _run_with_items()
    regress.write_outcomes(tmp_path, run)
    assert regress.read_outcomes(tmp_path) == run
    assert run.items[0].attempts == 2 and run.items[0].to_json()["attempt_workers"] == ["w0", "w0"]


def test_merged_shards_are_one_regression(tmp_path):
    a, b = _run_with_items((3,), "1/2"), _run_with_items((4,), "2/2")
    merged = regress.merge_runs([a, b])
    assert merged.seeds == (3, 4) and merged.items == a.items + b.items and merged.outcomes == a.outcomes + b.outcomes
    assert merged.info.commit == a.info.commit and merged.info.shard == "2 shards merged"
    with pytest.raises(ValueError, match="more than one shard"):
        regress.merge_runs([a, a])
    with pytest.raises(ValueError, match="different commits"):
        regress.merge_runs([a, dataclasses.replace(b, info=dataclasses.replace(b.info, commit="cd" * 20))])
    # the folders: outcomes joined, every item's files copied
    for name, run in (("s1", a), ("s2", b)):
        (tmp_path / name / "junit").mkdir(parents=True)
        regress.write_outcomes(tmp_path / name, run)
        (tmp_path / name / "junit" / f"{run.items[0].name}.xml").write_text(_COCOTB_XML)
    assert regress.main(["--merge", str(tmp_path / "s1"), str(tmp_path / "s2"), "--out", str(tmp_path / "all")]) == 1
    assert regress.read_outcomes(tmp_path / "all") == merged
    assert len(list((tmp_path / "all" / "junit").iterdir())) == 2


def test_durations_measure_the_gaps_between_a_workers_items():
    run = _run_with_items((3, 4))
    # w0 ran item 0 at 100..109 and item 1 at 110..119: a gap of 1 s between them
    dur = regress_stats.durations(run)
    assert dur["gap_ms"] == 1000.0 and dur["mean_item"] == 9.0 and dur["overhead_percent"] == pytest.approx(11.111, 0.01)
    assert regress_stats.per_seed(run)[0] == {"seed": 3, "items": 1, "passed": 1, "failed": 0, "retried": 1,
                                              "seconds": 9.0, "mean_seconds": 9.0}
    assert regress_stats.per_config(run)[0]["items"] == 2


def test_closure_grows_with_the_seeds(tmp_path):
    run = _run_with_items((3, 4))
    _coverage_file(tmp_path / "a.json", {"1": 1, "2": 0, "3": 0})
    _coverage_file(tmp_path / "b.json", {"1": 0, "2": 5, "3": 0})
    curve = regress_stats.closure(run, {run.items[0].name: tmp_path / "a.json", run.items[1].name: tmp_path / "b.json"})
    assert [(r["seeds"], r["hit"], r["bins"]) for r in curve] == [(1, 1, 3), (2, 2, 3)]


def test_history_keeps_one_line_per_regression(tmp_path):
    path = tmp_path / "history.jsonl"
    first = {"date": "d1", "commit": "c", "shard": "", "wall": 10}
    regress_stats.append_history(path, first)
    regress_stats.append_history(path, dict(first, wall=11))          # its reports again: replaced
    rows = regress_stats.append_history(path, {"date": "d2", "commit": "c", "shard": "", "wall": 12}, keep=2)
    assert [r["wall"] for r in rows] == [11, 12] and regress_stats.read_history(path) == rows
    rows = regress_stats.append_history(path, {"date": "d3", "commit": "c", "shard": "", "wall": 13}, keep=2)
    assert [r["date"] for r in rows] == ["d2", "d3"]
    path.write_text(path.read_text() + "not json\n")
    assert len(regress_stats.read_history(path)) == 2


def _dat(path: Path, counts: dict[tuple[int, str], int]) -> Path:
    """A Verilator coverage file: (line, instance) -> count."""
    lines = ["# SystemC::Coverage-3"] + [
        f"C '\x01f\x02/x/rtl/ebpc_fifo.sv\x01l\x02{line}\x01n\x021\x01t\x02line\x01page\x02v_line/ebpc_fifo"
        f"\x01o\x02block\x01h\x02top.{inst}' {count}" for (line, inst), count in counts.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_code_coverage_summed_per_build_merges_as_the_runs_do(tmp_path):
    from ebpc_tb.flow.covdata import CoverageSums, sum_files
    from ebpc_tb.reports import codecov

    a = _dat(tmp_path / "a.dat", {(1, "u0"): 3, (2, "u0"): 0, (2, "u1"): 0})
    b = _dat(tmp_path / "b.dat", {(1, "u0"): 1, (2, "u1"): 5, (3, "u0"): 0})
    sums = CoverageSums()
    sums.add("verilator_fifo_W8_N8_Z16", a.read_bytes())
    sums.add("verilator_fifo_W8_N8_Z16", b.read_bytes())
    (summed,) = sums.write(tmp_path / "sum")
    assert summed.name == "verilator_fifo_W8_N8_Z16.dat" and sums.runs["verilator_fifo_W8_N8_Z16"] == 2
    assert codecov.merge_files([summed]) == codecov.merge_files([a, b])
    assert sorted(codecov.merge_files([summed]).values()) == [0, 4, 5]
    # two shards' files of one build are summed again, not overwritten
    (again,) = sum_files([("x", summed), ("x", summed)], tmp_path / "shards")
    assert sorted(codecov.merge_files([again]).values()) == [0, 8, 10]


def test_rows_survive_json() -> None:
    """Job, TestOutcome and RunInfo through JSON: tuples come back as tuples, unknown keys
    (a newer file) are ignored."""
    job = regress.Job(7, "verilator", "decoder", (16, 8, 2), ("test_random", "test_corners"), 0.15, group="g")
    outcome = regress.TestOutcome(7, "icarus", "encoder", (8, 8, 16), False, "test_random", "fail", "m", "r", 1.5)
    info = regress.RunInfo(commit="abc", workers=("w0", "w1"), timeout=3.0)
    for row in (job, outcome, info):
        data = json.loads(json.dumps(row.to_json()))
        assert type(row).from_json(dict(data, unknown_key=1)) == row
    assert job.to_json()["config"] == [16, 8, 2] and info.to_json()["workers"] == ["w0", "w1"]
