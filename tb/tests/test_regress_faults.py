# SPDX-License-Identifier: Apache-2.0
"""The regression's faults on a real Dask LocalCluster (a scheduler and two worker processes
under nannies) with real Icarus simulations, reached as an existing scheduler (tcp://):

- a worker killed mid-item: the item runs again on a worker, once in the results, its second
  attempt in the record, and the killed attempt's simulation does not live on;
- a hung simulation (its process group stopped with SIGSTOP mid-run): killed at the item's
  timeout with everything it started, reported as a failure with the command that reproduces
  it, while the other items finish;
- a failing item (a parameter set the RTL refuses) is a result like the others.

The items' seeds come from the session's seed (printed with any failure)."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import threading
import time

import psutil
import pytest

from ebpc_tb.flow import regress
from ebpc_tb.flow.cluster import ClusterOptions
from ebpc_tb.flow.jobs import Job
from ebpc_tb.flow.pytest_support import session_seed, sims

pytestmark = pytest.mark.skipif("icarus" not in sims() or not shutil.which("iverilog"),
                                reason="needs Icarus Verilog (EBPC_SIMS)")


@pytest.fixture(scope="module")
def scheduler():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0", worker_dashboard_address=None, memory_limit=0,
                      silence_logs=logging.ERROR) as local:
        yield local.scheduler_address


def _start_of(address: str, item: str, timeout: float = 120.0) -> dict:
    """The start event of ``item`` (its worker's name and pid) from now on, from the scheduler's
    log (an earlier test's item of the same name does not count)."""
    from distributed import Client

    since = time.time()
    with Client(address, timeout=30) as client:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for topic, events in client.get_events().items():
                for _, msg in events:
                    if (topic.startswith("ebpc-regress-") and isinstance(msg, dict) and msg.get("item") == item
                            and float(msg.get("time", 0)) >= since):
                        return msg
            time.sleep(0.1)
    raise AssertionError(f"{item} never started")


def _alive(pids: list[int]) -> list[int]:
    out = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                out.append(pid)
        except psutil.NoSuchProcess:
            continue
    return out


def test_a_killed_workers_item_runs_again_and_counts_once(scheduler, tmp_path):
    seed = session_seed()
    long = Job(seed, "icarus", "encoder", (8, 8, 16), ("test_random",))
    short = [Job(seed, "icarus", "decoder", (8, 8, 16), ("test_random",), scale=0.15),
             Job(seed, "icarus", "encoder", (16, 8, 16), ("test_random",), scale=0.15)]
    killed: dict = {}

    def kill_mid_item() -> None:
        start = _start_of(scheduler, long.name)
        time.sleep(1.0)                                      # well inside the simulation
        victim = psutil.Process(int(start["pid"]))
        killed["children"] = [p.pid for p in victim.children(recursive=True)]
        killed["worker"] = start["name"]
        os.kill(victim.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10.0           # a killed process takes a moment to go
        while _alive(killed["children"]) and time.monotonic() < deadline:
            time.sleep(0.2)
        killed["left"] = _alive(killed["children"])

    killer = threading.Thread(target=kill_mid_item)
    killer.start()
    run = regress.run_items([long, *short], tmp_path / "out", scheduler, ClusterOptions(), timeout=600,
                            shared_builds=False, slot_base=str(tmp_path / "builds"))
    killer.join(timeout=60)
    assert killed.get("children"), f"seed {seed}: the item's processes were not found under its worker"
    assert killed["left"] == [], f"seed {seed}: the killed attempt's processes live on: {killed['left']}"
    items = {i.name: i for i in run.items}
    assert sorted(items) == sorted(j.name for j in [long, *short]) and len(run.items) == 3
    again = items[long.name]
    assert again.attempts == 2 and len(again.attempt_workers) == 2, f"seed {seed}: {again}"
    assert again.attempt_workers[0] == killed["worker"]
    assert all(items[j.name].attempts == 1 for j in short)
    assert [i.status for i in run.items] == ["pass"] * 3, f"seed {seed}: {[i.first_failure for i in run.items]}"
    assert len(run.outcomes) == 3 and {o.status for o in run.outcomes} == {"pass"}
    assert sorted(p.name for p in (tmp_path / "out" / "junit").iterdir()) == sorted(f"{n}.xml" for n in items)
    # every worker built into a tree of its own
    trees = [p for p in (tmp_path / "builds").iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(trees) >= 2 and all(list(t.glob("icarus/*_W*")) for t in trees[:1])


def _freeze_when_simulating(address: str, item: str, frozen: dict) -> None:
    """Make ``item`` hang: once its simulator runs, stop its whole process group (SIGSTOP), as a
    simulation that no longer makes progress."""
    start = _start_of(address, item)
    worker = psutil.Process(int(start["pid"]))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sims = [p for p in worker.children(recursive=True) if p.name() in ("vvp", "iverilog-vpi")]
        if sims:
            frozen["group"] = os.getpgid(sims[0].pid)
            os.killpg(frozen["group"], signal.SIGSTOP)
            frozen["pids"] = [p.pid for p in psutil.Process(frozen["group"]).children(recursive=True)] + [frozen["group"]]
            return
        time.sleep(0.05)


def test_a_hung_item_times_out_and_a_failing_one_stops_nothing(scheduler, tmp_path):
    seed = session_seed()
    hung = Job(seed, "icarus", "encoder", (8, 8, 64), ("test_random",), scale=2.0)    # frozen below
    broken = Job(seed, "icarus", "decoder", (8, 17, 16), ("test_random",))     # N > 2W: the RTL refuses it
    fine = Job(seed, "icarus", "decoder", (8, 8, 16), ("test_random",), scale=0.15)
    frozen: dict = {}
    freezer = threading.Thread(target=_freeze_when_simulating, args=(scheduler, hung.name, frozen))
    freezer.start()
    t0 = time.monotonic()
    # the timeout leaves the other two items (a cold Icarus build and a short run each) room on a
    # loaded machine
    run = regress.run_items([hung, broken, fine], tmp_path / "out", scheduler, ClusterOptions(), timeout=15,
                            shared_builds=False, slot_base=str(tmp_path / "builds"))
    freezer.join(timeout=60)
    assert frozen.get("pids"), f"seed {seed}: the item's simulator was not found"
    assert time.monotonic() - t0 < 120
    items = {i.name: i for i in run.items}
    timed_out = items[hung.name]
    assert timed_out.status == "timeout" and timed_out.failed, f"seed {seed}: {timed_out}"
    assert "timed out after 15 s" in timed_out.first_failure
    assert timed_out.reproduce == hung.command(["test_random"])
    outcome = next(o for o in run.outcomes if o.top == "encoder")
    assert outcome.status == "error" and "timed out" in outcome.message and outcome.reproduce == timed_out.reproduce
    deadline = time.monotonic() + 10.0                  # a killed process takes a moment to go
    while _alive(frozen["pids"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive(frozen["pids"]) == [], f"seed {seed}: the hung simulation was not killed"
    refused = items[broken.name]
    assert refused.failed and refused.first_failure and "--n 17" in refused.reproduce
    assert items[fine.name].status == "pass", f"seed {seed}: {items[fine.name].first_failure}"
    assert [i.attempts for i in run.items] == [1, 1, 1]
    # three builds for two workers: each worker started one (neither stood idle behind the other)
    assert {i.attempt_workers[0] for i in run.items} == {"0", "1"}
