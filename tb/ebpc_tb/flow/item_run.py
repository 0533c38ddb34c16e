# SPDX-License-Identifier: Apache-2.0
"""Regression items in processes of their own, forked from a launcher each worker keeps.

    python -m ebpc_tb.flow.item_run --parent PID      (started by the worker, one per thread)

The launcher imports the runner and cocotb's once, then reads one request a line on stdin
(``{"job", "scratch", "root", "env"}``) and forks a process for it: the item builds its bench
if its build directory (under ``root``, default ``build/sim``) is not fresh, runs its tests and
leaves in ``scratch``: ``junit.xml`` (cocotb's results), ``functional.json`` (functional
coverage), ``codecov.dat`` (Verilator code coverage), ``item.log`` and ``sim.log`` and
``run.json`` (the runner's error and build time). The launcher answers ``{"pid"}`` at once and
``{"pid", "status"}`` when the item has ended. Forking saves each item the 0.3 s of CPU a fresh
interpreter and its imports cost (measured, docs/regressions.md).

Each item leads a process group holding its simulator and compilers, so the worker kills all of
it on a timeout. The launcher dies with its worker (the kernel sends it SIGTERM when the worker
is killed, Linux), and takes its items' groups with it: no orphaned simulation writes into a
build directory that the item's retry uses.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

from . import runner
from .jobs import Job
from .. import spec

_PR_SET_PDEATHSIG = 1


def _die_with_parent(handler: Any) -> None:
    """SIGTERM runs ``handler``; the kernel sends SIGTERM when the parent dies (Linux only:
    elsewhere a killed worker's items run to their end)."""
    signal.signal(signal.SIGTERM, handler)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def run_item(job: Job, scratch: Path, build_root: Path | None) -> dict[str, Any]:
    """Run ``job`` and leave its files in ``scratch``; the runner's verdict as JSON-able data."""
    run_spec = spec.RunSpec.of(job.config, seed=job.seed, full=job.full,
                               scale=job.scale if job.scale is not None else 1.0,
                               coverage=str(scratch / "functional.json"))
    tests = ",".join(job.tests)
    res = runner.run(job.sim, job.top, run_spec, testcase=tests, log_file=scratch / "sim.log", build_root=build_root)
    if res.xml and res.xml.exists():
        shutil.move(str(res.xml), scratch / "junit.xml")
    bdir = runner.build_dir_for(job.sim, job.top, job.config, root=build_root)
    dat = bdir / f"coverage_{spec.TOPS[job.top][1]}_{tests}.dat"
    if dat.exists():
        # the next item of this build directory writes the same file name
        shutil.move(str(dat), scratch / "codecov.dat")
    return {"error": res.error, "build_time": res.build_time, "built": res.built}


def _item(request: dict[str, Any]) -> int:
    """The forked item: its own session, its own output, its environment; never returns."""
    status = 1
    try:
        os.setsid()
        scratch = Path(request["scratch"])
        log = os.open(scratch / "item.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        sys.stdout = os.fdopen(1, "w", buffering=1)
        sys.stderr = os.fdopen(2, "w", buffering=1)
        _die_with_parent(lambda *_: os.killpg(0, signal.SIGKILL))     # a lost launcher takes the item along
        os.environ.update(request.get("env", {}))
        root = Path(request["root"]) if request.get("root") else None
        verdict = run_item(Job.from_json(request["job"]), scratch, root)
        (scratch / "run.json").write_text(json.dumps(verdict))
        status = 0
    except BaseException:  # noqa: BLE001  (whatever it was goes into the item's log)
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def serve(parent: int) -> int:
    """The launcher's loop (one item at a time); returns when the worker closes stdin."""
    children: set[int] = set()

    def die(*_: Any) -> None:
        for pid in list(children):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        os._exit(1)

    _die_with_parent(die)
    if parent and os.getppid() != parent:       # the worker died before prctl took effect
        return 1
    import cocotb_tools.runner  # noqa: F401, PLC0415  (imported once, before the forks)

    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _item(request)
        children.add(pid)
        print(json.dumps({"pid": pid}), flush=True)
        _, wait_status = os.waitpid(pid, 0)
        children.discard(pid)
        print(json.dumps({"pid": pid, "status": os.waitstatus_to_exitcode(wait_status)}), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ebpc_tb.flow.item_run", description=__doc__.splitlines()[0])
    ap.add_argument("--parent", type=int, default=0, help="die with this process (the worker)")
    return serve(ap.parse_args(argv).parent)


if __name__ == "__main__":
    raise SystemExit(main())
