"""Merge the functional-coverage JSON files of a regression into one report.

`python -m ebpc_tb.coverage_report [DIR ...] [--out reports] [--check]` reads every
`*.json` written by the benches' `--coverage` option (one per simulation run), adds up the
hits of each bin per parameter set (W, N, Z), and writes `coverage.txt` (a table of every
bin with its hit count) and `coverage.json`. With --check it fails unless every bin was hit.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

__all__ = ["merge", "render", "main"]

Config = tuple[int, int, int]


def merge(files: list[Path]) -> dict[Config, dict[str, dict[str, int]]]:
    """config -> cover point -> bin -> hits, summed over all files."""
    merged: dict[Config, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for file in files:
        data = json.loads(file.read_text())
        cfg = data["config"]
        key = (int(cfg["w"]), int(cfg["n"]), int(cfg["z"]))
        for point, entry in data["coverage"].items():
            for bin_name, hits in entry.get("bins", {}).items():
                merged[key][point][bin_name] += int(hits)
    return merged


def render(merged: dict[Config, dict[str, dict[str, int]]]) -> tuple[str, dict, bool]:
    lines: list[str] = []
    summary: dict = {}
    complete = True
    for (w, n, z) in sorted(merged):
        points = merged[(w, n, z)]
        total = sum(len(bins) for bins in points.values())
        hit = sum(1 for bins in points.values() for h in bins.values() if h)
        complete &= hit == total
        name = f"W{w}_N{n}_Z{z}"
        summary[name] = {"bins": total, "hit": hit, "percent": round(100.0 * hit / max(total, 1), 2),
                         "points": {p: dict(b) for p, b in points.items()}}
        lines.append(f"== W={w} N={n} Z={z}: {hit}/{total} bins hit ({100.0 * hit / max(total, 1):.1f} %)")
        for point in sorted(points):
            bins = points[point]
            missed = [b for b, h in bins.items() if not h]
            lines.append(f"  {point:<24} {len(bins) - len(missed):>3}/{len(bins):<3} " +
                         " ".join(f"{b}:{h}" for b, h in bins.items()))
            if missed:
                lines.append(f"  {'':<24} NOT HIT: {', '.join(missed)}")
    return "\n".join(lines), summary, complete


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=[Path("build/coverage")])
    parser.add_argument("--out", type=Path, default=Path("reports"))
    parser.add_argument("--check", action="store_true", help="fail unless every bin was hit")
    args = parser.parse_args(argv)
    files = sorted(f for d in args.dirs for f in d.rglob("*.json"))
    if not files:
        print(f"coverage: error: no coverage JSON under {', '.join(map(str, args.dirs))}", file=sys.stderr)
        return 2
    text, summary, complete = render(merge(files))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "coverage.txt").write_text(text + "\n")
    (args.out / "coverage.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(f"functional coverage merged from {len(files)} runs -> {args.out}/coverage.txt, coverage.json")
    print(text)
    return 1 if args.check and not complete else 0


if __name__ == "__main__":
    raise SystemExit(main())
