# SPDX-License-Identifier: Apache-2.0
"""The sections of the dashboard page (pure): the runs of ``make test`` and ``make regress``,
functional coverage, code coverage with the annotated RTL, the throughput and area figures,
and the compression-report plots. Each takes the data it shows and returns its HTML.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from .dashboard_data import KINDS, CodeCoverage, CoverageSet, DashboardData, LineMark
from .dashboard_html import bar, card, esc, json_table, not_run, percent, scalar, status_badge
from .dashboard_regress import regress_section

__all__ = ["runs_section", "regress_section", "functional_section", "code_section", "figures_section",
           "plots_section"]


def runs_section(data: DashboardData) -> str:
    """The runs: make test's pytest session and simulations, then the multi-seed regression."""
    out = ['<section id="runs"><h2>Runs</h2>', "<h3>make test</h3>"]
    if not data.runs:
        out.append(not_run("make test", "make test"))
    else:
        py = [r for r in data.runs if r.kind == "pytest"]
        sims = [r for r in data.runs if r.kind == "cocotb"]
        tests = [t for r in py for t in r.tests]
        failed = [t for t in tests if t.failed]
        sim_tests = sum(len(r.tests) for r in sims)
        sim_failed = sum(t.failed for r in sims for t in r.tests)
        out.append('<div class="cards">')
        out.append(card("seed", str(data.test_seed) if data.test_seed is not None else "?"))
        out.append(card("pytest tests", f"{len(tests) - len(failed)}/{len(tests)} ok", not failed))
        out.append(card("simulation runs", f"{sum(r.ok for r in sims)}/{len(sims)} ok",
                         all(r.ok for r in sims)))
        out.append(card("cocotb tests", f"{sim_tests - sim_failed}/{sim_tests} ok", not sim_failed))
        out.append("</div>")
        if data.test_seed is not None:
            out.append(f"<p>Reproduce this regression: <code>make test SEED={esc(data.test_seed)}</code></p>")
        if failed:
            out.append("<h3>Failures</h3><table><tr><th>test</th><th>message</th></tr>")
            for t in failed:
                out.append(f"<tr><td>{esc(t.name)}</td><td><pre>{esc(t.message)}</pre></td></tr>")
            out.append("</table>")
        sims_open = ' open="open"' if not all(r.ok for r in sims) else ""
        out.append(f"<details{sims_open}><summary>Simulation runs ({len(sims)})</summary><table><tr><th>run</th>"
                   "<th>seed</th><th>result</th><th>tests</th><th>failed</th><th>first failure</th></tr>")
        for r in sorted(sims, key=lambda r: (r.ok, r.name)):
            bad = [t for t in r.tests if t.failed]
            first = ""
            if bad:
                full = "\n\n".join(f"{t.name}: {t.message}" for t in bad)
                first = (f"<details><summary>{esc(bad[0].name)}: {esc(bad[0].first_line)}</summary>"
                         f"<pre>{esc(full)}</pre></details>")
            out.append(f"<tr><td>{esc(r.name)}</td><td class=\"num\">{esc(r.seed if r.seed is not None else '')}</td>"
                       f"<td>{status_badge('pass' if r.ok else 'fail')}</td><td class=\"num\">{len(r.tests)}</td>"
                       f"<td>{esc(', '.join(t.name for t in bad))}</td><td>{first}</td></tr>")
        out.append("</table></details>")
        out.append(f"<details><summary>pytest tests ({len(tests)})</summary><table><tr><th>test</th>"
                   "<th>result</th><th>seconds</th><th>first failure</th></tr>")
        order = {"fail": 0, "error": 0, "skip": 1, "pass": 2}
        for t in sorted(tests, key=lambda t: (order.get(t.status, 3), t.name)):
            out.append(f"<tr><td>{esc(t.name)}</td><td>{status_badge(t.status)}</td>"
                       f"<td class=\"num\">{t.seconds:.1f}</td><td>{esc(t.first_line)}</td></tr>")
        out.append("</table></details>")
    out.append("<h3>make regress (multi-seed)</h3>")
    out.append(regress_section(data.regress, data.regress_history))
    out.append("</section>")
    return "\n".join(out)


def _bin_key(item: tuple[str, int]) -> bool:
    """Unhit bins first; otherwise the model's order (a stable sort keeps it)."""
    return item[1] != 0


def _bins_hit(bins: Mapping[str, int]) -> tuple[int, int]:
    """(bins hit, bins) of one cover point."""
    return sum(1 for h in bins.values() if h), len(bins)


def _points_hit(points: Mapping[str, Mapping[str, int]]) -> tuple[int, int]:
    """(bins hit, bins) of several cover points."""
    counts = [_bins_hit(bins) for bins in points.values()]
    return sum(h for h, _ in counts), sum(n for _, n in counts)


def _least_hit_first(items: Mapping[str, tuple[int, int]]) -> list[str]:
    """The names of ``items`` (name -> (hit, total)), the lowest percentage first, then by name."""
    return sorted(items, key=lambda name: (percent(*items[name]), name))


