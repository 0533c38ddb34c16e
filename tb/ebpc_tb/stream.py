# SPDX-License-Identifier: Apache-2.0
"""Valid/ready stream components built on cocotb-bus.

The EBPC ports follow one convention: a stream called ``<prefix>`` has the
signals ``<prefix>_valid``, ``<prefix>_ready``, ``<prefix>_data`` and (optional)
``<prefix>_last``, each with an ``_i``/``_o`` suffix that tells the direction
seen from the DUT.  A stream *into* the DUT (``in``, ``len``, decoder ``znz``/
``bpc``) has ``valid_i/data_i/last_i`` and ``ready_o``; a stream *out of* the
DUT has ``valid_o/data_o/last_o`` and ``ready_i``.

Components (all sample and drive on the rising edge of one clock):

:class:`StreamSource`
    Drives ``valid/data/last`` into the DUT (a :class:`cocotb_bus.drivers.BusDriver`).
    Frames (lists of words) are queued with :meth:`StreamSource.send_frame`; ``last``
    is raised on a frame's final word.  Random idle cycles between words are
    controlled by a :class:`GapConfig` and a seeded :class:`random.Random`.
:class:`StreamSink`
    Drives ``ready`` with random backpressure (:class:`BackpressureConfig`),
    including occasional long stalls.  It does not collect data: pair it with
    a monitor.
:class:`StreamMonitor`
    A :class:`cocotb_bus.monitors.BusMonitor` that records every handshaken word as
    a :class:`Beat` (data, last) and calls its callbacks per word.
:class:`ProtocolChecker`
    Fails the test when a source drops ``valid`` or changes ``data``/``last``
    before the handshake, or drives X/Z.  Usually attached to a monitor
    (no extra coroutine); can also run standalone.

Timing model: drivers write right after a rising edge; every handshake is
decided in the ``ReadOnly`` phase of the cycle (after the DUT's combinational
logic settled), so the components do not depend on which simulator reports
pre- or post-edge values at ``RisingEdge``.
"""

from __future__ import annotations

import dataclasses
import logging
import random
from typing import Callable, Optional, Sequence

import cocotb
from cocotb.simtime import get_sim_time
from cocotb.triggers import Event, ReadOnly, RisingEdge
from cocotb_bus.drivers import BusDriver
from cocotb_bus.monitors import BusMonitor

__all__ = [
    "Beat",
    "GapConfig",
    "BackpressureConfig",
    "stream_signals",
    "StreamSource",
    "StreamSink",
    "StreamMonitor",
    "ProtocolChecker",
    "ProtocolError",
]


class ProtocolError(AssertionError):
    """A valid/ready protocol rule was broken."""


@dataclasses.dataclass(frozen=True)
class Beat:
    """One handshaken word of a stream."""

    data: int
    last: bool
    time: int = 0          # simulation time (steps) of the edge that took the word


@dataclasses.dataclass
class GapConfig:
    """Random idle cycles a :class:`StreamSource` inserts before a word.

    ``prob``: chance of a gap before each word; its length is uniform in
    ``1..max_gap``.  ``long_prob``/``long_max``: occasional long gaps.
    """

    prob: float = 0.0
    max_gap: int = 3
    long_prob: float = 0.0
    long_max: int = 100

    @classmethod
    def none(cls) -> "GapConfig":
        return cls()

    def draw(self, rng: random.Random) -> int:
        if self.long_prob and rng.random() < self.long_prob:
            return rng.randint(1, self.long_max)
        if self.prob and rng.random() < self.prob:
            return rng.randint(1, self.max_gap)
        return 0

    @property
    def active(self) -> bool:
        return bool(self.prob or self.long_prob)


@dataclasses.dataclass
class BackpressureConfig:
    """Random ``ready`` pattern of a :class:`StreamSink`.

    Each cycle ``ready`` is high with probability ``ready_prob``; with
    probability ``stall_prob`` a stall of ``1..max_stall`` cycles starts
    (``ready`` low throughout).
    """

    ready_prob: float = 1.0
    stall_prob: float = 0.0
    max_stall: int = 200

    @classmethod
    def always_ready(cls) -> "BackpressureConfig":
        return cls()

    @property
    def always(self) -> bool:
        return self.ready_prob >= 1.0 and not self.stall_prob


