# SPDX-License-Identifier: Apache-2.0
"""Mutation testing of the RTL (``make mutate``): the command line.

    python -m ebpc_tb.flow.mutate [--files ebpc_fifo.sv,ebpc_enc_*.sv] [--mutants 120] [--seed 1]
        [--scale 0.5] [--timeout 300] [--no-broad] [--list] [--out reports] [--waivers FILE]
    python -m ebpc_tb.flow.mutate --rewaive reports/mutation.json [--waivers FILE]

Seeds single-operator faults into the RTL, one at a time, and runs for each the part of the
regression that covers the mutated module. A mutant is *killed* when that run fails (a
scoreboard mismatch, a protocol or RTL assertion, a hang, a timeout), *survives* when every
run passes, and is *not compiling* when the simulator rejects it. Survivors that a waiver file
(``tb/mutation_waivers.json``) explains as equivalent are reported as waived.

The mutants and the deterministic sample (``--seed``, ``--mutants``) are
:mod:`~ebpc_tb.flow.mutants`' job; running them in a scratch copy of the repository, fast stage
then broad stage, :mod:`~ebpc_tb.flow.mutant_runs`'; the waivers, the score and the reports
:mod:`~ebpc_tb.flow.mutation_results`'.

Output: ``reports/mutation.json`` and ``reports/mutation.md`` (score, every survivor with
file:line and the change, not-compiling mutants). Exit status 1 when a mutant survived, 2 on
bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Sequence

from .mutant_runs import Baseline, RunSettings, Workspace, evaluate
from .mutants import enumerate_mutants, sample
from .mutation_results import Outcome, load_waivers, with_waiver, write_reports
from ..spec import REPO_DIR

__all__ = ["RTL_DIR", "WAIVERS", "DEFAULT_FILES", "rewaive", "main"]

RTL_DIR = REPO_DIR / "rtl"
WAIVERS = REPO_DIR / "tb" / "mutation_waivers.json"
DEFAULT_FILES = ("ebpc_fifo.sv", "ebpc_enc_znz.sv", "ebpc_enc_packer.sv", "ebpc_enc_collector.sv",
                 "ebpc_enc_bpc_coder.sv", "ebpc_encoder.sv", "ebpc_dec_*.sv", "ebpc_decoder.sv")


def rewaive(report: Path, waiver_file: Path, out_dir: Path) -> int:
    """Re-classify the survivors of an earlier run with the current waiver file."""
    try:
        data = json.loads(report.read_text())
        waivers = load_waivers(waiver_file)
    except (OSError, json.JSONDecodeError) as exc:
        print(f"mutate: cannot read {exc}", file=sys.stderr)
        return 2
    outcomes = [with_waiver(Outcome.from_json(entry), waivers) for entry in data.get("mutants", [])]
    summ = write_reports(outcomes, out_dir, data.get("meta", {}))
    print(summ.line())
    return 0 if summ.survived == 0 else 1


def _select_files(patterns: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for pat in patterns:
        found = sorted(RTL_DIR.glob(pat))
        files += [f for f in found if f not in files]
    return files


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ebpc_tb.flow.mutate", description=__doc__.splitlines()[0])
    ap.add_argument("--files", default=",".join(DEFAULT_FILES),
                    help="comma list of rtl/ file names or globs (default: encoder, decoder, FIFO)")
    ap.add_argument("--mutants", type=int, default=int(os.environ.get("MUTANTS", "") or 120),
                    help="mutants to run, sampled from the enumeration (default 120; MUTANTS=n)")
    ap.add_argument("--seed", type=int, default=1, help="sampling and stimulus seed (default 1)")
    ap.add_argument("--scale", type=float, default=0.5, help="stimulus scale of each run (default 0.5)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per simulation run")
    ap.add_argument("--no-broad", action="store_true", help="fast stage only")
    ap.add_argument("--list", action="store_true", help="only list the sampled mutants")
    ap.add_argument("--out", default=str(REPO_DIR / "reports"), help="report directory")
    ap.add_argument("--waivers", default=str(WAIVERS))
    ap.add_argument("--rewaive", metavar="JSON", default=None,
                    help="no run: re-apply the waiver file to a mutation.json and rewrite the reports")
    args = ap.parse_args(argv)
    if args.rewaive:
        return rewaive(Path(args.rewaive), Path(args.waivers), Path(args.out))

    files = _select_files([p.strip() for p in args.files.split(",") if p.strip()])
    if not files:
        print(f"mutate: no RTL file matches {args.files!r}", file=sys.stderr)
        return 2
    if args.mutants < 1:
        print("mutate: --mutants must be >= 1", file=sys.stderr)
        return 2
    try:
        waivers = load_waivers(Path(args.waivers))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"mutate: cannot read the waiver file {args.waivers}: {exc}", file=sys.stderr)
        return 2
    everything = enumerate_mutants(files)
    chosen = sample(everything, args.mutants, args.seed)
    if args.list:
        for m in chosen:
            print(f"{m.ident}  [{m.op}]  {m.text}")
        print(f"{len(chosen)} of {len(everything)} mutants")
        return 0

    ws = Workspace()
    t0 = time.monotonic()
    print(f"mutate: {len(chosen)} of {len(everything)} mutants of {', '.join(f.name for f in files)} "
          f"(seed {args.seed}), scratch copy {ws.root}", flush=True)
    settings = RunSettings(args.seed, args.scale, args.timeout)
    baseline = Baseline(ws, settings)
    outcomes = []
    try:
        for i, m in enumerate(chosen, 1):
            o = with_waiver(evaluate(ws, m, settings, not args.no_broad, baseline), waivers)
            outcomes.append(o)
            print(f"[{i}/{len(chosen)}] {o.status:13s} {o.seconds:5.1f}s rtl/{m.file}:{m.line} "
                  f"[{m.op}] {m.old!r}->{m.new!r} {o.by}", flush=True)
    finally:
        shutil.rmtree(ws.root, ignore_errors=True)
    meta = {"command": "python -m ebpc_tb.flow.mutate " + " ".join(argv if argv is not None else sys.argv[1:]),
            "seed": args.seed, "scale": args.scale, "files": [f.name for f in files],
            "enumerated": len(everything), "minutes": (time.monotonic() - t0) / 60,
            "runs_left_out": baseline.broken()}
    if not outcomes:
        print("mutate: no mutant was run", file=sys.stderr)
        return 1
    summ = write_reports(outcomes, Path(args.out), meta)
    print(f"{summ.line()} ({args.out}/mutation.md)")
    return 0 if summ.survived == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
