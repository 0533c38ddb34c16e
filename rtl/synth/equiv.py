# SPDX-License-Identifier: Apache-2.0
"""`make equiv`: the synthesized netlists proven equivalent to the RTL (Yosys equivalence checking).

    python -m ebpc_synth.equiv [--tops encoder,decoder] [-W 8,16,32] [--seq 2] [--bmc 6]
                               [--out build/equiv] [--plant-fault SEED]

Per configuration (the RTL defaults N = 8, Z = 16 at each W, as `make synth` builds them):

1. gate: the configuration synthesized by :func:`ebpc_synth.flow.synthesize` (flat; the netlist
   of `make synth`: sky130_fd_sc_hd cells of the area-only genlib and the flow's three
   flip-flops); each genlib cell read back as its genlib function (a Verilog ``assign``; the
   functions are checked against the sky130 functional models by rtl/tests/test_synth.py);
2. gold: the RTL read by yosys-slang exactly as the flow reads it, only elaborated (``proc``,
   ``flatten``, ``memory_map``), no optimisation;
3. ``equiv_make`` pairs the two by signal name: every port, every register and every named
   wire that survives synthesis. The one state register the flow re-encodes (``fsm``: the
   decoder's ``u_bpc.state_q`` goes one-hot) is paired through its encoding, read from the
   synthesis log, as ``equiv_make -encfile`` takes it, plus one extra pair "the register's next
   value is a legal code" (gate) = 1 (gold) and a check that it resets to a legal code;
4. ``async2sync``, ``equiv_simple -seq N``, ``equiv_induct -seq N``, ``equiv_status``. An
   unproven pair of a combinational wire (a name synthesis kept on a net that differs from the
   RTL signal where it does not matter) is dropped (``-blacklist``) and the proof run again;
   ports and registers are never dropped.

Result ``proven``: every pair is proven, i.e. from any state in which the paired registers hold
equal values (the state after a reset is one: the reset values are part of the proof, the
reset input being free at every step) both designs give equal outputs and paired register
values for ever. ``not proven``: some pair is unproven; then a bounded check from reset (a
miter, ``sat -seq``, both designs starting from reset with all registers zero) looks for an
input sequence that makes the outputs differ: ``different`` when it finds one (trace in the
work directory).

``--plant-fault SEED`` is the self-test: it changes one cell of the gate netlist (a seeded
choice among the cells that drive a register or an output: its function is swapped for
another cell's with the same pins, e.g. nand2_1 -> nor2_1) and expects `not proven` or
`different`; exit 0 when the flow caught it.

Prints one row per configuration (top, W, method, result, time) and writes
<out>/summary.json. Exit 0: all proven (or, with --plant-fault, every fault caught); 1: not;
2: bad input or a tool failure.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

from . import rtl_files
from .cells import Library, LibraryError, build_library
from .equiv_netlist import (EquivError, Fault, FsmEncoding, add_legal_code_wires, cell_models,
                            check_reset_codes, encfile_text, fixed_names, fsm_encodings, plant_fault,
                            valid_wire)
from .flow import Config, SynthError, synthesize, yosys_command

REPO = Path(__file__).resolve().parents[2]
WORK = REPO / "build" / "equiv"
SHORT_TOPS = {"encoder": "ebpc_encoder", "decoder": "ebpc_decoder"}
DEFAULTS = (("BlockSize", 8), ("MaxZeroRun", 16))   # the RTL defaults, as `make synth` runs them
RESET = "rst_ni"
RESULTS = ("proven", "not proven", "different")


@dataclasses.dataclass
class EquivResult:
    config: Config
    method: str
    result: str                 # one of RESULTS
    equiv_cells: int            # paired signal bits ($equiv cells)
    unproven: int
    proof_cpu_s: float          # yosys CPU time of the proof (and of the bounded check, if run)
    proof_wall_s: float
    synth_cpu_s: float
    fsm: tuple[FsmEncoding, ...]
    fault: Fault | None
    detail: str                 # first unproven pairs / the bounded check's outcome
    log: str

    @property
    def width(self) -> int:
        return dict(self.config.params).get("DataWidth", 0)

    def as_dict(self) -> dict:
        return {"top": self.config.top, "label": self.config.label, "W": self.width,
                "params": dict(self.config.params), "method": self.method, "result": self.result,
                "equiv_cells": self.equiv_cells, "unproven": self.unproven,
                "proof_cpu_s": round(self.proof_cpu_s, 1), "proof_wall_s": round(self.proof_wall_s, 1),
                "synth_cpu_s": round(self.synth_cpu_s, 1),
                "fsm": [{"signal": f.signal, "codes": dict(f.codes)} for f in self.fsm],
                "fault": dataclasses.asdict(self.fault) if self.fault else None,
                "detail": self.detail, "log": self.log}


# -- yosys ----------------------------------------------------------------------------------------

def _rel(path: Path) -> str:
    # Paths relative to the repository: the WebAssembly build remaps absolute /tmp paths.
    return os.path.relpath(path, REPO)


def _run(workdir: Path, name: str, script_text: str) -> tuple[str, float, float]:
    """Run a yosys script from the repository; (log text, CPU s, wall s)."""
    script = workdir / f"{name}.ys"
    script.write_text(script_text)
    log = workdir / f"{name}.log"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(yosys_command() + ["-q", "-l", _rel(log), "-s", _rel(script)],
                          cwd=REPO, capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    text = log.read_text() if log.exists() else ""
    if proc.returncode != 0:
        errors = [ln.strip() for ln in (text or proc.stderr).splitlines() if "ERROR" in ln]
        raise EquivError(f"yosys failed in {name}: {errors[0] if errors else 'see the log'} (log: {log})")
    return text, cpu, wall


def _load_designs(config: Config, cells_v: Path, gate_json: Path,
                  encodings: Sequence[FsmEncoding]) -> list[str]:
    """Yosys commands leaving the modules ``gold`` (the RTL) and ``gate`` (the netlist)."""
    files = [_rel(f) for f in rtl_files()]
    incdirs = sorted({os.path.dirname(f) for f in files})
    params = " ".join(f"-G {k}={v}" for k, v in config.params)
    top = config.top
    lines = [f"read_verilog {_rel(cells_v)}", f"read_json {_rel(gate_json)}",
             f"hierarchy -check -top {top}", "flatten", f"rename {top} gate", "design -stash gate",
             f"read_slang --threads 1 --top {top} {''.join(f'-I {d} ' for d in incdirs)}{params} "
             f"{' '.join(files)}",
             f"hierarchy -check -top {top}", "proc", "flatten", "opt_clean", "chformal -remove",
             "memory -nomap", "memory_map", "opt_clean"]
    for enc in encodings:
        wire = valid_wire(enc)
        lines += [f"add -wire \\{wire} 1 {top}", f"cd {top}", f"connect -set \\{wire} 1'1", "cd ..",
                  f"setattr -set keep 1 {top}/w:{wire}"]
    lines += [f"rename {top} gold", "design -stash gold",
              "design -copy-from gold -as gold gold", "design -copy-from gate -as gate gate"]
    return lines


_STATUS = re.compile(r"Found (\d+) \$equiv cells in equiv:\s*\n\s*Of those cells (\d+) are proven and (\d+) are unproven")
_UNPROVEN = re.compile(r"Unproven \$equiv \S+: \\?(\S+)_gold( \[\d+\])?")


def parse_status(log_text: str) -> tuple[int, int, list[str]]:
    """(equiv cells, unproven, the first unproven signals) from the log of `equiv_status`."""
    match = None
    for match in _STATUS.finditer(log_text):
        pass
    if match is None:
        raise EquivError("no equiv_status result in the yosys log")
    names = [m[1] + (m[2] or "") for m in _UNPROVEN.finditer(log_text[match.start():])]
    return int(match[1]), int(match[3]), names


def parse_bmc(log_text: str) -> str:
    """'different', 'none' (no difference within the depth) or 'timeout' from a `sat` log."""
    if "model found: FAIL!" in log_text:
        return "different"
    if "no model found: SUCCESS!" in log_text:
        return "none"
    return "timeout"


def check(config: Config, netlist: Path, synth_log: Path, workdir: Path, library: Library,
          seq: int = 2, bmc_depth: int = 6, bmc_timeout: int = 300, fault_seed: int | None = None,
          max_rounds: int = 4,
          synth_cpu_s: float = 0.0) -> EquivResult:
    """Prove the netlist (flat JSON of :func:`synthesize`) equivalent to the RTL of ``config``."""
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        design = json.loads(netlist.read_text())
        log_text = synth_log.read_text()
    except (OSError, ValueError) as error:
        raise EquivError(f"cannot read the synthesis result: {error}") from None
    if config.top not in design.get("modules", {}):
        raise EquivError(f"{netlist}: no module {config.top}")
    encodings = fsm_encodings(log_text)
    fault = plant_fault(design, config.top, library, fault_seed) if fault_seed is not None else None
    reset_problems = check_reset_codes(design, config.top, encodings)
    add_legal_code_wires(design, config.top, encodings)
    gate_json = workdir / f"{config.label}.gate.json"
    gate_json.write_text(json.dumps(design))
    cells_v = workdir / "cells.v"
    cells_v.write_text(cell_models(library))
    encfile = workdir / f"{config.label}.enc"
    encfile.write_text(encfile_text(encodings))
    load = _load_designs(config, cells_v, gate_json, encodings)
    name = config.label + (f".fault{fault_seed}" if fault is not None else "")
    # Every wire with the same name on both sides is paired first. A combinational wire keeps
    # its RTL name through synthesis only loosely (an optimisation may leave a name on a net
    # that differs from the RTL signal where it does not matter, e.g. a flip-flop's D while
    # its enable is off), so an unproven pair of such a wire is dropped (equiv_make
    # -blacklist) and the proof run again; ports and registers are never dropped.
    fixed = fixed_names(design, config.top, encodings)
    dropped: list[str] = []
    black = workdir / f"{config.label}.blacklist"
    cpu = wall = 0.0
    for _round in range(max_rounds):
        black.write_text("".join(f"{n}\n" for n in dropped))
        script = load + [f"equiv_make -blacklist {_rel(black)} "
                         f"{f'-encfile {_rel(encfile)} ' if encodings else ''}gold gate equiv",
                         "hierarchy -top equiv", "async2sync",
                         f"equiv_simple -seq {seq}", f"equiv_induct -seq {seq}", "equiv_status"]
        text, run_cpu, run_wall = _run(workdir, name + ".equiv", "\n".join(script) + "\n")
        cpu, wall = cpu + run_cpu, wall + run_wall
        cells, unproven, names = parse_status(text)
        if cells == 0:
            raise EquivError(f"{config.label}: nothing was paired (no $equiv cells)")
        wires = sorted({n.split(" [")[0] for n in names})
        if unproven == 0 or any(w in fixed for w in wires):
            break
        dropped += wires
    names = reset_problems + names
    unproven += len(reset_problems)
    method = (f"equiv_simple+induct seq {seq}" + (" +fsm map" if encodings else "")
              + (f" -{len(dropped)} wires" if dropped else ""))
    log = _rel(workdir / f"{name}.equiv.log")
    if unproven == 0:
        return EquivResult(config, method, "proven", cells, 0, cpu, wall, synth_cpu_s, encodings,
                           fault, "", log)
    detail = f"{unproven} unproven, e.g. {', '.join(names[:4])}"
    # A bounded check from reset: is there an input sequence that makes the outputs differ?
    vcd = workdir / f"{name}.cex.vcd"
    bmc = load + ["miter -equiv -flatten -make_assert -ignore_gold_x gold gate miter",
                  "hierarchy -top miter", "async2sync",
                  f"sat -prove-asserts -set-init-zero -set-at 1 in_{RESET} 0 -seq {bmc_depth} "
                  f"-timeout {bmc_timeout} -dump_vcd {_rel(vcd)} miter"]
    btext, bcpu, bwall = _run(workdir, name + ".bmc", "\n".join(bmc) + "\n")
    outcome = parse_bmc(btext)
    method += f"; bmc {bmc_depth}"
    if outcome == "different":
        result = "different"
        detail += f"; outputs differ within {bmc_depth} cycles of reset (trace {_rel(vcd)})"
    else:
        result = "not proven"
        detail += (f"; no output difference within {bmc_depth} cycles of reset" if outcome == "none"
                   else f"; bounded check timed out after {bmc_timeout} s")
    return EquivResult(config, method, result, cells, unproven, cpu + bcpu, wall + bwall, synth_cpu_s,
                       encodings, fault, detail, log)


def synthesize_netlist(config: Config, workdir: Path, library: Library) -> tuple[Path, Path, float]:
    """Synthesize ``config`` as `make synth` does (flat only); (netlist JSON, log, CPU s)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        synthesize(config, rtl_files(), REPO, workdir, library, hierarchy=False)
    except SynthError as error:
        raise EquivError(str(error)) from None
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    netlist = workdir / f"{config.label}.flat.json"
    log = workdir / f"{config.label}.flat.log"
    if not (netlist.exists() and log.exists()):
        raise EquivError(f"synthesis wrote no {netlist.name} / {log.name} in {workdir}")
    return netlist, log, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_config(config: Config, out: Path, library: Library, seq: int, bmc_depth: int,
               fault_seed: int | None = None) -> EquivResult:
    workdir = out / config.label
    netlist, log, synth_cpu = synthesize_netlist(config, workdir, library)
    return check(config, netlist, log, workdir, library, seq, bmc_depth, fault_seed=fault_seed,
                 synth_cpu_s=synth_cpu)


