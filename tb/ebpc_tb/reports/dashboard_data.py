# SPDX-License-Identifier: Apache-2.0
"""The dashboard's data: what the page shows, as dataclasses, and the pure conversions into
them from file contents (JUnit XML, a ``coverage.json`` summary, merged Verilator points).

Reading the files is :mod:`ebpc_tb.reports.dashboard_collect`'s job; turning the data into
HTML is :mod:`ebpc_tb.reports.dashboard_sections`'.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any, Mapping, Sequence

__all__ = ["KINDS", "TestRow", "Run", "FunctionalCoverage", "CoverageSet", "LineMark", "SourceFile", "CodeCoverage",
           "DashboardData", "parse_junit_runs", "functional_from_summary", "code_from_points"]


# -- the data --------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class TestRow:
    name: str
    status: str               # "pass", "fail", "skip", "error"
    message: str = ""         # failure message (the first line is the summary)
    seconds: float = 0.0
    reproduce: str = ""

    @property
    def first_line(self) -> str:
        text = self.message.strip()
        return text.splitlines()[0] if text else ""

    @property
    def failed(self) -> bool:
        return self.status in ("fail", "error")


@dataclasses.dataclass(frozen=True)
class Run:
    """One run: the pytest session of ``make test`` or one cocotb simulation."""

    name: str
    kind: str                 # "pytest" or "cocotb"
    seed: int | None
    tests: tuple[TestRow, ...]

    def count(self, status: str) -> int:
        return sum(1 for t in self.tests if t.status == status)

    @property
    def ok(self) -> bool:
        return bool(self.tests) and not any(t.failed for t in self.tests)


# parameter set name ("W8_N8_Z16") -> cover point -> bin -> hits
FunctionalCoverage = Mapping[str, Mapping[str, Mapping[str, int]]]


@dataclasses.dataclass(frozen=True)
class CoverageSet:
    """Functional coverage of one regression, merged over its runs."""

    label: str
    runs: int
    configs: FunctionalCoverage


@dataclasses.dataclass(frozen=True)
class LineMark:
    """Coverage points of one source line: (hit, total) per kind, and the smallest line count."""

    counts: Mapping[str, tuple[int, int]]
    line_hits: int | None     # min count of the line points here (None: no line point)

    @property
    def missed(self) -> bool:
        return any(self.counts.get(k, (1, 1))[0] < self.counts.get(k, (1, 1))[1] for k in ("line", "branch"))


@dataclasses.dataclass(frozen=True)
class SourceFile:
    name: str                 # file name (rtl/<name>)
    modules: tuple[str, ...]
    lines: tuple[str, ...]    # the source text ("" entries when the file was not found)
    marks: Mapping[int, LineMark]


@dataclasses.dataclass(frozen=True)
class CodeCoverage:
    """Verilator code coverage of one regression: per module (hit, total) per kind, and files."""

    label: str
    runs: int
    modules: Mapping[str, Mapping[str, tuple[int, int]]]
    files: tuple[SourceFile, ...]


@dataclasses.dataclass(frozen=True)
class DashboardData:
    generated: str
    test_seed: int | None = None
    runs: tuple[Run, ...] = ()
    regress: Mapping[str, Any] | None = None          # reports/regress/regress.json
    regress_history: tuple[Mapping[str, Any], ...] = ()   # reports/regress/history.jsonl, oldest first
    functional: tuple[CoverageSet, ...] = ()
    code: tuple[CodeCoverage, ...] = ()
    bench: Any = None                                  # reports/bench.json (any JSON)
    synth: Mapping[str, Any] | None = None             # reports/synth.json
    plots: tuple[str, ...] = ()                        # paths relative to the page
    documents: tuple[str, ...] = ()                    # other reports (txt, md, json) to link


KINDS = ("line", "branch", "toggle", "expr")


# -- converting (pure functions of file contents) -------------------------------------------------

def _seconds(text: str | None) -> float:
    try:
        return float(text or 0)
    except ValueError:
        return 0.0


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(str(text)) if text not in (None, "") else None
    except ValueError:
        return None


def parse_junit_runs(xml_text: str, name: str, kind: str) -> tuple[Run, int | None]:
    """A JUnit file as one :class:`Run` (tests named ``classname::name`` for pytest), and the
    seed it records (testsuite property ``ebpc_seed``, or cocotb's ``random_seed``)."""
    root = ET.fromstring(xml_text)
    seed = None
    for prop in root.iter("property"):
        if prop.get("name") in ("ebpc_seed", "random_seed"):
            seed = _int_or_none(prop.get("value"))
            if prop.get("name") == "ebpc_seed":
                break
    rows = []
    for case in root.iter("testcase"):
        test = case.get("name", "?")
        if kind == "pytest" and case.get("classname"):
            test = f"{case.get('classname')}::{test}"
        status, message = "pass", ""
        for tag, st in (("failure", "fail"), ("error", "error"), ("skipped", "skip")):
            el = case.find(tag)
            if el is not None:
                status = st
                message = el.get("message") or (el.text or "").strip()
                if st != "skip" and el.text and el.text.strip() and el.text.strip() not in message:
                    message = f"{message}\n{el.text.strip()}" if message else el.text.strip()
                break
        rows.append(TestRow(test, status, message, _seconds(case.get("time"))))
    return Run(name, kind, seed, tuple(rows)), seed



def functional_from_summary(summary: Mapping[str, Any]) -> dict[str, dict[str, dict[str, int]]]:
    """The same from a ``coverage.json`` written by ebpc_tb.reports.coverage_report."""
    return {c: {p: {str(b): int(h) for b, h in e["bins"].items()} for p, e in v["points"].items()}
            for c, v in summary.items()}


def code_from_points(points: Mapping[Any, int], sources: Mapping[str, Sequence[str]], label: str,
                     runs: int) -> CodeCoverage:
    """Code coverage from merged Verilator points (:class:`ebpc_tb.reports.codecov.CoveragePoint` -> count)
    of rtl/ files; ``sources`` maps a file name to its lines (for the annotation)."""
    modules: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    per_line: dict[str, dict[int, dict[str, list[int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: [0, 0])))
    line_min: dict[str, dict[int, int]] = defaultdict(dict)
    file_modules: dict[str, set[str]] = defaultdict(set)
    for point, count in points.items():
        path = str(point.file).replace("\\", "/")
        if "rtl/" not in path:
            continue
        fname = path.rsplit("/", 1)[-1]
        file_modules[fname].add(point.module)
        cell = modules[point.module][point.kind]
        cell[1] += 1
        cell[0] += 1 if count else 0
        mark = per_line[fname][point.line][point.kind]
        mark[1] += 1
        mark[0] += 1 if count else 0
        if point.kind == "line":
            prev = line_min[fname].get(point.line)
            line_min[fname][point.line] = count if prev is None else min(prev, count)
    files = []
    for fname in sorted(file_modules):
        marks = {ln: LineMark({k: (v[0], v[1]) for k, v in kinds.items()}, line_min[fname].get(ln))
                 for ln, kinds in per_line[fname].items()}
        files.append(SourceFile(fname, tuple(sorted(file_modules[fname])), tuple(sources.get(fname, ())), marks))
    mods = {m: {k: (v[0], v[1]) for k, v in kinds.items()} for m, kinds in sorted(modules.items())}
    return CodeCoverage(label, runs, mods, tuple(files))


