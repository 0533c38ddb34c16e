# SPDX-License-Identifier: Apache-2.0
"""Figures of a multi-seed regression (pure, but for the history file): results per seed and per
configuration, durations and the scheduling overhead, functional coverage closure against the
number of seeds, and the history of earlier regressions (``reports/regress/history.jsonl``)
that the dashboard draws the trend from.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..flow.items import ItemRecord
from ..flow.regress import RegressionRun

__all__ = ["HISTORY_FILE", "HISTORY_KEEP", "per_seed", "per_config", "durations", "closure", "coverage_keys",
           "history_entry", "read_history", "append_history", "trend_points"]

HISTORY_FILE = "history.jsonl"
HISTORY_KEEP = 200


def _counts(items: Sequence[ItemRecord]) -> dict[str, Any]:
    seconds = [i.seconds for i in items]
    return {"items": len(items), "passed": sum(not i.failed for i in items), "failed": sum(i.failed for i in items),
            "retried": sum(i.attempts > 1 for i in items), "seconds": round(sum(seconds), 1),
            "mean_seconds": round(sum(seconds) / len(seconds), 2) if seconds else 0.0}


def per_seed(run: RegressionRun) -> list[dict[str, Any]]:
    """One row per seed, in the run's order."""
    by_seed: dict[int, list[ItemRecord]] = defaultdict(list)
    for item in run.items:
        by_seed[item.seed].append(item)
    return [{"seed": s, **_counts(by_seed.get(s, []))} for s in run.seeds]


def per_config(run: RegressionRun) -> list[dict[str, Any]]:
    """One row per (simulator, bench, parameter set), failures first."""
    groups: dict[tuple, list[ItemRecord]] = defaultdict(list)
    for item in run.items:
        groups[(item.sim, item.top, item.config, item.sampled)].append(item)
    rows = [{"sim": sim, "top": top, "config": list(config), "sampled": sampled, **_counts(items)}
            for (sim, top, config, sampled), items in groups.items()]
    return sorted(rows, key=lambda r: (-r["failed"], r["sim"], r["top"], r["config"]))


def durations(run: RegressionRun) -> dict[str, Any]:
    """Wall time, item times and the scheduling overhead: the idle gaps of a worker between the
    end of one item and the start of its next (the client's and the scheduler's share)."""
    items = run.items
    seconds = [i.seconds for i in items]
    gaps = []
    by_worker: dict[str, list[ItemRecord]] = defaultdict(list)
    for item in items:
        if item.worker and item.finished > item.started > 0:
            by_worker[item.worker].append(item)
    for mine in by_worker.values():
        mine.sort(key=lambda i: i.started)
        gaps += [max(0.0, b.started - a.finished) for a, b in zip(mine, mine[1:])]
    mean = sum(seconds) / len(seconds) if seconds else 0.0
    gap = sum(gaps) / len(gaps) if gaps else 0.0
    return {"wall": round(run.elapsed, 1), "startup": run.info.startup, "items": len(items),
            "item_seconds": round(sum(seconds), 1), "mean_item": round(mean, 2), "max_item": round(max(seconds, default=0.0), 2),
            "build_seconds": round(sum(i.build_seconds for i in items), 1), "workers": len(by_worker),
            "gap_ms": round(1000 * gap, 1), "overhead_percent": round(100 * gap / mean, 3) if mean else 0.0}


def coverage_keys(data: Mapping[str, Any]) -> tuple[set[tuple], set[tuple]]:
    """(every bin, the bins hit) of one functional coverage file, as (W, N, Z, point, bin)."""
    cfg = data["config"]
    config = (int(cfg["w"]), int(cfg["n"]), int(cfg["z"]))
    every, hit = set(), set()
    for point, entry in data["coverage"].items():
        for name, hits in entry.get("bins", {}).items():
            every.add((*config, point, name))
            if int(hits):
                hit.add((*config, point, name))
    return every, hit


def closure(run: RegressionRun, files: Mapping[str, Path]) -> list[dict[str, Any]]:
    """Functional coverage after the first k seeds, k = 1 .. all (``files``: item name -> its
    coverage file): bins hit of all the bins the whole regression saw."""
    seed_of = {i.name: i.seed for i in run.items}
    every: set[tuple] = set()
    hit_by_seed: dict[int, set[tuple]] = defaultdict(set)
    for name, path in files.items():
        try:
            bins, hit = coverage_keys(json.loads(path.read_text()))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
        every |= bins
        if name in seed_of:
            hit_by_seed[seed_of[name]] |= hit
    if not every:
        return []
    rows, hit_so_far = [], set()
    for k, seed in enumerate(run.seeds, 1):
        hit_so_far |= hit_by_seed.get(seed, set())
        rows.append({"seeds": k, "seed": seed, "hit": len(hit_so_far), "bins": len(every),
                     "percent": round(100.0 * len(hit_so_far) / len(every), 2)})
    return rows


def history_entry(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The line a regression leaves in the history (from its ``regress.json``)."""
    info, dur = summary.get("info", {}), summary.get("durations", {})
    fun, code = summary.get("functional_coverage") or {}, summary.get("code_coverage") or {}
    line = code.get("line") or {}
    return {"date": info.get("date", ""), "commit": info.get("commit", ""), "cluster": info.get("cluster", ""),
            "shard": info.get("shard", ""), "seeds": len(summary.get("seeds", [])),
            "items": len(summary.get("items", [])), "failed_items": summary.get("failed_items", 0),
            "retried": summary.get("retried", 0), "tests": summary.get("tests", 0), "failed": summary.get("failed", 0),
            "wall": dur.get("wall", summary.get("elapsed", 0)), "item_seconds": dur.get("item_seconds", 0),
            "functional_percent": fun.get("percent"),
            "line_percent": round(100.0 * line["hit"] / line["total"], 2) if line.get("total") else None}


def read_history(path: Path) -> list[dict[str, Any]]:
    """The regressions recorded in ``path``, oldest first (unreadable lines are skipped)."""
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict):
            out.append(row)
    return out


def _same_run(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return (a.get("date"), a.get("commit"), a.get("shard")) == (b.get("date"), b.get("commit"), b.get("shard"))


def append_history(path: Path, entry: Mapping[str, Any], keep: int = HISTORY_KEEP) -> list[dict[str, Any]]:
    """Add ``entry`` (replacing the same regression's, when its reports are written again) and
    keep the last ``keep``; the history as written."""
    rows = [r for r in read_history(path) if not _same_run(r, entry)] + [dict(entry)]
    rows = rows[-keep:]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))
    return rows


def trend_points(history: Iterable[Mapping[str, Any]], key: str) -> list[tuple[int, float]]:
    """(index, value) of ``key`` over the history, leaving out regressions without it."""
    return [(i, float(r[key])) for i, r in enumerate(history) if isinstance(r.get(key), (int, float))]
