# SPDX-License-Identifier: Apache-2.0
"""The dashboard's multi-seed regression (pure): the run (commit, date, cluster, durations and
scheduling overhead), results per seed and per configuration, functional coverage closure
against the number of seeds, the trend over earlier regressions, every item (failures first,
with worker, attempts and reproduce command) and every test.

Everything comes from ``reports/regress/regress.json`` and ``reports/regress/history.jsonl``
(:mod:`ebpc_tb.reports.regression`); the charts are inline SVG, no script.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from .dashboard_html import card, esc, not_run, status_badge

__all__ = ["regress_section", "line_chart", "PASSING_SHOWN"]

# A big regression has tens of thousands of passing tests: the page lists every failure and
# rerun, and this many passing rows per table (regress.json has them all).
PASSING_SHOWN = 200


def _params(config: Sequence[Any], sampled: bool) -> str:
    w, n, z = (list(config) + ["?", "?", "?"])[:3]
    return f"W={w} N={n} Z={z}" + (" (sampled)" if sampled else "")


def _failed(status: Any) -> bool:
    return status in ("fail", "error", "timeout")


def _head(*names: str) -> str:
    """A table's header row."""
    return "<tr>" + "".join(f"<th>{name}</th>" for name in names) + "</tr>"


def _row(*cells: str) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def _num(value: Any, fail: Any = False) -> str:
    """A number's cell (escaped), red when ``fail``."""
    return f'<td class="num{" fail" if fail else ""}">{esc(value)}</td>'


def _txt(value: Any) -> str:
    """A text cell (escaped)."""
    return f"<td>{esc(value)}</td>"


def _cell(html: str) -> str:
    """A cell of markup made here (a badge, a <code>, a <details>)."""
    return f"<td>{html}</td>"


def line_chart(points: Sequence[tuple[float, float]], label: str, y_max: float | None = None,
               width: int = 420, height: int = 140) -> str:
    """A line over ``points`` (x, y) as inline SVG with its axes' ranges written out."""
    if not points:
        return ""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1 = min(xs), max(xs)
    top = y_max if y_max is not None else max(ys) or 1.0
    pad = 28

    def at(x: float, y: float) -> str:
        px = pad + (width - 2 * pad) * ((x - x0) / (x1 - x0) if x1 > x0 else 0.5)
        py = height - pad - (height - 2 * pad) * (min(y, top) / top if top else 0)
        return f"{px:.1f},{py:.1f}"

    line = " ".join(at(x, y) for x, y in points)
    dots = "".join(f'<circle cx="{at(x, y).split(",")[0]}" cy="{at(x, y).split(",")[1]}" r="2.5" fill="#1f3a5f"/>'
                   for x, y in points)
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
            f"<title>{esc(label)}</title>"
            f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff" stroke="#d5dae1"/>'
            f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#8a94a3"/>'
            f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#8a94a3"/>'
            f'<polyline points="{line}" fill="none" stroke="#3a9a52" stroke-width="2"/>{dots}'
            f'<text x="{pad}" y="{pad - 8}" font-size="11">{esc(label)} (0 .. {top:.4g})</text>'
            f'<text x="{pad}" y="{height - 8}" font-size="11">{x0:g}</text>'
            f'<text x="{width - pad}" y="{height - 8}" font-size="11" text-anchor="end">{x1:g}</text></svg>')


