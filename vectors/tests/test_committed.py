"""The committed vectors match their manifests; the stimulus JSON matches the model and the maps."""

import json
from pathlib import Path

import numpy as np
import pytest

from ebpc_vectors import nets
import ebpc
from ebpc_vectors.committed import (CAPTURES, STIMULUS_FILE, STIMULUS_MAPS, STIMULUS_N,
                                    STIMULUS_WORDS, STIMULUS_Z)
from ebpc_vectors.store import VectorSet, array_sha256, find_sets

DATA = Path(__file__).resolve().parents[1] / "data"


def _sets():
    return find_sets(DATA)


def test_expected_sets_present():
    names = {s.manifest["set"] for s in _sets()}
    want = set()
    for args in CAPTURES:
        net = args[args.index("--net") + 1]
        want |= {f"{net}-{q}" for q in args[args.index("--quant") + 1].split(",")}
    assert names == want
    assert {s.manifest["network"] for s in _sets()} >= {"resnet20", "resnet32"}
    assert any(e["kind"] == "grad" for s in _sets() for e in s.entries)
    total = sum(p.stat().st_size for p in DATA.iterdir())
    assert total < 8_000_000, total


@pytest.mark.parametrize("path", sorted(p for p in DATA.glob("*.json") if p.name != STIMULUS_FILE),
                         ids=lambda p: p.name)
def test_set_matches_manifest(path):
    s = VectorSet(path)
    m = s.manifest
    wfile = nets.REPO_WEIGHTS_DIR / m["weights"]
    assert m["trained"] and wfile.is_file()
    assert m["weights_sha256"] == nets.sha256_file(wfile)
    keys = set()
    with np.load(s.npz_path) as z:
        assert set(z.files) == {e["key"] for e in s.entries}
    for e in s.entries:
        a = s.array(e)
        assert e["file"] == m["file"] == s.npz_path.name
        assert a.dtype == np.dtype(m["quant"]["dtype"]) == np.dtype(e["dtype"])
        assert list(a.shape) == e["shape"] and len(e["shape"]) == 4
        assert e["words"] == a.size
        w = s.words(e)
        zeros = int((w == 0).sum())
        assert e["zeros"] == zeros
        assert e["sparsity"] == pytest.approx(zeros / a.size, abs=1e-6)
        assert e["sha256"] == array_sha256(a)
        assert e["key"] == f"{e['image']}__{e['layer']}__{e['kind']}"
        keys.add(e["key"])
        if m["quant"]["kind"] == "fixed":
            lim = 1 << (m["quant"]["bits"] - 1)
            assert w.min() >= -lim and w.max() < lim
            if e["kind"] == "act":
                assert w.min() >= 0
                # the largest value sits at safety x full scale
                assert w.max() == round(m["quant"]["safety"] * (lim - 1))
    assert len(keys) == len(s.entries)
    s.close()


def test_stimulus_cases_consistent_with_model_and_maps():
    cases = ebpc.load_cases(DATA / STIMULUS_FILE)
    raw = json.loads((DATA / STIMULUS_FILE).read_text())
    assert len(cases) == len(STIMULUS_MAPS) == 12
    assert {c.w for c in cases} == {8, 16}
    sets = {s.manifest["set"]: s for s in _sets()}
    for c, r, ident in zip(cases, raw, STIMULUS_MAPS):
        assert (c.n, c.z) == (STIMULUS_N, STIMULUS_Z)
        assert 1 <= len(c.values) <= STIMULUS_WORDS
        enc = ebpc.encode(c.values, c.w, c.n, c.z)
        assert enc.znz.tolist() == c.znz and enc.bpc.tolist() == c.bpc, c.name
        dec = ebpc.decode(c.znz, c.bpc, len(c.values), c.w, c.n, c.z)
        assert dec.tolist() == c.values, c.name
        # the values are the first words of the committed map
        set_name, key = ident.split("/")
        s = sets[set_name]
        e = next(e for e in s.entries if e["key"] == key)
        assert r["source"]["key"] == key and r["source"]["offset"] == 0
        assert s.words(e)[: len(c.values)].tolist() == c.values
        assert c.w == s.width
