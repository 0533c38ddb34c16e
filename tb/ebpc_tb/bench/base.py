# SPDX-License-Identifier: Apache-2.0
"""The bench base: what every EBPC bench does the same way, whatever drives its ports.

:class:`Bench` owns, for the valid/ready benches (:mod:`ebpc_tb.bench.env`) and the
AXI4-Stream ones (:mod:`ebpc_tb.bench.axis`) alike:

* the run's spec, seed and random generator, and the check of the DUT's parameters
  against the spec (:mod:`ebpc_tb.bench.params`);
* the clock (cocotb's GPI clock: no Python per edge), the reset and the one
  :class:`~ebpc_tb.bench.engine.CycleEngine` of the bench;
* the scoreboard hook-up: ``done_o`` is sampled every cycle after the stream monitors and
  handed to :meth:`Bench.on_done`; :meth:`Bench.finish` runs the scoreboard's final check;
* the drain (:meth:`Bench.wait_all`) with its no-progress watchdog;
* no silent pass: a test that ends without :meth:`Bench.finish` fails, and so does a
  finish whose scoreboard saw nothing or whose protocol checkers never sampled a cycle.

A subclass builds its drivers and monitors (:meth:`Bench.add_source`,
:meth:`Bench.add_sink` for valid/ready streams), sets :attr:`Bench.sb`, and says what
``done_o`` carries (:meth:`Bench.on_done`). Progress, idleness, the stall budget, the hang
message and what a reset forgets (:meth:`Bench.progress`, :meth:`Bench.busy`,
:meth:`Bench.stall_budget`, :meth:`Bench.describe_state`, :meth:`Bench.flush`) come from
the sources and sinks it added and the scoreboard; a bench with more (link stalls, drivers
of its own) extends or replaces them.
"""

from __future__ import annotations

import logging
import random
from asyncio import CancelledError
from collections.abc import Coroutine
from typing import Any, Callable, ClassVar, Optional, Protocol

import cocotb
from cocotb.clock import Clock
from cocotb.task import Task, current_task
from cocotb.triggers import ClockCycles, Event, RisingEdge

from ..spec import RunSpec
from .engine import CycleEngine
from .params import check_parameters, expected_parameters
from .signals import WatchedBit
from .monitor import LaneMonitor, StreamMonitor
from .stream import Beat, LaneSource, StreamSink, StreamSource
from .testing import reproduce_hint
from .traffic import BackpressureConfig, GapConfig

__all__ = ["Bench", "Scoreboard", "HangError", "SilentPassError", "CLOCK_NS", "WATCHDOG_CYCLES"]

CLOCK_NS = 10
WATCHDOG_CYCLES = 2000     # cycles without progress before a hang is declared (plus stalls)


class HangError(AssertionError):
    """No progress for too long: the DUT (or the bench) hangs."""


class SilentPassError(AssertionError):
    """A test ended without its bench's final checks, or those checks saw nothing."""


class Scoreboard(Protocol):
    """What the base needs of a bench's scoreboard."""

    progress: int                   # bumps on every checked event (the watchdog's view)

    @property
    def outstanding(self) -> int:
        """Transmissions expected and not yet complete."""

    @property
    def first_outstanding(self) -> Any:
        """The oldest incomplete transmission (None when there is none), for messages."""

    def describe_first(self) -> str:
        """The oldest incomplete transmission and what it still misses ("" when none is)."""

    def flush(self) -> None:
        """Forget every expected transmission (around a reset)."""

    def final_check(self) -> None:
        """Raise if anything is missing, wrong, or nothing was checked at all."""

    def summary(self) -> str:
        """One line of what was checked."""


class _Guard(Coroutine):
    """A task that waits forever and, when cancelled at the end of the test, runs ``check``
    (which may raise to fail the test). A plain coroutine would miss the case of a test
    that returns before the task ever started: cocotb then throws the cancellation into
    the unstarted coroutine, which ends before any ``except``; this object sees it."""

    def __init__(self, check: Callable[[], None]) -> None:
        self._check = check
        self._forever = Event()

    def send(self, value: Any) -> Any:
        return self._forever.wait()

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        exc = typ if isinstance(typ, BaseException) else (val if val is not None else typ())
        if isinstance(exc, CancelledError):
            self._check()
        raise exc

    def close(self) -> None:
        pass

    def __await__(self) -> Any:
        return self


