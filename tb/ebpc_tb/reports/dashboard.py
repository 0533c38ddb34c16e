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

The work is split by job: :mod:`~ebpc_tb.reports.dashboard_data` (what the page shows),
:mod:`~ebpc_tb.reports.dashboard_collect` (reading it, I/O), :mod:`~ebpc_tb.reports.dashboard_html`
(HTML building blocks) and :mod:`~ebpc_tb.reports.dashboard_sections` (the sections); this module
puts the page together (:func:`render`, pure) and is the command line.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from .dashboard_collect import collect
from .dashboard_data import DashboardData
from .dashboard_html import CSS, esc
from .dashboard_sections import code_section, figures_section, functional_section, plots_section, runs_section

__all__ = ["render", "main"]


def render(data: DashboardData) -> str:
    """The whole page (well-formed XML: every element closed, only XML's own entities)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        "<title>EBPC regression dashboard</title>",
        f"<style>{CSS}</style></head><body>",
        "<header><h1>EBPC regression dashboard</h1>"
        f"<p>generated {esc(data.generated)}"
        + (f" · make test seed {esc(data.test_seed)}" if data.test_seed is not None else "") + "</p></header>",
        '<nav><a href="#runs">Runs</a><a href="#functional">Functional coverage</a>'
        '<a href="#code">Code coverage</a><a href="#figures">Throughput and area</a>'
        '<a href="#plots">Reports</a></nav><main>',
        runs_section(data),
        functional_section(data.functional),
        code_section(data.code),
        figures_section(data),
        plots_section(data),
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"



def main(argv: list[str] | None = None) -> int:
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
