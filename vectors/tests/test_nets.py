"""Networks: trained CIFAR-10 ResNets classify the cat; ImageNet nets match torchvision's layout."""

import numpy as np
import pytest
import torch

from ebpc_vectors import VectorsError, nets
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
