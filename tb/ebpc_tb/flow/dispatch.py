# SPDX-License-Identifier: Apache-2.0
"""Handing a regression's items to the workers of a Dask cluster and collecting their results.

The client decides which worker runs which item (each task is submitted to one worker, loosely:
if that worker dies, the scheduler runs it elsewhere), keeping every worker one item ahead so it
never waits for the client. The choice follows the builds:

- workers with a build tree each (:class:`~ebpc_tb.flow.workers.BuildSlot`): a worker takes
  items of a build it has made before, else of a build nobody has started, else joins the
  largest remaining one; so a parameter set is built once per worker that runs it;
- one shared build tree (``build/sim``, a LocalCluster): two items of one build directory never
  run at once (they would write the same results files), as the thread pool before did.

Faults: a worker killed mid-item has its task rerun by the scheduler on another worker (up to
``distributed.scheduler.allowed-failures`` times, then the item is reported as an error); the
client gets one result per item whatever happened, and counts the attempts from the events the
tasks log when they start. An item whose result does not come back within twice its timeout
plus a minute is cancelled and reported. A failing item is a result like any other.
"""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict, deque
from typing import Any, Callable, Iterable, Sequence

from .cluster import ClusterError
from .items import ItemFiles, ItemResult, ItemSettings, execute, failed_result
from .jobs import Job

__all__ = ["DispatchOptions", "dispatch", "attempts_by_item"]


@dataclasses.dataclass(frozen=True)
class DispatchOptions:
    shared_builds: bool = False     # every worker builds into build/sim (one machine)
    prefetch: int = 1               # items queued on a worker behind those it runs
    poll: float = 0.5               # seconds between looks at the cluster while nothing finishes
    start_timeout: float = 300.0    # seconds to wait for a first worker


@dataclasses.dataclass
class _Worker:
    address: str
    slots: int                      # threads + prefetch
    load: int = 0
    built: set = dataclasses.field(default_factory=set)


class _Queue:
    """The items not yet handed out, by build, in plan order."""

    def __init__(self, jobs: Iterable[Job], shared: bool) -> None:
        self.by_key: OrderedDict[tuple, deque[Job]] = OrderedDict()
        for job in jobs:
            self.by_key.setdefault(job.build_key, deque()).append(job)
        self.shared = shared
        self.leased: set[tuple] = set()         # shared builds: keys with an item out
        self.started: set[tuple] = set()        # keys some worker has taken an item of

    def __bool__(self) -> bool:
        return any(self.by_key.values())

    def take(self, worker: _Worker) -> Job | None:
        keys = [k for k, q in self.by_key.items() if q and k not in self.leased]
        if not keys:
            return None
        if self.shared:
            key = keys[0]
            self.leased.add(key)
        else:
            mine = [k for k in keys if k in worker.built]
            fresh = [k for k in keys if k not in self.started]
            key = (mine or fresh or sorted(keys, key=lambda k: -len(self.by_key[k])))[0]
        self.started.add(key)
        worker.built.add(key)
        return self.by_key[key].popleft()

    def done(self, job: Job) -> None:
        self.leased.discard(job.build_key)

    def drain(self) -> list[Job]:
        """Every item not handed out, taken."""
        rest = [job for q in self.by_key.values() for job in q]
        for q in self.by_key.values():
            q.clear()
        return rest


def attempts_by_item(events: Iterable[tuple[float, Any]]) -> dict[str, list[str]]:
    """item name -> the workers it started on, in order (from the tasks' start events)."""
    out: dict[str, list[str]] = {}
    for _, msg in sorted(events, key=lambda e: e[0]):
        if isinstance(msg, dict) and "item" in msg:
            out.setdefault(str(msg["item"]), []).append(str(msg.get("name", msg.get("worker", "?"))))
    return out


def _describe(exc: BaseException | None) -> str:
    name = type(exc).__name__ if exc is not None else "unknown"
    if name == "KilledWorker":
        return "the item's worker died on every attempt (killed, out of memory?): no result"
    return f"no result: {name}: {' '.join(str(exc).split())[:300]}"


def dispatch(client: Any, jobs: Sequence[Job], settings: ItemSettings, options: DispatchOptions,
             admit: Callable[[list[str]], None], report: Callable[[ItemResult], None]) -> list[ItemResult]:
    """Run every job on the cluster; the results in job order.

    ``admit(addresses)`` is called with each worker before it gets an item (it raises
    ClusterError to stop the run); ``report(result)`` with each result as it comes in.
    """
    from distributed import wait  # noqa: PLC0415

    queue = _Queue(jobs, options.shared_builds)
    workers: dict[str, _Worker] = {}
    inflight: dict[Any, tuple[Job, str, float]] = {}
    results: dict[str, ItemResult] = {}
    idle_since = time.monotonic()             # the last time the run had a worker
    grace = 2 * settings.timeout + 60

    while queue or inflight:
        present = client.nthreads()             # address -> threads: a light call
        new = [a for a in present if a not in workers]
        if new:
            admit(new)
            for a in new:
                workers[a] = _Worker(a, int(present[a]) + options.prefetch)
        for gone in [a for a in workers if a not in present]:
            del workers[gone]                   # its tasks go elsewhere (the scheduler's doing)
        # every worker its running item first, then the queued ones: a worker's next item must
        # not take a fresh build from a worker standing idle
        for level in range(max((w.slots for w in workers.values()), default=0)):
            for address, w in workers.items():
                if w.load <= level < w.slots and queue:
                    job = queue.take(w)
                    if job is None:
                        continue
                    future = client.submit(execute, job, settings, key=f"{settings.topic}-{job.name}",
                                           workers=[address], allow_other_workers=True, pure=False)
                    inflight[future] = (job, address, time.monotonic())
                    w.load += 1
        if not inflight:
            if workers:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > options.start_timeout:
                if not results:
                    raise ClusterError(f"no worker joined the cluster within {options.start_timeout:.0f} s")
                # every worker is gone for good (batch jobs past their walltime?): report the rest
                for job in queue.drain():
                    result = failed_result(job, f"no worker left to run it for {options.start_timeout:.0f} s", settings)
                    report(result)
                    results[job.name] = result
                break
            time.sleep(options.poll)
            continue
        try:
            done = set(wait(list(inflight), timeout=options.poll, return_when="FIRST_COMPLETED").done)
        except TimeoutError:                    # nothing finished: look at the cluster again
            done = set()
        now = time.monotonic()
        overdue = [f for f, (_, _, t) in inflight.items() if f not in done and now - t > grace]
        for future in [*done, *overdue]:
            job, address, _ = inflight.pop(future)
            if address in workers:
                workers[address].load -= 1
            queue.done(job)
            if future in overdue:
                future.cancel()
                result = failed_result(job, f"no result within {grace:.0f} s (the worker hung?)", settings)
            elif future.status == "finished":
                result = future.result()
            else:
                result = failed_result(job, _describe(future.exception()), settings)
            report(result)
            results[job.name] = dataclasses.replace(result, files=ItemFiles())   # written by report
    return _with_attempts([results[j.name] for j in jobs], client.get_events(settings.topic))


def _with_attempts(results: list[ItemResult], events: Iterable[tuple[float, Any]]) -> list[ItemResult]:
    """Each record with the number of times its item started and where."""
    starts = attempts_by_item(events)
    out = []
    for r in results:
        seen = starts.get(r.record.name, [])
        record = dataclasses.replace(r.record, attempts=max(1, len(seen)), attempt_workers=tuple(seen))
        if not r.record.worker and seen:
            record = dataclasses.replace(record, worker=seen[-1])
        out.append(dataclasses.replace(r, record=record))
    return out
