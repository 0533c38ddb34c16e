# SPDX-License-Identifier: Apache-2.0
"""SymbiYosys (rtl/formal/formal.py): the encoder's and decoder's RTL assertions are proven for
all depths (k-induction) under the input-protocol assumptions, every cover is reached, each
deliberately broken property is refuted (by the prove engine for the cores, by BMC for the
loopback's wrong end-to-end property), the encoder with word counts holds to a short BMC depth,
and the summary lists each job's properties with its verdict. The default regression runs what
takes seconds (REGRESSION): the proofs at W = 8 with Lanes = 1 and 2; FULL=1 (EBPC_FULL=1) adds
the W = 16, W = 32 and Lanes = 4 proofs, the encoder with counts to 24 cycles and the loopback's
end-to-end BMC to its full depth (the long runs of `make formal`)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

FORMAL_PY = Path(__file__).resolve().parents[1] / "formal" / "formal.py"


def _formal():
    spec = importlib.util.spec_from_file_location("ebpc_formal", FORMAL_PY)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module      # (dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


formal = _formal()
FULL = os.environ.get("EBPC_FULL", "") == "1"

# (job, task, depth) of the default regression: the proofs at W = 8 (Lanes = 1, 2), the
# planted properties (refuted by the prove engine for the cores), the covers, the encoder with
# word counts to a short BMC depth and the loopback's planted end-to-end property.
REGRESSION = [
    ("decoder", "prove", 24), ("decoder", "broken", 24), ("decoder", "cover", 24),
    ("encoder", "prove", 24), ("encoder", "broken", 24), ("encoder", "cover", 24),
    ("encoder_counts", "bmc", 10), ("loopback", "broken", 24), ("loopback", "cover", 24),
    ("decoder_l2", "prove", 24), ("decoder_l2", "broken", 24), ("encoder_l2", "prove", 24),
    ("encoder_l2", "broken", 24), ("encoder_l2", "cover", 24),
]
# FULL=1: the W = 16, W = 32 and Lanes = 4 proofs and the loopback's end-to-end BMC.
FULL_ONLY = [
    ("encoder_w16", "prove", 24), ("encoder_w16", "broken", 24),
    ("decoder_w16", "prove", 24), ("decoder_w16", "broken", 24),
    ("encoder_w32", "prove", 24), ("decoder_w32", "prove", 24),
    ("encoder_l4", "prove", 24), ("decoder_l4", "prove", 24), ("decoder_l2", "cover", 24),
    ("encoder_counts", "bmc", 24), ("loopback", "bmc", formal.LOOPBACK_DEPTH),
]
CASES = REGRESSION + (FULL_ONLY if FULL else [])


@pytest.mark.xdist_group("formal")
@pytest.mark.parametrize("job,task,depth", CASES, ids=[f"{j}-{t}" for j, t, _ in CASES])
def test_formal(job, task, depth, tmp_path):
    res = formal.run_task(job, task, depth, depth, timeout=3 * 3600, out_dir=tmp_path)
    print(res.line())
    assert res.ok, res.line()
    if task == "broken":
        # The counterexample is the planted property's, not one of the RTL's assertions.
        assert f"ebpc_{job.split('_')[0]}_formal.sv" in res.detail, res.line()
    if task == "prove":
        rows = formal.summarize([res])
        assert rows and all(r.status == "proven" and r.job == job for r in rows)


def test_sby_file_lists_the_manifest_files_and_the_harness():
    text = formal.sby_text("encoder", 24, 24)
    assert "prove: mode prove" in text and "prove: smtbmc yices" in text and "broken: expect fail" in text
    k = formal.JOBS["encoder"].induction_depth
    assert f"prove: depth {k}" in text and f"broken: depth {k}" in text     # k-induction's k
    for name in ("ebpc_fifo.sv", "ebpc_enc_packer.sv", "ebpc_encoder.sv", "ebpc_encoder_formal.sv"):
        assert name in text
    assert "ebpc_decoder.sv" not in text and "-U SYNTHESIS -D FORMAL" in text
    assert "-G DataWidth=16" in formal.sby_text("decoder_w16", 24, 24)
    loop = formal.sby_text("loopback", formal.LOOPBACK_DEPTH, 24)
    assert f"bmc: depth {formal.LOOPBACK_DEPTH}" in loop and "broken: mode bmc" in loop
    for name in ("ebpc_encoder.sv", "ebpc_decoder.sv", "ebpc_loopback.sv", "ebpc_loopback_formal.sv"):
        assert name in loop
    for text in (formal.sby_text(job, 24, 24) for job in formal.JOBS):
        assert "ebpc_assert.svh" in text and "formal/ebpc_formal.svh" in text   # the headers


def test_property_names_and_summary(tmp_path):
    names = formal.job_properties("encoder_counts")
    assert "ebpc_fifo.push_full" in names and "ebpc_encoder.inflight_wrap" in names
    assert "ebpc_enc_packer.count_wrap" in names
    plain = formal.job_properties("encoder")        # no count queues, count_wrap vacuous
    assert "ebpc_fifo.push_full" not in plain and "ebpc_enc_packer.count_wrap" not in plain
    assert "ebpc_fifo.push_full" not in formal.job_properties("decoder")
    assert "ebpc_fifo.ctrl_known" not in names          # simulation-only (`ifndef FORMAL)
    # The collector's checks hold at every Lanes: listed once, under its one module name.
    assert "ebpc_enc_collector.fill_range" in names and "ebpc_enc_znz.run_cleared" in names
    assert not any("planted" in n for n in names)
    assert "ebpc_encoder_formal.planted_ready" in formal.job_properties("encoder", broken=True)
    loop = formal.job_properties("loopback")
    assert {"ebpc_loopback_formal.e2e_value", "ebpc_loopback_formal.e2e_no_extra",
            "ebpc_loopback_formal.e2e_last"} <= set(loop)
    assert "ebpc_loopback_formal.e2e_broken" not in loop
    T = formal.TaskResult
    rows = formal.summarize([T("decoder", "prove", "PASS", "PASS", 1.0),
                             T("loopback", "bmc", "PASS", "PASS", 1.0, "", 49),
                             T("encoder", "prove", "FAIL", "PASS", 1.0, "", 7),
                             T("encoder", "bmc", "PASS", "PASS", 1.0, "", 24),
                             T("encoder_w16", "prove", "TIMEOUT", "PASS", 1.0),
                             T("encoder_counts", "prove", "TIMEOUT", "PASS", 1.0),
                             T("encoder_counts", "bmc", "PASS", "PASS", 1.0, "", 24),
                             T("decoder_w16", "bmc", "TIMEOUT", "PASS", 1.0, "", 17)])
    status = {(r.job, r.status, r.depth) for r in rows}
    assert status == {("decoder", "proven", None), ("loopback", "bounded", 49),
                      ("encoder", "failed", 7), ("encoder_w16", "failed", None),
                      ("encoder_counts", "bounded", 24), ("decoder_w16", "bounded", 17)}
    out = tmp_path / "summary.json"
    formal.write_summary(rows, out)
    data = json.loads(out.read_text())
    assert len(data) == len(rows) and set(data[0]) == {"job", "property", "status", "depth"}


def test_bad_arguments_give_one_line_errors(capsys):
    assert formal.main(["--jobs", "nosuch"]) == 2
    assert formal.main(["--jobs", "encoder", "--depth", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("formal: ") for line in err)
