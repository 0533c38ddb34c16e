# SPDX-License-Identifier: Apache-2.0
"""Loading the dashboard's data (I/O): everything the page shows, read from a repository's
``build/`` and ``reports/`` folders into a :class:`~ebpc_tb.reports.dashboard_data.DashboardData`.

A part whose files are missing or unreadable is left empty (the page then says "not run yet").
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Sequence

from .codecov import find_dat_files, merge_files
from .coverage_report import config_name, merge
from .dashboard_data import (CodeCoverage, CoverageSet, DashboardData, Run, TestRow, code_from_points,
                             functional_from_summary, parse_junit_runs)
from .regress_stats import HISTORY_FILE, read_history

__all__ = ["functional_from_files", "collect"]


def functional_from_files(files: Sequence[Path]) -> dict[str, dict[str, dict[str, int]]]:
    """Merge the benches' coverage JSON files (:func:`ebpc_tb.reports.coverage_report.merge`):
    parameter set name -> point -> bin -> hits."""
    return {config_name(cfg): {point: dict(bins) for point, bins in points.items()}
            for cfg, points in merge(list(files)).items()}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _junit_run(xml: Path, name: str, kind: str) -> tuple[Run, int | None]:
    """One JUnit file as a run and its seed; an unreadable file as a run with one error."""
    try:
        return parse_junit_runs(xml.read_text(errors="replace"), name, kind)
    except ET.ParseError as exc:
        return Run(name, kind, None, (TestRow(xml.name, "error", f"unreadable: {exc}"),)), None


def _junit_runs(junit_dir: Path) -> tuple[list[Run], int | None]:
    """make test's pytest session (whose seed is the run's) and every cocotb run."""
    runs: list[Run] = []
    seed = None
    pytest_xml = junit_dir / "pytest.xml"
    if pytest_xml.is_file():
        run, seed = _junit_run(pytest_xml, "pytest", "pytest")
        runs.append(run)
    runs += [_junit_run(xml, xml.stem, "cocotb")[0] for xml in sorted((junit_dir / "sim").glob("*.xml"))]
    return runs, seed


def _functional(label: str, data_dir: Path, summary: Path) -> CoverageSet | None:
    """The per-run files of ``data_dir`` merged, else the ``summary`` a report wrote."""
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
    """The .dat files merged, with the source of every RTL file they name (from ``rtl_dir``,
    else where the .dat file says it was)."""
    if not dats:
        return None
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
                         regress_history=tuple(read_history(reports / "regress" / HISTORY_FILE)),
                         functional=tuple(functional), code=tuple(code),
                         bench=_read_json(reports / "bench.json"),
                         synth=synth if isinstance(synth, dict) else None,
                         plots=plots, documents=tuple(docs))


