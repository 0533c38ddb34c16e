# SPDX-License-Identifier: Apache-2.0
"""The lane dimension of the coverage model (ebpc_tb.bench.lane_bins): bins worked out by hand
from the lane layout and the format, the closure stimulus, and the coverage file."""

from __future__ import annotations

import json
import random

import pytest

from ebpc_tb.bench.lane_bins import STREAMS, lane_bins, lane_closure, lane_coverage_json, transmission_lane_bins
from ebpc_tb.reports.coverage_report import merge, render


def test_a_single_lane_has_no_lane_dimension():
    assert lane_bins(1) == {}
    assert transmission_lane_bins([0, 1, 2], 8, 8, 16, 1) == []


def test_the_bin_space_of_four_lanes():
    bins = lane_bins(4)
    assert bins["ebpc.lanes4.final_keep"] == [f"{s}.{k}" for s in ("data", "znz", "bpc") for k in (1, 2, 3, 4)]
    assert bins["ebpc.lanes4.run_start"] == ["0", "1", "2", "3"]
    assert set(lane_bins(4, ("data",))) == {"ebpc.lanes4.final_keep", "ebpc.lanes4.packet", "ebpc.lanes4.run_start",
                                           "ebpc.lanes4.run_end", "ebpc.lanes4.run_beats"}


def test_zero_runs_and_the_final_beat_at_four_lanes():
    # words 0 1 | 2 | 3 4 5 | 6 at lanes 0 1 2 3 | 0 1 2: runs 0..1 (one beat) and 3..5 (two)
    got = transmission_lane_bins([0, 0, 5, 0, 0, 0, 7], 8, 8, 16, 4, ("data",))
    assert got == [("ebpc.lanes4.final_keep", "data.3"), ("ebpc.lanes4.packet", "several_beats"),
                   ("ebpc.lanes4.run_start", "0"), ("ebpc.lanes4.run_end", "1"),
                   ("ebpc.lanes4.run_beats", "within_beat"),
                   ("ebpc.lanes4.run_start", "3"), ("ebpc.lanes4.run_end", "1"),
                   ("ebpc.lanes4.run_beats", "spans_beats")]


def test_blocks_on_the_beats_of_the_bpc_stream():
    # 16 words of 1 at W=8, N=8: two blocks, each a base (8 bits) and one run of 9 zero
    # planes ('001' + 9-2 in 3 bits): 14 bits each, bits 0..13 (words 0..1) and 14..27
    # (words 1..3); 28 bits are 4 words, so the final beat of 2 lanes is full.
    got = transmission_lane_bins([1] * 16, 8, 8, 16, 2, ("bpc",))
    assert got == [("ebpc.lanes2.final_keep", "bpc.2"),
                   ("ebpc.lanes2.block_start", "0"), ("ebpc.lanes2.block_beats", "within_beat"),
                   ("ebpc.lanes2.block_start", "1"), ("ebpc.lanes2.block_beats", "straddles")]


@pytest.mark.parametrize("w,n,z,lanes", [(8, 8, 16, 8), (16, 8, 2, 2), (32, 8, 16, 4)])
def test_the_closure_stimulus_hits_every_lane_bin(w, n, z, lanes):
    seed = 7
    txs = lane_closure(w, n, z, lanes, random.Random(seed))
    samples = [s for v in txs for s in transmission_lane_bins(v, w, n, z, lanes)]
    data = json.loads(lane_coverage_json({"w": w, "n": n, "z": z, "seed": seed, "top": "encoder"},
                                         {lanes: STREAMS}, samples))
    unhit = [(p, b) for p, e in data["coverage"].items() for b, c in e["bins"].items() if not c]
    assert not unhit, f"seed {seed}: {unhit}"
    assert data["config"]["params"] == {"Lanes": lanes}


def test_the_coverage_report_checks_lane_bins(tmp_path):
    """A lane file merges into its parameter set and an unhit lane bin is reported."""
    samples = transmission_lane_bins([0, 0, 5], 8, 8, 16, 2)
    (tmp_path / "run.json").write_text(lane_coverage_json({"w": 8, "n": 8, "z": 16, "seed": 1, "top": "encoder"},
                                                          {2: STREAMS}, samples))
    merged = merge([tmp_path / "run.json"])
    _, _, unhit = render(merged)
    assert "W8_N8_Z16 ebpc.lanes2.run_start 1" in unhit
    assert not any("run_start 0" in u for u in unhit)


def test_a_sample_outside_the_model_is_refused():
    with pytest.raises(ValueError, match="outside the lane model"):
        lane_coverage_json({"w": 8}, {2: ("data",)}, [("ebpc.lanes2.run_start", "5")])
