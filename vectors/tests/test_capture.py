# SPDX-License-Identifier: Apache-2.0
"""Hooks, gradients, manifests."""

import json

import numpy as np
import pytest
import torch
from torch import nn

from ebpc_vectors import VectorsError, nets
from ebpc_vectors.capture import activation_modules, capture_maps, main
from ebpc_vectors.images import preprocess, skimage_image
from ebpc_vectors.store import MANIFEST_FORMAT, VectorSet, array_sha256

RELU_COUNTS = {"alexnet": 7, "vgg16": 15, "resnet34": 33, "squeezenet1_1": 26,
               "mobilenet_v2": 35, "resnet20": 19, "resnet32": 31, "efficientnet_lite0": 33}


FIRST_MAP = {"alexnet": (1, 64, 55, 55), "vgg16": (1, 64, 224, 224),
             "resnet34": (1, 64, 112, 112), "squeezenet1_1": (1, 64, 111, 111),
             "mobilenet_v2": (1, 32, 112, 112)}


def _resnet20_expected_shapes():
    shapes = [(1, 16, 32, 32)]
    for c, hw in ((16, 32), (32, 16), (64, 8)):
        shapes += [(1, c, hw, hw)] * 6
    return shapes


def test_resnet20_one_map_per_relu_nchw():
    net = nets.build("resnet20")
    x = preprocess(skimage_image("chelsea"), "cifar10")
    maps, logits = capture_maps(net.model, x)
    names = [n for n, _ in activation_modules(net.model)]
    assert [m[0] for m in maps] == names and len(names) == 19
    assert all(k == "act" for _, k, _ in maps)
    assert [m[2].shape for m in maps] == _resnet20_expected_shapes()
    for _, _, a in maps:
        assert a.dtype == np.float32 and a.min() >= 0 and (a == 0).any()
    # the hooked outputs are the real activations: the last map pooled gives the logits
    pooled = torch.from_numpy(maps[-1][2]).mean((2, 3))
    assert torch.allclose(net.model.linear(pooled), logits, atol=1e-5)


def test_vgg16_relu_modules():
    # VGG-16's forward pass is the slowest thing here; its ReLU count suffices
    model = nets.get_spec("vgg16").factory()
    assert len(activation_modules(model)) == RELU_COUNTS["vgg16"]
    assert activation_modules(model, ["classifier.*"])[0][0] == "classifier.1"


@pytest.mark.parametrize("name", ["alexnet", "resnet34", "squeezenet1_1", "mobilenet_v2"])
def test_imagenet_hooks_untrained(name):
    net = nets.build(name, untrained=True)
    mods = activation_modules(net.model)
    assert len(mods) == RELU_COUNTS[name]
    if name == "mobilenet_v2":
        assert all(isinstance(m, nn.ReLU6) for _, m in mods)
    x = preprocess(skimage_image("coffee"), "imagenet")
    maps, logits = capture_maps(net.model, x)
    assert len(maps) == RELU_COUNTS[name] and logits.shape == (1, 1000)
    assert len({m[0] for m in maps}) == len(maps)      # every activation once, by name
    assert maps[0][2].shape == FIRST_MAP[name]
    for _, _, a in maps:
        assert a.ndim in (2, 4) and a.shape[0] == 1
    if name == "mobilenet_v2":
        assert max(a.max() for _, _, a in maps) <= 6.0


def test_gradients_at_relu_input_and_output():
    net = nets.build("resnet20")
    x = preprocess(skimage_image("chelsea"), "cifar10")
    maps, _ = capture_maps(net.model, x, gradients=True, grad_point="input")
    acts = {n: a for n, k, a in maps if k == "act"}
    grads = {n: g for n, k, g in maps if k == "grad"}
    assert list(acts) == list(grads) and len(grads) == 19
    for n in acts:
        assert grads[n].shape == acts[n].shape
        assert (grads[n][acts[n] == 0] == 0).all()   # ReLU backward zeroes where inactive
        assert np.abs(grads[n]).max() > 0
    out, _ = capture_maps(net.model, x, gradients=True, grad_point="output")
    gout = {n: g for n, k, g in out if k == "grad"}
    for n in acts:
        assert np.allclose(grads[n], gout[n] * (acts[n] > 0), atol=0)
    # independent check of one point with autograd.grad on the logits' cross entropy
    feats = {}
    h = net.model.layer3[2].relu2.register_forward_hook(lambda m, i, o: feats.setdefault("o", o))
    logits = net.model(x)
    h.remove()
    loss = torch.nn.functional.cross_entropy(logits, logits.argmax(1))
    (g,) = torch.autograd.grad(loss, feats["o"])
    assert np.allclose(gout["layer3.2.relu2"], g.numpy(), atol=1e-7)
    assert all(p.grad is None for p in net.model.parameters())


