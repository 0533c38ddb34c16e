# SPDX-License-Identifier: Apache-2.0
"""pytest wrapper: every bundled conformance case on the RTL at its own W, N, Z.

For each parameter set of model/ebpc/data/conformance_cases.json that the sweep does not
build (EBPC_FULL=1: every set), ``python -m ebpc_tb.flow.run --vectors <that set's cases>`` builds
the encoder, decoder and loopback there (cached) and runs test_vectors: the encoder must
produce each case's stored streams word for word, the decoder must decode them back, the
loopback must round-trip the values, in free flow and under random traffic. Under the first
simulator (EBPC_FULL=1: every one). No functional coverage is recorded: a handful of cases
cannot close a parameter set's bins (the sampled and swept sets carry the coverage).
"""

from __future__ import annotations

import json

import pytest

from ebpc_tb.spec import CONFORMANCE_FILE
from ebpc_tb.flow.pytest_support import conformance_configs, options, run_many, sims
from ebpc_tb.bench.stimulus import load_case_file

CONFIGS = conformance_configs()


def _sims() -> str:
    return ",".join(sims()) if options().full else sims()[0]


@pytest.mark.parametrize("config", CONFIGS, ids=[f"W{w}N{n}Z{z}" for w, n, z in CONFIGS])
def test_conformance_cases_at_their_parameters(config, tmp_path):
    cases = [c for c in load_case_file(CONFORMANCE_FILE) if (c["w"], c["n"], c["z"]) == tuple(config)]
    assert cases, f"no conformance case at {config}"
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases))
    w, n, z = config
    out = run_many(["--sim", _sims(), "--top", "encoder,decoder,loopback", "--vectors", str(path)],
                   f"conformance_W{w}N{n}Z{z}")
    runs = 3 * len(_sims().split(","))          # one per (simulator, top)
    assert f"all {runs} run(s) passed" in out, out[-3000:]
    assert f"PASS W={w} N={n} Z={z}:" in out, out[-3000:]