def stream_signals(into_dut: bool, with_last: bool = True) -> tuple[dict, dict]:
    """Signal maps (attribute -> suffix) for a stream, seen from the DUT."""
    if into_dut:
        sig = {"valid": "valid_i", "ready": "ready_o", "data": "data_i"}
        opt = {"last": "last_i"} if with_last else {}
    else:
        sig = {"valid": "valid_o", "ready": "ready_i", "data": "data_o"}
        opt = {"last": "last_o"} if with_last else {}
    return sig, opt


def _resolve(handle) -> Optional[int]:
    """Integer value of a handle, ``None`` when it holds X/Z."""
    val = handle.value
    try:
        return int(val)
    except ValueError:
        return None


class StreamSource(BusDriver):
    """Drives a valid/ready stream into the DUT.

    Args:
        entity: DUT handle.
        name: stream prefix (``"in"``, ``"len"``, ``"znz"``, ...).
        clock: clock handle.
        reset_n: optional active-low reset; while low the source idles.
        with_last: the stream has a ``last`` signal.
        gaps: :class:`GapConfig` for random idle cycles.
        rng: seeded :class:`random.Random` (required when ``gaps`` is active).

    ``valid`` never depends on ``ready``; once raised it stays high with
    stable data until the handshake.
    """

    def __init__(self, entity, name: str, clock, *, reset_n=None,
                 with_last: bool = True, gaps: GapConfig | None = None,
                 rng: random.Random | None = None, **kwargs):
        self._signals, self._optional_signals = stream_signals(True, with_last)
        kwargs.setdefault("case_insensitive", False)
        super().__init__(entity, name, clock, **kwargs)
        self.reset_n = reset_n
        self.gaps = gaps or GapConfig.none()
        self.rng = rng or random.Random(0)
        self.width = len(self.bus.data)
        self.has_last = hasattr(self.bus, "last")
        self.words_sent = 0
        self.frames_sent = 0
        self.gap_cycles = 0
        self._idle_event = Event()
        self._idle_event.set()
        self.bus.valid.value = 0
        self.bus.data.value = 0
        if self.has_last:
            self.bus.last.value = 0

    # -- public API ---------------------------------------------------------
    def send_frame(self, words: Sequence[int], last: bool = True) -> None:
        """Queue a frame; ``last`` is raised on its final word (if ``last``)."""
        mask = (1 << self.width) - 1
        words = [int(w) & mask for w in words]
        if not words:
            return
        self._idle_event.clear()
        self.append((words, last))

    def send_word(self, word: int) -> None:
        """Queue one word without ``last`` (e.g. the decoder's length stream)."""
        self.send_frame([word], last=False)

    @property
    def idle(self) -> bool:
        return not self._sendQ and self._idle_event.is_set()

    async def wait_idle(self) -> None:
        """Wait until every queued word was accepted."""
        while not self.idle:
            await self._idle_event.wait()

    def flush(self) -> None:
        """Drop all queued words and idle the bus (use around a reset)."""
        self.clear()
        if self._thread is not None:
            self._thread.cancel()
        self.bus.valid.value = 0
        self._idle_event.set()
        self._thread = cocotb.start_soon(self._send_thread())

    def kill(self) -> None:
        if self._thread is not None:
            self._thread.cancel()
            self._thread = None

    # -- implementation -----------------------------------------------------
    async def _driver_send(self, transaction, sync: bool = True) -> None:
        words, last = transaction
        clk_edge = RisingEdge(self.clock)
        ro = ReadOnly()
        bus = self.bus
        if sync:
            await clk_edge
        n = len(words)
        for i, word in enumerate(words):
            gap = self.gaps.draw(self.rng) if self.gaps.active else 0
            if gap:
                bus.valid.value = 0
                self.gap_cycles += gap
                for _ in range(gap):
                    await clk_edge
            while self.reset_n is not None and _resolve(self.reset_n) != 1:
                bus.valid.value = 0
                await clk_edge
            bus.data.value = word
            if self.has_last:
                bus.last.value = 1 if (last and i == n - 1) else 0
            bus.valid.value = 1
            while True:
                await ro
                if int(bus.ready.value):
                    break
                await clk_edge
            await clk_edge          # the handshake happens on this edge
            self.words_sent += 1
        self.frames_sent += 1
        if not self._sendQ:
            bus.valid.value = 0
            if self.has_last:
                bus.last.value = 0
            self._idle_event.set()