def row_text(r: EquivResult) -> str:
    fault = f"  [fault {r.fault.text()}]" if r.fault else ""
    return (f"{r.config.top:13s} {r.width:3d}  {r.method:46s} {r.result:11s} "
            f"{r.proof_cpu_s:7.1f} {r.proof_wall_s:7.1f} {r.synth_cpu_s:7.1f}  {r.equiv_cells:5d}{fault}")


HEADER = (f"{'top':13s} {'W':>3s}  {'method':46s} {'result':11s} {'cpu s':>7s} {'wall s':>7s} "
          f"{'synth s':>7s}  {'pairs':>5s}")


def _csv_ints(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ebpc_synth.equiv", description=__doc__.splitlines()[0])
    parser.add_argument("--tops", default="encoder,decoder")
    parser.add_argument("-W", type=_csv_ints, default=[8, 16, 32])
    parser.add_argument("--seq", type=int, default=2, help="time steps of equiv_simple / equiv_induct")
    parser.add_argument("--bmc", type=int, default=6, help="depth of the bounded check run when a proof fails")
    parser.add_argument("--out", type=Path, default=WORK)
    parser.add_argument("--plant-fault", type=int, metavar="SEED", help="self-test: change one netlist cell")
    args = parser.parse_args(argv)
    try:
        tops = [SHORT_TOPS.get(t, t) for t in args.tops.split(",") if t]
        for top in tops:
            if top not in SHORT_TOPS.values():
                raise ValueError(f"unknown top {top!r}: use encoder, decoder")
        if args.seq < 1 or args.bmc < 1:
            raise ValueError("--seq and --bmc must be at least 1")
        library = build_library()
        results = []
        print(HEADER, flush=True)
        for top in tops:
            for width in args.W:
                config = Config(top, (("DataWidth", width), *DEFAULTS))
                result = run_config(config, args.out, library, args.seq, args.bmc, args.plant_fault)
                results.append(result)
                print(row_text(result), flush=True)
                if result.detail:
                    print(f"  {result.detail}", flush=True)
    except (ValueError, OSError, LibraryError, EquivError) as error:
        print(f"equiv: error: {error}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    summary = args.out / ("summary.json" if args.plant_fault is None else "selftest.json")
    summary.write_text(json.dumps(
        {"flow": "gold: read_slang, proc, flatten, memory_map; gate: the flat netlist of make synth "
                 "(genlib functions); equiv_make [-encfile], async2sync, equiv_simple, equiv_induct, "
                 "equiv_status", "results": [r.as_dict() for r in results]}, indent=1) + "\n")
    print(f"equiv: wrote {summary}")
    if args.plant_fault is not None:
        missed = [r for r in results if r.result == "proven"]
        for r in missed:
            print(f"equiv: self-test FAILED: planted fault not found in {r.config.label} ({r.fault.text()})",
                  file=sys.stderr)
        return 1 if missed else 0
    bad = [r for r in results if r.result != "proven"]
    print(f"equiv: {len(results) - len(bad)}/{len(results)} proven")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
