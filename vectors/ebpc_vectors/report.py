"""Compression report: ZVC, zero-RLE, plain BPC and EBPC on captured maps.

    python -m ebpc_vectors.report [--data vectors/data] [--out reports] [--block 8]
                                  [--max-zero-run 16] [--max-burst 16]

Writes ``<out>/report.md`` and PNG charts:
- ``ratio_by_network.png``: grouped bars, network x data type, one bar per method
  (mean over images), with the 1st percentile over images marked;
- ``layers-<network>-<quant>.png``: per-layer ratio of each method and the
  sparsity (like Figs. 11/12 of the EBPC paper).

Ratio = coded bits: ``L * W / bits`` (ebpc-format.md, "Compression ratio"), with
W the codec word width (16 for fixed12, float16 and bfloat16).  A network's
ratio for one image is the total over all its ReLU maps of that image
(``sum L*W / sum bits``); the table gives the mean over images and the 1st
percentile over images.  Activations (kind ``act``) and gradient maps
(``grad``) are reported separately.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from . import VectorsError
import ebpc
from .store import VectorSet, find_sets

METHODS = ("zvc", "zero_rle", "bpc", "ebpc")
METHOD_LABEL = {"zvc": "ZVC", "zero_rle": "zero-RLE", "bpc": "BPC", "ebpc": "EBPC"}
QUANT_ORDER = ("fixed8", "fixed12", "fixed16", "float16", "bfloat16")
DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data"

#: EBPC paper (Cavigelli et al. 2019), 8-bit fixed point, ImageNet networks, EBPC ratio.
PAPER_8BIT = (("AlexNet", 5.1), ("VGG-16", 4.0), ("ResNet-34", 2.4),
              ("SqueezeNet 1.1", 2.8), ("MobileNetV2", 2.2))


def _net_label(m: dict) -> str:
    return m["network"] + ("" if m.get("trained", m["weights"] != "untrained") else " (UNTRAINED)")


def measure(sets: list[VectorSet], block: int, max_zero_run: int, max_burst: int,
            kinds=("act", "grad"), progress: bool = False) -> list[dict]:
    """One row per map: set info, words, width, zeros and bits per method."""
    from tqdm import tqdm
    rows = []
    todo = [(s, e) for s in sets for e in s.entries if e["kind"] in kinds]
    for s, e in tqdm(todo, desc="report", unit="map", disable=not progress, file=sys.stderr):
        w = s.words(e)
        try:
            bits = ebpc.compare(w, s.width, block, max_zero_run, max_burst=max_burst)
        except ValueError as err:
            raise VectorsError(f"{s.manifest['set']}/{e['key']}: {err}") from None
        rows.append({"net": _net_label(s.manifest), "quant": s.manifest["quant"]["name"],
                     "image": e["image"], "layer": e["layer"], "kind": e["kind"],
                     "words": int(w.size), "width": s.width,
                     "zeros": int(np.count_nonzero(w == 0)), "bits": bits,
                     "weights": s.manifest["weights"]})
    for s in sets:
        s.close()
    return rows


def _qkey(q: str) -> int:
    return QUANT_ORDER.index(q) if q in QUANT_ORDER else len(QUANT_ORDER)


def network_summary(rows: list[dict], kind: str) -> list[dict]:
    """Per (network, quant): mean and 1st percentile over images of the whole-network ratio."""
    acc = defaultdict(lambda: defaultdict(lambda: {"raw": 0, "zeros": 0,
                                                   **{m: 0 for m in METHODS}}))
    for r in rows:
        if r["kind"] != kind:
            continue
        a = acc[(r["net"], r["quant"])][r["image"]]
        a["raw"] += r["words"] * r["width"]
        a["zeros"] += r["zeros"] * r["width"]
        for m in METHODS:
            a[m] += r["bits"][m]
    out = []
    for (net, quant), per_img in sorted(acc.items(), key=lambda kv: (kv[0][0], _qkey(kv[0][1]))):
        res = {"net": net, "quant": quant, "images": len(per_img),
               "sparsity": float(np.mean([a["zeros"] / a["raw"] for a in per_img.values()]))}
        for m in METHODS:
            ratios = np.array([a["raw"] / a[m] for a in per_img.values()])
            res[m] = float(ratios.mean())
            res[m + "_p1"] = float(np.percentile(ratios, 1))
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


def summary_table(summary: list[dict]) -> str:
    head = ("| network | data type | images | sparsity | "
            + " | ".join(f"{METHOD_LABEL[m]} mean (p1)" for m in METHODS) + " |")
    lines = [head, "|" + " --- |" * (4 + len(METHODS))]
    for s in summary:
        cells = [f"{_fmt(s[m])} ({_fmt(s[m + '_p1'])})" for m in METHODS]
        lines.append(f"| {s['net']} | {s['quant']} | {s['images']} | {s['sparsity']:.1%} | "
                     + " | ".join(cells) + " |")
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
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_xticks(x, groups, fontsize=8)
    ax.set_ylabel("compression ratio (coded bits)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, ncol=len(METHODS))
    fig.text(0.01, 0.01, "bars: mean over images; black ticks: 1st percentile", fontsize=7)
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


def write_report(rows: list[dict], out: Path, block: int, max_zero_run: int, max_burst: int,
                 sources: list[str], charts: bool = True) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    params = f"N={block}, Z={max_zero_run}, zero-RLE max burst {max_burst}"
    weights = sorted({(r["net"], r["weights"]) for r in rows})
    md = ["# EBPC compression report", "",
          f"Vector sets: {', '.join(sources)}. Parameters: {params}.", "",
          "Ratio shown: **coded bits**, `L*W / bits` (W = codec word width: 8 for fixed8, "
          "16 for fixed12 / fixed16 / float16 / bfloat16). Per image, a network's ratio is over "
          "all its ReLU maps together; *mean* is over images, *(p1)* is the 1st percentile "
          "over images. ZVC = zero mask + non-zero words; zero-RLE = '1'+word / '0'+run; "
          "BPC = bit-plane coding of all words (no ZNZ); EBPC = ZNZ + BPC.", "",
          "Weights: " + "; ".join(f"{n}: {w}" for n, w in weights) + ".", ""]
    for kind, title in (("act", "Activations (ReLU outputs)"),
                        ("grad", "Gradient maps")):
        summ = network_summary(rows, kind)
        if not summ:
            continue
        md += [f"## {title}", "", summary_table(summ), ""]
        if charts:
            png = f"ratio_by_network-{kind}.png" if kind != "act" else "ratio_by_network.png"
            bar_chart(summ, out / png, f"{title}: compression ratio ({params})")
            md += [f"![{title}]({png})", ""]
        if kind == "act":
            md += ["For comparison, the EBPC paper (ImageNet networks, 8-bit fixed point): "
                   + ", ".join(f"{n} {r}x" for n, r in PAPER_8BIT) + ".", ""]
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
    p.add_argument("--quiet", action="store_true")
    try:
        a = p.parse_args(argv)
        data = a.data or [str(DEFAULT_DATA)]
        sets = [s for d in data for s in find_sets(d)]
        kinds = ("act", "grad") if a.kind == "both" else (a.kind,)
        try:
            ebpc.Params(16, a.block, a.max_zero_run)
        except ValueError as e:
            raise VectorsError(str(e)) from None
        rows = measure(sets, a.block, a.max_zero_run, a.max_burst, kinds, progress=not a.quiet)
        if not rows:
            raise VectorsError("no maps of the requested kind")
        path = write_report(rows, Path(a.out), a.block, a.max_zero_run, a.max_burst,
                            data, charts=not a.no_charts)
        print(path)
    except VectorsError as e:
        print(f"report: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"report: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
