# SPDX-License-Identifier: Apache-2.0
"""The coverage model without a simulator: bins, closure stimulus, traffic events, the report."""

import json
import random

import pytest

from ebpc_tb import spec
from ebpc_tb.bench.bins import TRAFFIC_BINS, data_bins, transmission_bins
from ebpc_tb.bench.closure import closure_transmissions
from ebpc_tb.bench.coverage import StreamActivity
from ebpc_tb.reports.coverage_report import main as report_main
from ebpc_tb.reports.coverage_report import merge, missing_configs, render, Waiver


def test_transmission_bins_of_a_known_case():
    # W=8 N=8 Z=16: 3 zeros (one ZNZ run of 3), 8 non-zero words (one block, no padding)
    values = [0, 0, 0, 5, 5, 5, 5, 5, 5, 5, 5]
    hits = transmission_bins(values, 8, 8, 16)
    assert ("ebpc.znz.run", 3) in hits
    assert ("ebpc.znz.split", "<Z") in hits
    assert ("ebpc.bpc.padding", 0) in hits
    assert ("ebpc.tx.content", "mixed") in hits
    assert ("ebpc.tx.length", "N..4N") in hits
    # a constant block: base, then one all-zero DBX run over all W+1 planes
    assert ("ebpc.bpc.kind", "base") in hits and ("ebpc.bpc.zero_run", 9) in hits
    space = data_bins(8, 8, 16)
    for point, value in hits:
        assert value in space[point], (point, value)


def test_all_zero_transmission_has_no_bpc_bins():
    hits = transmission_bins([0] * 20, 8, 8, 16)
    points = {p for p, _ in hits}
    assert ("ebpc.tx.content", "all_zero") in hits
    assert ("ebpc.znz.split", "Z+1..2Z-1") in hits
    assert not any(p.startswith("ebpc.bpc.") for p in points)


@pytest.mark.parametrize("config", spec.SWEEP_CONFIGS, ids=lambda c: "W{}N{}Z{}".format(*c))
def test_closure_reaches_every_data_bin(config):
    w, n, z = config
    closure = closure_transmissions(w, n, z, random.Random(1))
    assert closure.closed, f"bins without stimulus: {closure.missed}"
    hit = {(p, b) for t in closure.transmissions for p, b in transmission_bins(t.values, w, n, z)}
    for point, bins in data_bins(w, n, z).items():
        assert {(point, b) for b in bins} <= hit, point


def _drive(activity, cycles):
    for valid, ready, last in cycles:
        activity.cycle(valid, ready, last)


def test_stream_activity_events():
    events = []
    out = StreamActivity("znz", events.append, output=True)
    # word stalled 2 cycles, handed over (frame of 2: first), gap, last; next frame offered at once
    _drive(out, [(1, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0), (1, 1, 1), (1, 1, 1)])
    assert events.count("znz.stall_with_data") == 2
    assert events.count("znz.gap_mid_frame") == 1
    assert events.count("znz.back_to_back") == 1
    assert "znz.stall_16" not in events
    _drive(out, [(1, 0, 0)] * 16)
    assert events.count("znz.stall_16") == 1
    events.clear()
    inp = StreamActivity("in", events.append, output=False)
    _drive(inp, [(1, 0, 0), (1, 1, 1), (0, 1, 0), (1, 1, 1)])
    assert events == ["in.backpressured"]          # idle between frames is not a gap, nor back to back
    inp.cycle(1, 1, 0)
    inp.cycle(0, 0, 0, in_reset=True)              # reset forgets the open frame
    inp.cycle(0, 1, 0)
    assert "in.gap_mid_frame" not in events


def _coverage_file(path, config, points):
    w, n, z = config
    path.write_text(json.dumps({"config": {"w": w, "n": n, "z": z, "seed": 1},
                                "coverage": {p: {"bins": b} for p, b in points.items()}}))


def test_report_merges_runs_and_checks(tmp_path, capsys):
    d = tmp_path / "cov"
    d.mkdir()
    _coverage_file(d / "a.json", (8, 8, 16), {"ebpc.tx.length": {"1": 2, ">256": 0}})
    _coverage_file(d / "b.json", (8, 8, 16), {"ebpc.tx.length": {"1": 1, ">256": 0}})
    merged = merge(sorted(d.glob("*.json")))
    assert merged[(8, 8, 16)]["ebpc.tx.length"] == {"1": 3, ">256": 0}
    text, summary, unhit = render(merged)
    assert unhit == ["W8_N8_Z16 ebpc.tx.length >256"]
    assert "NOT HIT: >256" in text and summary["W8_N8_Z16"]["percent"] == 50.0
    out = tmp_path / "reports"
    assert report_main([str(d), "--out", str(out), "--check"]) == 1
    assert "bin not hit: W8_N8_Z16 ebpc.tx.length >256" in capsys.readouterr().err
    waivers = tmp_path / "waivers.json"
    waivers.write_text(json.dumps([{"config": "*", "point": "ebpc.tx.length", "bin": ">256",
                                    "reason": "test: cannot happen"}]))
    assert report_main([str(d), "--out", str(out), "--check", "--waivers", str(waivers)]) == 0
    assert "waived: ebpc.tx.length >256: test: cannot happen" in (out / "coverage.txt").read_text()
    assert json.loads((out / "coverage.json").read_text())["W8_N8_Z16"]["hit"] == 1


def test_report_expects_every_sweep_config(tmp_path):
    merged = {(8, 8, 16): {p: {"x": 1} for p in ("encoder.traffic", "decoder.traffic")}}
    problems = missing_configs(merged, [(8, 8, 16), (8, 8, 2)])
    assert "W8_N8_Z16: no data for loopback.traffic, ebpc.decoder.error" in problems
    assert "W8_N8_Z2: no coverage data" in problems


def test_report_without_data_is_one_line_error(tmp_path, capsys):
    assert report_main([str(tmp_path / "none"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no coverage JSON" in err[0]
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.json").write_text("{}")
    assert report_main([str(bad), "--out", str(tmp_path)]) == 2


def test_waiver_matches_config_point_and_bin():
    w = Waiver("W8_N8_Z16", "p", "b", "why")
    assert w.applies((8, 8, 16), "p", "b")
    assert not w.applies((8, 8, 2), "p", "b") and not w.applies((8, 8, 16), "p", "c")


def test_traffic_bins_cover_the_issue_list():
    for top, bins in TRAFFIC_BINS.items():
        assert "reset.mid_transmission" in bins
        assert any(b.endswith("back_to_back") for b in bins), top
        assert any(b.endswith("stall_with_data") for b in bins), top
    assert "znz+bpc.stall_with_data" in TRAFFIC_BINS["encoder"]


def test_pairwise_configs_hold_every_pair_of_the_sweep():
    assert set(spec.PAIRWISE_CONFIGS) <= set(spec.SWEEP_CONFIGS)
    for a, b in ((0, 1), (0, 2), (1, 2)):
        assert {(c[a], c[b]) for c in spec.PAIRWISE_CONFIGS} == {(c[a], c[b]) for c in spec.SWEEP_CONFIGS}
