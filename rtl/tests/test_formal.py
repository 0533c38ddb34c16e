# SPDX-License-Identifier: Apache-2.0
"""SymbiYosys (rtl/formal/formal.py): on the encoder every RTL assertion holds to a bounded depth
under the input-protocol assumptions, on the decoder its output port protocol (port-level harness);
every cover (a transmission completing on each output) is reached, and each deliberately broken
property is refuted. The default regression checks the encoder to depth 10 (about 20 s), FULL=1
(and `make formal`) to 24 cycles (about 20 minutes); the decoder to 24 cycles (seconds)."""

from __future__ import annotations

import importlib.util
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
DEPTH = 24 if os.environ.get("EBPC_FULL", "") == "1" else 10


@pytest.mark.xdist_group("formal")
@pytest.mark.parametrize("job,task", [(j, t) for j in ("encoder", "decoder")
                                      for t in ("broken", "cover", "prove")])
def test_formal(job, task, tmp_path):
    # The decoder's harness checks its ports only: 24 cycles take seconds.
    depth = DEPTH if job == "encoder" else 24
    res = formal.run_task(job, task, depth, 24, timeout=3 * 3600, out_dir=tmp_path)
    assert res.ok, res.line()
    if task == "broken":
        # The counterexample is the planted property's, not one of the RTL's assertions.
        assert f"ebpc_{job}_formal.sv" in res.detail, res.line()


def test_sby_file_lists_the_manifest_files_and_the_harness():
    text = formal.sby_text("encoder", 24, 24)
    assert "prove: depth 24" in text and "broken: expect fail" in text
    for name in ("ebpc_fifo.sv", "ebpc_enc_packer.sv", "ebpc_encoder.sv", "ebpc_encoder_formal.sv"):
        assert name in text
    assert "ebpc_decoder.sv" not in text and "-U SYNTHESIS -D FORMAL" in text
