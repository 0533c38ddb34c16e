# SPDX-License-Identifier: Apache-2.0
"""RTL-to-netlist equivalence (`make equiv`, ebpc_synth.equiv): the netlist-side helpers on
hand-made inputs, then with Yosys the W=8 decoder (the configuration with a re-encoded state
register) synthesized as `make synth` does and proven equivalent to its RTL, and the self-test:
a seeded change of one cell of that netlist must come out as not equivalent. `make equiv` runs
the full set (encoder and decoder at W = 8, 16, 32)."""

from __future__ import annotations

import itertools
import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest

from ebpc_synth import equiv
from ebpc_synth.cells import Library, build_library, truth_table
from ebpc_synth.equiv_netlist import (EquivError, FsmEncoding, add_legal_code_wires, cell_models,
                                      check_reset_codes, encfile_text, fixed_names, fsm_encodings,
                                      genlib_to_verilog, plant_fault)
from ebpc_synth.flow import Config

REPO = Path(__file__).resolve().parents[2]
LOG = """3.9.6. Executing FSM_RECODE pass (re-assigning FSM state encoding).
Recoding FSM `$fsm$\\u_bpc.state_q$2967' from module `\\ebpc_decoder' using `auto' encoding:
  mapping auto encoding to `one-hot` for this FSM.
  00 -> ---1
  10 -> --1-
  01 -> -1--
  11 -> 1---

3.9.7. Executing FSM_INFO pass (dumping all available information on FSM cells).
"""
ONE_HOT = FsmEncoding("ebpc_decoder", "u_bpc.state_q", (("00", "---1"), ("10", "--1-"), ("01", "-1--"), ("11", "1---")))


def _seed() -> int:
    raw = os.environ.get("EBPC_SEED", "")
    return int(raw) if raw.isdigit() else random.randrange(1 << 31)


@pytest.fixture(scope="module")
def library() -> Library:
    return build_library()


def test_cell_models_have_the_library_functions(library):
    """The Verilog of each genlib cell (the netlist side of the proof) computes its truth table."""
    text = cell_models(library)
    assert text.count("endmodule") == len(library.cells) + 2      # + ZERO, ONE
    for cell in library.cells:
        expr = genlib_to_verilog(cell.formula)
        assert f"assign {cell.output} = {expr};" in text
        # Verilog's ~ & | on 1-bit values: Python's on ints, masked to one bit.
        got = tuple(eval(expr, {}, dict(zip(cell.inputs, bits))) & 1  # noqa: S307
                    for bits in itertools.product((0, 1), repeat=len(cell.inputs)))
        assert got == truth_table(cell), cell.name
    with pytest.raises(EquivError):
        genlib_to_verilog("A; $finish")


def test_fsm_encodings_come_from_the_synthesis_log():
    assert fsm_encodings(LOG) == (ONE_HOT,)
    assert fsm_encodings("no FSM here\n") == ()
    assert encfile_text([ONE_HOT]).splitlines() == [
        ".fsm ebpc_decoder u_bpc.state_q", ".map 00 ---1", ".map 10 --1-", ".map 01 -1--", ".map 11 1---"]
    with pytest.raises(EquivError, match="no encoding"):
        fsm_encodings(LOG.split("  mapping")[0] + "\n3.9.7. Executing\n")


def _flop(kind: str, d: int, q: int) -> dict:
    return {"type": kind, "connections": {"C": [2], "D": [d], "Q": [q]}}


def _one_hot_design(reset_kinds: list[str]) -> dict:
    """A module whose 4-bit one-hot register u_bpc.state_q (Q bits 10..13, D bits 20..23) is
    read by a nand2_1 driving output y (bit 30), plus an unobserved nand2_1."""
    cells = {f"ff{i}": _flop(kind, 20 + i, 10 + i) for i, kind in enumerate(reset_kinds)}
    cells["g_out"] = {"type": "nand2_1", "connections": {"A": [10], "B": [11], "Y": [30]}}
    cells["g_dead"] = {"type": "nand2_1", "connections": {"A": [12], "B": [13], "Y": [31]}}
    return {"modules": {"top": {
        "ports": {"clk": {"direction": "input", "bits": [2]}, "y": {"direction": "output", "bits": [30]}},
        "cells": cells,
        "netnames": {"u_bpc.state_q": {"hide_name": 0, "bits": [10, 11, 12, 13]},
                     "u_bpc.state_d": {"hide_name": 0, "bits": [20, 21, 22, 23]},
                     "y": {"hide_name": 0, "bits": [30]}}}}}


