# SPDX-License-Identifier: Apache-2.0
"""Multi-seed regression, the reports half: the results and merged coverage of a regression run.

    python -m ebpc_tb.reports.regression [--out build/regress] [--reports reports/regress]

Reads what ``python -m ebpc_tb.flow.regress --out <out>`` left: ``<out>/outcomes.json`` (the
run's commit, date and cluster, every item and every test's outcome), the per-item functional
coverage (``<out>/functional/*.json``) and Verilator code coverage (``<out>/codecov/*.dat``).
Writes into ``<reports>`` (its earlier reports removed first):

- ``regress.txt`` (also printed): per seed and test PASS or FAIL with the first line of each
  failure message, then every failure with the command that reproduces it; ``regress.json``,
  the same with the whole messages, every item (seconds, worker, attempts), the results per
  seed and per configuration, the durations and scheduling overhead, functional coverage
  closure against the number of seeds and the coverage totals; ``junit.xml``, a testsuite per
  seed, each test case with its worker and attempts;
- ``coverage.{txt,json}`` and ``code_coverage.{txt,json}``: functional and code coverage merged
  over all seeds and items (no gate: the sweep and its check belong to ``make test``);
- a line in ``history.jsonl`` (kept: the trend over earlier regressions on the dashboard).

Exit status 1 when a test failed, 2 when there are no outcomes to report.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterable, Sequence

from . import codecov, coverage_report
from .regress_stats import HISTORY_FILE, append_history, closure, durations, history_entry, per_config, per_seed
from ..flow.regress import RegressionRun, TestOutcome, read_outcomes
from ..spec import REPO_DIR

__all__ = ["REPORTS", "MergedCoverage", "RegressSummary", "summarise", "format_text", "to_junit",
           "merge_functional", "merge_code", "main"]

# Every file this module writes into <reports> (all removed before a new report).
REPORTS = ("regress.txt", "regress.json", "junit.xml", "coverage.txt", "coverage.json",
           "code_coverage.txt", "code_coverage.json")


@dataclasses.dataclass(frozen=True)
class MergedCoverage:
    """Coverage merged over every run of a regression: the text report and its JSON."""

    text: str
    data: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class RegressSummary:
    """A regression run with its coverage merged over everything."""

    run: RegressionRun
    functional: dict | None = None   # coverage_report summary (config -> ...)
    code: dict | None = None         # codecov JSON (runs, modules)
    closure: tuple[dict, ...] = ()   # functional coverage after the first k seeds

    @property
    def failed(self) -> list[TestOutcome]:
        return self.run.failed

    def to_json(self) -> dict[str, Any]:
        data = self.run.to_json()
        return {"seeds": data["seeds"], "elapsed": round(self.run.elapsed, 1),
                "tests": len(self.run.outcomes), "failed": len(self.failed), "outcomes": data["outcomes"],
                "functional_coverage": _functional_totals(self.functional),
                "code_coverage": _code_totals(self.code),
                "info": data["info"], "items": data["items"],
                "failed_items": sum(i.failed for i in self.run.items),
                "retried": sum(i.attempts > 1 for i in self.run.items),
                "per_seed": per_seed(self.run), "per_config": per_config(self.run),
                "durations": durations(self.run), "closure": list(self.closure)}


# -- formatting (pure) -------------------------------------------------------------------------

def summarise(outcomes: Iterable[TestOutcome]) -> dict[int, dict[str, int]]:
    """seed -> {"pass": n, "fail": n, "skip": n, "error": n}."""
    table: dict[int, dict[str, int]] = {}
    for o in outcomes:
        row = table.setdefault(o.seed, {"pass": 0, "fail": 0, "skip": 0, "error": 0})
        row[o.status] = row.get(o.status, 0) + 1
    return table


def format_text(summary: RegressSummary) -> str:
    """The per-seed, per-test table, then every failure with its message and reproduce command."""
    run = summary.run
    lines = [f"multi-seed regression: seeds {', '.join(map(str, run.seeds))}; "
             f"{len(run.outcomes)} tests, {len(summary.failed)} failed ({run.elapsed:.0f} s)"]
    if run.info.commit:
        lines.append(f"commit {run.info.commit[:12]}{' (with uncommitted changes)' if run.info.changes else ''}, "
                     f"{run.info.date}, {run.info.cluster}" + (f", shard {run.info.shard}" if run.info.shard else ""))
    if run.items:
        dur = durations(run)
        lines.append(f"{len(run.items)} items, {sum(i.failed for i in run.items)} failed, "
                     f"{sum(i.attempts > 1 for i in run.items)} rerun after a lost worker; {dur['item_seconds']:.0f} s "
                     f"of items on {dur['workers']} worker(s), {dur['mean_item']:.1f} s each, scheduling gap "
                     f"{dur['gap_ms']:.0f} ms per item ({dur['overhead_percent']:.2f} %)")
        for item in run.items:
            if item.attempts > 1:
                lines.append(f"  rerun: {item.name} started {item.attempts} times, on "
                             f"{', '.join(item.attempt_workers)}; the result of worker {item.worker} counts")
    for seed, counts in summarise(run.outcomes).items():
        lines.append(f"seed {seed}: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
    lines.append("")
    lines.append(f"{'seed':>10}  {'sim':9} {'top':8} {'params':14} {'test':24} result")
    for o in run.outcomes:
        w, n, z = o.config
        params = f"W{w}N{n}Z{z}" + ("*" if o.sampled else "")
        lines.append(f"{o.seed:>10}  {o.sim:9} {o.top:8} {params:14} {o.test:24} {o.status.upper()}"
                     + (f"  {o.first_line}" if o.first_line else ""))
    if any(o.sampled for o in run.outcomes):
        lines.append("(* a parameter set sampled from the sweep, fewer random transmissions)")
    for o in summary.failed:
        lines.append("")
        lines.append(f"FAILED seed {o.seed} {o.sim} {o.top} {o.test}: {o.first_line}")
        lines.append(f"  reproduce: {o.reproduce}")
    fun = _functional_totals(summary.functional)
    if fun:
        lines.append("")
        lines.append(f"functional coverage over all seeds: {fun['hit']}/{fun['bins']} bins "
                     f"({fun['percent']:.1f} %) in {fun['configs']} parameter set(s)")
    code = _code_totals(summary.code)
    if code:
        lines.append("code coverage over all seeds: " + ", ".join(
            f"{k} {v['hit']}/{v['total']}" for k, v in code.items() if k != "runs") + f" ({code['runs']} runs)")
    return "\n".join(lines)


def to_junit(summary: RegressSummary) -> str:
    """JUnit XML: a testsuite per seed, a testcase per (sim, top, parameters, test)."""
    suites = ET.Element("testsuites", name="ebpc multi-seed regression")
    items = {(i.seed, i.sim, i.top, i.config, t): i for i in summary.run.items for t in i.tests}
    for seed in summary.run.seeds:
        mine = [o for o in summary.run.outcomes if o.seed == seed]
        suite = ET.SubElement(suites, "testsuite", name=f"seed {seed}", tests=str(len(mine)),
                              failures=str(sum(o.status == "fail" for o in mine)),
                              errors=str(sum(o.status == "error" for o in mine)),
                              skipped=str(sum(o.status == "skip" for o in mine)))
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="ebpc_seed", value=str(seed))
        for o in mine:
            w, n, z = o.config
            case = ET.SubElement(suite, "testcase", classname=f"{o.sim}.{o.top}.W{w}N{n}Z{z}", name=o.test,
                                 time=f"{o.seconds:.1f}")
            item = items.get((o.seed, o.sim, o.top, o.config, o.test))
            if item is not None:
                props = ET.SubElement(case, "properties")
                for key, value in (("item", item.name), ("worker", item.worker), ("attempts", item.attempts)):
                    ET.SubElement(props, "property", name=key, value=str(value))
            if o.failed:
                ET.SubElement(case, "failure" if o.status == "fail" else "error",
                              message=o.first_line).text = f"{o.message}\nreproduce: {o.reproduce}"
            elif o.status == "skip":
                ET.SubElement(case, "skipped")
    return ET.tostring(suites, encoding="unicode")


def _functional_totals(functional: dict | None) -> dict | None:
    if not functional:
        return None
    bins = sum(v["bins"] for v in functional.values())
    hit = sum(v["hit"] for v in functional.values())
    return {"configs": len(functional), "bins": bins, "hit": hit, "percent": 100.0 * hit / max(bins, 1)}


def _code_totals(code: dict | None) -> dict | None:
    if not code or not code.get("modules"):
        return None
    out: dict = {"runs": code.get("runs", 0)}
    for m in code["modules"]:
        for kind, total in m["totals"].items():
            row = out.setdefault(kind, {"total": 0, "hit": 0})
            row["total"] += total
            row["hit"] += m["hits"].get(kind, 0)
    return out


# -- merging (reads the per-run files) ---------------------------------------------------------

def merge_functional(files: Sequence[Path]) -> MergedCoverage | None:
    """The benches' functional coverage JSON files merged (None: no file)."""
    if not files:
        return None
    text, summary, _ = coverage_report.render(coverage_report.merge(list(files)))
    return MergedCoverage(text, summary)


