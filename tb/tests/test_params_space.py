# SPDX-License-Identifier: Apache-2.0
"""The bench's parameter-space plumbing, without a simulator: case-file parameter sets, the
sampled sets and their length limits, the per-set summary lines, the coverage report's
sampled section and parameter values."""

from __future__ import annotations

import json

import pytest

from ebpc_tb.reports import coverage_report

from ebpc_tb.flow import runner

from ebpc_tb import spec
from ebpc_tb.spec import CONFORMANCE_FILE, RunSpec
from ebpc_tb.flow.run import Job, config_lines, file_configs, main


def test_file_configs_of_the_bundled_cases():
    configs = file_configs(str(CONFORMANCE_FILE))
    assert (8, 2, 16) in configs and (32, 32, 16) in configs and (8, 8, 256) in configs
    assert configs == sorted(set(configs))


def test_file_configs_rejects_an_illegal_set(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"w": 8, "n": 17, "z": 16, "values": [1]}]))
    with pytest.raises(ValueError, match="W=8 N=17 Z=16"):
        file_configs(str(path))
    path.write_text("[]")
    with pytest.raises(ValueError, match="no case"):
        file_configs(str(path))


def test_run_rejects_a_bad_case_file_in_one_line(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(SystemExit) as info:
        main(["--vectors", str(path)])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "cannot read vector file" in err[-1] and "Traceback" not in "\n".join(err)


def test_sampled_configs_cover_the_space():
    points = spec.sample_configs(12345, 400)
    assert points == spec.sample_configs(12345, 400)
    assert points != spec.sample_configs(12346, 400)
    assert {p.config[0] for p in points} == {8, 16, 32}
    assert {p.config[2] for p in points} == set(spec.ZERO_RUNS)
    assert min(p.config[1] for p in points) == 2
    assert max(p.config[1] for p in points) == 64
    assert min(p.count_width for p in points) == spec.COUNT_WIDTH_MIN
    assert any(p.enc_planes == p.config[0] + 1 for p in points)
    assert any(p.dec_planes == 1 for p in points)
    for p in points:
        assert p.params("encoder")["CountWidth"] == (p.count_width if p.enable_counts else p.enc_count_width)
        lanes = {"Lanes": p.lanes, "DecLanes": p.dec_lanes} if max(p.lanes, p.dec_lanes) > 1 else {}
        assert p.params("loopback") == {"PlanesPerCycle": p.dec_planes, "EncPlanesPerCycle": p.enc_planes,
                                        "CountWidth": p.count_width, **lanes}
        assert p.params("encoder").get("Lanes", 1) == p.lanes
        assert p.params("decoder").get("Lanes", 1) == p.dec_lanes
    # Lanes and DecLanes: every value, and every pair (the loopback joins any two)
    assert {(p.lanes, p.dec_lanes) for p in points} == {(a, b) for a in spec.LANES for b in spec.LANES}


def test_max_length_keeps_l_and_counts_in_count_width():
    assert spec.max_length_for("decoder", {"CountWidth": 8}) == 255
    assert spec.max_length_for("loopback", {"CountWidth": 8}) == 127
    assert spec.max_length_for("encoder", {"CountWidth": 3, "EnableCounts": 0}) == 0
    assert spec.max_length_for("encoder", {"CountWidth": 9, "EnableCounts": 1}) == 255
    assert spec.max_length_for("decoder", None) == 0
    cfg = RunSpec(max_length=10)
    assert cfg.fits(10) and not cfg.fits(11) and RunSpec().fits(10**6)


def test_one_summary_line_per_parameter_set():
    jobs = [Job("icarus", t, c, {}, "test_vectors", {}) for c in ((8, 2, 16), (16, 9, 16))
            for t in ("encoder", "decoder")]
    results = [runner.RunResult(j.sim, j.top, j.config, tests=1) for j in jobs]
    results[3].failures = 1
    lines = config_lines(jobs, results)
    assert len(lines) == 2
    assert lines[0].startswith("PASS W=8 N=2 Z=16:") and "icarus decoder PASS" in lines[0]
    assert lines[1].startswith("FAIL W=16 N=9 Z=16:") and "icarus decoder FAIL" in lines[1]


def _cov(path, w, n, z, top, params, hits):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"config": {"w": w, "n": n, "z": z, "top": top, "params": params},
                                "coverage": {"p": {"bins": {"a": hits, "b": 1}}}}))


def test_coverage_report_lists_sampled_sets_and_parameter_values(tmp_path, capsys):
    out = tmp_path / "out"
    tmp_path = tmp_path / "cov"
    _cov(tmp_path / "x.json", 8, 8, 16, "encoder", {"PlanesPerCycle": 2}, 1)
    _cov(tmp_path / "sampled" / "s.json", 16, 5, 128, "decoder", {"PlanesPerCycle": 7, "CountWidth": 9}, 0)
    assert coverage_report.main([str(tmp_path), "--out", str(out), "--check"]) == 0   # sampled bin 'a' unhit: not checked
    text = (out / "coverage.txt").read_text()
    assert "sampled parameter sets" in text and "W=16 N=5 Z=128" in text
    values = json.loads((out / "coverage_params.json").read_text())["parameter_values"]
    assert values["W"] == [8, 16] and values["decoder.PlanesPerCycle"] == [7]
    assert values["encoder.PlanesPerCycle"] == [2] and values["decoder.CountWidth"] == [9]
    assert set(json.loads((out / "coverage.json").read_text())) == {"W8_N8_Z16"}
    _cov(tmp_path / "y.json", 8, 8, 16, "decoder", {}, 0)    # a checked set with 'a' unhit... hit by x
    _cov(tmp_path / "z.json", 8, 16, 16, "decoder", {}, 0)   # ...but this one never hits 'a'
    assert coverage_report.main([str(tmp_path), "--out", str(out), "--check"]) == 1
    assert "W8_N16_Z16 p a" in capsys.readouterr().err


@pytest.mark.parametrize("lanes", [1, 2, 8])
@pytest.mark.parametrize("width", [8, 16, 32])
@pytest.mark.parametrize("top", list(spec.TOPS))
def test_rtl_defaults_are_the_rtls_own(top, width, lanes):
    """spec.rtl_defaults (the parameter values the coverage report prints) against the
    defaults slang elaborates from the RTL itself: a default changed in one place fails here."""
    from ebpc_synth import rtl_files
    from ebpc_synth.slang_check import elaborated_parameters

    module = spec.TOPS[top][0]
    elaborated = elaborated_parameters([str(f) for f in rtl_files()], module, [f"DataWidth={width}", f"Lanes={lanes}"])
    stated = spec.rtl_defaults(top, width, lanes)
    assert stated, top
    wrong = {name: (value, elaborated.get(name)) for name, value in stated.items() if elaborated.get(name) != value}
    assert not wrong, f"{module} at W={width}, Lanes={lanes}: stated (value, RTL value): {wrong}"