class Bench:
    """The base of every EBPC bench (see the module documentation).

    Args:
        dut: the toplevel handle.
        cfg: the run's spec (default: the simulation's environment).
        test_name: the test's name; it seeds :attr:`rng` (with the spec's base seed).
        rng: a generator to use instead.
    """

    top: ClassVar[str] = "?"
    # The clock's implementation: cocotb's C clock ("gpi", no Python per edge), or None for
    # cocotb's choice (a Python clock where inertial writes are not trusted, e.g. Icarus).
    clock_impl: ClassVar[Optional[str]] = "gpi"
    # Functional coverage (the run's spec names the file): the valid/ready benches record it;
    # the AXI4-Stream tops are wiring over the same cores and record none.
    records_coverage: ClassVar[bool] = True

    def __init__(self, dut: Any, cfg: RunSpec | None = None, test_name: str = "test",
                 rng: random.Random | None = None) -> None:
        self.dut = dut
        self.cfg = cfg or RunSpec.from_env()
        self.test_name = test_name
        self.seed = self.cfg.test_seed(test_name)
        self.rng = rng or random.Random(self.seed)
        self.log = logging.getLogger(f"cocotb.tb.{self.top}")
        self.context = f"[{self.cfg.describe()} test={test_name} test-seed={self.seed}] "
        self.params = check_parameters(dut, expected_parameters(self.cfg, self.top), self.context)
        self.clk = dut.clk_i
        self.rst_n = dut.rst_ni
        self.sb: Scoreboard
        self.monitors: list[StreamMonitor] = []
        self.sources: list[StreamSource] = []     # in the order added (add_source)
        self.sinks: list[StreamSink] = []
        self.coverage = None
        if self.cfg.coverage and self.records_coverage:
            from .coverage import Coverage  # noqa: PLC0415  (cocotb-coverage: only when asked)
            self.coverage = Coverage.get(self.cfg)
        self.done_count = 0
        self.done_cycles: list[int] = []    # engine cycle of every done_o pulse
        self.resets = 0
        self.longest_stall = 0              # longest run of cycles without progress in wait_all
        self.started = False
        self.finished = False
        # The engine holds the reset asserted from here on; one coroutine samples and drives
        # every stream of the bench.
        self.engine = CycleEngine(self.clk, self.rst_n)
        Clock(self.clk, CLOCK_NS, unit="ns", impl=self.clock_impl).start()
        self.engine.start()
        # (done_o pulses once per transmission: watched, read only after it changed)
        self._read_done = WatchedBit(dut.done_o, self.engine)
        self._read_done.owner = self._sample_done
        self._test_task: Optional[Task] = None
        try:
            self._test_task = current_task()
        except RuntimeError:
            pass
        cocotb.start_soon(_Guard(self._silent_pass_check))

    @property
    def cycle(self) -> int:
        """Clock cycles since the bench was built."""
        return self.engine.cycle

    def sub_rng(self, tag: str) -> random.Random:
        """A generator of its own for one port or purpose, derived from the test's seed."""
        return random.Random(f"{self.seed}:{tag}")

    # -- building blocks (valid/ready streams) ------------------------------------------------
    def add_source(self, name: str, *, with_last: bool = True, gaps: GapConfig | None = None,
                   callback: Callable[[Beat], None] | None = None,
                   lanes: int = 1) -> tuple[StreamSource, StreamMonitor]:
        """A source driving the DUT's input stream ``name`` and its monitor (protocol checker,
        ``callback`` per handshaken word). ``lanes`` > 1: the stream carries that many words
        per beat (:class:`~ebpc_tb.bench.stream.LaneSource`,
        :class:`~ebpc_tb.bench.monitor.LaneMonitor`); the callback still gets words."""
        if lanes > 1:
            src: StreamSource = LaneSource(self.dut, name, self.engine, lanes=lanes, word_width=self.cfg.width,
                                           with_last=with_last, gaps=gaps, rng=self.sub_rng(name))
        else:
            src = StreamSource(self.dut, name, self.engine, with_last=with_last, gaps=gaps,
                               rng=self.sub_rng(name))
        self.sources.append(src)
        return src, self._monitor(name, with_last, callback, source=src, lanes=lanes)

    def add_sink(self, name: str, *, with_last: bool = True, backpressure: BackpressureConfig | None = None,
                 callback: Callable[[Beat], None] | None = None,
                 lanes: int = 1) -> tuple[StreamSink, StreamMonitor]:
        """A sink with random backpressure on the DUT's output stream ``name`` and its monitor
        (protocol checker, ``callback`` per handshaken word; ``lanes`` words per beat as in
        :meth:`add_source`)."""
        sink = StreamSink(self.dut, name, self.engine, with_last=with_last, backpressure=backpressure,
                          rng=self.sub_rng(name))
        self.sinks.append(sink)
        return sink, self._monitor(name, with_last, callback, sink=sink, lanes=lanes)

    def _monitor(self, name: str, with_last: bool, callback: Callable[[Beat], None] | None, *,
                 source: StreamSource | None = None, sink: StreamSink | None = None,
                 lanes: int = 1) -> StreamMonitor:
        """The protocol checker of the bench's ``source`` into, or ``sink`` out of, the DUT."""
        if lanes > 1:
            mon: StreamMonitor = LaneMonitor(self.dut, name, self.engine, lanes=lanes, word_width=self.cfg.width,
                                             into_dut=source is not None, with_last=with_last,
                                             callback=callback, keep=False, source=source, sink=sink)
        else:
            mon = StreamMonitor(self.dut, name, self.engine, into_dut=source is not None, with_last=with_last,
                                callback=callback, keep=False, source=source, sink=sink)
        self.monitors.append(mon)
        return mon

    def cover_streams(self, inputs: dict[str, tuple[StreamMonitor, bool]],
                      outputs: dict[str, StreamMonitor]) -> None:
        """Traffic coverage: each monitor's per-cycle handshakes to the coverage model
        (``inputs``: name -> (monitor, framed))."""
        if not self.coverage:
            return
        self.coverage.attach(self.top)
        for name, (mon, framed) in inputs.items():
            mon.on_cycle.append(self.coverage.activity(name, output=False, framed=framed).cycle)
        for name, mon in outputs.items():
            mon.on_cycle.append(self.coverage.activity(name, output=True).cycle)

    # -- reset ------------------------------------------------------------------------------
    async def start(self, cycles: int = 4) -> None:
        """Apply reset for ``cycles`` cycles, release it, and start checking ``done_o``."""
        self.engine.set_reset(True)
        await ClockCycles(self.clk, cycles)
        self.engine.set_reset(False)
        await RisingEdge(self.clk)
        if not self.started:
            # after the monitors: a done_o is checked once the cycle's words were scored
            self.engine.add(sample=self._sample_done)
            self.started = True

    async def reset_now(self, cycles: int = 3) -> None:
        """Assert reset in the middle of traffic; drop everything in flight."""
        await RisingEdge(self.clk)
        if self.coverage and self.busy():
            self.coverage.event("reset.mid_transmission")
        self.engine.set_reset(True)
        self.resets += 1
        self.flush()
        await ClockCycles(self.clk, cycles)
        self.engine.set_reset(False)
        await RisingEdge(self.clk)
        self.flush()

    def flush(self) -> None:
        """Forget every queued word and expected transmission (around a reset)."""
        for src in self.sources:
            src.flush()
        self.sb.flush()

    # -- done_o ------------------------------------------------------------------------------
    def _sample_done(self, in_reset: bool) -> Optional[bool]:
        # Runs in the engine after the monitors: the words handed over in the done cycle
        # are already scored (the scoreboards compare cycles, so a late word still fails).
        # Quiet while done_o is low and watched (it pulses once per transmission).
        if in_reset:
            return None
        rd = self._read_done
        d = rd.value if rd.steady else rd()     # (the common case without a call)
        if d == "0":
            return self._read_done.steady
        if d != "1":
            raise AssertionError(f"{self.context}done_o is X/Z at cycle {self.cycle}")
        self.done_count += 1
        self.done_cycles.append(self.cycle)
        self.on_done(self.cycle)
        return None

    def on_done(self, cycle: int) -> None:
        """A ``done_o`` pulse in ``cycle`` (ReadOnly): read what comes with it, score it."""
        raise NotImplementedError

    # -- drain ------------------------------------------------------------------------------
    def progress(self) -> tuple:
        """Anything that changes whenever the bench or the DUT moves on (the watchdog's view):
        the scoreboard's progress and the words each source handed over."""
        return (self.sb.progress, *(s.words_sent for s in self.sources))

    def busy(self) -> bool:
        """Words queued or transmissions expected."""
        return self.sb.outstanding > 0 or not all(s.idle for s in self.sources)

    def stall_budget(self) -> int:
        """The longest wait the configured traffic can make on purpose (stalls, long gaps): the
        longest stall of any sink and the longest gap of any source."""
        return (max((k.backpressure.longest for k in self.sinks), default=0)
                + max((s.gaps.longest for s in self.sources), default=0))

    @property
    def watchdog_limit(self) -> int:
        """Cycles without progress after which :meth:`wait_all` declares a hang."""
        return WATCHDOG_CYCLES + self.stall_budget()

    def describe_state(self) -> str:
        """What is in flight, for a hang message: the transmissions outstanding, the words each
        source handed over (and whether it has more queued), the oldest transmission."""
        s = f"{self.sb.outstanding} transmission(s) outstanding"
        if self.sources:
            s += "; words sent " + ", ".join(f"{src.name} {src.words_sent}" + ("" if src.idle else " (more queued)")
                                             for src in self.sources)
        first = self.sb.describe_first()
        return s + (f"; {first}" if first else "")

    async def wait_all(self, limit: int | None = None, keep: int = 0) -> None:
        """Wait until every queued transmission completed (``keep``: until at most that many
        are outstanding). Fails with :class:`HangError` after ``limit`` cycles without progress
        (default :attr:`watchdog_limit`)."""
        limit = limit or self.watchdog_limit
        last = self.progress()
        idle = 0
        step = 16
        while self.busy() if keep <= 0 else self.sb.outstanding > keep:
            await self.engine.wait_cycles(step)
            now = self.progress()
            if now != last:
                last = now
                idle = 0
                continue
            idle += step
            self.longest_stall = max(self.longest_stall, idle)
            if idle >= limit:
                raise HangError(f"{self.context}no progress for {idle} cycles (cycle {self.cycle}): "
                                f"{self.describe_state()}\n"
                                f"{reproduce_hint(self.cfg, self.top, self.test_name)}")

    # -- final checks -------------------------------------------------------------------------
    async def finish(self, settle: int = 30) -> None:
        """Drain, watch ``settle`` more cycles for words nobody expects, run the final checks."""
        await self.wait_all()
        await self.engine.wait_cycles(settle)
        self.finished = True
        self.sb.final_check()
        self.final_checks()
        unsampled = [m.name for m in self.monitors if m.checker is not None and m.cycles_checked == 0]
        if unsampled or not self.started:
            raise SilentPassError(f"{self.context}no cycle was checked (streams {unsampled}, done_o "
                                  f"{'sampled' if self.started else 'never sampled: start() not awaited'})")
        self.log.info("%s%s", self.context, self.sb.summary())
        if self.coverage:
            self.coverage.save()

    def final_checks(self) -> None:
        """Checks of a subclass at the end of :meth:`finish` (after the scoreboard's)."""

    def _silent_pass_check(self) -> None:
        """Called when the test's tasks are cancelled at its end: fail if the test returned
        normally but never ran :meth:`finish` (a test failing on its own keeps its error)."""
        task = self._test_task
        if (not self.finished and task is not None and task.done() and not task.cancelled()
                and task.exception() is None):
            msg = (f"{self.context}the test ended without {type(self).__name__}.finish(): "
                   f"the final checks (missing words, done_o, an empty scoreboard) never ran")
            self.log.error(msg)
            raise SilentPassError(msg)
