# SPDX-License-Identifier: Apache-2.0
"""The worker's side of the item launcher (:mod:`ebpc_tb.flow.item_run`): one launcher process
per worker thread, started on its first item and kept for the worker's life (a worker plugin
holds them), through which every item is forked, waited for and, past its timeout, killed.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
from typing import Any

from distributed import WorkerPlugin

from ..spec import REPO_DIR

__all__ = ["LAUNCHER_PLUGIN", "LauncherError", "Launcher", "Launchers"]

LAUNCHER_PLUGIN = "ebpc-item-launchers"
_ANSWER = 60.0          # seconds a launcher may take to answer what is not the item itself


class LauncherError(RuntimeError):
    """The launcher died or stopped answering (its item is then reported without a result)."""


class Launcher:
    """One launcher process and its protocol: a request line in, ``{"pid"}`` and ``{"status"}`` out."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        # started from the thread that waits on it: the kernel's "parent died" signal follows
        # that thread, which lives as long as the worker
        return subprocess.Popen([sys.executable, "-m", "ebpc_tb.flow.item_run", "--parent", str(os.getpid())],
                                cwd=REPO_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)

    def _answer(self, timeout: float) -> dict[str, Any] | None:
        """The launcher's next line, None after ``timeout`` seconds; LauncherError if it died."""
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.proc.stdout.readline()
        if not line:
            self.close()
            raise LauncherError("the item launcher died (see the worker's log)")
        return json.loads(line)

    def run(self, request: dict[str, Any], timeout: float) -> tuple[int | None, bool]:
        """Fork the item and wait for it: (its exit status, timed out); killed after ``timeout``."""
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
        except BrokenPipeError:
            self.close()
            raise LauncherError("the item launcher died before the item started") from None
        started = self._answer(_ANSWER)
        if started is None:
            self.close()
            raise LauncherError("the item launcher did not start the item")
        done = self._answer(timeout)
        if done is not None:
            return int(done["status"]), False
        try:
            os.killpg(int(started["pid"]), signal.SIGKILL)     # the simulator and compilers are in its group
        except OSError:
            pass
        if self._answer(_ANSWER) is None:
            self.close()
        return None, True

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


class Launchers(WorkerPlugin):
    """A worker plugin: a launcher per worker thread, closed with the worker. (Each worker gets
    its own unpickled copy.)"""

    name = LAUNCHER_PLUGIN

    def __init__(self) -> None:
        self._mine: dict[int, Launcher] = {}
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {}                           # a fresh copy on every worker

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()

    def for_this_thread(self) -> Launcher:
        with self._lock:
            return self._mine.setdefault(threading.get_ident(), Launcher())

    def teardown(self, worker: Any = None) -> None:
        with self._lock:
            for launcher in self._mine.values():
                launcher.close()
            self._mine.clear()
