# SPDX-License-Identifier: Apache-2.0
"""Compression report: ZVC, zero-RLE, plain BPC and EBPC on captured maps.

    python -m ebpc_vectors.report [--data vectors/data] [--out reports] [--block 8]
                                  [--max-zero-run 16] [--max-burst 16] [--slices-as-stored]

Writes ``<out>/report.md`` and PNG charts:
- ``ratio_by_network.png``: grouped bars, network x data type, one bar per method
  (mean over maps), with the 1st percentile over images and the total-bits ratio marked;
- ``layers-<network>-<quant>.png``: per-layer ratio of each method and the
  sparsity (like Figs. 11/12 of the EBPC paper).

Ratio = coded bits: ``L * W / bits`` (ebpc-format.md, "Compression ratio"), with
W the codec word width (16 for fixed12, float16 and bfloat16).  Three figures per
network, data type and method: the *mean over maps* of each map's ratio (every
ReLU map of every image counts once, as the paper averages), the *1st percentile
over images* of an image's whole-network ratio (``sum L*W / sum bits`` over its
maps) and the *total-bits* ratio over all maps of all images.  Activations (kind
``act``) and gradient maps (``grad``) are reported separately.

A set whose manifest marks it as a slice to be reported in full (``slice.report ==
"full"``, the committed EfficientNet-Lite0 sets) is measured on the whole capture
it was cut from, recomputed in memory with the same weights, images and
quantisation (needs the weights; nothing is written); the stored maps are checked
against the recomputed ones.  ``--slices-as-stored`` measures only the stored maps.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from . import VectorsError, report_errors
import ebpc
from .store import VectorSet, array_sha256, find_sets

METHODS = ("zvc", "zero_rle", "bpc", "ebpc")
METHOD_LABEL = {"zvc": "ZVC", "zero_rle": "zero-RLE", "bpc": "BPC", "ebpc": "EBPC"}
QUANT_ORDER = ("fixed8", "fixed12", "fixed16", "float16", "bfloat16")
DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data"

#: EBPC paper (Cavigelli et al. 2019), 8-bit fixed point, ImageNet networks, EBPC ratio.
PAPER_8BIT = (("AlexNet", 5.1), ("VGG-16", 4.0), ("ResNet-34", 2.4),
              ("SqueezeNet 1.1", 2.8), ("MobileNetV2", 2.2))
#: The paper's figure shown beside a network's fixed8 EBPC row (network -> paper row).
PAPER_ROW = {"alexnet": "AlexNet", "vgg16": "VGG-16", "resnet34": "ResNet-34",
             "squeezenet1_1": "SqueezeNet 1.1", "mobilenet_v2": "MobileNetV2",
             "efficientnet_lite0": "MobileNetV2"}


def _net_label(m: dict) -> str:
    return m["network"] + ("" if m.get("trained", m["weights"] != "untrained") else " (UNTRAINED)")


def _row(manifest: dict, image: str, layer: str, kind: str, w: np.ndarray, width: int,
         block: int, max_zero_run: int, max_burst: int) -> dict:
    try:
        bits = ebpc.compare(w, width, block, max_zero_run, max_burst=max_burst)
    except ValueError as err:
        raise VectorsError(f"{manifest['set']}/{image}__{layer}__{kind}: {err}") from None
    return {"net": _net_label(manifest), "network": manifest["network"],
            "quant": manifest["quant"]["name"], "image": image, "layer": layer, "kind": kind,
            "words": int(w.size), "width": width, "zeros": int(np.count_nonzero(w == 0)),
            "bits": bits, "weights": manifest["weights"]}


def measure(sets: list[VectorSet], block: int, max_zero_run: int, max_burst: int,
            kinds=("act", "grad"), progress: bool = False) -> list[dict]:
    """One row per stored map: set info, words, width, zeros and bits per method."""
    from tqdm import tqdm
    rows = []
    todo = [(s, e) for s in sets for e in s.entries if e["kind"] in kinds]
    for s, e in tqdm(todo, desc="report", unit="map", disable=not progress, file=sys.stderr):
        rows.append(_row(s.manifest, e["image"], e["layer"], e["kind"], s.words(e), s.width,
                         block, max_zero_run, max_burst))
    for s in sets:
        s.close()
    return rows


def is_full_slice(s: VectorSet) -> bool:
    """The set is a stored slice that the report replaces by its whole capture."""
    sl = s.manifest.get("slice")
    return isinstance(sl, dict) and sl.get("report") == "full"


def _capture_group(s: VectorSet) -> tuple:
    m = s.manifest
    g = m.get("gradients")
    return (m["network"], m["weights_sha256"], m["quant"].get("safety"),
            m["quant"].get("scaling") or "batch", tuple(i["source"] for i in m["images"]),
            None if not g else (g["point"], tuple(g["images"])),
            tuple(m["slice"].get("layers") or ()))


def measure_full(sets: list[VectorSet], block: int, max_zero_run: int, max_burst: int,
                 kinds=("act", "grad"), progress: bool = False) -> tuple[list[dict], list[dict]]:
    """Rows of the whole captures that full-report slices were cut from.

    The capture is recomputed in memory (same network, weights checked by sha256,
    images, quantisation, scaling and gradient settings; the slice's layer filter
    is dropped).  Returns (rows, checks): one check per set, with how many stored
    maps were compared with their recomputed counterpart and how many differ.
    """
    import torch

    groups: dict[tuple, list[VectorSet]] = defaultdict(list)
    for s in sets:
        groups[_capture_group(s)].append(s)
    rows, checks = [], []
    # capture's default: one thread (another thread count may sum in another order and
    # move a few values by one float ulp, enough to round a 16-bit word differently)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        _measure_groups(groups, rows, checks, block, max_zero_run, max_burst, kinds, progress)
    finally:
        torch.set_num_threads(threads)
    return rows, checks


def _measure_groups(groups, rows, checks, block, max_zero_run, max_burst, kinds, progress):
    from .capture import quantised_maps
    from .images import load_images
    from .nets import build
    from .quant import codec_words

    for (network, sha, safety, scaling, sources, grad, _), members in groups.items():
        m0 = members[0].manifest
        names = []
        for src in sources:
            if not src.startswith("skimage:"):
                raise VectorsError(f"{m0['set']}: cannot recompute the whole capture: image "
                                   f"{src} is not a bundled photograph (use --slices-as-stored)")
            names.append(src.split(":", 1)[1])
        try:
            net = build(network)
        except VectorsError as err:
            raise VectorsError(f"{m0['set']} is a slice and the report recomputes the whole "
                               f"capture, which needs the weights: {err} (or measure only "
                               f"the stored maps with --slices-as-stored)") from None
        if net.weights_sha256 != sha:
            raise VectorsError(f"{m0['set']}: the installed weights of {network} "
                               f"({net.weights}) are not the ones the set was captured with "
                               f"(sha256 differs); use --slices-as-stored")
        quants = [s.manifest["quant"]["name"] for s in members]
        by_quant = {s.manifest["quant"]["name"]: s for s in members}
        stored = {q: {e["key"]: e for e in s.entries} for q, s in by_quant.items()}
        found = {q: 0 for q in quants}
        differ = {q: 0 for q in quants}
        for info, maps in quantised_maps(net, load_images(names), quants,
                                         safety if safety is not None else 0.75, scaling,
                                         grad is not None, grad[0] if grad else "input",
                                         None, list(grad[1]) if grad else None, progress):
            for layer, kind, _, qmaps in maps:
                key = f"{info['name']}__{layer}__{kind}"
                for q, (a, _) in qmaps.items():
                    e = stored[q].get(key)
                    if e is not None:
                        found[q] += 1
                        differ[q] += array_sha256(a) != e["sha256"]
                    if kind in kinds:
                        s = by_quant[q]
                        rows.append(_row(s.manifest, info["name"], layer, kind, codec_words(a),
                                         s.width, block, max_zero_run, max_burst))
        for q, s in by_quant.items():
            checks.append({"set": s.manifest["set"], "stored": len(s.entries),
                           "compared": found[q], "differ": differ[q],
                           "images": len(names)})
            s.close()


def _qkey(q: str) -> int:
    return QUANT_ORDER.index(q) if q in QUANT_ORDER else len(QUANT_ORDER)


def network_summary(rows: list[dict], kind: str) -> list[dict]:
    """Per (network, quant) and method: mean over maps, p1 over images, total-bits ratio.

    ``<m>`` is the mean over maps of each map's ratio; ``<m>_p1`` the 1st percentile
    over images of an image's ratio over all its maps; ``<m>_total`` the ratio of all
    raw bits to all coded bits.  ``sparsity`` is the fraction of zero words overall.
    """
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        if r["kind"] == kind:
            groups[(r["net"], r["quant"])].append(r)
    out = []
    for (net, quant), rs in sorted(groups.items(), key=lambda kv: (kv[0][0], _qkey(kv[0][1]))):
        per_img = defaultdict(lambda: {"raw": 0, **{m: 0 for m in METHODS}})
        for r in rs:
            a = per_img[r["image"]]
            a["raw"] += r["words"] * r["width"]
            for m in METHODS:
                a[m] += r["bits"][m]
        raw = sum(r["words"] * r["width"] for r in rs)
        res = {"net": net, "network": rs[0]["network"], "quant": quant,
               "images": len(per_img), "maps": len(rs),
               "sparsity": sum(r["zeros"] for r in rs) / sum(r["words"] for r in rs)}
        for m in METHODS:
            res[m] = float(np.mean([r["words"] * r["width"] / r["bits"][m] for r in rs]))
            res[m + "_p1"] = float(np.percentile([a["raw"] / a[m] for a in per_img.values()], 1))
            res[m + "_total"] = raw / sum(r["bits"][m] for r in rs)
        out.append(res)
    return out


def layer_summary(rows: list[dict], kind: str) -> dict:
    """(net, quant) -> list of per-layer dicts (mean over images of the map's ratio)."""
    acc = defaultdict(lambda: defaultdict(list))
    order = defaultdict(list)
    for r in rows:
        if r["kind"] != kind:
            continue
        key = (r["net"], r["quant"])
        if r["layer"] not in acc[key]:
            order[key].append(r["layer"])
        acc[key][r["layer"]].append(r)
    out = {}
    for key in sorted(acc, key=lambda k: (k[0], _qkey(k[1]))):
        layers = []
        for layer in order[key]:
            rs = acc[key][layer]
            d = {"layer": layer, "images": len(rs), "words": rs[0]["words"],
                 "sparsity": float(np.mean([r["zeros"] / r["words"] for r in rs]))}
            for m in METHODS:
                d[m] = float(np.mean([r["words"] * r["width"] / r["bits"][m] for r in rs]))
            layers.append(d)
        out[key] = layers
    return out


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def _paper(s: dict, method: str) -> str:
    name = PAPER_ROW.get(s["network"])
    if method != "ebpc" or s["quant"] != "fixed8" or name is None:
        return ""
    return f"{dict(PAPER_8BIT)[name]} ({name})"


def summary_table(summary: list[dict]) -> str:
    """One row per network, data type and method."""
    lines = ["| network | data type | method | images | maps | sparsity | mean over maps | "
             "p1 over images | total bits | paper, 8 bit |",
             "|" + " --- |" * 10]
    for s in summary:
        for m in METHODS:
            lines.append(f"| {s['net']} | {s['quant']} | {METHOD_LABEL[m]} | {s['images']} | "
                         f"{s['maps']} | {s['sparsity']:.1%} | {_fmt(s[m])} | "
                         f"{_fmt(s[m + '_p1'])} | {_fmt(s[m + '_total'])} | {_paper(s, m)} |")
    return "\n".join(lines)


def compact_table(summary: list[dict]) -> str:
    """One row per network and data type; cells 'mean over maps / p1 / total bits'."""
    lines = ["| network | data type | sparsity | "
             + " | ".join(METHOD_LABEL[m] for m in METHODS) + " |",
             "|" + " --- |" * (3 + len(METHODS))]
    for s in summary:
        lines.append(f"| {s['net']} | {s['quant']} | {s['sparsity']:.1%} | " + " | ".join(
            f"{_fmt(s[m])} / {_fmt(s[m + '_p1'])} / {_fmt(s[m + '_total'])}"
            for m in METHODS) + " |")
    return "\n".join(lines)


def layer_table(layers: list[dict]) -> str:
    lines = ["| layer | words | sparsity | " + " | ".join(METHOD_LABEL[m] for m in METHODS) + " |",
             "|" + " --- |" * (3 + len(METHODS))]
    for d in layers:
        lines.append(f"| {d['layer']} | {d['words']} | {d['sparsity']:.1%} | "
                     + " | ".join(_fmt(d[m]) for m in METHODS) + " |")
    return "\n".join(lines)


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def bar_chart(summary: list[dict], path: Path, title: str) -> None:
    plt = _plt()
    groups = [f"{s['net']}\n{s['quant']}" for s in summary]
    x = np.arange(len(groups))
    wbar = 0.8 / len(METHODS)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(groups) + 2), 4.2))
    for i, m in enumerate(METHODS):
        vals = [s[m] for s in summary]
        p1 = [s[m + "_p1"] for s in summary]
        xs = x + (i - (len(METHODS) - 1) / 2) * wbar
        ax.bar(xs, vals, wbar, label=METHOD_LABEL[m])
        ax.plot(xs, p1, linestyle="none", marker="_", color="black", markersize=8)
        ax.plot(xs, [s[m + "_total"] for s in summary], linestyle="none", marker=".",
                color="black", markersize=4)
    paper = [(i, dict(PAPER_8BIT)[PAPER_ROW[s["network"]]]) for i, s in enumerate(summary)
             if _paper(s, "ebpc")]
    if paper:   # the paper's EBPC figure over the EBPC bar of the same (or nearest) network
        xe = x[[i for i, _ in paper]] + (len(METHODS) - 1) / 2 * wbar
        ax.plot(xe, [v for _, v in paper], linestyle="none", marker="*", color="black",
                markersize=9, label="paper, 8 bit")
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_xticks(x, groups, fontsize=8)
    ax.set_ylabel("compression ratio (coded bits)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, ncol=len(METHODS) + 1)
    fig.text(0.01, 0.01, "bars: mean over maps; ticks: 1st percentile over images; "
             "dots: total-bits ratio; star: the paper's EBPC figure at 8 bit (MobileNetV2 "
             "for EfficientNet-Lite0)", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def layer_chart(layers: list[dict], path: Path, title: str) -> None:
    plt = _plt()
    x = np.arange(len(layers))
    fig, ax = plt.subplots(figsize=(max(6.0, 0.32 * len(layers) + 2), 4.2))
    for m in METHODS:
        ax.plot(x, [d[m] for d in layers], marker="o", markersize=3, label=METHOD_LABEL[m])
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("compression ratio (coded bits)")
    ax2 = ax.twinx()
    ax2.bar(x, [d["sparsity"] for d in layers], color="grey", alpha=0.2, label="sparsity")
    ax2.set_ylim(0, 1)
    ax2.set_ylabel("sparsity (zero words)")
    ax.set_zorder(ax2.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.set_xticks(x, [d["layer"] for d in layers], rotation=90, fontsize=7)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, ncol=len(METHODS), loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _safe(s: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in s)


def _slice_note(c: dict) -> str:
    same = ("all identical to the recomputed ones" if c["differ"] == 0 else
            f"{c['differ']} DIFFER from the recomputed ones (another torch/CPU build?)")
    if c["compared"] != c["stored"]:
        same += f"; {c['stored'] - c['compared']} stored maps NOT FOUND in the recomputed capture"
    return (f"{c['set']}: {c['stored']} maps stored (a slice); measured on the whole capture, "
            f"recomputed over {c['images']} images; {c['compared']} stored maps compared, {same}.")


def write_report(rows: list[dict], out: Path, block: int, max_zero_run: int, max_burst: int,
                 sources: list[str], charts: bool = True,
                 checks: list[dict] | None = None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    params = f"N={block}, Z={max_zero_run}, zero-RLE max burst {max_burst}"
    weights = sorted({(r["net"], r["weights"]) for r in rows})
    md = ["# EBPC compression report", "",
          f"Vector sets: {', '.join(sources)}. Parameters: {params}.", "",
          "Ratio shown: **coded bits**, `L*W / bits` (W = codec word width: 8 for fixed8, "
          "16 for fixed12 / fixed16 / float16 / bfloat16). Per network, data type and method: "
          "*mean over maps* = mean of each ReLU map's ratio, every map of every image once "
          "(as the paper averages); *p1 over images* = 1st percentile over images of an "
          "image's ratio over all its maps; *total bits* = all raw bits / all coded bits. "
          "ZVC = zero mask + non-zero words; zero-RLE = '1'+word / '0'+run; "
          "BPC = bit-plane coding of all words (no ZNZ); EBPC = ZNZ + BPC.", "",
          "Weights: " + "; ".join(f"{n}: {w}" for n, w in weights) + ".", ""]
    if checks:
        md += ["Slices: " + " ".join(_slice_note(c) for c in checks), ""]
    for kind, title in (("act", "Activations (ReLU outputs)"),
                        ("grad", "Gradient maps")):
        summ = network_summary(rows, kind)
        if not summ:
            continue
        md += [f"## {title}", "", summary_table(summ), "",
               "Compact (mean over maps / p1 over images / total bits):", "",
               compact_table(summ), ""]
        if charts:
            png = f"ratio_by_network-{kind}.png" if kind != "act" else "ratio_by_network.png"
            bar_chart(summ, out / png, f"{title}: compression ratio ({params})")
            md += [f"![{title}]({png})", ""]
        if kind == "act":
            md += ["For comparison, the EBPC paper (trained ImageNet networks, 8-bit fixed "
                   "point, EBPC): " + ", ".join(f"{n} {r}x" for n, r in PAPER_8BIT)
                   + ". The column *paper, 8 bit* puts the paper's figure beside the fixed8 "
                   "EBPC row of the same network; EfficientNet-Lite0 (not in the paper) is "
                   "placed beside MobileNetV2, its nearest relative there.", ""]
    md += ["## Per layer (activations, mean over images)", ""]
    for (net, quant), layers in layer_summary(rows, "act").items():
        md += [f"### {net}, {quant}", ""]
        if charts:
            png = f"layers-{_safe(net)}-{quant}.png"
            layer_chart(layers, out / png, f"{net} {quant}: per-layer ratio ({params})")
            md += [f"![{net} {quant}]({png})", ""]
        md += [layer_table(layers), ""]
    path = out / "report.md"
    path.write_text("\n".join(md))
    return path


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise VectorsError(message)


def main(argv: list[str] | None = None, prog: str = "python -m ebpc_vectors.report") -> int:
    p = _Parser(prog=prog, description="Compression-ratio report on captured vector sets.")
    p.add_argument("--data", action="append",
                   help="folder of vector sets or a manifest (repeatable; default vectors/data)")
    p.add_argument("--out", default="reports", help="output folder (default ./reports)")
    p.add_argument("--block", type=int, default=8, help="BPC block size N (default 8)")
    p.add_argument("--max-zero-run", type=int, default=16, help="Z (default 16)")
    p.add_argument("--max-burst", type=int, default=16, help="zero-RLE longest run (default 16)")
    p.add_argument("--kind", choices=("act", "grad", "both"), default="both")
    p.add_argument("--no-charts", action="store_true", help="Markdown only")
    p.add_argument("--slices-as-stored", action="store_true",
                   help="measure only the stored maps of slices (default: their whole "
                        "capture, recomputed in memory)")
    p.add_argument("--quiet", action="store_true")
    def body() -> int:
        a = p.parse_args(argv)
        data = a.data or [str(DEFAULT_DATA)]
        sets = [s for d in data for s in find_sets(d)]
        kinds = ("act", "grad") if a.kind == "both" else (a.kind,)
        try:
            ebpc.Params(16, a.block, a.max_zero_run)
        except ValueError as e:
            raise VectorsError(str(e)) from None
        full = [] if a.slices_as_stored else [s for s in sets if is_full_slice(s)]
        rows = measure([s for s in sets if s not in full], a.block, a.max_zero_run,
                       a.max_burst, kinds, progress=not a.quiet)
        checks = []
        if full:
            more, checks = measure_full(full, a.block, a.max_zero_run, a.max_burst, kinds,
                                        progress=not a.quiet)
            rows += more
        if not rows:
            raise VectorsError("no maps of the requested kind")
        path = write_report(rows, Path(a.out), a.block, a.max_zero_run, a.max_burst,
                            data, charts=not a.no_charts, checks=checks)
        for c in checks:
            if c["differ"] or c["compared"] != c["stored"]:
                print(f"report: warning: {_slice_note(c)}", file=sys.stderr)
        print(path)
        return 0

    return report_errors("report", body)


if __name__ == "__main__":
    sys.exit(main())
