# SPDX-License-Identifier: Apache-2.0
"""Where a regression's items run: a Dask cluster named by one string (``make regress CLUSTER=...``).

=========================== =====================================================================
``local`` (the default)     a LocalCluster on this machine: ``workers`` single-threaded worker
                            processes (``WORKERS``), its scheduler on 127.0.0.1
``tcp://host:8786``         an existing scheduler (``dask scheduler`` with workers started by hand)
``ssh://h1,h2,...``         Dask's SSHCluster: the scheduler on the first host, ``workers``
                            worker processes on every host listed (the first one included)
``slurm``, ``lsf``,         dask-jobqueue: batch jobs of ``cores`` single-threaded workers each,
``pbs``, ``sge``            enough jobs for ``workers`` workers, each with ``memory`` and
                            ``walltime``, in ``queue``, charged to ``account``
=========================== =====================================================================

:func:`parse_cluster` turns the string and the options into a :class:`ClusterPlan` (pure, a
one-line ValueError on bad input); :func:`open_client` starts or joins the cluster and yields a
connected ``distributed.Client``, and closes what it started. What every worker needs (the
repository at the client's commit, the same ``make setup``) is checked by
:mod:`ebpc_tb.flow.workers`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import re
import sys
import warnings
from typing import Any, Iterator

__all__ = ["KINDS", "BATCH_KINDS", "QUIET_DASK", "ClusterError", "ClusterOptions", "ClusterPlan", "parse_cluster",
           "jobqueue_class", "jobqueue_kwargs", "ssh_kwargs", "open_client"]

BATCH_KINDS = ("slurm", "lsf", "pbs", "sge")
KINDS = ("local", "tcp", "ssh", *BATCH_KINDS)
# Dask settings for the clusters started here. The dispatcher places every item itself (next to
# its builds), so the scheduler must not move queued items behind its back; and a worker's
# housekeeping competes with the simulations for the cores: an idle LocalCluster of two workers
# burns 5.6 % of one core with the defaults, 1.1 % with these (no statistical profiler, 1 s
# event-loop ticks, slower system monitors; measured as docs/regressions.md says).
QUIET_DASK = {
    "distributed.scheduler.work-stealing": False,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}
_HOST = re.compile(r"^[A-Za-z0-9_.@-]+(:\d{1,5})?$")
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*([KMGT]i?B)$", re.I)
_WALLTIME = re.compile(r"^(\d+-)?\d{1,3}:\d{2}(:\d{2})?$")


class ClusterError(RuntimeError):
    """The cluster cannot be used (cannot be started or reached, a worker differs): one line."""


@dataclasses.dataclass(frozen=True)
class ClusterOptions:
    """The knobs of every kind of cluster (each kind reads those that apply to it)."""

    workers: int = 2            # local: processes; ssh: processes per host; batch: workers in all
    queue: str = ""             # batch: partition / queue (the site's default when empty)
    account: str = ""           # batch: account (Slurm, PBS) or project (LSF, SGE)
    cores: int = 1              # batch: cores per job, one single-threaded worker per core
    memory: str = ""            # batch: memory per job (default 2 GB per core)
    walltime: str = "01:00:00"  # batch: a job's time limit
    python: str = ""            # ssh and batch: the workers' interpreter (default: this one's path)
    connect_timeout: float = 30.0   # tcp and ssh: seconds to reach the scheduler

    @property
    def job_memory(self) -> str:
        return self.memory or f"{2 * self.cores}GB"

    @property
    def jobs(self) -> int:
        """Batch jobs needed for ``workers`` workers of ``cores`` each."""
        return max(1, math.ceil(self.workers / self.cores))


@dataclasses.dataclass(frozen=True)
class ClusterPlan:
    """A parsed ``CLUSTER`` value with its options."""

    kind: str                               # one of KINDS
    options: ClusterOptions = ClusterOptions()
    address: str = ""                       # tcp: the scheduler's address
    hosts: tuple[str, ...] = ()             # ssh: the hosts, the scheduler's first

    def describe(self) -> str:
        o = self.options
        if self.kind == "local":
            return f"LocalCluster, {o.workers} worker process(es)"
        if self.kind == "tcp":
            return f"the scheduler at {self.address}"
        if self.kind == "ssh":
            return f"SSHCluster on {', '.join(self.hosts)}, {o.workers} worker(s) per host"
        return (f"{self.kind} jobs: {o.jobs} x {o.cores} core(s), {o.job_memory}, {o.walltime}"
                + (f", queue {o.queue}" if o.queue else "") + (f", account {o.account}" if o.account else ""))


def parse_cluster(raw: str, options: ClusterOptions = ClusterOptions()) -> ClusterPlan:
    """``local``, ``tcp://host:port``, ``ssh://h1,h2`` or a batch system; ValueError (one line)."""
    value = raw.strip()
    if options.workers < 1 or options.cores < 1:
        raise ValueError(f"workers ({options.workers}) and cores ({options.cores}) must be at least 1")
    if options.memory and not _MEMORY.match(options.memory):
        raise ValueError(f"memory {options.memory!r}: a size like 4GB or 3500MB")
    if not _WALLTIME.match(options.walltime):
        raise ValueError(f"walltime {options.walltime!r}: HH:MM:SS (or D-HH:MM:SS)")
    if value == "local":
        return ClusterPlan("local", options)
    if value.lower() in BATCH_KINDS:
        return ClusterPlan(value.lower(), options)
    if value.startswith("tcp://"):
        host_port = value[len("tcp://"):]
        host, _, port = host_port.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536 or not _HOST.match(host_port):
            raise ValueError(f"cluster {raw!r}: tcp://HOST:PORT of a running scheduler")
        return ClusterPlan("tcp", options, address=value)
    if value.startswith("ssh://"):
        hosts = tuple(h.strip() for h in value[len("ssh://"):].split(",") if h.strip())
        bad = [h for h in hosts if not _HOST.match(h)]
        if not hosts or bad:
            raise ValueError(f"cluster {raw!r}: ssh://HOST[:PORT],HOST,... (bad: {', '.join(bad) or 'no host'})")
        return ClusterPlan("ssh", options, hosts=hosts)
    raise ValueError(f"cluster {raw!r}: use local, tcp://HOST:PORT, ssh://HOST,HOST,... or one of "
                     f"{', '.join(BATCH_KINDS)}")