class StreamSink(BusDriver):
    """Drives ``ready`` of a stream out of the DUT with random backpressure.

    With an always-ready config ``ready`` is tied high and no coroutine runs.
    The pattern can be changed at run time with :meth:`set_backpressure`.
    """

    def __init__(self, entity, name: str, clock, *, with_last: bool = True,
                 backpressure: BackpressureConfig | None = None,
                 rng: random.Random | None = None, **kwargs):
        self._signals, self._optional_signals = stream_signals(False, with_last)
        kwargs.setdefault("case_insensitive", False)
        super().__init__(entity, name, clock, **kwargs)
        self.rng = rng or random.Random(0)
        self.stall_cycles = 0
        self.long_stalls = 0
        self._bp_task = None
        self.set_backpressure(backpressure or BackpressureConfig.always_ready())

    def set_backpressure(self, cfg: BackpressureConfig) -> None:
        self.backpressure = cfg
        if self._bp_task is not None:
            self._bp_task.cancel()
            self._bp_task = None
        if cfg.always:
            self.bus.ready.value = 1
        else:
            self.bus.ready.value = 0
            self._bp_task = cocotb.start_soon(self._drive_ready())

    def pause(self) -> None:
        """Hold ``ready`` low until :meth:`set_backpressure` is called again."""
        if self._bp_task is not None:
            self._bp_task.cancel()
            self._bp_task = None
        self.bus.ready.value = 0

    async def _drive_ready(self) -> None:
        cfg = self.backpressure
        rng = self.rng
        edge = RisingEdge(self.clock)
        ready = self.bus.ready
        while True:
            if cfg.stall_prob and rng.random() < cfg.stall_prob:
                n = rng.randint(1, cfg.max_stall)
                self.stall_cycles += n
                if n > 16:
                    self.long_stalls += 1
                ready.value = 0
                for _ in range(n):
                    await edge
                continue
            ready.value = 1 if rng.random() < cfg.ready_prob else 0
            await edge

    def kill(self) -> None:
        if self._thread is not None:
            self._thread.cancel()
            self._thread = None
        if self._bp_task is not None:
            self._bp_task.cancel()
            self._bp_task = None


