# SPDX-License-Identifier: Apache-2.0
"""RTL-to-RTL equivalence (`make equiv-rtl REV=..`, ebpc_synth.equiv_rtl), the guard of a
refactoring: the W=8 decoder of this tree proven equal to a copy of itself, and a copy with one
comparison changed (a ready that comes one word early) must come out `not proven`, naming it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ebpc_synth import RTL_DIR, equiv_rtl
from ebpc_synth.flow import Config

REPO = Path(__file__).resolve().parents[2]
CONFIG = Config("ebpc_decoder", (("DataWidth", 8),))
# The bit buffer takes a word only with room for it; the plant takes one with one bit less.
PLANT = ("ebpc_dec_bitbuf.sv", "(CntWidth+1)'(InBits) <=", "(CntWidth+1)'(InBits) <")


@pytest.fixture(scope="module")
def work() -> Path:
    path = REPO / "build" / "equiv_rtl-tests"
    shutil.rmtree(path, ignore_errors=True)
    shutil.copytree(RTL_DIR, path / "gold" / "rtl", ignore=shutil.ignore_patterns("synth", "formal", "tests"))
    return path


def _planted_copy(work: Path) -> Path:
    gate = work / "planted" / "rtl"
    shutil.copytree(work / "gold" / "rtl", gate)
    name, old, new = PLANT
    text = (gate / name).read_text()
    assert text.count(old) == 1, f"the planted change no longer applies to {name}"
    (gate / name).write_text(text.replace(old, new))
    return gate


def test_same_rtl_is_proven(work):
    result = equiv_rtl.check(CONFIG, work / "gold" / "rtl", RTL_DIR, work / "same")
    assert result.result == "proven", result.unproven_signals
    assert result.equiv_cells > 100   # ports and registers were paired, not nothing


def test_planted_change_is_not_proven(work):
    gate = _planted_copy(work)
    result = equiv_rtl.check(CONFIG, work / "gold" / "rtl", gate, work / "planted_run")
    assert result.result == "not proven"
    assert any("ready" in name for name in result.unproven_signals), result.unproven_signals


def test_cli_rejects_bad_input(capsys):
    assert equiv_rtl.main(["--rev", "HEAD", "--tops", "nonsense"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("equiv-rtl: error: unknown top")


def test_registers_pair_without_generate_if_scopes():
    renames = {"u_collector.blk_q": "u_collector.q_q"}
    assert equiv_rtl.pairing_name("gen_word.u_collector.blk_q", renames) == "u_collector.q_q"
    assert equiv_rtl.pairing_name("gen_word.u_znz.run_q", renames) == "u_znz.run_q"
    assert equiv_rtl.pairing_name("u_encoder.gen_word.u_collector.blk_q", renames) == "u_encoder.u_collector.q_q"
    assert equiv_rtl.pairing_name("u_xu_collector.blk_q", renames) == "u_xu_collector.blk_q"
    # A generate loop's scope has an index and stays: its iterations are different registers.
    assert equiv_rtl.pairing_name("u_out.gen_lane[2].word_q", {}) == "u_out.gen_lane[2].word_q"
