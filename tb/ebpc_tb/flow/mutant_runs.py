# SPDX-License-Identifier: Apache-2.0
"""Running mutants (I/O): which simulations may kill a mutant of each RTL module, the scratch
copy of the repository a mutant is applied in, and the verdict on one mutant.

Each mutant runs in a scratch copy of the repository (the work tree is never touched), first
the fast stage (Icarus, default parameters, every test of the covering benches); a mutant
that survives it gets the broad stage (W/N/Z sets that hold every other sweep value, and the
knob settings that reach other code: ``PlanesPerCycle`` 1, 3 and W+1, ``EnableCounts=1``) before
it is called a survivor. A run that fails on the unmutated RTL is left out (:class:`Baseline`).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .mutants import Mutant, apply
from .mutation_results import Outcome
from ..spec import FLOW_OUTPUT_VARIABLES, REPO_DIR

__all__ = ["Run", "RunSettings", "covering_runs", "broad_runs", "Workspace", "Baseline", "evaluate"]


# Benches covering each module (fast stage: Icarus at W=8, N=8, Z=16 with these parameters).
ENCODER_RUNS: list[tuple[str, tuple[str, ...]]] = [("encoder", ())]
DECODER_RUNS: list[tuple[str, tuple[str, ...]]] = [("decoder", ())]
COVERING: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "ebpc_fifo": [("encoder", ("EnableCounts=1",)), ("decoder", ()), ("loopback", ())],
    "ebpc_encoder": [("encoder", ("EnableCounts=1",))],
    "ebpc_enc_packer": [("encoder", ("EnableCounts=1",))],
    "ebpc_loopback": [("loopback", ())],
    "ebpc_axis_encoder": [("axis_encoder", ())],
    "ebpc_axis_decoder": [("axis_decoder", ())],
    # (its Lanes = 1 core and its multi-word core)
    "ebpc_decoder": [("decoder", ()), ("axis_decoder", ("Lanes=8",))],
    # The encoder's symbol generator and collector (a Lanes = 1 branch and a Lanes > 1 one):
    # the native bench with words and with beats. The loopback's beat conversion (Lanes !=
    # DecLanes): the loopback bench with beats.
    "ebpc_enc_znz": [("encoder", ()), ("encoder", ("Lanes=2",)), ("encoder", ("Lanes=8",))],
    "ebpc_enc_collector": [("encoder", ()), ("encoder", ("Lanes=2",)), ("encoder", ("Lanes=8",))],
    "ebpc_beat_convert": [("loopback", ("Lanes=4", "DecLanes=1")), ("loopback", ("Lanes=1", "DecLanes=4"))],
}
# The decoder's stages serve the single-word core and the multi-word one: the decoder bench
# with words and with beats of two (its malformed streams too: every error flag, L = 0), and
# the AXI4-Stream decoder bench with beats (conformance, corners, vectors, random, truncated
# streams) at two and eight lanes.
for _module in ("ebpc_dec_bitbuf", "ebpc_dec_bpc", "ebpc_dec_znz", "ebpc_dec_out"):
    COVERING[_module] = DECODER_RUNS + [("decoder", ("Lanes=2",)), ("axis_decoder", ("Lanes=2",)),
                                        ("axis_decoder", ("Lanes=8",))]
# Broad stage: W/N/Z sets holding every other value of the sweep (W 16, 32; N 16; Z 2, 64),
# then knobs at the default W/N/Z that reach other code (one plane per cycle, a whole block
# per cycle, three planes per cycle with the word counts).
BROAD_CONFIGS = [(8, 16, 2), (16, 8, 64), (32, 16, 16)]
ENCODER_KNOBS = [("PlanesPerCycle=1",), ("PlanesPerCycle=9",), ("PlanesPerCycle=3", "EnableCounts=1")]


@dataclasses.dataclass(frozen=True)
class Run:
    """One simulation a mutant is run against: an Icarus bench at one parameter set."""

    top: str
    config: tuple[int, int, int] = (8, 8, 16)
    params: tuple[str, ...] = ()

    def label(self) -> str:
        w, n, z = self.config
        extra = " " + " ".join(self.params) if self.params else ""
        return f"icarus {self.top} W={w} N={n} Z={z}{extra}"


@dataclasses.dataclass(frozen=True)
class RunSettings:
    """The stimulus seed and scale of every run, and how long one may take."""

    seed: int
    scale: float
    timeout: float


def covering_runs(module: str) -> list[Run]:
    """The fast stage of a mutant of ``module``: the benches covering it, default parameters."""
    base = COVERING.get(module)
    if base is None:
        base = DECODER_RUNS if module.startswith("ebpc_dec") else ENCODER_RUNS
    return [Run(top, (8, 8, 16), params) for top, params in base]


def broad_runs(module: str) -> list[Run]:
    """The broad stage: the covering benches at the other sweep values and encoder knobs."""
    runs = []
    tops = sorted({r.top for r in covering_runs(module)})
    for top in tops:
        runs += [Run(top, cfg) for cfg in BROAD_CONFIGS]
        if top in ("encoder", "axis_encoder"):
            runs += [Run(top, (8, 8, 16), knob) for knob in ENCODER_KNOBS]
    return runs


class Workspace:
    """A scratch copy of the repository in which one mutant at a time is applied."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root or tempfile.mkdtemp(prefix="ebpc_mutate_"))
        for name in ("rtl", "tb", "model", "vectors", "docs"):
            src = REPO_DIR / name
            if src.exists():
                shutil.copytree(src, self.root / name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", "build"))
        for name in ("Bender.yml", "ebpc.core", "pyproject.toml"):
            if (REPO_DIR / name).exists():
                shutil.copy2(REPO_DIR / name, self.root / name)
        self.pristine = {p.name: p.read_text() for p in (self.root / "rtl").glob("*.sv")}

    def env(self) -> dict[str, str]:
        """This environment with the copy's packages first and no regression data output."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(self.root / "tb"), str(self.root / "model")])
        for var in (*FLOW_OUTPUT_VARIABLES, "PYTEST_CURRENT_TEST"):
            env.pop(var, None)
        return env

    def apply(self, mutant: Mutant | None) -> None:
        """The RTL with ``mutant`` applied (None: the pristine RTL); only changed files are written."""
        for name, text in self.pristine.items():
            path = self.root / "rtl" / name
            want = apply(mutant, text) if mutant is not None and mutant.file == name else text
            if path.read_text() != want:
                path.write_text(want)

    def run(self, run: Run, settings: RunSettings) -> tuple[str, str]:
        """('pass' | 'fail' | 'build' | 'timeout', last output lines)."""
        w, n, z = run.config
        cmd = [sys.executable, "-m", "ebpc_tb.flow.run", "--sim", "icarus", "--top", run.top,
               "--w", str(w), "--n", str(n), "--z", str(z), "--seed", str(settings.seed),
               "--scale", str(settings.scale)]
        for p in run.params:
            cmd += ["--param", p]
        proc = subprocess.Popen(cmd, cwd=self.root, env=self.env(), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=settings.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return "timeout", ""
        tail = "\n".join(out.splitlines()[-6:])
        if proc.returncode == 0:
            return "pass", tail
        if "build of" in out and "failed" in out and "tests=0" in out:
            return "build", tail
        return "fail", tail


class Baseline:
    """Whether a run passes on the unmutated RTL (checked once per run, when first needed):
    a run that fails without a mutant cannot kill one and is left out."""

    def __init__(self, ws: Workspace, settings: RunSettings):
        self.ws, self.settings = ws, settings
        self.known: dict[Run, bool] = {}

    def ok(self, run: Run) -> bool:
        if run not in self.known:
            self.ws.apply(None)
            status, tail = self.ws.run(run, self.settings)
            self.known[run] = status == "pass"
            if status != "pass":
                print(f"mutate: {run.label()} fails on the unmutated RTL ({status}): left out\n{tail}",
                      flush=True)
        return self.known[run]

    def broken(self) -> list[str]:
        """The labels of the runs left out."""
        return [r.label() for r, good in self.known.items() if not good]


def _first_kill(ws: Workspace, mutant: Mutant, settings: RunSettings, broad: bool,
                baseline: Baseline) -> tuple[str, str, str]:
    """(status, stage, the run that decided it) of the mutant applied in ``ws``."""
    module = Path(mutant.file).stem
    stages = [("fast", covering_runs(module))] + ([("broad", broad_runs(module))] if broad else [])
    for stage, runs in stages:
        for r in runs:
            if not baseline.ok(r):
                continue
            ws.apply(mutant)
            status, _ = ws.run(r, settings)
            if status == "build":
                return "not_compiling", stage, r.label()
            if status in ("fail", "timeout"):
                return "killed", stage, r.label() + (" (timeout)" if status == "timeout" else "")
    return "survived", "", ""


def evaluate(ws: Workspace, mutant: Mutant, settings: RunSettings, broad: bool, baseline: Baseline) -> Outcome:
    """Killed, not compiling or survived (waivers are applied apart: mutation_results.with_waiver);
    the workspace holds the pristine RTL again afterwards."""
    t0 = time.monotonic()
    try:
        status, stage, by = _first_kill(ws, mutant, settings, broad, baseline)
    finally:
        ws.apply(None)
    return Outcome(mutant, status, stage, by, time.monotonic() - t0)