def _run_header(regress: Mapping[str, Any]) -> list[str]:
    info, dur = regress.get("info") or {}, regress.get("durations") or {}
    items, outcomes = list(regress.get("items", [])), list(regress.get("outcomes", []))
    bad_items = [i for i in items if _failed(i.get("status"))]
    bad_tests = [o for o in outcomes if _failed(o.get("status"))]
    retried = [i for i in items if int(i.get("attempts", 1)) > 1]
    out = ['<div class="cards">']
    if info.get("commit"):
        out.append(card("commit", str(info["commit"])[:12] + (" +changes" if info.get("changes") else "")))
    if info.get("date"):
        out.append(card("date (UTC)", str(info["date"]).replace("T", " ").replace("+00:00", "")))
    out.append(card("seeds", str(len(regress.get("seeds", [])))))
    if items:
        out.append(card("items", f"{len(items) - len(bad_items)}/{len(items)} ok", not bad_items))
    out.append(card("tests", f"{len(outcomes) - len(bad_tests)}/{len(outcomes)} ok", not bad_tests))
    if items:
        out.append(card("rerun after a lost worker", str(len(retried)), None))
    if dur:
        out.append(card("wall time", f"{dur.get('wall', 0):.0f} s"))
    fun = regress.get("functional_coverage")
    if fun:
        out.append(card("functional bins hit", f"{fun['percent']:.1f} %", fun["hit"] == fun["bins"]))
    out.append("</div>")
    if info.get("cluster"):
        out.append(f"<p>Ran on {esc(info['cluster'])}" + (f", shard {esc(info['shard'])}" if info.get("shard") else "")
                   + (f"; workers: {esc(', '.join(map(str, info.get('workers', []))))}" if info.get("workers") else "")
                   + (f"; item timeout {info['timeout']:.0f} s" if info.get("timeout") else "") + ".</p>")
    if dur:
        out.append("<table>" + _head("wall", "cluster start and worker check", "item time (sum)",
                                     "per item (mean, max)", "of it building", "workers", "scheduling gap per item")
                   + _row(_num(f'{dur.get("wall", 0):.1f} s'), _num(f'{dur.get("startup", 0):.1f} s'),
                          _num(f'{dur.get("item_seconds", 0):.1f} s'),
                          _num(f'{dur.get("mean_item", 0):.1f} s, {dur.get("max_item", 0):.1f} s'),
                          _num(f'{dur.get("build_seconds", 0):.1f} s'), _num(dur.get("workers", 0)),
                          _num(f'{dur.get("gap_ms", 0):.1f} ms ({dur.get("overhead_percent", 0):.2f} % of an item)'))
                   + "</table>")
    return out


def _tables(regress: Mapping[str, Any]) -> list[str]:
    out = []
    seeds = regress.get("per_seed") or [{"seed": s} for s in regress.get("seeds", [])]
    outcomes = list(regress.get("outcomes", []))
    out.append("<h4>Per seed</h4><table>"
               + _head("seed", "items passed", "items failed", "tests passed", "tests failed", "seconds"))
    for row in seeds:
        mine = [o for o in outcomes if o.get("seed") == row["seed"]]
        bad = sum(1 for o in mine if _failed(o.get("status")))
        failed_items = row.get("failed", 0)
        out.append(_row(_num(row["seed"]), _num(row.get("passed", "")),
                        _num(failed_items if "failed" in row else "", failed_items),
                        _num(len(mine) - bad), _num(bad, bad), _num(row.get("seconds", ""))))
    out.append("</table>")
    if regress.get("per_config"):
        out.append("<h4>Per configuration</h4><table>"
                   + _head("sim", "bench", "parameters", "items", "passed", "failed", "rerun", "mean seconds"))
        for row in regress["per_config"]:
            out.append(_row(_txt(row["sim"]), _txt(row["top"]), _txt(_params(row["config"], row.get("sampled", False))),
                            _num(row["items"]), _num(row["passed"]), _num(row["failed"], row["failed"]),
                            _num(row.get("retried", 0)), _num(f'{row["mean_seconds"]:.1f}')))
        out.append("</table>")
    return out


def _closure(regress: Mapping[str, Any]) -> list[str]:
    rows = regress.get("closure") or []
    if not rows:
        return []
    out = ["<h4>Functional coverage closure against the number of seeds</h4>",
           line_chart([(r["seeds"], r["percent"]) for r in rows], "bins hit, %", 100.0),
           "<details><summary>the figures</summary><table>" + _head("seeds", "last seed", "bins hit", "of", "%")]
    out += [_row(_num(r["seeds"]), _num(r["seed"]), _num(r["hit"]), _num(r["bins"]), _num(f'{r["percent"]:.1f}'))
            for r in rows]
    out.append("</table></details>")
    return out


def _trend(history: Sequence[Mapping[str, Any]]) -> list[str]:
    if not history:
        return []
    wall = [(i + 1, float(r["wall"])) for i, r in enumerate(history) if isinstance(r.get("wall"), (int, float))]
    cov = [(i + 1, float(r["functional_percent"])) for i, r in enumerate(history)
           if isinstance(r.get("functional_percent"), (int, float))]
    out = [f"<h4>Trend over the last {len(history)} regression(s)</h4>", line_chart(cov, "functional bins hit, %", 100.0),
           line_chart(wall, "wall time, s"),
           "<table>" + _head("date", "commit", "cluster", "seeds", "items", "failed", "rerun", "wall s",
                             "functional %", "line %")]
    for r in reversed(history):
        pct = r.get("functional_percent")
        line = r.get("line_percent")
        out.append(_row(_txt(str(r.get("date", "")).replace("T", " ")), _txt(str(r.get("commit", ""))[:12]),
                        _txt(str(r.get("cluster", "")) + (" " + r["shard"] if r.get("shard") else "")),
                        _num(r.get("seeds", "")), _num(r.get("items", "")),
                        _num(r.get("failed_items", ""), r.get("failed_items")),
                        _num(r.get("retried", "")), _num(r.get("wall", "")),
                        _num("" if pct is None else f"{pct:.1f}"), _num("" if line is None else f"{line:.1f}")))
    out.append("</table>")
    return out


