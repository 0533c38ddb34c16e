# SPDX-License-Identifier: Apache-2.0
"""Where a regression runs (ebpc_tb.flow.cluster, ebpc_tb.flow.workers, ebpc_tb.flow.dispatch):
the CLUSTER strings, the batch job scripts dask-jobqueue renders from our options (the real
classes; nothing is submitted), an SSH cluster that cannot be reached, the worker check on a real
LocalCluster, and the dispatcher's choice of items."""

from __future__ import annotations

import dataclasses
import sys

import pytest

from ebpc_tb.flow import cluster, dispatch, jobs, workers
from ebpc_tb.flow.cluster import ClusterOptions, parse_cluster

OPTIONS = ClusterOptions(workers=8, queue="short", account="proj1", cores=4, memory="16GB", walltime="02:30:00",
                         python="/opt/ebpc/.venv/bin/python")


@pytest.mark.parametrize("raw,kind,extra", [
    ("local", "local", {}),
    ("tcp://10.1.2.3:8786", "tcp", {"address": "tcp://10.1.2.3:8786"}),
    ("tcp://sched.example.org:8786", "tcp", {"address": "tcp://sched.example.org:8786"}),
    ("ssh://a,b:2222, c", "ssh", {"hosts": ("a", "b:2222", "c")}),
    ("slurm", "slurm", {}), ("LSF", "lsf", {}), ("pbs", "pbs", {}), ("sge", "sge", {}),
])
def test_parse_cluster(raw, kind, extra):
    plan = parse_cluster(raw, OPTIONS)
    assert plan.kind == kind and plan.options == OPTIONS
    for key, value in extra.items():
        assert getattr(plan, key) == value
    assert plan.describe()


@pytest.mark.parametrize("raw,options", [
    ("", ClusterOptions()), ("kubernetes", ClusterOptions()), ("tcp://host", ClusterOptions()),
    ("tcp://:8786", ClusterOptions()), ("tcp://host:99999", ClusterOptions()), ("ssh://", ClusterOptions()),
    ("ssh://a;rm -rf /", ClusterOptions()), ("local", ClusterOptions(workers=0)),
    ("slurm", ClusterOptions(cores=0)), ("slurm", ClusterOptions(memory="lots")),
    ("slurm", ClusterOptions(walltime="2 hours")),
])
def test_bad_cluster_values_are_one_line_errors(raw, options):
    with pytest.raises(ValueError) as info:
        parse_cluster(raw, options)
    assert "\n" not in str(info.value)


def test_batch_jobs_for_the_workers_asked():
    assert ClusterOptions(workers=8, cores=4).jobs == 2 and ClusterOptions(workers=9, cores=4).jobs == 3
    assert ClusterOptions(cores=4).job_memory == "8GB" and OPTIONS.job_memory == "16GB"


# What each batch system's job script must say for the options above (dask-jobqueue's own
# rendering; the sites' schedulers are not here to run them).
_SCRIPT_LINES = {
    "slurm": ["#SBATCH -p short", "#SBATCH -A proj1", "#SBATCH --cpus-per-task=4", "#SBATCH -t 02:30:00",
              "#SBATCH --mem="],
    "lsf": ["#BSUB -q short", '#BSUB -P "proj1"', "#BSUB -n 4", "#BSUB -W 02:30:00", "#BSUB -M "],
    "pbs": ["#PBS -q short", "#PBS -A proj1", "ncpus=4", "#PBS -l walltime=02:30:00"],
    "sge": ["#$ -q short", "#$ -P proj1", "#$ -l h_rt=02:30:00"],
}


@pytest.mark.parametrize("kind", cluster.BATCH_KINDS)
def test_batch_job_script(kind):
    plan = parse_cluster(kind, OPTIONS)
    with cluster.jobqueue_class(kind)(**cluster.jobqueue_kwargs(plan)) as batch:
        script = batch.job_script()
    for line in _SCRIPT_LINES[kind]:
        assert line in script, (line, script)
    # one single-threaded worker per core, started by the checkout's interpreter
    assert "/opt/ebpc/.venv/bin/python -m distributed.cli.dask_worker" in script
    assert "--nthreads 1" in script and "--nworkers 4" in script


