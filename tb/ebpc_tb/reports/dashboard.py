# SPDX-License-Identifier: Apache-2.0
"""A static HTML dashboard of the last regressions: ``reports/index.html``, no server needed.

    python -m ebpc_tb.reports.dashboard [--root .] [--out reports/index.html]

It shows, from whatever data is there (a part not run yet says so):

- the runs: ``make test`` (its seed, every pytest test and every cocotb run with its tests,
  from ``build/junit/``) and ``make regress`` (each seed and test with the first failure
  message and the command reproducing it, ``reports/regress/regress.json``);
- functional coverage per parameter set, cover point and bin, hit counts, unhit bins first
  (``build/coverage/functional/*.json`` merged, else ``reports/coverage.json``; the multi-seed
  regression's from ``build/regress/functional``, else ``reports/regress/coverage.json``);
- Verilator code coverage per RTL module, and every RTL file annotated line by line with the
  hit counts of its line, branch, toggle and expression points (the ``coverage*.dat`` files
  under ``build/sim`` and ``build/regress/codecov``);
- the throughput and area figures of the last ``make bench`` / ``make synth``
  (``reports/bench.json``, ``reports/synth.json``) and links to the compression report
  (``reports/*.png``, ``reports/*.md``).

The page is one file: inline CSS, no script, no external resource (the plots are relative
links next to it). It is well-formed XML as well as HTML, so a test can parse it.
:func:`collect` reads the data (I/O), :func:`render` turns it into the page (pure).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any, Mapping, Sequence

from .coverage_report import config_name, merge

__all__ = ["TestRow", "Run", "CoverageSet", "LineMark", "SourceFile", "CodeCoverage", "DashboardData",
           "parse_junit_runs", "functional_from_files", "code_from_points", "collect", "render", "main"]


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
        return bool(self.tests) and not any(t.status in ("fail", "error") for t in self.tests)


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
    functional: tuple[CoverageSet, ...] = ()
    code: tuple[CodeCoverage, ...] = ()
    bench: Any = None                                  # reports/bench.json (any JSON)
    synth: Mapping[str, Any] | None = None             # reports/synth.json
    plots: tuple[str, ...] = ()                        # paths relative to the page
    documents: tuple[str, ...] = ()                    # other reports (txt, md, json) to link


KINDS = ("line", "branch", "toggle", "expr")


# -- parsing (pure functions of file contents) ----------------------------------------------------

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


def functional_from_files(files: Sequence[Path]) -> dict[str, dict[str, dict[str, int]]]:
    """Merge the benches' coverage JSON files (:func:`ebpc_tb.reports.coverage_report.merge`):
    parameter set name -> point -> bin -> hits."""
    return {config_name(cfg): {point: dict(bins) for point, bins in points.items()}
            for cfg, points in merge(list(files)).items()}


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


# -- rendering (pure) -------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:14px 24px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.85}
nav{background:#e8ecf2;padding:8px 24px;position:sticky;top:0;border-bottom:1px solid #cfd6e0}
nav a{margin-right:18px;color:#1f3a5f;text-decoration:none;font-weight:600}
main{padding:12px 24px 40px}section{margin-bottom:28px}
h2{border-bottom:2px solid #1f3a5f;padding-bottom:4px}h3{margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px;background:#fff;font-size:13px}
th,td{border:1px solid #d5dae1;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#eef1f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#17692d;font-weight:600}.fail,.error{color:#b3131b;font-weight:700}.skip{color:#7a6a00}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0 16px}
.card{background:#fff;border:1px solid #d5dae1;border-radius:6px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:20px}.card.bad{border-color:#b3131b;background:#fff3f3}
.card.good{border-color:#17692d;background:#f1fbf3}
.bar{display:inline-block;width:110px;height:10px;background:#f1d4d4;vertical-align:middle;margin-right:6px}
.bar i{display:block;height:10px;background:#3a9a52}
.bins span{display:inline-block;margin:1px 3px 1px 0;padding:0 5px;border-radius:3px;background:#e3f3e6;font-size:12px}
.bins span.unhit{background:#b3131b;color:#fff;font-weight:700}
.bins span.low{background:#fff1c7}
pre{background:#fff;border:1px solid #d5dae1;padding:6px;overflow-x:auto;font-size:12px;margin:4px 0}
table.src{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;border:none}
table.src td{border:none;padding:0 6px;white-space:pre}
table.src tr.miss td{background:#ffd9d9}table.src tr.hit td.cnt{background:#e3f3e6}
table.src td.ln{color:#8a94a3;text-align:right}table.src td.cnt{text-align:right;color:#345}
details{margin:4px 0}summary{cursor:pointer}
.muted{color:#6b7480}.none{color:#6b7480;font-style:italic}
figure{display:inline-block;margin:6px;background:#fff;border:1px solid #d5dae1;padding:6px}
figure img{max-width:460px;display:block}figcaption{font-size:12px}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _status(status: str) -> str:
    return f'<span class="{_e(status)}">{_e(status.upper())}</span>'


def _pct(hit: int, total: int) -> float:
    return 100.0 * hit / total if total else 100.0


def _bar(hit: int, total: int) -> str:
    p = _pct(hit, total)
    return f'<span class="bar"><i style="width:{p:.0f}%"></i></span>{hit}/{total} ({p:.1f} %)'


def _not_run(what: str, how: str) -> str:
    return f'<p class="none">{_e(what)}: not run yet ({_e(how)}).</p>'


def _card(title: str, value: str, good: bool | None = None) -> str:
    cls = "card" + ("" if good is None else " good" if good else " bad")
    return f'<div class="{cls}">{_e(title)}<b>{_e(value)}</b></div>'


def _render_runs(data: DashboardData) -> str:
    out = ['<section id="runs"><h2>Runs</h2>', "<h3>make test</h3>"]
    if not data.runs:
        out.append(_not_run("make test", "make test"))
    else:
        py = [r for r in data.runs if r.kind == "pytest"]
        sims = [r for r in data.runs if r.kind == "cocotb"]
        tests = [t for r in py for t in r.tests]
        failed = [t for t in tests if t.status in ("fail", "error")]
        sim_tests = sum(len(r.tests) for r in sims)
        sim_failed = sum(r.count("fail") + r.count("error") for r in sims)
        out.append('<div class="cards">')
        out.append(_card("seed", str(data.test_seed) if data.test_seed is not None else "?"))
        out.append(_card("pytest tests", f"{len(tests) - len(failed)}/{len(tests)} ok", not failed))
        out.append(_card("simulation runs", f"{sum(r.ok for r in sims)}/{len(sims)} ok",
                         all(r.ok for r in sims)))
        out.append(_card("cocotb tests", f"{sim_tests - sim_failed}/{sim_tests} ok", not sim_failed))
        out.append("</div>")
        if data.test_seed is not None:
            out.append(f"<p>Reproduce this regression: <code>make test SEED={_e(data.test_seed)}</code></p>")
        if failed:
            out.append("<h3>Failures</h3><table><tr><th>test</th><th>message</th></tr>")
            for t in failed:
                out.append(f"<tr><td>{_e(t.name)}</td><td><pre>{_e(t.message)}</pre></td></tr>")
            out.append("</table>")
        sims_open = ' open="open"' if not all(r.ok for r in sims) else ""
        out.append(f"<details{sims_open}><summary>Simulation runs ({len(sims)})</summary><table><tr><th>run</th>"
                   "<th>seed</th><th>result</th><th>tests</th><th>failed</th><th>first failure</th></tr>")
        for r in sorted(sims, key=lambda r: (r.ok, r.name)):
            bad = [t for t in r.tests if t.status in ("fail", "error")]
            first = ""
            if bad:
                full = "\n\n".join(f"{t.name}: {t.message}" for t in bad)
                first = (f"<details><summary>{_e(bad[0].name)}: {_e(bad[0].first_line)}</summary>"
                         f"<pre>{_e(full)}</pre></details>")
            out.append(f"<tr><td>{_e(r.name)}</td><td class=\"num\">{_e(r.seed if r.seed is not None else '')}</td>"
                       f"<td>{_status('pass' if r.ok else 'fail')}</td><td class=\"num\">{len(r.tests)}</td>"
                       f"<td>{_e(', '.join(t.name for t in bad))}</td><td>{first}</td></tr>")
        out.append("</table></details>")
        out.append(f"<details><summary>pytest tests ({len(tests)})</summary><table><tr><th>test</th>"
                   "<th>result</th><th>seconds</th><th>first failure</th></tr>")
        order = {"fail": 0, "error": 0, "skip": 1, "pass": 2}
        for t in sorted(tests, key=lambda t: (order.get(t.status, 3), t.name)):
            out.append(f"<tr><td>{_e(t.name)}</td><td>{_status(t.status)}</td>"
                       f"<td class=\"num\">{t.seconds:.1f}</td><td>{_e(t.first_line)}</td></tr>")
        out.append("</table></details>")
    out.append("<h3>make regress (multi-seed)</h3>")
    out.append(_render_regress(data.regress))
    out.append("</section>")
    return "\n".join(out)


def _render_regress(regress: Mapping[str, Any] | None) -> str:
    if not regress:
        return _not_run("multi-seed regression", "make regress SEEDS=n")
    outcomes = list(regress.get("outcomes", []))
    seeds = list(regress.get("seeds", []))
    failed = [o for o in outcomes if o.get("status") in ("fail", "error")]
    out = ['<div class="cards">', _card("seeds", str(len(seeds))),
           _card("tests", f"{len(outcomes) - len(failed)}/{len(outcomes)} ok", not failed)]
    fun = regress.get("functional_coverage")
    if fun:
        out.append(_card("functional bins hit", f"{fun['percent']:.1f} %", fun["hit"] == fun["bins"]))
    out.append("</div>")
    out.append(f"<p>Seeds: {_e(', '.join(map(str, seeds)))}; reproduce the whole regression: "
               f"<code>make regress SEED_LIST={_e(','.join(map(str, seeds)))}</code></p>")
    out.append("<table><tr><th>seed</th><th>passed</th><th>failed</th></tr>")
    for seed in seeds:
        mine = [o for o in outcomes if o.get("seed") == seed]
        bad = sum(1 for o in mine if o.get("status") in ("fail", "error"))
        out.append(f'<tr><td class="num">{_e(seed)}</td><td class="num">{len(mine) - bad}</td>'
                   f'<td class="num{" fail" if bad else ""}">{bad}</td></tr>')
    out.append("</table>")
    out.append("<table><tr><th>seed</th><th>sim</th><th>bench</th><th>parameters</th><th>test</th>"
               "<th>result</th><th>first failure message</th><th>reproduce</th></tr>")
    for o in sorted(outcomes, key=lambda o: (o.get("status") == "pass", o.get("seed", 0))):
        w, n, z = o.get("config", ("?", "?", "?"))
        params = f"W={w} N={n} Z={z}" + (" (sampled)" if o.get("sampled") else "")
        msg = str(o.get("message", ""))
        first = msg.strip().splitlines()[0] if msg.strip() else ""
        detail = (f"<details><summary>{_e(first)}</summary><pre>{_e(msg)}</pre></details>" if msg.strip() else "")
        repro = f"<code>{_e(o.get('reproduce', ''))}</code>" if o.get("status") != "pass" else ""
        out.append(f"<tr><td class=\"num\">{_e(o.get('seed'))}</td><td>{_e(o.get('sim'))}</td>"
                   f"<td>{_e(o.get('top'))}</td><td>{_e(params)}</td><td>{_e(o.get('test'))}</td>"
                   f"<td>{_status(str(o.get('status', '?')))}</td><td>{detail}</td><td>{repro}</td></tr>")
    out.append("</table>")
    return "\n".join(out)


def _bin_key(item: tuple[str, int]) -> bool:
    """Unhit bins first; otherwise the model's order (a stable sort keeps it)."""
    return item[1] != 0


