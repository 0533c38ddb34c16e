# SPDX-License-Identifier: Apache-2.0
"""The cycle engine: one coroutine runs every component of a clock domain.

Per clock cycle the engine resumes right after the rising edge (the *edge phase*): it
calls the per-cycle *drivers* and the functions scheduled for this edge with
:meth:`CycleEngine.at_edge` (a source offering its next word, a ``ready`` pattern changing
level, the tasks waiting in :meth:`CycleEngine.wait_cycles`). Then, in the ``ReadOnly``
phase, when the DUT's logic has settled, every *sampler* (a plain function taking
``in_reset``) reads the signals it needs and decides the handshakes.

Components are plain objects with methods, not coroutines, so a bench costs at most two
Python resumes per cycle however many streams it has, and the handshakes do not depend on
whether a simulator reports pre- or post-edge values at ``RisingEdge``.

Quiet cycles are not sampled. A sampler returns ``True`` when nothing can happen on its
stream in the following cycles unless a signal it watches changes (a
:class:`~ebpc_tb.bench.signals.WatchedBit` owned by it, which then wakes it and claims the
``ReadOnly`` phase of its time step) or a component acts and asks for it
(:meth:`CycleEngine.need_sample`): an idle output, a source's word waiting for a ``ready``
that stays low. Such a sampler sleeps (is not called) until woken; when every sampler
sleeps, the engine skips the ``ReadOnly`` phase (a Python resume) until something changes,
and only counts the cycle. A sampler returning anything else (a plain function returns
``None``) is called in every cycle.

What is certain need not be sampled either: a word offered while its ``ready`` is watched
and high is taken at the next edge unless ``ready`` changes, and a change has the cycle
sampled. Such a component hands the engine the rest of its work for the cycle
(:meth:`CycleEngine.defer`): the engine runs it at the next edge if the cycle was not
sampled, and drops it if it was (the samplers then did that work).

The engine also drives the domain's active-low reset (:meth:`CycleEngine.set_reset`): it
knows the reset's level without reading it back, and hands the samplers the level the
reset had in the cycle being sampled. Cycles in reset are always sampled.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import cocotb
from cocotb.task import Task
from cocotb.triggers import Event, ReadOnly, RisingEdge

from .signals import Writer

__all__ = ["CycleEngine", "Driver", "Sampler"]

Driver = Callable[[], None]
Sampler = Callable[[bool], Optional[bool]]     # returns True when the next cycles are quiet


class CycleEngine:
    """Runs the drivers and samplers of one clock domain.

    Args:
        clock: the clock handle (``None`` for unit tests that step the engine by hand with
            :meth:`step`).
        reset_n: the domain's active-low reset, driven by the engine (held asserted from
            construction until :meth:`set_reset`); ``None``: no reset, never in reset.

    :attr:`cycle` counts the cycles since the engine started, sampled or not; a sampler
    sees the number of the cycle it samples. Samplers run in registration order: a bench
    registers its stream monitors before the check of ``done_o``, so a done pulse is checked
    once the cycle's words were scored.
    """

    def __init__(self, clock: Any, reset_n: Any = None) -> None:
        self.clock = clock
        self.cycle = 0
        self.drivers: list[Driver] = []
        self.samplers: list[Sampler] = []
        self._asleep: set[Sampler] = set()     # samplers that said the next cycles are quiet
        # edge -> functions to call in its edge phase (keyed by the cycle count at that edge)
        self._wakeups: dict[int, list[Driver]] = {}
        self._reset = Writer(reset_n, 0) if reset_n is not None else None
        self._reset_asserted = reset_n is not None   # level written last (Python's view)
        self.in_reset = self._reset_asserted         # level in the cycle last sampled
        self.sampled_cycles = 0                      # cycles that had a ReadOnly phase
        # Phase bookkeeping (see _edge_phase and sample_in_read_only):
        self.in_edge_phase = False    # running the edge phase (a handshake decided now was at this edge)
        self._in_read_only = True     # last phase was ReadOnly (before the first edge: as if)
        self._sampled = True          # sampled since the last edge (before the first: nothing to sample)
        self._claimed = False         # someone awaits ReadOnly in this time step
        self._busy = True             # a sampler wants the next cycle sampled
        self._need = False            # a component asked for this cycle to be sampled
        self._deferred: list[Driver] = []   # work for this cycle if it is not sampled
        self._task: Optional[Task] = None

    # -- components ---------------------------------------------------------------------
    def add(self, drive: Driver | None = None, sample: Sampler | None = None) -> None:
        """Register a per-cycle driver and/or a sampler. (A driver that changes what a sampler
        sees asks for its cycle to be sampled: :meth:`need_sample`.)"""
        if drive is not None:
            self.drivers.append(drive)
        if sample is not None:
            self.samplers.append(sample)
        self._busy = True

    def remove(self, drive: Driver | None = None, sample: Sampler | None = None) -> None:
        """Unregister a per-cycle driver and/or a sampler (no error if it is not registered)."""
        if drive is not None and drive in self.drivers:
            self.drivers.remove(drive)
        if sample is not None and sample in self.samplers:
            self.samplers.remove(sample)
            self._asleep.discard(sample)

    def at_edge(self, fn: Driver, cycles: int = 1) -> int:
        """Call ``fn()`` in the edge phase of the ``cycles``-th rising edge from now (1: the next
        one). Returns the edge's key for :meth:`cancel`."""
        # (the count of a cycle is taken when it is sampled, or at the next edge if it is
        # not: from ReadOnly the next edge's phase runs while `cycle` still holds this count)
        key = self.cycle + cycles - (1 if self._in_read_only else 0)
        due = self._wakeups.get(key)
        if due is None:
            self._wakeups[key] = [fn]
        else:
            due.append(fn)
        return key

    def cancel(self, key: int, fn: Driver) -> None:
        """Forget a call scheduled with :meth:`at_edge` (no error if it already ran)."""
        due = self._wakeups.get(key)
        if due is not None and fn in due:
            due.remove(fn)

    @property
    def scheduled(self) -> int:
        """Calls scheduled with :meth:`at_edge` and not yet run."""
        return sum(len(due) for due in self._wakeups.values())

    # -- sampling on demand -----------------------------------------------------------------
    def defer(self, fn: Driver) -> None:
        """Call ``fn()`` at the next edge if the current cycle is not sampled in ReadOnly
        (first thing in that edge phase); forget it if the cycle is sampled."""
        self._deferred.append(fn)

    def wake(self, sampler: Sampler) -> None:
        """Call ``sampler`` again when a cycle is sampled (it had said it was quiet)."""
        self._asleep.discard(sampler)

    def need_sample(self, sampler: Sampler | None = None) -> None:
        """Have the current cycle sampled in ReadOnly, with ``sampler`` (default: every
        sampler) awake: a component changed what it would see, e.g. a source offering a word
        whose ``ready`` is not known to be low."""
        if sampler is None:
            self._asleep.clear()
        else:
            self._asleep.discard(sampler)
        if self.in_edge_phase or self._in_read_only:
            # decided at this (or, from ReadOnly, the next) edge phase's end
            self._need = True
        elif self.claim_read_only():
            # after the edge phase of this time step: sample it from a task of its own
            cocotb.start_soon(self._sample_later())

    def claim_read_only(self) -> bool:
        """Whether the caller is the first in this time step to want it sampled: it must
        then await ``ReadOnly`` and call :meth:`sample_in_read_only`."""
        if self._claimed:
            return False
        self._claimed = True
        return True

    async def _sample_later(self) -> None:
        await ReadOnly()
        self.sample_in_read_only()

    def sample_in_read_only(self) -> None:
        """The ReadOnly phase of a cycle: count it, run every sampler, note whether the next
        cycle must be sampled too."""
        self._claimed = False
        if self._sampled:
            return          # (a change between two edges: nothing new to sample)
        self._sampled = True
        self._in_read_only = True
        self._deferred.clear()      # (the samplers do that work now)
        self.cycle += 1
        self.sampled_cycles += 1
        in_reset = self.in_reset = self._reset_asserted
        asleep = self._asleep
        busy = False
        for sample in self.samplers:
            if sample in asleep:
                continue
            if sample(in_reset) is True:
                asleep.add(sample)
            else:
                busy = True
        self._busy = busy

    # -- reset --------------------------------------------------------------------------
    def set_reset(self, asserted: bool) -> None:
        """Drive the reset (``True``: asserted, ``rst_n`` low) from now on."""
        if self._reset is None:
            raise RuntimeError("this engine has no reset to drive")
        self._reset_asserted = asserted
        self._reset.force(0 if asserted else 1)
        self.need_sample()

    @property
    def reset_asserted(self) -> bool:
        """The reset level written last (takes effect in the current cycle)."""
        return self._reset_asserted

    # -- running ------------------------------------------------------------------------
    def start(self) -> None:
        if self._task is None:
            self._task = cocotb.start_soon(self._run())

    def kill(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    @property
    def running(self) -> bool:
        return self._task is not None

    async def wait_cycles(self, n: int) -> None:
        """Wait ``n`` rising edges (resumes right after the n-th, like ``ClockCycles``)."""
        if n <= 0:
            return
        event = Event()
        self.at_edge(event.set, n)
        await event.wait()

    def _edge_phase(self) -> bool:
        """After a rising edge: the per-cycle drivers, then what was scheduled for this edge.
        Returns whether this cycle must be sampled."""
        self._in_read_only = False
        self.in_edge_phase = True
        if not self._sampled:
            self.cycle += 1         # the previous cycle went by without a ReadOnly phase
            if self._deferred:
                deferred, self._deferred = self._deferred, []
                for fn in deferred:
                    fn()
        self._sampled = False
        for drive in self.drivers:
            drive()
        due = self._wakeups.pop(self.cycle, None)
        if due is not None:
            for fn in due:
                fn()
        self.in_edge_phase = False
        need = self._busy or self._need or self._reset_asserted
        self._need = False
        return need

    def step(self) -> None:
        """One cycle without a simulator (unit tests): the edge phase, then the samplers."""
        self._edge_phase()
        self._claimed = False
        self.sample_in_read_only()

    async def _run(self) -> None:
        edge = RisingEdge(self.clock)
        read_only = ReadOnly()
        edge_phase = self._edge_phase
        sample = self.sample_in_read_only
        while True:
            await edge
            if edge_phase() and not self._claimed:
                self._claimed = True
                await read_only
                sample()