def test_ssh_arguments_put_a_worker_set_on_every_host():
    kwargs = cluster.ssh_kwargs(parse_cluster("ssh://a,b:2222", OPTIONS))
    assert kwargs["hosts"] == ["a", "a", "b"]
    assert [c["port"] for c in kwargs["connect_options"]] == [22, 22, 2222]
    assert kwargs["worker_options"] == {"nthreads": 1, "n_workers": 8}
    assert kwargs["remote_python"] == "/opt/ebpc/.venv/bin/python"
    assert cluster.ssh_kwargs(parse_cluster("ssh://a", ClusterOptions()))["remote_python"] == sys.executable


def test_an_unreachable_ssh_cluster_is_one_line():
    """Dask's SSHCluster for real, against a loopback port nothing listens on."""
    plan = parse_cluster("ssh://127.0.0.1:1", ClusterOptions(connect_timeout=5))
    with pytest.raises(cluster.ClusterError) as info:
        with cluster.open_client(plan):
            pytest.fail("connected to nothing")
    message = str(info.value)
    assert "\n" not in message and "ssh cluster" in message and "127.0.0.1" in message


def test_an_unreachable_scheduler_is_one_line():
    plan = parse_cluster("tcp://127.0.0.1:1", ClusterOptions(connect_timeout=2))
    with pytest.raises(cluster.ClusterError) as info:
        with cluster.open_client(plan):
            pytest.fail("connected to nothing")
    assert "\n" not in str(info.value) and "tcp://127.0.0.1:1" in str(info.value)


# -- the worker check ----------------------------------------------------------------------------

def test_fingerprint_differences():
    mine = workers.fingerprint(("iverilog",))
    assert mine.commit and mine.packages and dict(mine.packages)["distributed"]
    assert workers.differences(mine, mine) == []
    other = dataclasses.replace(mine, commit="0" * 40, python="3.0.0",
                                packages=tuple((n, "0.0") if n == "cocotb" else (n, v) for n, v in mine.packages
                                               if n != "dask"))
    found = " ".join(workers.differences(mine, other))
    assert "commit 000000000000" in found and "Python 3.0.0" in found
    assert "cocotb 0.0" in found and "dask missing" in found
    # uncommitted changes count in another checkout, not in this one (the same files)
    edited = dataclasses.replace(mine, changes="f" * 16)
    assert workers.differences(mine, edited) == []
    assert "uncommitted changes" in " ".join(workers.differences(mine, dataclasses.replace(edited, host="elsewhere")))


def test_workers_are_checked_on_a_real_local_cluster():
    with cluster.open_client(parse_cluster("local", ClusterOptions(workers=2))) as client:
        expected = workers.fingerprint()
        found = workers.check_workers(client, expected)
        assert len(found) == 2 and all(fp.commit == expected.commit for fp in found.values())
        stale = dataclasses.replace(expected, commit="1" * 40)
        with pytest.raises(cluster.ClusterError) as info:
            workers.check_workers(client, stale)
        message = str(info.value)
        assert "\n" not in message and "differs from this checkout" in message and "client 111111111111" in message


# -- the dispatcher's choice -----------------------------------------------------------------------

def _jobs() -> list[jobs.Job]:
    return jobs.plan_jobs([1, 2, 3], ["verilator"], ["encoder", "decoder"], ("test_random",), sample=0)


def test_shared_builds_never_run_two_items_of_one_build_at_once():
    queue = dispatch._Queue(_jobs(), shared=True)
    a, b = dispatch._Worker("a", 2), dispatch._Worker("b", 2)
    first, second = queue.take(a), queue.take(b)
    assert first.build_key != second.build_key
    assert queue.take(a) is None                # both builds are out
    queue.done(first)
    third = queue.take(b)
    assert third.build_key == first.build_key and third.seed == 2


def test_own_builds_keep_a_worker_on_the_builds_it_made():
    queue = dispatch._Queue(_jobs(), shared=False)
    a, b = dispatch._Worker("a", 2), dispatch._Worker("b", 2)
    first, second = queue.take(a), queue.take(b)
    assert first.build_key != second.build_key          # each starts a build of its own
    assert [queue.take(a).build_key for _ in range(2)] == [first.build_key] * 2
    assert queue.take(b).build_key == second.build_key
    assert queue.take(a).build_key == second.build_key  # a's are done: it joins the rest
    assert not queue


def test_attempts_are_counted_from_start_events():
    events = [(2.0, {"item": "x", "name": "1", "worker": "tcp://b"}), (1.0, {"item": "x", "name": "0"}),
              (1.5, {"item": "y", "name": "0"}), (3.0, "not ours")]
    assert dispatch.attempts_by_item(events) == {"x": ["0", "1"], "y": ["0"]}