# -- the constructors' arguments (pure: checked by tb/tests/test_cluster.py) -------------------

def jobqueue_class(kind: str) -> type:
    """The dask-jobqueue cluster class of a batch system."""
    import dask_jobqueue  # noqa: PLC0415  (only the batch kinds need it)

    return {"slurm": dask_jobqueue.SLURMCluster, "lsf": dask_jobqueue.LSFCluster,
            "pbs": dask_jobqueue.PBSCluster, "sge": dask_jobqueue.SGECluster}[kind]


def jobqueue_kwargs(plan: ClusterPlan) -> dict[str, Any]:
    """The keyword arguments of the batch cluster: ``cores`` single-threaded workers per job
    (a simulation uses one core; the builds' make runs one compiler at a time too)."""
    o = plan.options
    kwargs: dict[str, Any] = {
        "cores": o.cores, "processes": o.cores, "memory": o.job_memory, "walltime": o.walltime,
        "python": o.python or sys.executable, "job_name": "ebpc-regress",
        "scheduler_options": {"dashboard_address": ":0"}, "silence_logs": "error",
        # the batch job's workers do not inherit this process's settings: give them as variables
        "job_script_prologue": [f"export DASK_{key.upper().replace('.', '__').replace('-', '_')}={value}"
                                for key, value in QUIET_DASK.items() if key.startswith("distributed.worker")
                                or key.startswith("distributed.admin")],
    }
    if o.queue:
        kwargs["queue"] = o.queue
    if o.account:
        kwargs["account" if plan.kind in ("slurm", "pbs") else "project"] = o.account
    return kwargs


def ssh_kwargs(plan: ClusterPlan) -> dict[str, Any]:
    """SSHCluster's arguments: the scheduler on the first host, workers on every host."""
    o = plan.options
    hosts, ports = [], []
    for h in plan.hosts:
        host, _, port = h.partition(":")
        hosts.append(host)
        ports.append(int(port) if port else 22)
    connect = [{"port": p, "connect_timeout": o.connect_timeout} for p in [ports[0], *ports]]
    return {"hosts": [hosts[0], *hosts], "connect_options": connect,
            "worker_options": {"nthreads": 1, "n_workers": o.workers},
            "scheduler_options": {"port": 0, "dashboard_address": ":0"},
            "remote_python": o.python or sys.executable}


# -- starting and joining (I/O) ------------------------------------------------------------------

def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) < 300 else text[:297] + "..."


@contextlib.contextmanager
def open_client(plan: ClusterPlan) -> Iterator[Any]:
    """A ``distributed.Client`` on the planned cluster; what was started here is closed on exit.

    Raises :class:`ClusterError` (one line) when the cluster cannot be started or reached.
    """
    import dask  # noqa: PLC0415
    from distributed import Client, LocalCluster  # noqa: PLC0415

    o = plan.options
    with contextlib.ExitStack() as stack:
        # (LocalCluster's and SSHCluster's workers inherit these; the batch jobs export them)
        stack.enter_context(dask.config.set(QUIET_DASK))
        try:
            if plan.kind == "tcp":
                client = Client(plan.address, timeout=o.connect_timeout)
            elif plan.kind == "local":
                cluster = stack.enter_context(LocalCluster(
                    n_workers=o.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address="127.0.0.1:0", worker_dashboard_address=None, memory_limit=0,
                    silence_logs=logging.ERROR))
                client = Client(cluster)
            elif plan.kind == "ssh":
                with warnings.catch_warnings():     # its DSA support warns on import: not ours to fix
                    warnings.simplefilter("ignore")
                    import asyncssh  # noqa: F401, PLC0415  (SSHCluster's transport: a clear error if missing)
                from distributed import SSHCluster  # noqa: PLC0415

                cluster = stack.enter_context(SSHCluster(**ssh_kwargs(plan)))
                client = Client(cluster)
            else:
                cluster = stack.enter_context(jobqueue_class(plan.kind)(**jobqueue_kwargs(plan)))
                cluster.scale(n=o.workers)
                client = Client(cluster)
        except ImportError as exc:
            raise ClusterError(f"{plan.kind} cluster: {exc.name} is not installed (make setup)") from None
        except Exception as exc:  # noqa: BLE001  (asyncssh, the batch system, the network: all one line)
            raise ClusterError(f"cannot start or reach the {plan.kind} cluster ({plan.describe()}): "
                               f"{_one_line(exc)}") from None
        stack.callback(client.close)
        yield client