def test_reset_codes_and_legal_code_wire():
    good = _one_hot_design(["$_DFF_PN1_", "$_DFF_PN0_", "$_DFF_PN0_", "$_DFF_PN0_"])
    assert check_reset_codes(good, "top", [ONE_HOT]) == []
    assert check_reset_codes(_one_hot_design(["$_DFF_PN0_"] * 4), "top", [ONE_HOT]) == [
        "u_bpc.state_q: reset code 0000 is not exactly one legal code"]
    assert "without reset" in check_reset_codes(_one_hot_design(["$_DFF_P_"] + ["$_DFF_PN0_"] * 3),
                                                "top", [ONE_HOT])[0]
    add_legal_code_wires(good, "top", [ONE_HOT])
    module = good["modules"]["top"]
    legal = module["netnames"]["u_bpc.state_q__legal_code"]["bits"][0]
    # Evaluate the added gates for every next-state value: 1 exactly for the one-hot codes.
    added = [c for name, c in module["cells"].items() if name.startswith("$ebpc_equiv$")]
    for value in range(16):
        bits = {20 + i: (value >> i) & 1 for i in range(4)} | {"0": 0, "1": 1}
        for cell in added:              # built in topological order
            ins = [bits[cell["connections"][p][0]] for p in ("A", "B") if p in cell["connections"]]
            out = {"$_AND_": lambda a, b: a & b, "$_OR_": lambda a, b: a | b,
                   "$_NOT_": lambda a: 1 - a}[cell["type"]](*ins)
            bits[cell["connections"]["Y"][0]] = out
        assert bits[legal] == int(bin(value).count("1") == 1), value
    # Registers, ports and the legal-code wire stay paired; the D wire is only a cut point.
    assert fixed_names(good, "top", [ONE_HOT]) == {"clk", "y", "u_bpc.state_q", "u_bpc.state_q__legal_code"}


def test_planted_fault_changes_one_observed_cell(library):
    seed = _seed()
    design = _one_hot_design(["$_DFF_PN0_"] * 4)
    fault = plant_fault(design, "top", library, seed)
    cells = design["modules"]["top"]["cells"]
    assert (fault.cell, fault.old) == ("g_out", "nand2_1"), f"seed {seed}"
    assert cells["g_out"]["type"] == fault.new != "nand2_1" and cells["g_dead"]["type"] == "nand2_1"
    new = next(c for c in library.cells if c.name == fault.new)
    old = next(c for c in library.cells if c.name == "nand2_1")
    assert (new.inputs, new.output) == (old.inputs, old.output) and truth_table(new) != truth_table(old)


def test_bad_arguments_give_one_line(capsys):
    assert equiv.main(["--tops", "widget", "-W", "8"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown top" in err[0]


# -- with Yosys: the W=8 decoder --------------------------------------------------------------------

@pytest.fixture(scope="module")
def decoder_w8(library):
    """The W=8 decoder synthesized as `make synth` does, in a scratch folder under build/
    (Yosys runs on repository-relative paths)."""
    base = REPO / "build" / "equiv-tests"
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=base))
    config = Config("ebpc_decoder", (("DataWidth", 8), *equiv.DEFAULTS))
    netlist, log, _cpu = equiv.synthesize_netlist(config, work / "synth", library)
    yield config, netlist, log, work
    shutil.rmtree(work, ignore_errors=True)


@pytest.mark.xdist_group("equiv")
def test_decoder_w8_netlist_is_proven_equivalent(decoder_w8, library):
    config, netlist, log, work = decoder_w8
    result = equiv.check(config, netlist, log, work / "proof", library)
    assert [f.signal for f in result.fsm] == ["u_bpc.state_q"]     # the one-hot state is mapped
    assert result.equiv_cells > 200
    assert result.result == "proven", f"{result.result}: {result.detail} (log {result.log})"


@pytest.mark.xdist_group("equiv")
def test_planted_fault_is_not_equivalent(decoder_w8, library):
    """The check can fail: one cell of the netlist swapped for another function."""
    config, netlist, log, work = decoder_w8
    seed = _seed()
    result = equiv.check(config, netlist, log, work / "fault", library, bmc_depth=4, fault_seed=seed)
    assert result.fault is not None and result.fault.seed == seed
    assert result.result in ("not proven", "different"), \
        f"planted fault not found ({result.fault.text()}; replay with EBPC_SEED={seed}): {result.detail}"
    assert result.unproven > 0
