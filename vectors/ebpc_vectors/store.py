# SPDX-License-Identifier: Apache-2.0
"""Vector-set storage.

A *vector set* is one network x one quantisation: ``<set>.npz`` holding one
array per (image, layer, kind) under the key ``<image>__<layer>__<kind>``
(kind ``act`` = ReLU output, ``grad`` = gradient map), each in the captured
tensor's own shape (NCHW for conv layers, N x C for fully connected ones, N = 1),
dtype int8 / int16 (fixed point) or uint16 (float16 / bfloat16 bit patterns);
plus ``<set>.json``, the manifest (see ``MANIFEST_FORMAT`` and the README).
The .npz is a standard zip (np.load reads it) written with fixed timestamps so
that the same maps give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import numpy as np

from . import VectorsError
from .quant import codec_words

MANIFEST_FORMAT = "ebpc-vectors-set/1"


def array_sha256(a: np.ndarray) -> str:
    a = np.ascontiguousarray(a)
    h = hashlib.sha256()
    h.update(f"{a.dtype.str}{list(a.shape)}".encode())
    h.update(a.tobytes())
    return h.hexdigest()


def entry_stats(a: np.ndarray) -> dict:
    w = codec_words(a)
    zeros = int(np.count_nonzero(w == 0))
    return {"words": int(w.size), "zeros": zeros,
            "sparsity": round(zeros / w.size, 6) if w.size else 0.0}


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    tmp = Path(str(path) + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for key, a in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(a), allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, buf.getvalue(), compress_type=zipfile.ZIP_DEFLATED,
                       compresslevel=9)
    tmp.replace(path)


def write_set(out_dir: Path, name: str, manifest: dict, arrays: dict[str, np.ndarray]) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    npz = out_dir / f"{name}.npz"
    write_npz(npz, arrays)
    manifest = dict(manifest)
    manifest["file"] = npz.name
    js = out_dir / f"{name}.json"
    js.write_text(json.dumps(manifest, indent=1) + "\n")
    return js


class VectorSet:
    """A manifest plus lazy access to its arrays."""

    def __init__(self, manifest_path: str | Path) -> None:
        self.path = Path(manifest_path)
        try:
            self.manifest = json.loads(self.path.read_text())
        except (OSError, ValueError) as e:
            raise VectorsError(f"cannot read manifest {self.path}: {e}") from None
        if self.manifest.get("format") != MANIFEST_FORMAT:
            raise VectorsError(f"{self.path} is not a vector-set manifest "
                               f"(format {self.manifest.get('format')!r})")
        self.npz_path = self.path.parent / self.manifest["file"]
        self._npz = None

    @property
    def entries(self) -> list[dict]:
        return self.manifest["entries"]

    @property
    def width(self) -> int:
        return int(self.manifest["quant"]["width"])

    def array(self, entry: dict) -> np.ndarray:
        if self._npz is None:
            if not self.npz_path.is_file():
                raise VectorsError(f"vector file missing: {self.npz_path}")
            self._npz = np.load(self.npz_path, allow_pickle=False)
        return self._npz[entry["key"]]

    def words(self, entry: dict) -> np.ndarray:
        """Signed int64 words for the codec, in stored (NCHW) order."""
        return codec_words(self.array(entry))

    def close(self) -> None:
        if self._npz is not None:
            self._npz.close()
            self._npz = None


def find_sets(path: str | Path) -> list[VectorSet]:
    """All vector sets in a folder (or the one manifest given)."""
    p = Path(path)
    if p.is_file():
        return [VectorSet(p)]
    if not p.is_dir():
        raise VectorsError(f"vector folder not found: {p}")
    sets = []
    for js in sorted(p.glob("*.json")):
        try:
            head = json.loads(js.read_text())
        except ValueError:
            continue
        if isinstance(head, dict) and head.get("format") == MANIFEST_FORMAT:
            sets.append(VectorSet(js))
    if not sets:
        raise VectorsError(f"no vector sets (*.json manifests) in {p}")
    return sets