def test_capture_cli_writes_sets_and_manifest(tmp_path):
    rc = main(["--net", "resnet20", "--images", "chelsea,coffee", "--quant", "fixed8,float16",
               "--grad-images", "coffee", "--layers", "layer3.*", "--out", str(tmp_path),
               "--quiet"])
    assert rc == 0
    wpath = nets.REPO_WEIGHTS_DIR / "resnet20-12fca82f.th"
    for q, width, dtype in (("fixed8", 8, "int8"), ("float16", 16, "uint16")):
        m = json.loads((tmp_path / f"resnet20-{q}.json").read_text())
        assert m["format"] == MANIFEST_FORMAT and m["network"] == "resnet20"
        assert m["dataset"] == "cifar10" and m["trained"] is True
        assert m["weights"] == wpath.name and m["weights_sha256"] == nets.sha256_file(wpath)
        assert m["quant"]["name"] == q and m["quant"]["width"] == width
        assert m["quant"]["safety"] == (0.75 if q == "fixed8" else None)
        assert m["quant"]["scaling"] == ("batch" if q == "fixed8" else None)
        assert m["slice"] == {"images": ["chelsea", "coffee"], "layers": ["layer3.*"],
                              "report": "stored"}
        assert m["gradients"]["images"] == ["coffee"] and "cross_entropy" in m["gradients"]["loss"]
        assert [i["name"] for i in m["images"]] == ["chelsea", "coffee"]
        assert m["images"][0]["predicted_class"] == 3
        assert m["file"] == f"resnet20-{q}.npz" and m["command"].startswith("python -m")
        ents = m["entries"]
        assert len(ents) == 6 + 6 + 6      # chelsea act, coffee act + grad
        assert {e["kind"] for e in ents if e["image"] == "chelsea"} == {"act"}
        s = VectorSet(tmp_path / f"resnet20-{q}.json")
        for e in ents:
            for f in ("key", "image", "layer", "kind", "shape", "width", "dtype", "words",
                      "zeros", "sparsity", "sha256", "file"):
                assert f in e, f
            assert e["layer"].startswith("layer3.") and e["width"] == width
            a = s.array(e)
            assert a.dtype == np.dtype(dtype) and list(a.shape) == e["shape"] == [1, 64, 8, 8]
            assert e["words"] == a.size and e["sha256"] == array_sha256(a)
            assert e["zeros"] == int((s.words(e) == 0).sum())
            assert e["sparsity"] == pytest.approx(e["zeros"] / e["words"], abs=1e-6)
        s.close()