class ProtocolChecker:
    """Checks the valid/ready rules of one stream, one sample per cycle.

    Rules: after reset ``valid`` is never X/Z; while ``valid`` is high ``data``
    and ``last`` are not X/Z; once ``valid`` is high without ``ready`` it stays
    high and ``data``/``last`` keep their values until the handshake; an output
    stream does not raise ``valid`` during reset (``check_reset_valid``).

    Feed it with :meth:`sample` (a :class:`StreamMonitor` does this), or call
    :meth:`start` to let it sample on its own.
    """

    def __init__(self, bus, name: str, clock=None, reset_n=None,
                 check_reset_valid: bool = False, log: logging.Logger | None = None):
        self.bus = bus
        self.name = name
        self.clock = clock
        self.reset_n = reset_n
        self.check_reset_valid = check_reset_valid
        self.log = log or logging.getLogger(f"cocotb.checker.{name}")
        self.has_last = hasattr(bus, "last")
        self._pending = None
        self.samples = 0
        self.stalled_cycles = 0   # valid high, ready low
        self.gap_cycles = 0       # valid low
        self.errors: list[str] = []
        self._task = None

    def reset(self) -> None:
        self._pending = None

    def _fail(self, msg: str) -> None:
        try:
            when = f"{get_sim_time('ns')} ns"
        except RuntimeError:        # no simulator (unit tests)
            when = f"sample {self.samples}"
        full = f"protocol violation on stream '{self.name}' at {when}: {msg}"
        self.errors.append(full)
        self.log.error(full)
        raise ProtocolError(full)

    def sample(self, in_reset: bool = False):
        """Check the current cycle (call in ReadOnly).  Returns (valid, ready, data, last)."""
        bus = self.bus
        if in_reset:
            self._pending = None
            if self.check_reset_valid and _resolve(bus.valid) == 1:
                self._fail("valid is high during reset")
            return 0, 0, None, 0
        self.samples += 1
        valid = _resolve(bus.valid)
        ready = _resolve(bus.ready)
        if valid is None:
            self._fail("valid is X/Z")
        if ready is None:
            self._fail("ready is X/Z")
        data = last = None
        if valid:
            data = _resolve(bus.data)
            last = _resolve(bus.last) if self.has_last else 0
            if data is None:
                self._fail(f"data is X/Z while valid ({bus.data.value})")
            if last is None:
                self._fail("last is X/Z while valid")
        pend = self._pending
        if pend is not None:
            if not valid:
                self._fail(f"valid dropped before the handshake (pending data=0x{pend[0]:x} last={pend[1]})")
            if data != pend[0] or last != pend[1]:
                self._fail(f"data/last changed before the handshake: 0x{pend[0]:x}/{pend[1]} -> 0x{data:x}/{last}")
        if valid and not ready:
            self._pending = (data, last)
            self.stalled_cycles += 1
        else:
            self._pending = None
            if not valid:
                self.gap_cycles += 1
        return valid, ready, data, last

    def start(self) -> None:
        if self._task is None:
            self._task = cocotb.start_soon(self._run())

    async def _run(self) -> None:
        edge = RisingEdge(self.clock)
        ro = ReadOnly()
        while True:
            await edge
            await ro
            in_reset = self.reset_n is not None and _resolve(self.reset_n) != 1
            self.sample(in_reset)

    def kill(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None


class StreamMonitor(BusMonitor):
    """Records the handshaken words of a stream (either direction).

    Each handshake produces a :class:`Beat` passed to every callback (and kept
    in :attr:`beats` when ``keep`` is true).  A :class:`ProtocolChecker` is
    attached by default (``check=False`` to disable).  Words seen while
    ``reset_n`` is low are ignored.

    ``on_cycle`` callbacks get ``(valid, ready, last, in_reset)`` once per cycle
    (coverage, statistics); ``last`` is 0 when ``valid`` is low.
    """

    def __init__(self, entity, name: str, clock, *, into_dut: bool,
                 with_last: bool = True, reset_n=None, callback=None,
                 check: bool = True, keep: bool = True, **kwargs):
        self._signals, self._optional_signals = stream_signals(into_dut, with_last)
        kwargs.setdefault("case_insensitive", False)
        self.into_dut = into_dut
        self.keep = keep
        self.beats: list[Beat] = []
        self.on_cycle: list[Callable[[int, int], None]] = []
        self._cycle = 0
        self._frame_words = 0
        self.frames = 0
        super().__init__(entity, name, clock, reset_n=reset_n, callback=callback, **kwargs)
        self.has_last = hasattr(self.bus, "last")
        self.checker = (ProtocolChecker(self.bus, name, clock, reset_n,
                                        check_reset_valid=not into_dut, log=self.log)
                        if check else None)

    @property
    def words(self) -> list[int]:
        return [b.data for b in self.beats]

    @property
    def in_reset(self) -> bool:
        if self._reset_n is None:
            return False
        return _resolve(self._reset_n) != 1

    def kill(self) -> None:
        if self._thread is not None:
            self._thread.cancel()
            self._thread = None

    def clear(self) -> None:
        self.beats.clear()

    async def _monitor_recv(self) -> None:
        edge = RisingEdge(self.clock)
        ro = ReadOnly()
        bus = self.bus
        while True:
            await edge
            await ro
            self._cycle += 1
            in_reset = self.in_reset
            if self.checker is not None:
                valid, ready, data, last = self.checker.sample(in_reset)
            elif in_reset:
                valid = ready = 0
            else:
                valid = _resolve(bus.valid) or 0
                ready = _resolve(bus.ready) or 0
                data = _resolve(bus.data) if valid else None
                last = (_resolve(bus.last) if self.has_last else 0) if valid else None
            for cb in self.on_cycle:
                cb(valid, ready, last if valid else 0, in_reset)
            if in_reset:
                self._frame_words = 0
                continue
            if valid and ready:
                beat = Beat(data, bool(last), get_sim_time())
                if self.keep:
                    self.beats.append(beat)
                self._frame_words += 1
                if beat.last:
                    self.frames += 1
                    self._frame_words = 0
                self._recv(beat)
