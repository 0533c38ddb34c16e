# SPDX-License-Identifier: Apache-2.0
"""Merge the functional-coverage JSON files of a regression into one report, and check it.

`python -m ebpc_tb.reports.coverage_report [DIR ...] [--out reports] [--check] [--waivers FILE]
[--expect-sweep]` reads every `*.json` written by the benches' `--coverage` option (one per
simulation run), adds up the hits of each bin per parameter set (W, N, Z) over all runs
(encoder, decoder and loopback benches, both simulators) and writes `coverage.txt` (every
bin with its hit count, the percentage per point and per parameter set) and
`coverage.json` (`coverage_params.json`: the sampled sets and the parameter values).

Runs of the parameter sets drawn from the whole legal space (files under a `sampled/`
folder, tb/tests/test_sim_sampled.py) are listed apart, with their hit counts, and not
checked (three tests cannot close every bin of an arbitrary set). The report ends with the
parameter values reached over all runs: W, N, Z and, from each file's `config.params`
(written by `python -m ebpc_tb.flow.run --coverage`), PlanesPerCycle, CountWidth and the others.

--check fails (exit 1) unless every bin was hit or is waived. A waiver names the parameter
set (`W8_N8_Z16`, or `*`), the point, the bin and the reason it cannot be hit; waived bins
are listed with their reason. --expect-sweep also fails when a parameter set of the sweep
is missing, or lacks a bench's points, so a regression that silently ran less fails too.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Waiver", "merge", "load_waivers", "render", "missing_configs", "is_sampled",
           "parameter_values", "render_parameter_values", "main"]

Config = tuple[int, int, int]
Merged = dict[Config, dict[str, dict[str, int]]]

# Points every parameter set of a full regression must have (one bench each).
BENCH_POINTS = ("encoder.traffic", "decoder.traffic", "loopback.traffic", "ebpc.decoder.error")


@dataclass(frozen=True)
class Waiver:
    config: str      # "W8_N8_Z16" or "*"
    point: str
    bin: str
    reason: str

    def applies(self, config: Config, point: str, bin_name: str) -> bool:
        return (self.config in ("*", config_name(config)) and self.point == point
                and self.bin == bin_name)


def config_name(config: Config) -> str:
    w, n, z = config
    return f"W{w}_N{n}_Z{z}"


def merge(files: list[Path]) -> Merged:
    """config -> cover point -> bin -> hits, summed over all files."""
    merged: Merged = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for file in files:
        try:
            data = json.loads(file.read_text())
            cfg = data["config"]
            key = (int(cfg["w"]), int(cfg["n"]), int(cfg["z"]))
            points = data["coverage"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{file}: not a coverage file of the benches ({exc})") from exc
        for point, entry in points.items():
            for bin_name, hits in entry.get("bins", {}).items():
                merged[key][point][bin_name] += int(hits)
    return merged


def is_sampled(file: Path, root: Path) -> bool:
    """A run of a parameter set drawn from the legal space (listed, not checked): a file in a
    ``sampled`` folder under ``root``, the folder scanned."""
    try:
        return "sampled" in file.relative_to(root).parts[:-1]
    except ValueError:
        return False


def parameter_values(files: list[Path]) -> dict[str, list[int]]:
    """Every value each parameter took over the runs: W, N, Z and the ``config.params`` keys
    (per top: ``encoder.PlanesPerCycle``, ``decoder.CountWidth``, ...)."""
    seen: dict[str, set[int]] = defaultdict(set)
    for file in files:
        try:
            cfg = json.loads(file.read_text())["config"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        for key, name in (("w", "W"), ("n", "N"), ("z", "Z")):
            if key in cfg:
                seen[name].add(int(cfg[key]))
        top = str(cfg.get("top", "?"))
        for key, value in (cfg.get("params") or {}).items():
            try:
                seen[f"{top}.{key}"].add(int(value))
            except (TypeError, ValueError):
                continue
    return {k: sorted(v) for k, v in sorted(seen.items(), key=lambda kv: (len(kv[0]) > 1, kv[0]))}


def render_parameter_values(values: dict[str, list[int]]) -> str:
    lines = ["== parameter values reached (all runs)"]
    for name, vals in values.items():
        lines.append(f"  {name:<26} {len(vals):>3} value(s): {', '.join(map(str, vals))}")
    return "\n".join(lines)


def load_waivers(path: Path | None) -> list[Waiver]:
    if path is None:
        return []
    try:
        items = json.loads(path.read_text())
        return [Waiver(str(i["config"]), str(i["point"]), str(i["bin"]), str(i["reason"])) for i in items]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: bad waiver file ({exc}); expected a list of "
                         "{{config, point, bin, reason}}") from exc


def render(merged: Merged, waivers: list[Waiver] = ()) -> tuple[str, dict, list[str]]:
    """(text table, JSON summary, unhit and unwaived bins as "config point bin")."""
    lines: list[str] = []
    summary: dict = {}
    unhit: list[str] = []
    for config in sorted(merged):
        points = merged[config]
        name = config_name(config)
        total = sum(len(bins) for bins in points.values())
        hit = sum(1 for bins in points.values() for h in bins.values() if h)
        waived_here = []
        for point in sorted(points):
            for bin_name, hits in points[point].items():
                if hits:
                    continue
                waiver = next((wv for wv in waivers if wv.applies(config, point, bin_name)), None)
                if waiver:
                    waived_here.append((point, bin_name, waiver.reason))
                else:
                    unhit.append(f"{name} {point} {bin_name}")
        percent = 100.0 * hit / max(total, 1)
        summary[name] = {"bins": total, "hit": hit, "percent": round(percent, 2),
                         "waived": [{"point": p, "bin": b, "reason": r} for p, b, r in waived_here],
                         "points": {p: {"percent": round(100.0 * sum(1 for h in b.values() if h) / len(b), 2),
                                        "bins": dict(b)} for p, b in points.items()}}
        lines.append(f"== W={config[0]} N={config[1]} Z={config[2]}: {hit}/{total} bins hit ({percent:.1f} %)"
                     + (f", {len(waived_here)} waived" if waived_here else ""))
        for point in sorted(points):
            bins = points[point]
            got = sum(1 for h in bins.values() if h)
            lines.append(f"  {point:<26} {got:>3}/{len(bins):<3} {100.0 * got / len(bins):5.1f} %  " +
                         " ".join(f"{b}:{h}" for b, h in bins.items()))
            missed = [b for b, h in bins.items() if not h]
            if missed:
                lines.append(f"  {'':<26} NOT HIT: {', '.join(missed)}")
        for point, bin_name, reason in waived_here:
            lines.append(f"  waived: {point} {bin_name}: {reason}")
    return "\n".join(lines), summary, unhit


def missing_configs(merged: Merged, expected: list[Config]) -> list[str]:
    """Parameter sets (or their bench points) absent from the data."""
    problems = []
    for config in expected:
        if config not in merged:
            problems.append(f"{config_name(config)}: no coverage data")
            continue
        absent = [p for p in BENCH_POINTS if p not in merged[config]]
        if absent:
            problems.append(f"{config_name(config)}: no data for {', '.join(absent)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=[Path("build/coverage")])
    parser.add_argument("--out", type=Path, default=Path("reports"))
    parser.add_argument("--check", action="store_true", help="fail unless every bin was hit or waived")
    parser.add_argument("--waivers", type=Path, default=None, help="JSON list of justified unhittable bins")
    parser.add_argument("--expect-sweep", action="store_true",
                        help="fail if a sweep parameter set or a bench's points are missing")
    args = parser.parse_args(argv)
    found = sorted((f, d) for d in args.dirs for f in d.rglob("*.json"))
    files = [f for f, _ in found]
    if not files:
        print(f"coverage: error: no coverage JSON under {', '.join(map(str, args.dirs))} "
              "(run the regression first: make test)", file=sys.stderr)
        return 2
    sampled = [f for f, d in found if is_sampled(f, d)]
    checked = [f for f, d in found if not is_sampled(f, d)]
    try:
        merged = merge(checked)
        merged_sampled = merge(sampled)
        waivers = load_waivers(args.waivers)
    except ValueError as exc:
        print(f"coverage: error: {exc}", file=sys.stderr)
        return 2
    text, summary, unhit = render(merged, waivers)
    sampled_summary: dict = {}
    if sampled:
        sampled_text, sampled_summary, _ = render(merged_sampled, waivers)
        text += ("\n== sampled parameter sets (drawn from the legal space; listed, not checked)\n"
                 + sampled_text)
    values = parameter_values(files)
    text += "\n" + render_parameter_values(values)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "coverage.txt").write_text(text + "\n")
    (args.out / "coverage.json").write_text(json.dumps(summary, indent=1) + "\n")
    (args.out / "coverage_params.json").write_text(
        json.dumps({"parameter_values": values, "sampled": sampled_summary}, indent=1) + "\n")
    print(text)
    print(f"functional coverage merged from {len(files)} runs -> {args.out}/coverage.txt, coverage.json")
    problems = [f"bin not hit: {u}" for u in unhit] if args.check else []
    if args.expect_sweep:
        from ..spec import SWEEP_CONFIGS  # noqa: PLC0415
        problems += missing_configs(merged, SWEEP_CONFIGS)
    for p in problems:
        print(f"coverage: FAIL: {p}", file=sys.stderr)
    if not problems and args.check:
        total = sum(s["bins"] for s in summary.values())
        print(f"coverage: check passed: {len(merged)} parameter sets, {total} bins, all hit or waived")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