def test_untrained_recorded(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    rc = main(["--net", "squeezenet1_1", "--untrained", "--images", "rocket", "--layers",
               "features.12.*", "--out", str(tmp_path), "--quiet"])
    assert rc == 0
    m = json.loads((tmp_path / "squeezenet1_1-fixed8.json").read_text())
    assert m["weights"] == "untrained" and m["weights_sha256"] == "untrained"
    assert m["trained"] is False and len(m["entries"]) == 3


def test_layers_filter_matching_nothing(tmp_path):
    with pytest.raises(VectorsError):
        from ebpc_vectors.capture import run
        from ebpc_vectors.images import load_images
        run(nets.build("resnet20"), load_images(["chelsea"]), ["fixed8"], tmp_path,
            layers=["nothing*"], progress=False)


def test_efficientnet_lite0_hooks_every_relu6():
    net = nets.build("efficientnet_lite0")
    mods = activation_modules(net.model)
    assert len(mods) == RELU_COUNTS["efficientnet_lite0"]
    assert all(isinstance(m, nn.ReLU6) for _, m in mods)
    assert [n for n, _ in mods][:3] == ["_stem_relu6", "_blocks.0._depthwise_relu6",
                                        "_blocks.1._expand_relu6"]
    x = preprocess(skimage_image("coffee"), "imagenet", net.spec.norm)
    maps, logits = capture_maps(net.model, x)
    assert [m[0] for m in maps] == [n for n, _ in mods]
    assert maps[0][2].shape == (1, 32, 112, 112) and maps[-1][2].shape == (1, 1280, 7, 7)
    assert {m[2].shape[-1] for m in maps} == {112, 56, 28, 14, 7}
    for _, _, a in maps:
        assert a.min() >= 0 and a.max() <= 6.0 and (a == 0).any()
    # the hooked head is the real activation: pooled through _fc it gives the logits
    pooled = torch.from_numpy(maps[-1][2]).mean((2, 3))
    assert torch.allclose(net.model._fc(pooled), logits, atol=1e-4)
    assert int(logits.argmax()) == 967


def _layer_words(s, kind="act"):
    by_layer = {}
    for e in s.entries:
        if e["kind"] == kind:
            by_layer.setdefault(e["layer"], []).append(e)
    return by_layer


def test_fixed_point_scaled_per_layer_over_the_batch(tmp_path):
    """Default: one scale per layer, the batch's largest |x| at 0.75 of full scale."""
    imgs = ["chelsea", "rocket", "coffee"]
    assert main(["--net", "resnet20", "--images", ",".join(imgs), "--quant", "fixed8,fixed16",
                 "--grad-images", "rocket,coffee", "--out", str(tmp_path / "b"), "--quiet"]) == 0
    assert main(["--net", "resnet20", "--images", ",".join(imgs), "--quant", "fixed8",
                 "--scaling", "image", "--out", str(tmp_path / "i"), "--quiet"]) == 0
    for q, hi in (("fixed8", 127), ("fixed16", 32767)):
        s = VectorSet(tmp_path / "b" / f"resnet20-{q}.json")
        assert s.manifest["quant"]["scaling"] == "batch"
        assert "over all images of the batch" in s.manifest["quant"]["normalisation"]
        for kind in ("act", "grad"):
            layers = _layer_words(s, kind)
            assert len(layers) == 19
            for layer, es in layers.items():
                assert len(es) == (3 if kind == "act" else 2)
                assert len({e["scale"] for e in es}) == 1, layer        # one scale per layer
                batch_max = max(e["max_abs"] for e in es)
                assert es[0]["scale"] == pytest.approx(0.75 * hi / batch_max, rel=1e-12)
                peaks = [int(np.abs(s.words(e)).max()) for e in es]
                assert max(peaks) == round(0.75 * hi), layer           # the batch's largest
                for e, peak in zip(es, peaks):                         # every other image's
                    assert peak == round(e["max_abs"] * e["scale"])    # peak is its own max
        s.close()
    s = VectorSet(tmp_path / "i" / "resnet20-fixed8.json")
    assert s.manifest["quant"]["scaling"] == "image"
    differ = 0
    for e in s.entries:
        assert int(s.words(e).max()) == round(0.75 * 127)               # every map at 75 %
        assert e["scale"] == pytest.approx(0.75 * 127 / e["max_abs"], rel=1e-12)
    b = VectorSet(tmp_path / "b" / "resnet20-fixed8.json")
    by_key = {e["key"]: e for e in b.entries}
    for ei in s.entries:
        differ += by_key[ei["key"]]["sha256"] != ei["sha256"]
    assert differ > 0                                                   # the option matters
    b.close()
    s.close()


def test_keep_images_stores_a_slice_with_the_batch_scales(tmp_path):
    assert main(["--net", "resnet20", "--images", "chelsea,rocket,coffee", "--out",
                 str(tmp_path / "all"), "--quiet"]) == 0
    assert main(["--net", "resnet20", "--images", "chelsea,rocket,coffee", "--keep-images",
                 "rocket", "--layers", "layer2.*", "--report-full", "--out",
                 str(tmp_path / "sl"), "--quiet"]) == 0
    full = VectorSet(tmp_path / "all" / "resnet20-fixed8.json")
    part = VectorSet(tmp_path / "sl" / "resnet20-fixed8.json")
    m = part.manifest
    assert [i["name"] for i in m["images"]] == ["chelsea", "rocket", "coffee"]
    assert m["slice"] == {"images": ["rocket"], "layers": ["layer2.*"], "report": "full"}
    assert len(part.entries) == 6 and {e["image"] for e in part.entries} == {"rocket"}
    ref = {e["key"]: e for e in full.entries}
    for e in part.entries:      # identical to the same maps of the whole capture
        assert e["sha256"] == ref[e["key"]]["sha256"] and e["scale"] == ref[e["key"]]["scale"]
    full.close()
    part.close()