def _render_functional(sets: Sequence[CoverageSet]) -> str:
    out = ['<section id="functional"><h2>Functional coverage</h2>',
           '<p class="muted">Per parameter set, cover point and bin, merged over the runs; '
           'unhit bins first (red), then the least hit.</p>']
    if not sets:
        out.append(_not_run("functional coverage", "make test or make regress"))
    for cov in sets:
        total = sum(len(b) for pts in cov.configs.values() for b in pts.values())
        hit = sum(1 for pts in cov.configs.values() for b in pts.values() for h in b.values() if h)
        out.append(f"<h3>{_e(cov.label)}</h3><p>{_bar(hit, total)} bins hit, {len(cov.configs)} parameter "
                   f"set(s), {cov.runs} run(s)</p>")

        def cfg_score(item):
            pts = item[1]
            n = sum(len(b) for b in pts.values())
            return (_pct(sum(1 for b in pts.values() for h in b.values() if h), n), item[0])

        for name, points in sorted(cov.configs.items(), key=cfg_score):
            n = sum(len(b) for b in points.values())
            h = sum(1 for b in points.values() for x in b.values() if x)
            opened = ' open="open"' if h < n else ""
            out.append(f"<details{opened}><summary><b>{_e(name)}</b>: {_bar(h, n)}</summary>")
            out.append("<table><tr><th>cover point</th><th>bins hit</th><th>bins (hits)</th></tr>")

            def point_key(item):
                bins = item[1]
                return (_pct(sum(1 for x in bins.values() if x), len(bins)), item[0])

            for point, bins in sorted(points.items(), key=point_key):
                ph = sum(1 for x in bins.values() if x)
                low = sorted(bins.values())[len(bins) // 10] if bins else 0
                cells = []
                for b, x in sorted(bins.items(), key=_bin_key):
                    cls = "unhit" if not x else "low" if x <= low else ""
                    cells.append(f'<span class="{cls}">{_e(b)}: {x}</span>')
                out.append(f"<tr><td>{_e(point)}</td><td>{_bar(ph, len(bins))}</td>"
                           f"<td class=\"bins\">{''.join(cells)}</td></tr>")
            out.append("</table></details>")
    out.append("</section>")
    return "\n".join(out)


def _mark_text(mark: LineMark | None) -> str:
    if mark is None:
        return ""
    parts = []
    if mark.line_hits is not None:
        parts.append(f"{mark.line_hits}")
    for kind, tag in (("branch", "b"), ("toggle", "t"), ("expr", "e")):
        if kind in mark.counts:
            h, t = mark.counts[kind]
            parts.append(f"{tag}{h}/{t}")
    return " ".join(parts)


def _render_code(sets: Sequence[CodeCoverage]) -> str:
    out = ['<section id="code"><h2>Code coverage</h2>',
           '<p class="muted">Verilator line, branch, toggle and expression coverage per RTL module, '
           'merged over the instrumented runs. In the annotated sources the number is the smallest hit '
           'count of the line points on that line; b/t/e give hit/total branch, toggle and expression '
           'points; a red line has an unhit line or branch point.</p>']
    if not sets:
        out.append(_not_run("code coverage", "make test or make regress (Verilator, EBPC_CODE_COVERAGE=1)"))
    for cov in sets:
        out.append(f"<h3>{_e(cov.label)}</h3><p>{cov.runs} coverage file(s)</p>")
        out.append("<table><tr><th>module</th>" + "".join(f"<th>{k}</th>" for k in KINDS) + "</tr>")
        for module, kinds in cov.modules.items():
            cells = "".join(f"<td>{_bar(*kinds.get(k, (0, 0)))}</td>" for k in KINDS)
            out.append(f"<tr><td>{_e(module)}</td>{cells}</tr>")
        out.append("</table>")
        for f in cov.files:
            missed = sum(1 for m in f.marks.values() if m.missed)
            label = f"{f.name} ({', '.join(f.modules)})" + (f": {missed} line(s) with unhit points" if missed else "")
            opened = ' open="open"' if missed else ""
            out.append(f"<details{opened}><summary>{_e(label)}</summary>")
            if not f.lines:
                out.append('<p class="none">source not found</p></details>')
                continue
            out.append('<table class="src">')
            for i, text in enumerate(f.lines, start=1):
                mark = f.marks.get(i)
                cls = "miss" if mark and mark.missed else "hit" if mark else ""
                out.append(f'<tr class="{cls}"><td class="ln">{i}</td><td class="cnt">{_e(_mark_text(mark))}</td>'
                           f"<td>{_e(text)}</td></tr>")
            out.append("</table></details>")
    out.append("</section>")
    return "\n".join(out)


def _scalar(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 100 else f"{value:.4g}"
    return str(value)


def _generic(value: Any, depth: int = 0) -> str:
    """Any JSON value as nested tables (lists of objects as one table)."""
    if isinstance(value, Mapping):
        rows = "".join(f"<tr><th>{_e(k)}</th><td>{_generic(v, depth + 1)}</td></tr>" for k, v in value.items())
        return f"<table>{rows}</table>"
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        keys: list[str] = []
        for v in value:
            keys += [k for k in v if k not in keys]
        head = "".join(f"<th>{_e(k)}</th>" for k in keys)
        body = "".join("<tr>" + "".join(f"<td>{_generic(v.get(k, ''), depth + 1)}</td>" for k in keys) + "</tr>"
                       for v in value)
        return f"<table><tr>{head}</tr>{body}</table>"
    if isinstance(value, list):
        return _e(", ".join(_scalar(v) for v in value))
    return _e(_scalar(value))


_SYNTH_COLUMNS = ("top", "W", "N", "Z", "ge_total", "ge_seq", "ge_comb", "depth", "flops", "cells")


def _render_figures(data: DashboardData) -> str:
    out = ['<section id="figures"><h2>Throughput and area</h2><h3>make bench</h3>']
    out.append(_generic(data.bench) if data.bench is not None else _not_run("throughput figures", "make bench"))
    out.append("<h3>make synth</h3>")
    rows = list((data.synth or {}).get("configs", [])) if isinstance(data.synth, Mapping) else []
    if not rows:
        out.append(_not_run("area figures", "make synth"))
    else:
        extra = [k for r in rows for k in r if k not in _SYNTH_COLUMNS]
        cols = list(_SYNTH_COLUMNS) + list(dict.fromkeys(extra))
        out.append("<table><tr>" + "".join(f"<th>{_e(c)}</th>" for c in cols) + "</tr>")
        for r in rows:
            out.append("<tr>" + "".join(f'<td class="num">{_e(_scalar(r.get(c, "")))}</td>' for c in cols) + "</tr>")
        out.append("</table>")
        others = {k: v for k, v in data.synth.items() if k != "configs"}
        if others:
            out.append(_generic(others))
    out.append("</section>")
    return "\n".join(out)


def _render_plots(data: DashboardData) -> str:
    out = ['<section id="plots"><h2>Compression report and other reports</h2>']
    if not data.plots:
        out.append(_not_run("compression-report plots", "make report"))
    for p in data.plots:
        out.append(f'<figure><a href="{_e(p)}"><img src="{_e(p)}" alt="{_e(p)}"/></a>'
                   f"<figcaption>{_e(p)}</figcaption></figure>")
    if data.documents:
        out.append("<ul>" + "".join(f'<li><a href="{_e(d)}">{_e(d)}</a></li>' for d in data.documents) + "</ul>")
    out.append("</section>")
    return "\n".join(out)


def render(data: DashboardData) -> str:
    """The whole page (well-formed XML: every element closed, only XML's own entities)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        "<title>EBPC regression dashboard</title>",
        f"<style>{_CSS}</style></head><body>",
        "<header><h1>EBPC regression dashboard</h1>"
        f"<p>generated {_e(data.generated)}"
        + (f" · make test seed {_e(data.test_seed)}" if data.test_seed is not None else "") + "</p></header>",
        '<nav><a href="#runs">Runs</a><a href="#functional">Functional coverage</a>'
        '<a href="#code">Code coverage</a><a href="#figures">Throughput and area</a>'
        '<a href="#plots">Reports</a></nav><main>',
        _render_runs(data),
        _render_functional(data.functional),
        _render_code(data.code),
        _render_figures(data),
        _render_plots(data),
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


# -- collecting (I/O) -------------------------------------------------------------------------------

def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _junit_runs(junit_dir: Path) -> tuple[list[Run], int | None]:
    runs: list[Run] = []
    seed = None
    pytest_xml = junit_dir / "pytest.xml"
    if pytest_xml.is_file():
        try:
            run, seed = parse_junit_runs(pytest_xml.read_text(errors="replace"), "pytest", "pytest")
            runs.append(run)
        except ET.ParseError as exc:
            runs.append(Run("pytest", "pytest", None, (TestRow("pytest.xml", "error", f"unreadable: {exc}"),)))
    for xml in sorted((junit_dir / "sim").glob("*.xml")):
        try:
            runs.append(parse_junit_runs(xml.read_text(errors="replace"), xml.stem, "cocotb")[0])
        except ET.ParseError as exc:
            runs.append(Run(xml.stem, "cocotb", None, (TestRow(xml.name, "error", f"unreadable: {exc}"),)))
    return runs, seed


def _functional(label: str, data_dir: Path, summary: Path) -> CoverageSet | None:
    files = sorted(data_dir.glob("*.json")) if data_dir.is_dir() else []
    if files:
        try:
            return CoverageSet(label, len(files), functional_from_files(files))
        except (OSError, ValueError):
            pass
    data = _read_json(summary)
    if isinstance(data, dict) and data:
        try:
            return CoverageSet(label, 0, functional_from_summary(data))
        except (KeyError, TypeError, AttributeError):
            return None
    return None


def _code(label: str, dats: list[Path], rtl_dir: Path) -> CodeCoverage | None:
    if not dats:
        return None
    from .codecov import merge_files  # noqa: PLC0415

    points = merge_files(dats)
    names = {str(p.file).replace("\\", "/").rsplit("/", 1)[-1] for p in points}
    sources = {}
    for name in names:
        candidates = [rtl_dir / name] + [Path(str(p.file)) for p in points if str(p.file).endswith("/" + name)][:1]
        for c in candidates:
            if c.is_file():
                sources[name] = c.read_text(errors="replace").splitlines()
                break
    return code_from_points(points, sources, label, len(dats))


def collect(root: Path, now: str) -> DashboardData:
    """Everything the page shows, read from the repository's build/ and reports/ folders."""
    from .codecov import find_dat_files  # noqa: PLC0415

    build, reports = root / "build", root / "reports"
    runs, seed = _junit_runs(build / "junit")
    regress = _read_json(reports / "regress" / "regress.json")
    functional = [c for c in (
        _functional("make test", build / "coverage" / "functional", reports / "coverage.json"),
        _functional("make regress (all seeds)", build / "regress" / "functional",
                    reports / "regress" / "coverage.json")) if c]
    code = [c for c in (
        _code("make test (the coverage files under build/sim)", find_dat_files(build / "sim"), root / "rtl"),
        _code("make regress (all seeds)", sorted((build / "regress" / "codecov").glob("*.dat")), root / "rtl"))
        if c]
    synth = _read_json(reports / "synth.json")
    plots = tuple(sorted(p.name for p in reports.glob("*.png"))) if reports.is_dir() else ()
    docs: list[str] = []
    if reports.is_dir():
        for pattern in ("*.md", "*.txt", "regress/*.txt", "regress/junit.xml"):
            docs += sorted(str(p.relative_to(reports)) for p in reports.glob(pattern))
    return DashboardData(generated=now, test_seed=seed, runs=tuple(runs),
                         regress=regress if isinstance(regress, dict) else None,
                         functional=tuple(functional), code=tuple(code),
                         bench=_read_json(reports / "bench.json"),
                         synth=synth if isinstance(synth, dict) else None,
                         plots=plots, documents=tuple(docs))


def main(argv: list[str] | None = None) -> int:
    import datetime  # noqa: PLC0415

    ap = argparse.ArgumentParser(prog="python -m ebpc_tb.reports.dashboard", description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path("."), help="the repository (default: .)")
    ap.add_argument("--out", type=Path, default=None, help="the page (default: <root>/reports/index.html)")
    args = ap.parse_args(argv)
    if not args.root.is_dir():
        print(f"dashboard: error: {args.root} is not a directory", file=sys.stderr)
        return 2
    out = args.out or args.root / "reports" / "index.html"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    page = render(collect(args.root, now))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    print(f"dashboard: {out} ({len(page) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
