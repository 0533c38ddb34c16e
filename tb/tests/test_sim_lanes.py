# SPDX-License-Identifier: Apache-2.0
"""pytest wrapper: Lanes > 1 under each simulator.

* tb/test_lanes.py: encoder, decoder and loopback builds with Lanes words per beat, every
  output word checked against the golden model (the decoder also on malformed streams: every
  word and error_o against ebpc.decode_with_flags); the loopback also joins encoders and
  decoders of different Lanes (a stream written with 8 lanes decoded with 1 and the other
  way round);
* the AXI4-Stream benches (tb/test_axis_*.py, every test: conformance, corners, real
  vectors, coverage closure, random, malformed streams) on tops built with Lanes words per
  beat: cocotbext-axi packs the words into beats and keeps the final beat's bytes (TKEEP).

``test_decoder_throughput_with_lanes``: the multi-word decoder's rate against the port bound.

``make test`` runs a part of the (W, Lanes) space under each simulator; EBPC_FULL=1 all of
it. The builds are not instrumented for code coverage (the single-lane builds carry the
code-coverage gate); under ``make test`` each run writes its lane coverage points
(:mod:`ebpc_tb.bench.lane_bins`) for the functional-coverage check.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ebpc_tb import spec
from ebpc_tb.flow import runner
from ebpc_tb.flow.pytest_support import options, run_sim, session_seed, sims

# (top, sim, (W, N, Z), Lanes, DecLanes)
QUICK = [
    ("encoder", "verilator", (8, 8, 16), 8, 8),
    ("encoder", "verilator", (32, 8, 16), 4, 4),
    ("encoder", "icarus", (16, 8, 2), 2, 2),
    ("decoder", "verilator", (8, 8, 16), 8, 8),
    ("loopback", "verilator", (16, 8, 16), 8, 1),
    ("loopback", "icarus", (8, 8, 16), 1, 4),
]
FULL = [(top, sim, (w, 8, 16), lanes, lanes) for top in ("encoder", "decoder") for sim in ("icarus", "verilator")
        for w in spec.WIDTHS for lanes in (2, 4, 8)] + \
       [("loopback", sim, (w, 8, 16), a, b) for sim in ("icarus", "verilator") for w in spec.WIDTHS
        for a, b in ((8, 1), (1, 8), (2, 4), (8, 8))]


def _items():
    chosen = FULL if options().full else QUICK
    return [item for item in chosen if item[1] in sims()]


ITEMS = _items()


@pytest.mark.parametrize("top,sim,config,lanes,dec_lanes", ITEMS,
                         ids=[f"{t}-{s}-W{c[0]}N{c[1]}Z{c[2]}-L{a}" + (f"to{b}" if b != a else "")
                              for t, s, c, a, b in ITEMS])
def test_lanes(top, sim, config, lanes, dec_lanes, monkeypatch, tmp_path):
    monkeypatch.setenv(*next(iter(spec.NO_CODE_COVERAGE.items())))
    params = {"Lanes": lanes} | ({"DecLanes": dec_lanes} if top == "loopback" else {})
    seed = session_seed()
    name = f"lanes_{sim}_{top}_W{config[0]}_N{config[1]}_Z{config[2]}_L{lanes}to{dec_lanes}"
    coverage = str(Path(options().coverage_dir) / f"{name}.json") if options().coverage_dir else None
    run_spec = spec.RunSpec.of(config, params, seed=seed, select=top, full=options().full, coverage=coverage)
    log = tmp_path / "sim.log"
    res = runner.run(sim, top, run_spec, test_module="test_lanes", log_file=log)
    text = log.read_text(errors="replace") if log.exists() else ""
    ran = 2 if top == "decoder" else 1   # the decoder: well-formed and malformed streams
    assert res.ok and res.tests - res.skipped == ran, (
        f"{sim} {top} W,N,Z={config} Lanes={lanes} DecLanes={dec_lanes} seed={seed}: {res.line()}\n"
        f"reproduce: make test SEED={seed} PYTEST_ARGS='tb/tests/test_sim_lanes.py'\n{text[-3000:]}")


# (top, Lanes, the cocotb test's select): at W=8, long ReLU, smooth and dense packets
THROUGHPUT = [("encoder", 8, "throughput"), ("decoder", 4, "dec_throughput")]


@pytest.mark.parametrize("top,lanes,select", THROUGHPUT, ids=[f"{t}-L{a}" for t, a, _ in THROUGHPUT])
def test_throughput_with_lanes(top, lanes, select, tmp_path, monkeypatch):
    """The encoder with 8 lanes and the multi-word decoder with 4 at W=8: at least 0.95 of
    the port bound (the most beats any of its streams needs) on long ReLU, smooth and dense
    packets, every word checked (make bench prints the whole table)."""
    monkeypatch.setenv(*next(iter(spec.NO_CODE_COVERAGE.items())))
    sim = "verilator" if "verilator" in sims() else sims()[0]
    results = tmp_path / "tput.jsonl"
    run_spec = spec.RunSpec.of((8, 8, 16), {"Lanes": lanes}, seed=1, select=select, results=str(results),
                               words=2048)
    res = runner.run(sim, top, run_spec, test_module="test_lanes", log_file=tmp_path / "sim.log")
    assert res.ok and res.tests - res.skipped == 1, res.line()
    rows = [json.loads(line) for line in results.read_text().splitlines()]
    assert [r["kind"] for r in rows] == ["relu", "smooth", "dense"]
    fractions = {r["kind"]: r["bound_cycles"] / r["cycles"] for r in rows}
    assert all(f >= 0.95 for f in fractions.values()), fractions


AXIS_QUICK = [("axis_encoder", "verilator", (8, 8, 16), 8), ("axis_decoder", "verilator", (8, 8, 16), 8),
              ("axis_encoder", "icarus", (16, 8, 16), 2), ("axis_decoder", "icarus", (16, 8, 16), 2)]
AXIS_FULL = [(top, sim, (w, 8, 16), lanes) for top in ("axis_encoder", "axis_decoder")
             for sim in ("icarus", "verilator") for w in spec.WIDTHS for lanes in (2, 4, 8)]
AXIS = [item for item in (AXIS_FULL if options().full else AXIS_QUICK) if item[1] in sims()]


@pytest.mark.parametrize("top,sim,config,lanes", AXIS,
                         ids=[f"{t}-{s}-W{c[0]}N{c[1]}Z{c[2]}-L{a}" for t, s, c, a in AXIS])
def test_axis_lanes(top, sim, config, lanes):
    """The AXI4-Stream tops with beats (under Verilator instrumented for code coverage)."""
    run_sim(sim, top, config, 0.3, extra_args=["--param", f"Lanes={lanes}"])