def _items(regress: Mapping[str, Any]) -> list[str]:
    items = list(regress.get("items", []))
    if not items:
        return []
    out = [f"<h4>Items ({len(items)})</h4><table>"
           + _head("item", "result", "seconds", "worker", "attempts", "first failure", "reproduce")]
    ordered = sorted(items, key=lambda i: (not _failed(i.get("status")), int(i.get("attempts", 1)) == 1, i.get("name", "")))
    shown, hidden = _cut(ordered, lambda i: _failed(i.get("status")) or int(i.get("attempts", 1)) > 1)
    for i in shown:
        tried = int(i.get("attempts", 1))
        where = f" ({', '.join(map(str, i.get('attempt_workers', [])))})" if tried > 1 else ""
        repro = f"<code>{esc(i.get('reproduce', ''))}</code>" if _failed(i.get("status")) else ""
        out.append(_row(_txt(i.get("name")), _cell(status_badge(str(i.get("status", "?")))),
                        _num(f'{float(i.get("seconds", 0)):.1f}'), _txt(i.get("worker", "")), _num(f"{tried}{where}"),
                        _txt(i.get("first_failure", "")), _cell(repro)))
    out.append("</table>" + _more(hidden, "passing items"))
    return out


def _cut(rows: list, keep: Any) -> tuple[list, int]:
    """Every row ``keep`` picks and up to PASSING_SHOWN others, and how many others are left out."""
    kept = [r for r in rows if keep(r)]
    others = [r for r in rows if not keep(r)]
    return kept + others[:PASSING_SHOWN], max(0, len(others) - PASSING_SHOWN)


def _more(hidden: int, what: str) -> str:
    return f'<p class="muted">{hidden} more {esc(what)} in regress.json.</p>' if hidden else ""


def _tests(regress: Mapping[str, Any]) -> list[str]:
    outcomes = list(regress.get("outcomes", []))
    out = ["<table>" + _head("seed", "sim", "bench", "parameters", "test", "result", "first failure message",
                             "reproduce")]
    ordered = sorted(outcomes, key=lambda o: (o.get("status") == "pass", o.get("seed", 0)))
    shown, hidden = _cut(ordered, lambda o: o.get("status") != "pass")
    for o in shown:
        msg = str(o.get("message", ""))
        first = msg.strip().splitlines()[0] if msg.strip() else ""
        detail = f"<details><summary>{esc(first)}</summary><pre>{esc(msg)}</pre></details>" if msg.strip() else ""
        repro = f"<code>{esc(o.get('reproduce', ''))}</code>" if o.get("status") != "pass" else ""
        out.append(_row(_num(o.get("seed")), _txt(o.get("sim")), _txt(o.get("top")),
                        _txt(_params(o.get("config", ()), bool(o.get("sampled")))), _txt(o.get("test")),
                        _cell(status_badge(str(o.get("status", "?")))), _cell(detail), _cell(repro)))
    out.append("</table>" + _more(hidden, "passing tests"))
    return out


def regress_section(regress: Mapping[str, Any] | None, history: Sequence[Mapping[str, Any]] = ()) -> str:
    """The multi-seed regression from its ``regress.json`` and the history of earlier ones."""
    if not regress:
        return "\n".join([not_run("multi-seed regression", "make regress SEEDS=n"), *_trend(history)])
    seeds = list(regress.get("seeds", []))
    out = _run_header(regress)
    out.append(f"<p>Seeds: {esc(', '.join(map(str, seeds)))}; reproduce the whole regression: "
               f"<code>make regress SEED_LIST={esc(','.join(map(str, seeds)))}</code></p>")
    out += _tables(regress) + _closure(regress) + _trend(history) + _items(regress)
    out.append(f"<h4>Tests ({len(regress.get('outcomes', []))})</h4>")
    out += _tests(regress)
    return "\n".join(out)
