# SPDX-License-Identifier: Apache-2.0
"""The synthesis flow: the area-only cell library against the sky130 functional models
(simulated with Icarus), the depth/area accounting on hand-made netlists, the budget check,
and the W=8 encoder and decoder against their checked-in budget."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ebpc_synth import __main__ as synth_cli
from ebpc_synth import rtl_files
from ebpc_synth.cells import Cell, Library, build_library, parse_functional, sky130_hd_dir, truth_table
from ebpc_synth.flow import Config, SynthResult, netlist_depth

REPO = Path(__file__).resolve().parents[2]
BUDGET = REPO / "rtl" / "synth" / "budget.json"


@pytest.fixture(scope="module")
def library() -> Library:
    return build_library()


def test_library_has_the_usual_cells_with_lef_areas(library):
    names = {c.name: c for c in library.cells}
    assert names["nand2_1"].area == pytest.approx(3.7536)
    assert library.nand2_area == pytest.approx(3.7536)
    for needed in ("inv_1", "nor2_1", "xor2_1", "mux2_1", "a21oi_1", "o21ai_1", "nand3_1"):
        assert needed in names, needed
    # Flip-flops: async reset costs more than none; all are several NAND2s.
    assert library.flop_area["$_DFF_P_"] < library.flop_area["$_DFF_PN0_"]
    assert all(4 < a / library.nand2_area < 10 for a in library.flop_area.values())


def _simulate_cell(cell: Cell, workdir: Path) -> tuple[int, ...]:
    """Exhaustive truth table of the sky130 functional model, simulated with Icarus."""
    cells_dir = sky130_hd_dir()
    family = cell.name.rsplit("_", 1)[0]
    model = cells_dir / family / f"sky130_fd_sc_hd__{cell.name}.functional.v"
    n = len(cell.inputs)
    ports = ", ".join(f".{p}(in_vec[{n - 1 - i}])" for i, p in enumerate(cell.inputs))
    tb = workdir / f"tb_{cell.name}.v"
    tb.write_text(f"""`timescale 1ns/1ps
module tb; reg [{n - 1}:0] in_vec; wire y; integer i;
  sky130_fd_sc_hd__{cell.name} dut ({ports}, .{cell.output}(y));
  initial begin for (i = 0; i < {1 << n}; i = i + 1) begin in_vec = i; #1 $display("%b", y); end end
endmodule
""")
    exe = workdir / f"{cell.name}.vvp"
    subprocess.run(["iverilog", "-g2005", "-DFUNCTIONAL", "-I", str(model.parent), "-o", str(exe), str(tb), str(model)],
                   check=True, capture_output=True, cwd=model.parent)
    out = subprocess.run(["vvp", "-n", str(exe)], check=True, capture_output=True, text=True).stdout.split()
    return tuple(int(x) for x in out if x in ("0", "1"))


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="needs Icarus Verilog (make setup installs it)")
def test_every_cell_function_matches_its_simulated_model(library, tmp_path):
    assert len(library.cells) >= 60
    for cell in library.cells:
        assert truth_table(cell) == _simulate_cell(cell, tmp_path), cell.name


def test_parse_functional_reads_gates_and_rejects_sequential_models():
    text = """module m (Y, A, B, C);
      output Y;
      input  A;
      input  B, C;
      wire w;
      and a0 (w, A, B);
      nor n0 (Y, w, C);
    endmodule"""
    inputs, output, formula = parse_functional(text)
    cell = Cell("m", 1.0, inputs, output, formula)
    assert truth_table(cell) == tuple(int(not ((a and b) or c)) for a, b, c in itertools.product((0, 1), repeat=3))
    latch = """module l (Q, D, G);
      output Q;
      input D;
      input G;
      sky130_fd_sc_hd__udp_dlatch$P l0 (Q, D, G);
    endmodule"""
    assert parse_functional(latch) is None


def _netlist(cells: dict, ports: dict) -> dict:
    return {"cells": cells, "ports": ports}


def test_depth_counts_logic_cells_between_registers_and_ports(library):
    # in(2) -> inv -> nand2 -> dff(D); dff(Q) -> inv -> inv -> inv -> out(9)
    cells = {
        "i0": {"type": "inv_1", "connections": {"A": [2], "Y": [3]}},
        "n0": {"type": "nand2_1", "connections": {"A": [3], "B": [2], "Y": [4]}},
        "ff": {"type": "$_DFF_PN0_", "connections": {"C": [1], "D": [4], "R": [5], "Q": [6]}},
        "i1": {"type": "inv_1", "connections": {"A": [6], "Y": [7]}},
        "i2": {"type": "inv_1", "connections": {"A": [7], "Y": [8]}},
        "i3": {"type": "inv_1", "connections": {"A": [8], "Y": [9]}},
    }
    ports = {"clk": {"direction": "input", "bits": [1]}, "a": {"direction": "input", "bits": [2]},
             "rst": {"direction": "input", "bits": [5]}, "y": {"direction": "output", "bits": [9]}}
    assert netlist_depth(_netlist(cells, ports), library) == 3
    cells["i3"]["connections"]["A"] = [4]   # now in -> inv -> nand2 -> inv -> out: 3 as well
    assert netlist_depth(_netlist(cells, ports), library) == 3
    cells["n0"]["connections"]["B"] = [9]   # a longer chain into the flop's D: 4 cells
    cells["i3"]["connections"]["A"] = [8]
    assert netlist_depth(_netlist(cells, ports), library) == 4


def _result(label_params, ge, depth, nand2=3.7536) -> SynthResult:
    config = Config("ebpc_encoder", label_params)
    return SynthResult(config, flops=1, cells=1, area_um2=ge * nand2, area_seq_um2=0.0, depth=depth,
                       nand2_um2=nand2, module_area_um2={}, cell_counts={})


def test_budget_check_flags_growth_beyond_tolerance(tmp_path):
    params = (("DataWidth", 8), ("BlockSize", 8), ("MaxZeroRun", 16))
    budget = tmp_path / "budget.json"
    budget.write_text(json.dumps({"tolerance": 0.02, "configs": [
        {"top": "ebpc_encoder", "params": dict(params), "ge": 1000, "depth": 20}]}))
    label = Config("ebpc_encoder", params).label
    assert synth_cli.check_budget(budget, {label: _result(params, 1019, 20)}) == []
    problems = synth_cli.check_budget(budget, {label: _result(params, 1021, 20)})
    assert len(problems) == 1 and "GE" in problems[0]
    problems = synth_cli.check_budget(budget, {label: _result(params, 900, 21)})
    assert len(problems) == 1 and "depth" in problems[0]
    assert "not synthesized" in synth_cli.check_budget(budget, {})[0]


def test_lanes_sweep_and_its_table():
    """-L adds Lanes to each configuration (none at 1); the table holds GE and depth against
    Lanes x GE(1) and depth(1)."""
    args = synth_cli.argparse.Namespace(tops="encoder", W=[8], lanes=[1, 4], N=[8], Z=[16], P=0, param=[])
    labels = [c.label for c in synth_cli.configs_from_args(args)]
    assert labels == ["ebpc_encoder_W8_N8_Z16", "ebpc_encoder_W8_N8_Z16_Lanes4"]
    base = (("DataWidth", 8), ("BlockSize", 8), ("MaxZeroRun", 16))
    rows = synth_cli.lanes_table([_result(base, 1000, 20), _result((*base, ("Lanes", 4)), 3000, 50)])
    assert rows[-2:] == ["| ebpc_encoder | 8 | 8 | 16 | 1 | 1000 | 1.00 | 20 | 1.00 |",
                         "| ebpc_encoder | 8 | 8 | 16 | 4 | 3000 | 0.75 | 50 | 2.50 |"]
    assert synth_cli.lanes_table([_result(base, 1000, 20)]) == []


def test_bad_arguments_give_one_line(capsys):
    assert synth_cli.main(["--tops", "widget", "-W", "8"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown top" in err[0]
    with pytest.raises(SystemExit):
        synth_cli.main(["-W", "eight"])


@pytest.mark.xdist_group("synth")
def test_w8_encoder_and_decoder_within_budget(tmp_path):
    """`make synth` for the budget's configurations: both synthesize and stay within 2 %."""
    rc = synth_cli.main(["--check", str(BUDGET), "--out", str(tmp_path), "--no-modules"])
    report = json.loads((tmp_path / "synth.json").read_text())
    assert {c["top"] for c in report["configs"]} == {"ebpc_encoder", "ebpc_decoder"}
    for row in report["configs"]:
        assert row["ge_total"] > 0 and row["depth"] > 0 and row["flops"] > 0
    assert rc == 0, "synthesis budget exceeded (see the synth: budget lines above)"


def test_slang_compiles_every_top_of_the_sweep_strictly():
    from ebpc_synth.slang_check import SWEEP, TOPS, check_sweep
    files = [str(p) for p in rtl_files()]
    assert len(TOPS) * len(SWEEP) == 90
    assert check_sweep(files) == []


def test_slang_rejects_illegal_parameters_and_use_before_declaration(tmp_path):
    from ebpc_synth.slang_check import check
    files = [str(p) for p in rtl_files()]
    ok, text = check(files, "ebpc_encoder", ["DataWidth=12"])
    assert not ok and "DataWidth" in text
    bad = tmp_path / "bad.sv"
    bad.write_text("module bad (input logic a_i, output logic y_o);\n"
                   "  assign w = a_i;\n  logic w;\n  assign y_o = w;\nendmodule\n")
    ok, text = check([str(bad)], "bad")
    assert not ok and "before its declaration" in text


def test_illegal_parameter_fails_synthesis_with_one_line(tmp_path, capsys):
    rc = synth_cli.main(["--tops", "encoder", "-W", "12", "--no-modules", "--out", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 1
    assert len(err) == 1 and "DataWidth=12 is illegal" in err[0]