def functional_section(sets: Sequence[CoverageSet]) -> str:
    """Functional coverage per parameter set, cover point and bin, the least hit first."""
    out = ['<section id="functional"><h2>Functional coverage</h2>',
           '<p class="muted">Per parameter set, cover point and bin, merged over the runs; '
           'unhit bins first (red), then the least hit.</p>']
    if not sets:
        out.append(not_run("functional coverage", "make test or make regress"))
    for cov in sets:
        per_config = {name: _points_hit(points) for name, points in cov.configs.items()}
        hit, total = sum(h for h, _ in per_config.values()), sum(n for _, n in per_config.values())
        out.append(f"<h3>{esc(cov.label)}</h3><p>{bar(hit, total)} bins hit, {len(cov.configs)} parameter "
                   f"set(s), {cov.runs} run(s)</p>")
        for name in _least_hit_first(per_config):
            points = cov.configs[name]
            h, n = per_config[name]
            opened = ' open="open"' if h < n else ""
            out.append(f"<details{opened}><summary><b>{esc(name)}</b>: {bar(h, n)}</summary>")
            out.append("<table><tr><th>cover point</th><th>bins hit</th><th>bins (hits)</th></tr>")
            per_point = {point: _bins_hit(bins) for point, bins in points.items()}
            for point in _least_hit_first(per_point):
                bins = points[point]
                low = sorted(bins.values())[len(bins) // 10] if bins else 0
                cells = []
                for b, x in sorted(bins.items(), key=_bin_key):
                    cls = "unhit" if not x else "low" if x <= low else ""
                    cells.append(f'<span class="{cls}">{esc(b)}: {x}</span>')
                out.append(f"<tr><td>{esc(point)}</td><td>{bar(*per_point[point])}</td>"
                           f"<td class=\"bins\">{''.join(cells)}</td></tr>")
            out.append("</table></details>")
    out.append("</section>")
    return "\n".join(out)


def _mark_text(mark: LineMark | None) -> str:
    """The coverage column of an annotated source line: line count, then b/t/e hit/total."""
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


def code_section(sets: Sequence[CodeCoverage]) -> str:
    """Code coverage per RTL module, then every RTL file annotated line by line."""
    out = ['<section id="code"><h2>Code coverage</h2>',
           '<p class="muted">Verilator line, branch, toggle and expression coverage per RTL module, '
           'merged over the instrumented runs. In the annotated sources the number is the smallest hit '
           'count of the line points on that line; b/t/e give hit/total branch, toggle and expression '
           'points; a red line has an unhit line or branch point.</p>']
    if not sets:
        out.append(not_run("code coverage", "make test or make regress (Verilator, EBPC_CODE_COVERAGE=1)"))
    for cov in sets:
        out.append(f"<h3>{esc(cov.label)}</h3><p>{cov.runs} coverage file(s)</p>")
        out.append("<table><tr><th>module</th>" + "".join(f"<th>{k}</th>" for k in KINDS) + "</tr>")
        for module, kinds in cov.modules.items():
            cells = "".join(f"<td>{bar(*kinds.get(k, (0, 0)))}</td>" for k in KINDS)
            out.append(f"<tr><td>{esc(module)}</td>{cells}</tr>")
        out.append("</table>")
        for f in cov.files:
            missed = sum(1 for m in f.marks.values() if m.missed)
            label = f"{f.name} ({', '.join(f.modules)})" + (f": {missed} line(s) with unhit points" if missed else "")
            opened = ' open="open"' if missed else ""
            out.append(f"<details{opened}><summary>{esc(label)}</summary>")
            if not f.lines:
                out.append('<p class="none">source not found</p></details>')
                continue
            out.append('<table class="src">')
            for i, text in enumerate(f.lines, start=1):
                mark = f.marks.get(i)
                cls = "miss" if mark and mark.missed else "hit" if mark else ""
                out.append(f'<tr class="{cls}"><td class="ln">{i}</td><td class="cnt">{esc(_mark_text(mark))}</td>'
                           f"<td>{esc(text)}</td></tr>")
            out.append("</table></details>")
    out.append("</section>")
    return "\n".join(out)


_SYNTH_COLUMNS = ("top", "W", "N", "Z", "ge_total", "ge_seq", "ge_comb", "depth", "flops", "cells")


def figures_section(data: DashboardData) -> str:
    """The figures of the last make bench and make synth."""
    out = ['<section id="figures"><h2>Throughput and area</h2><h3>make bench</h3>']
    out.append(json_table(data.bench) if data.bench is not None else not_run("throughput figures", "make bench"))
    out.append("<h3>make synth</h3>")
    rows = list((data.synth or {}).get("configs", [])) if isinstance(data.synth, Mapping) else []
    if not rows:
        out.append(not_run("area figures", "make synth"))
    else:
        extra = [k for r in rows for k in r if k not in _SYNTH_COLUMNS]
        cols = list(_SYNTH_COLUMNS) + list(dict.fromkeys(extra))
        out.append("<table><tr>" + "".join(f"<th>{esc(c)}</th>" for c in cols) + "</tr>")
        for r in rows:
            out.append("<tr>" + "".join(f'<td class="num">{esc(scalar(r.get(c, "")))}</td>' for c in cols) + "</tr>")
        out.append("</table>")
        others = {k: v for k, v in data.synth.items() if k != "configs"}
        if others:
            out.append(json_table(others))
    out.append("</section>")
    return "\n".join(out)


def plots_section(data: DashboardData) -> str:
    """The compression-report plots and links to the other reports."""
    out = ['<section id="plots"><h2>Compression report and other reports</h2>']
    if not data.plots:
        out.append(not_run("compression-report plots", "make report"))
    for p in data.plots:
        out.append(f'<figure><a href="{esc(p)}"><img src="{esc(p)}" alt="{esc(p)}"/></a>'
                   f"<figcaption>{esc(p)}</figcaption></figure>")
    if data.documents:
        out.append("<ul>" + "".join(f'<li><a href="{esc(d)}">{esc(d)}</a></li>' for d in data.documents) + "</ul>")
    out.append("</section>")
    return "\n".join(out)