def merge_code(dats: Sequence[Path], rtl: Path = codecov.DEFAULT_RTL) -> MergedCoverage | None:
    """The Verilator coverage .dat files merged, with the exclusions of ``rtl`` (None: no file)."""
    if not dats:
        return None
    summaries = codecov.summarise(codecov.merge_files(dats))
    exclusions = codecov.find_exclusions(rtl)
    return MergedCoverage(codecov.format_report(summaries, exclusions),
                          codecov.report_json(len(dats), summaries, exclusions))


# -- command line (I/O) ------------------------------------------------------------------------

def _write(reports: Path, name: str, text: str) -> None:
    (reports / name).write_text(text + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ebpc_tb.reports.regression", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO_DIR / "build" / "regress",
                    help="the regression's data: outcomes.json, functional/, codecov/ (default build/regress)")
    ap.add_argument("--reports", type=Path, default=REPO_DIR / "reports" / "regress",
                    help="where the reports go (default reports/regress)")
    ap.add_argument("--history", type=Path, default=None,
                    help=f"the regressions so far, a line each (default <reports>/{HISTORY_FILE})")
    args = ap.parse_args(argv)
    args.reports.mkdir(parents=True, exist_ok=True)
    for name in REPORTS:          # nothing of an earlier regression may pass for this one's
        (args.reports / name).unlink(missing_ok=True)
    try:
        run = read_outcomes(args.out)
    except ValueError as exc:
        print(f"regress: error: {exc}", file=sys.stderr)
        return 2
    coverage_files = sorted((args.out / "functional").glob("*.json"))
    functional = merge_functional(coverage_files)
    code = merge_code(sorted((args.out / "codecov").glob("*.dat")))
    for stem, merged in (("coverage", functional), ("code_coverage", code)):
        if merged is not None:
            _write(args.reports, f"{stem}.txt", merged.text)
            _write(args.reports, f"{stem}.json", json.dumps(merged.data, indent=1))
    summary = RegressSummary(run, functional.data if functional else None, code.data if code else None,
                             tuple(closure(run, {p.stem: p for p in coverage_files})))
    text = format_text(summary)
    data = summary.to_json()
    _write(args.reports, "regress.txt", text)
    _write(args.reports, "regress.json", json.dumps(data, indent=1))
    _write(args.reports, "junit.xml", to_junit(summary))
    append_history(args.history or args.reports / HISTORY_FILE, history_entry(data))
    print()
    print(text)
    print(f"\nregress: reports in {args.reports}/ (regress.txt, regress.json, junit.xml, coverage.*, code_coverage.*)")
    return 1 if summary.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
