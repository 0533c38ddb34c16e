# SPDX-License-Identifier: Apache-2.0
"""HTML building blocks of the dashboard (pure): the style sheet, escaping, status marks,
percentage bars, cards, "not run yet" notes and any JSON value as nested tables.

Everything returned is well-formed XML as well as HTML (every element closed, only XML's own
entities), so the page can be parsed by a test.
"""

from __future__ import annotations

from html import escape
from typing import Any, Mapping

__all__ = ["CSS", "esc", "status_badge", "percent", "bar", "not_run", "card", "scalar", "json_table"]

CSS = """
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


def esc(value: object) -> str:
    """``value`` as text safe in an element or a quoted attribute."""
    return escape(str(value), quote=True)


def status_badge(status: str) -> str:
    """A test status ("pass", "fail", ...) in capitals, coloured by its class."""
    return f'<span class="{esc(status)}">{esc(status.upper())}</span>'


def percent(hit: int, total: int) -> float:
    """``hit`` of ``total`` in percent; nothing to hit counts as complete."""
    return 100.0 * hit / total if total else 100.0


def bar(hit: int, total: int) -> str:
    """A percentage bar followed by ``hit/total (p %)``."""
    p = percent(hit, total)
    return f'<span class="bar"><i style="width:{p:.0f}%"></i></span>{hit}/{total} ({p:.1f} %)'


def not_run(what: str, how: str) -> str:
    """The note standing for a part whose data is missing: ``what: not run yet (how).``"""
    return f'<p class="none">{esc(what)}: not run yet ({esc(how)}).</p>'


def card(title: str, value: str, good: bool | None = None) -> str:
    """A headline figure; ``good`` colours it green (True) or red (False)."""
    cls = "card" + ("" if good is None else " good" if good else " bad")
    return f'<div class="{cls}">{esc(title)}<b>{esc(value)}</b></div>'


def scalar(value: Any) -> str:
    """A number as a table shows it (floats to four significant digits, or one decimal from 100)."""
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 100 else f"{value:.4g}"
    return str(value)


def json_table(value: Any, depth: int = 0) -> str:
    """Any JSON value as nested tables (lists of objects as one table)."""
    if isinstance(value, Mapping):
        rows = "".join(f"<tr><th>{esc(k)}</th><td>{json_table(v, depth + 1)}</td></tr>" for k, v in value.items())
        return f"<table>{rows}</table>"
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        keys: list[str] = []
        for v in value:
            keys += [k for k in v if k not in keys]
        head = "".join(f"<th>{esc(k)}</th>" for k in keys)
        body = "".join("<tr>" + "".join(f"<td>{json_table(v.get(k, ''), depth + 1)}</td>" for k in keys) + "</tr>"
                       for v in value)
        return f"<table><tr>{head}</tr>{body}</table>"
    if isinstance(value, list):
        return esc(", ".join(scalar(v) for v in value))
    return esc(scalar(value))


