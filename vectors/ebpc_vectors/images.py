# SPDX-License-Identifier: Apache-2.0
"""Input images: scikit-image's bundled RGB photographs, or a user folder.

Preprocessing (no torchvision needed, done with torch.nn.functional):
- ImageNet nets: resize the shorter side to 256 (bilinear, antialiased), centre
  crop 224 x 224, scale to [0, 1], normalise with the ImageNet mean / std.
- CIFAR-10 nets: resize the whole image to 32 x 32 (bilinear, antialiased),
  scale to [0, 1], normalise with the same mean / std (as the CIFAR ResNet
  checkpoints expect, see vectors/weights/ and the weights README).
- EfficientNet-Lite0 (``norm='tf-lite'``): the same 256 / centre-224 geometry as
  the ImageNet nets (TF's eval crop is also 224/256 of the shorter side), then
  TensorFlow's EfficientNet-Lite scaling ``(p - 127) / 128`` of the 0..255 pixel
  values instead of the mean / std normalisation.
Grey images are repeated to three channels; an alpha channel is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import VectorsError
from .nets import IMAGENET_MEAN, IMAGENET_STD, TF_LITE_MEAN, TF_LITE_STD

#: scikit-image's bundled RGB photographs (no download needed), default order.
SKIMAGE_PHOTOS = ("chelsea", "astronaut", "coffee", "rocket", "hubble_deep_field",
                  "immunohistochemistry", "retina")

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".gif"}


@dataclass
class Image:
    name: str
    source: str       # 'skimage:<name>' or the file path
    rgb: np.ndarray   # H x W x 3 uint8


def _to_rgb_u8(a: np.ndarray, what: str) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype == bool:
        a = a.astype(np.uint8) * 255
    if a.dtype != np.uint8:
        a = a.astype(np.float64)
        hi = 255.0 if a.max() > 1.0 else 1.0
        a = np.clip(a / hi * 255.0 + 0.5, 0, 255).astype(np.uint8)
    if a.ndim == 2:
        a = np.stack([a] * 3, axis=-1)
    if a.ndim != 3 or a.shape[2] not in (1, 3, 4) or min(a.shape[:2]) < 1:
        raise VectorsError(f"{what}: not an image (array shape {a.shape})")
    if a.shape[2] == 1:
        a = np.repeat(a, 3, axis=2)
    return np.ascontiguousarray(a[:, :, :3])


def skimage_image(name: str) -> Image:
    import skimage.data
    if name not in SKIMAGE_PHOTOS:
        raise VectorsError(f"unknown scikit-image photograph {name!r}; "
                           f"choose from {', '.join(SKIMAGE_PHOTOS)}")
    return Image(name, f"skimage:{name}", _to_rgb_u8(getattr(skimage.data, name)(), name))


def folder_images(folder: str | Path) -> list[Image]:
    import skimage.io
    d = Path(folder)
    if not d.is_dir():
        raise VectorsError(f"image folder not found: {d}")
    files = sorted(p for p in d.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not files:
        raise VectorsError(f"no images ({', '.join(sorted(IMAGE_SUFFIXES))}) in folder {d}")
    out = []
    for p in files:
        try:
            a = skimage.io.imread(p)
        except Exception as e:  # noqa: BLE001
            raise VectorsError(f"cannot read image {p}: {type(e).__name__}") from None
        if a.ndim == 4:          # animated: first frame
            a = a[0]
        out.append(Image(p.stem, str(p), _to_rgb_u8(a, str(p))))
    names = [i.name for i in out]
    if len(set(names)) != len(names):
        raise VectorsError(f"image names (file stems) in {d} are not unique")
    return out


def load_images(names: list[str] | None = None, folder: str | None = None) -> list[Image]:
    if folder is not None:
        return folder_images(folder)
    return [skimage_image(n) for n in (names or SKIMAGE_PHOTOS)]


def _resize(x: torch.Tensor, h: int, w: int) -> torch.Tensor:
    return F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False, antialias=True)


def preprocess(img: Image | np.ndarray, dataset: str, norm: str = "torchvision") -> torch.Tensor:
    """RGB uint8 H x W x 3 -> normalised float32 tensor 1 x 3 x S x S.

    norm: 'torchvision' (mean / std of ImageNet) or 'tf-lite' ((p - 127) / 128).
    """
    rgb = img.rgb if isinstance(img, Image) else _to_rgb_u8(img, "image")
    x = torch.from_numpy(rgb).permute(2, 0, 1).unsqueeze(0).float() / 255.0
    if dataset == "cifar10":
        x = _resize(x, 32, 32)
    elif dataset == "imagenet":
        h, w = x.shape[-2:]
        s = 256 / min(h, w)
        x = _resize(x, max(256, round(h * s)), max(256, round(w * s)))
        h, w = x.shape[-2:]
        top, left = (h - 224) // 2, (w - 224) // 2
        x = x[:, :, top:top + 224, left:left + 224]
    else:
        raise ValueError(dataset)
    x = x.clamp(0.0, 1.0)
    if norm == "tf-lite":
        return ((x * 255.0 - TF_LITE_MEAN) / TF_LITE_STD).contiguous()
    if norm != "torchvision":
        raise ValueError(norm)
    mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return ((x - mean) / std).contiguous()
