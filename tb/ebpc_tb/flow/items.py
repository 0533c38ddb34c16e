# SPDX-License-Identifier: Apache-2.0
"""Running one regression item on a Dask worker and what comes back from it, as data.

:func:`execute` is the task a worker runs: it announces the attempt (an event the client counts,
so a retry after a killed worker shows), has its launcher (:mod:`ebpc_tb.flow.launcher`) fork the
item into a process group of its own, kills the group when the item outlives its timeout, and
returns an
:class:`ItemResult`: the :class:`ItemRecord` (pass/fail, seconds, worker, the first failure and
the command that reproduces it), every test's :class:`~ebpc_tb.flow.jobs.TestOutcome`, and the
files the client writes into the regression's folder (:class:`ItemFiles`: cocotb JUnit,
functional coverage, Verilator coverage and the log, compressed). Nothing needs a shared disk.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any, Mapping, Sequence

from .jobs import Job, TestOutcome, outcomes_from_junit
from .launcher import LAUNCHER_PLUGIN, Launcher, LauncherError
from .workers import worker_root

__all__ = ["ItemSettings", "ItemRecord", "ItemFiles", "ItemResult", "execute", "failed_result", "item_status"]


@dataclasses.dataclass(frozen=True)
class ItemSettings:
    """What every item of a regression shares."""

    topic: str                                  # the event topic of this regression's attempts
    timeout: float = 900.0                      # seconds an item may run before it is killed
    env: tuple[tuple[str, str], ...] = ()       # variables the client forwards to every run
    reproduce_env: tuple[tuple[str, str], ...] = ()   # those a reproduce command must carry


@dataclasses.dataclass(frozen=True)
class ItemRecord:
    """What one item did: the row of ``outcomes.json`` and ``regress.json``."""

    name: str
    seed: int
    sim: str
    top: str
    config: tuple[int, int, int]
    sampled: bool
    tests: tuple[str, ...]
    status: str             # "pass", "fail" (a test failed), "error" (no result), "timeout"
    seconds: float          # the item's run on its worker, build included
    build_seconds: float
    worker: str             # the worker that produced this result
    host: str
    started: float          # epoch seconds on the worker
    finished: float
    attempts: int = 1       # starts of this item (a killed worker's item starts again elsewhere)
    attempt_workers: tuple[str, ...] = ()
    first_failure: str = ""
    reproduce: str = ""     # the one command that re-runs the item (its failing test) locally

    @property
    def failed(self) -> bool:
        return self.status != "pass"

    @property
    def build(self) -> str:
        """The build this item ran (the name its code coverage is summed under)."""
        w, n, z = self.config
        return f"{self.sim}_{self.top}_W{w}_N{n}_Z{z}"

    def to_json(self) -> dict[str, Any]:
        return dict(dataclasses.asdict(self), config=list(self.config), tests=list(self.tests),
                    attempt_workers=list(self.attempt_workers))

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> "ItemRecord":
        fields = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in row.items() if k in fields}
        return cls(**dict(values, config=tuple(int(x) for x in values["config"]), tests=tuple(values["tests"]),
                          attempt_workers=tuple(values.get("attempt_workers", ()))))


@dataclasses.dataclass(frozen=True)
class ItemFiles:
    """The files an item leaves (zlib-compressed where they are large)."""

    junit: str | None = None
    functional: str | None = None
    codecov: bytes | None = None    # zlib of the Verilator .dat
    log: bytes = b""                # zlib of the item's log

    def write(self, out: Path, name: str) -> None:
        """Into the regression's folder, where the reports half reads them (but the code
        coverage, which the client sums per build: :mod:`ebpc_tb.flow.covdata`)."""
        for sub, data in (("junit", self.junit), ("functional", self.functional)):
            if data is not None:
                (out / sub).mkdir(parents=True, exist_ok=True)
                (out / sub / f"{name}.{'xml' if sub == 'junit' else 'json'}").write_text(data)
        (out / "logs").mkdir(parents=True, exist_ok=True)
        (out / "logs" / f"{name}.log").write_bytes(zlib.decompress(self.log) if self.log else b"")


@dataclasses.dataclass(frozen=True)
class ItemResult:
    record: ItemRecord
    outcomes: tuple[TestOutcome, ...]
    files: ItemFiles = ItemFiles()


def item_status(outcomes: Sequence[TestOutcome], timed_out: bool = False) -> str:
    if timed_out:
        return "timeout"
    if any(o.status == "error" for o in outcomes):
        return "error"
    return "fail" if any(o.status == "fail" for o in outcomes) else "pass"


def _record(job: Job, outcomes: Sequence[TestOutcome], status: str, env: Mapping[str, str], **fields: Any) -> ItemRecord:
    bad = [o for o in outcomes if o.failed]
    first = f"{bad[0].test}: {bad[0].first_line}" if bad else ""
    reproduce = job.command([bad[0].test] if bad else None, env)
    return ItemRecord(job.name, job.seed, job.sim, job.top, job.config, job.sampled, job.tests, status,
                      first_failure=first, reproduce=reproduce, **fields)


def failed_result(job: Job, message: str, settings: ItemSettings, worker: str = "", attempts: int = 1,
                  attempt_workers: Sequence[str] = ()) -> ItemResult:
    """An item that came back with no result (its worker died too often, it was cancelled)."""
    env = dict(settings.reproduce_env)
    outcomes = tuple(outcomes_from_junit(job, None, message, 0.0, env))
    now = time.time()
    return ItemResult(_record(job, outcomes, "error", env, seconds=0.0, build_seconds=0.0, worker=worker, host="",
                              started=now, finished=now, attempts=attempts,
                              attempt_workers=tuple(attempt_workers)), outcomes)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _run(job: Job, settings: ItemSettings, scratch: Path, root: Path | None, worker: Any) -> tuple[int | None, bool]:
    """The item, forked by this thread's launcher and killed with its group after the timeout:
    (exit status, timed out)."""
    plugin = getattr(worker, "plugins", {}).get(LAUNCHER_PLUGIN)
    launcher = plugin.for_this_thread() if plugin is not None else Launcher()
    request = {"job": job.to_json(), "scratch": str(scratch), "root": str(root) if root else "",
               "env": dict(settings.env)}
    try:
        return launcher.run(request, settings.timeout)
    finally:
        if plugin is None:
            launcher.close()


def execute(job: Job, settings: ItemSettings) -> ItemResult:
    """Run one item on this Dask worker (the task the dispatcher submits)."""
    from distributed import get_worker  # noqa: PLC0415

    worker = get_worker()
    name, started = str(worker.name), time.time()
    # (the scheduler sets the message's "worker" to the address; "name" is the worker's name)
    worker.log_event(settings.topic, {"item": job.name, "name": name, "pid": os.getpid(), "time": started})
    with tempfile.TemporaryDirectory(prefix="ebpc-item-", dir=worker.local_directory) as tmp:
        scratch = Path(tmp)
        try:
            status, timed_out = _run(job, settings, scratch, worker_root(worker), worker)
        except LauncherError as exc:
            status, timed_out = None, False
            (scratch / "run.json").write_text(json.dumps({"error": f"{exc} on worker {name}"}))
        finished = time.time()
        seconds = finished - started
        verdict = json.loads(_read(scratch / "run.json") or b"{}")
        logs = b"".join(_read(scratch / f) or b"" for f in ("item.log", "sim.log"))
        if timed_out:
            error = (f"timed out after {settings.timeout:.0f} s on worker {name}: the item was killed "
                     f"(a hung simulation?)")
        elif verdict.get("error"):
            error = str(verdict["error"])
        elif status:
            tail = logs.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            error = f"the item's process exited with status {status}: {tail[0][:300]}"
        else:
            error = ""
        junit = _read(scratch / "junit.xml")
        env = dict(settings.reproduce_env)
        outcomes = tuple(outcomes_from_junit(job, junit.decode(errors="replace") if junit else None,
                                             error or "no result (the simulation stopped before this test?)",
                                             seconds, env))
        functional, dat = _read(scratch / "functional.json"), _read(scratch / "codecov.dat")
        files = ItemFiles(junit.decode(errors="replace") if junit else None,
                          functional.decode(errors="replace") if functional else None,
                          zlib.compress(dat, 6) if dat is not None else None, zlib.compress(logs, 6))
    record = _record(job, outcomes, item_status(outcomes, timed_out), env, seconds=round(seconds, 3),
                     build_seconds=round(float(verdict.get("build_time", 0.0)), 3), worker=name,
                     host=socket.gethostname(), started=started, finished=finished)
    return ItemResult(record, outcomes, files)
