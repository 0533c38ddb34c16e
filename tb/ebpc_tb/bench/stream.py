# SPDX-License-Identifier: Apache-2.0
"""Valid/ready stream components, all clocked by one :class:`CycleEngine`.

The EBPC ports follow one convention: a stream called ``<prefix>`` has the
signals ``<prefix>_valid``, ``<prefix>_ready``, ``<prefix>_data`` and (optional)
``<prefix>_last``, each with an ``_i``/``_o`` suffix that tells the direction
seen from the DUT.  A stream *into* the DUT (``in``, ``len``, decoder ``znz``/
``bpc``) has ``valid_i/data_i/last_i`` and ``ready_o``; a stream *out of* the
DUT has ``valid_o/data_o/last_o`` and ``ready_i``.

:class:`CycleEngine`
    The one coroutine of a bench: per clock cycle it resumes twice, right after the
    rising edge (every *driver* writes its signals, and only when a value changes) and
    in the ``ReadOnly`` phase (every *sampler* reads the settled signals and decides
    the handshakes).  Signal handles are resolved once; each signal is read at most
    once per cycle.  Components are plain objects with ``drive()``/``sample()``
    methods, not coroutines, so a bench costs two Python resumes per cycle however
    many streams it has.
:class:`StreamSource`
    Drives ``valid/data/last`` into the DUT.  Frames (lists of words) are queued
    with :meth:`StreamSource.send_frame`; ``last`` is raised on a frame's final
    word.  Random idle cycles before a word come from a :class:`GapConfig` and a
    seeded :class:`random.Random`.
:class:`StreamSink`
    Drives ``ready`` with random backpressure (:class:`BackpressureConfig`),
    including occasional long stalls.  It does not collect data: pair it with
    a monitor.
:class:`StreamMonitor`
    Records every handshaken word as a :class:`Beat` (data, last), calls its
    callbacks per word and feeds its :class:`ProtocolChecker`.
:class:`ProtocolChecker`
    Fails the test when a source drops ``valid`` or changes ``data``/``last``
    before the handshake, or drives X/Z.

Timing model: drivers write right after a rising edge; every handshake is
decided in the ``ReadOnly`` phase of the cycle (after the DUT's combinational
logic settled), so the components do not depend on which simulator reports
pre- or post-edge values at ``RisingEdge``.  A component created without an
``engine`` gets its own (one more coroutine): the benches share one.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import math
import random
import types
from typing import Callable, Optional, Sequence

import cocotb
import cocotb.handle as cocotb_handle
from cocotb.simtime import get_sim_time
from cocotb.triggers import Event, ReadOnly, RisingEdge

__all__ = [
    "Beat",
    "GapConfig",
    "BackpressureConfig",
    "stream_signals",
    "CycleEngine",
    "StreamSource",
    "StreamSink",
    "StreamMonitor",
    "RandomLevel",
    "ProtocolChecker",
    "ProtocolError",
    "signal_reader",
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


def signal_reader(handle) -> Callable[[], Optional[int]]:
    """A function returning the handle's value as an int (``None`` for X/Z).

    For simulator handles it reads the value as a bit string straight from the GPI
    object (several times cheaper than building a ``LogicArray`` through ``.value``);
    anything else (test doubles) is read through ``.value``.
    """
    get = getattr(getattr(handle, "_handle", None), "get_signal_val_binstr", None)
    if get is None:
        return lambda: _resolve(handle)
    if len(handle) == 1:
        bit = {"0": 0, "1": 1}.get
        return lambda: bit(get())

    def read() -> Optional[int]:
        try:
            return int(get(), 2)
        except ValueError:
            return None

    return read


_BITS = {"0": 0, "1": 1}


def bit_getter(handle) -> Callable[[], str]:
    """A function returning a 1-bit signal's value as ``"0"``, ``"1"`` or another
    character (X, Z, ...); the cheapest read, for the signals sampled every cycle."""
    get = getattr(getattr(handle, "_handle", None), "get_signal_val_binstr", None)
    if get is not None:
        return get
    return lambda: str(handle.value)


def _direct_write(handle) -> Optional[Callable[[int], None]]:
    """A GPI write for ``handle`` that skips the ``.value`` setter's conversions, or ``None``.

    Only where cocotb itself would write at once: with trusted inertial writes (the
    runner's default for Verilator; :envvar:`COCOTB_TRUST_INERTIAL_WRITES`), a deposit from
    a value-change or timer callback goes straight to the simulator, which is what this
    does.  Elsewhere (Icarus) cocotb defers writes to the ``ReadWrite`` phase, and the
    setter is used.
    """
    gpi = getattr(handle, "_handle", None)
    if not getattr(cocotb_handle, "_trust_inertial", False) or gpi is None:
        return None
    deposit = cocotb_handle._GPISetAction.DEPOSIT.value
    if len(handle) == 1:
        put_str = gpi.set_signal_val_binstr
        return lambda value: put_str(deposit, "1" if value else "0")
    if len(handle) <= 32:                   # (the GPI's integer write is 32 bits wide)
        put_int = gpi.set_signal_val_int
        return lambda value: put_int(deposit, value)
    return None


class _Writer:
    """Writes a signal only when its value changes (a write costs more than a compare)."""

    __slots__ = ("handle", "current", "_put")

    def __init__(self, handle, value: int = 0):
        self.handle = handle
        self.current = value
        handle.value = value
        self._put = _direct_write(handle) or self._set

    def _set(self, value: int) -> None:
        self.handle.value = value

    def __call__(self, value: int) -> None:
        if value != self.current:
            self.current = value
            self._put(value)

    def force(self, value: int) -> None:
        self.current = value
        self.handle.value = value


def _bus(entity, name: str, into_dut: bool, with_last: bool) -> types.SimpleNamespace:
    sig, opt = stream_signals(into_dut, with_last)
    handles = {}
    for attr, suffix in sig.items():
        full = f"{name}_{suffix}"
        if not hasattr(entity, full):
            raise AttributeError(f"{entity._name if hasattr(entity, '_name') else entity} has no signal {full}")
        handles[attr] = getattr(entity, full)
    for attr, suffix in opt.items():
        full = f"{name}_{suffix}"
        if hasattr(entity, full):
            handles[attr] = getattr(entity, full)
    return types.SimpleNamespace(**handles)


class CycleEngine:
    """Runs every component of one clock domain in a single coroutine.

    Per cycle: ``RisingEdge`` -> every driver's ``drive()``, then the tasks in
    :meth:`wait_cycles` whose count is up resume; ``ReadOnly`` -> the reset is read
    once, then every sampler's ``sample(in_reset)`` in registration order (the
    monitors before the bench's ``done_o`` check).
    """

    def __init__(self, clock, reset_n=None):
        self.clock = clock
        self.reset_n = reset_n
        self._read_reset = bit_getter(reset_n) if reset_n is not None else None
        self.cycle = 0
        self.in_reset = reset_n is not None
        self.drivers: list[Callable[[], None]] = []
        self.samplers: list[Callable[[bool], None]] = []
        self._timers: list[tuple[int, Event]] = []
        self._in_ro = False
        self._task = None

    def add(self, drive: Callable[[], None] | None = None,
            sample: Callable[[bool], None] | None = None) -> None:
        if drive is not None:
            self.drivers.append(drive)
        if sample is not None:
            self.samplers.append(sample)

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
        ev = Event()
        # (the count is bumped in ReadOnly: from a ReadOnly caller the next edge is cycle+1)
        self._timers.append((self.cycle + n - (1 if self._in_ro else 0), ev))
        self._timers.sort(key=lambda t: t[0])
        await ev.wait()

    async def _run(self) -> None:
        edge = RisingEdge(self.clock)
        ro = ReadOnly()
        drivers = self.drivers
        samplers = self.samplers
        timers = self._timers
        read_reset = self._read_reset
        while True:
            await edge
            self._in_ro = False
            for drive in drivers:
                drive()
            # waiters resume here, after the edge (they may write signals: not in ReadOnly)
            while timers and timers[0][0] <= self.cycle:
                timers.pop(0)[1].set()
            await ro
            self._in_ro = True
            self.cycle += 1
            in_reset = read_reset is not None and read_reset() != "1"
            self.in_reset = in_reset
            for sample in samplers:
                sample(in_reset)


def _own_engine(clock, reset_n) -> CycleEngine:
    eng = CycleEngine(clock, reset_n)
    eng.start()
    return eng


class StreamSource:
    """Drives a valid/ready stream into the DUT.

    Args:
        entity: DUT handle.
        name: stream prefix (``"in"``, ``"len"``, ``"znz"``, ...).
        clock: clock handle.
        reset_n: optional active-low reset; while low the source idles.
        with_last: the stream has a ``last`` signal.
        gaps: :class:`GapConfig` for random idle cycles.
        rng: seeded :class:`random.Random` (required when ``gaps`` is active).
        engine: the :class:`CycleEngine` to run in (default: one of its own).

    ``valid`` never depends on ``ready``; once raised it stays high with
    stable data until the handshake.
    """

    def __init__(self, entity, name: str, clock, *, reset_n=None,
                 with_last: bool = True, gaps: GapConfig | None = None,
                 rng: random.Random | None = None, engine: CycleEngine | None = None):
        self.name = name
        self.clock = clock
        self.bus = _bus(entity, name, True, with_last)
        self.reset_n = reset_n
        self.gaps = gaps or GapConfig.none()
        self.rng = rng or random.Random(0)
        self.width = len(self.bus.data)
        self.mask = (1 << self.width) - 1
        self.has_last = hasattr(self.bus, "last")
        self.words_sent = 0
        self.frames_sent = 0
        self.gap_cycles = 0
        self._queue: collections.deque[tuple[list[int], bool]] = collections.deque()
        self._words: list[int] | None = None    # current frame
        self._frame_last = True
        self._pos = 0
        self._gap = 0          # idle cycles still to insert before the current word
        self._offered = False  # valid high this cycle
        self._draw = False     # the current word's gap is still to be drawn
        self._idle_event = Event()
        self._idle_event.set()
        self._valid = _Writer(self.bus.valid)
        self._data = _Writer(self.bus.data)
        self._last = _Writer(self.bus.last) if self.has_last else None
        self._ready = bit_getter(self.bus.ready)
        self.engine = engine or _own_engine(clock, reset_n)
        self.engine.add(self.drive, self.sample)

    # -- public API ---------------------------------------------------------
    def send_frame(self, words: Sequence[int], last: bool = True) -> None:
        """Queue a frame; ``last`` is raised on its final word (if ``last``)."""
        mask = self.mask
        words = [int(w) & mask for w in words]
        if not words:
            return
        self._idle_event.clear()
        self._queue.append((words, last))

    def send_word(self, word: int) -> None:
        """Queue one word without ``last`` (e.g. the decoder's length stream)."""
        self.send_frame([word], last=False)

    @property
    def idle(self) -> bool:
        return self._words is None and not self._queue

    @property
    def queued_words(self) -> int:
        n = sum(len(w) for w, _ in self._queue)
        return n + (len(self._words) - self._pos if self._words is not None else 0)

    async def wait_idle(self) -> None:
        """Wait until every queued word was accepted."""
        while not self.idle:
            await self._idle_event.wait()

    def flush(self) -> None:
        """Drop all queued words and idle the bus (use around a reset)."""
        self._queue.clear()
        self._words = None
        self._gap = 0
        self._offered = False
        self._draw = False
        self._valid.force(0)
        self._idle_event.set()

    def kill(self) -> None:
        """Stop driving (valid low, the queue kept)."""
        self._offered = False
        self._valid.force(0)
        if self.drive in self.engine.drivers:
            self.engine.drivers.remove(self.drive)
            self.engine.samplers.remove(self.sample)

    # -- per cycle ----------------------------------------------------------
    def drive(self) -> None:
        """After the rising edge: offer the current word unless in a gap or in reset."""
        if self._offered:
            return                     # valid, data and last held until the handshake
        if self._words is None:
            if not self._queue:
                self._valid(0)
                return
            self._words, self._frame_last = self._queue.popleft()
            self._pos = 0
            self._draw = True
        if self._draw:                 # a new word: its random gap first
            self._draw = False
            gaps = self.gaps
            if gaps.prob or gaps.long_prob:
                self._gap = gaps.draw(self.rng)
                self.gap_cycles += self._gap
        if self._gap:
            self._gap -= 1
            self._valid(0)
            return
        if self.engine.in_reset:
            self._valid(0)
            return
        pos = self._pos
        words = self._words
        self._data(words[pos])
        if self._last is not None:
            self._last(1 if (self._frame_last and pos == len(words) - 1) else 0)
        self._valid(1)
        self._offered = True

    def sample(self, in_reset: bool) -> None:
        """ReadOnly: was the offered word taken on this edge?"""
        if not self._offered or in_reset or self._ready() != "1":
            return
        self.handshake()

    def handshake(self) -> None:
        """The offered word was taken (called by :meth:`sample`, or by the stream's monitor
        when it reads the handshake anyway: see :class:`StreamMonitor` ``source``)."""
        self.words_sent += 1
        self._offered = False
        self._draw = True
        self._pos += 1
        if self._pos == len(self._words):
            self.frames_sent += 1
            self._words = None
            if not self._queue:
                self._idle_event.set()


class _ReadyRuns:
    """The random level pattern of a :class:`BackpressureConfig`, drawn a run at a time.

    Per cycle, independently: with ``stall_prob`` a stall of ``1..max_stall`` low cycles
    starts, else the level is high with ``ready_prob``.  The high cycles before the next
    low one are geometric, so one draw gives the whole run: the same pattern distribution
    as a draw per cycle, at a fraction of the Python work (the drivers run every cycle).
    """

    __slots__ = ("rng", "stall_prob", "max_stall", "_low_share", "_log_keep")

    def __init__(self, cfg: BackpressureConfig, rng: random.Random):
        self.rng = rng
        self.stall_prob = cfg.stall_prob
        self.max_stall = cfg.max_stall
        s = cfg.stall_prob
        # chance a cycle is not plainly high (> 0: only a random pattern gets here)
        q = s + (1.0 - s) * (1.0 - cfg.ready_prob)
        self._low_share = s / q                         # of those, the share starting a stall
        self._log_keep = math.log1p(-q) if q < 1.0 else 0.0   # 0.0: no high cycle at all

    def draw(self) -> tuple[int, int]:
        """(high cycles, then low cycles >= 1) of the next run."""
        rng = self.rng
        lk = self._log_keep
        high = 0 if lk == 0.0 else int(math.log(1.0 - rng.random()) / lk)
        if self.stall_prob and rng.random() < self._low_share:
            return high, rng.randint(1, self.max_stall)
        return high, 1


class _LevelDriver:
    """Drives a 1-bit signal with a :class:`_ReadyRuns` pattern (``high`` = its level in
    the pattern's high runs); a ``None``/always-high config holds it at ``high``."""

    __slots__ = ("_out", "_high", "_runs", "_left", "_low_next", "_engine")

    def __init__(self, handle, high: int, engine: CycleEngine):
        self._out = _Writer(handle, 0)
        self._high = high
        self._runs: _ReadyRuns | None = None
        self._left = 0          # cycles the current level still holds
        self._low_next = 0      # the low run after the current high run (0: none pending)
        self._engine = engine

    def configure(self, cfg: BackpressureConfig | None, rng: random.Random, level: int) -> None:
        """A new pattern (``None``/always-high: hold ``level`` from now on)."""
        self._runs = _ReadyRuns(cfg, rng) if cfg is not None and not cfg.always else None
        self._left = self._low_next = 0
        self._out(level)
        # in the engine's per-cycle list only while there is a pattern to drive
        drivers = self._engine.drivers
        if self._runs is None:
            if self.drive in drivers:
                drivers.remove(self.drive)
        elif self.drive not in drivers:
            drivers.append(self.drive)

    def drive(self) -> None:
        if self._left:
            self._left -= 1
            return
        if self._low_next:                  # the high run is over: its low run
            self._left = self._low_next - 1
            self._low_next = 0
            self._out(1 - self._high)
            return
        high, low = self._runs.draw()
        if high:
            self._left, self._low_next = high - 1, low
            self._out(self._high)
        else:
            self._left = low - 1
            self._out(1 - self._high)


class StreamSink:
    """Drives ``ready`` of a stream out of the DUT with random backpressure.

    With an always-ready config ``ready`` is tied high (nothing per cycle).  The
    pattern can be changed at run time with :meth:`set_backpressure`.
    """

    def __init__(self, entity, name: str, clock, *, with_last: bool = True,
                 backpressure: BackpressureConfig | None = None,
                 rng: random.Random | None = None, engine: CycleEngine | None = None, reset_n=None):
        self.name = name
        self.clock = clock
        self.bus = _bus(entity, name, False, with_last)
        self.rng = rng or random.Random(0)
        self.engine = engine or _own_engine(clock, reset_n)
        self._ready = _LevelDriver(self.bus.ready, 1, self.engine)
        self.set_backpressure(backpressure or BackpressureConfig.always_ready())

    def set_backpressure(self, cfg: BackpressureConfig) -> None:
        self.backpressure = cfg
        # (a random pattern starts low for a cycle, as a stalled sink would)
        self._ready.configure(cfg, self.rng, 1 if cfg.always else 0)

    def pause(self) -> None:
        """Hold ``ready`` low until :meth:`set_backpressure` is called again."""
        self._ready.configure(None, self.rng, 0)

    def kill(self) -> None:
        self.pause()


class RandomLevel:
    """A 1-bit DUT input driven high at random (e.g. the loopback's link stalls).

    ``cfg.ready_prob`` is the chance of a low cycle; ``stall_prob`` starts a run of
    ``1..max_stall`` high cycles.  ``None`` or an always-ready config holds it low.
    """

    def __init__(self, handle, engine: CycleEngine, cfg: BackpressureConfig | None = None,
                 rng: random.Random | None = None):
        self._level = _LevelDriver(handle, 0, engine)
        self.configure(cfg, rng or random.Random(0))

    def configure(self, cfg: BackpressureConfig | None, rng: random.Random) -> None:
        self._level.configure(cfg, rng, 0)


class ProtocolChecker:
    """Checks the valid/ready rules of one stream, one sample per cycle.

    Rules: after reset ``valid`` is never X/Z; while ``valid`` is high ``data``
    and ``last`` are not X/Z; once ``valid`` is high without ``ready`` it stays
    high and ``data``/``last`` keep their values until the handshake; an output
    stream does not raise ``valid`` during reset (``check_reset_valid``).

    A :class:`StreamMonitor` feeds it the values it read (:meth:`check`);
    :meth:`sample` reads the bus itself (unit tests).
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
        """Read the bus and check the current cycle (call in ReadOnly).  Returns (valid, ready, data, last)."""
        bus = self.bus
        if in_reset:
            return self.check_reset(_resolve(bus.valid))
        valid = _resolve(bus.valid)
        ready = _resolve(bus.ready)
        data = last = None
        if valid:
            data = _resolve(bus.data)
            last = _resolve(bus.last) if self.has_last else 0
        return self.check(valid, ready, data, last)

    def check_reset(self, valid: Optional[int]):
        """A cycle in reset: nothing pending; an output must not offer a word."""
        self._pending = None
        if self.check_reset_valid and valid == 1:
            self._fail("valid is high during reset")
        return 0, 0, None, 0

    def check(self, valid: Optional[int], ready: Optional[int], data: Optional[int], last: Optional[int]):
        """Check one cycle's values (``None`` = X/Z; ``data``/``last`` read only while valid)."""
        self.samples += 1
        if valid is None:
            self._fail("valid is X/Z")
        if ready is None:
            self._fail("ready is X/Z")
        if valid:
            if data is None:
                self._fail(f"data is X/Z while valid ({self.bus.data.value})")
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


class StreamMonitor:
    """Records the handshaken words of a stream (either direction).

    Each handshake produces a :class:`Beat` passed to every callback (and kept
    in :attr:`beats` when ``keep`` is true).  A :class:`ProtocolChecker` is
    attached by default (``check=False`` to disable).  Words seen while
    ``reset_n`` is low are ignored.

    ``on_cycle`` callbacks get ``(valid, ready, last, in_reset)`` once per cycle
    (coverage, statistics); ``last`` is 0 when ``valid`` is low.

    ``source``: the :class:`StreamSource` driving this (input) stream in the same engine;
    the monitor then tells it of each handshake it reads, so the stream is read once.
    """

    def __init__(self, entity, name: str, clock, *, into_dut: bool,
                 with_last: bool = True, reset_n=None, callback=None,
                 check: bool = True, keep: bool = True, engine: CycleEngine | None = None,
                 source: StreamSource | None = None):
        self.name = name
        self.clock = clock
        self.into_dut = into_dut
        self.keep = keep
        self.bus = _bus(entity, name, into_dut, with_last)
        self.log = logging.getLogger(f"cocotb.monitor.{name}")
        self.beats: list[Beat] = []
        self.on_cycle: list[Callable[[int, int, int, bool], None]] = []
        self.callbacks: list[Callable[[Beat], None]] = [callback] if callback is not None else []
        self._reset_n = reset_n
        self._frame_words = 0
        self.frames = 0
        self.words_seen = 0
        self.has_last = hasattr(self.bus, "last")
        self._valid = bit_getter(self.bus.valid)
        self._ready = bit_getter(self.bus.ready)
        self._data = signal_reader(self.bus.data)
        self._last = signal_reader(self.bus.last) if self.has_last else (lambda: 0)
        self.checker = (ProtocolChecker(self.bus, name, clock, reset_n,
                                        check_reset_valid=not into_dut, log=self.log)
                        if check else None)
        self.engine = engine or _own_engine(clock, reset_n)
        self.engine.add(sample=self.sample)
        self._source = None
        if source is not None and source.engine is self.engine and source.sample in self.engine.samplers:
            self.engine.samplers.remove(source.sample)
            self._source = source

    def add_callback(self, callback: Callable[[Beat], None]) -> None:
        self.callbacks.append(callback)

    @property
    def words(self) -> list[int]:
        return [b.data for b in self.beats]

    @property
    def in_reset(self) -> bool:
        return self.engine.in_reset

    def kill(self) -> None:
        if self.sample in self.engine.samplers:
            self.engine.samplers.remove(self.sample)

    def clear(self) -> None:
        self.beats.clear()

    def sample(self, in_reset: bool) -> None:
        """ReadOnly: read the stream once, check the protocol, record a handshake."""
        chk = self.checker
        if in_reset:
            if chk is not None:
                chk.check_reset(_BITS.get(self._valid()) if chk.check_reset_valid else 0)
            for cb in self.on_cycle:
                cb(0, 0, 0, True)
            self._frame_words = 0
            return
        v = self._valid()
        if v == "0" and not self.on_cycle and (chk is None or chk._pending is None):
            # nothing offered, nothing pending: ready does not matter this cycle
            if chk is not None:
                chk.samples += 1
                chk.gap_cycles += 1
            return
        valid = _BITS.get(v)
        ready = _BITS.get(self._ready())
        if valid:
            data = self._data()
            last = self._last()
        else:
            data = last = None
        if chk is not None:
            if valid == 1 and ready == 1 and chk._pending is None and data is not None and last is not None:
                chk.samples += 1          # a clean handshake: nothing to check
            else:
                chk.check(valid, ready, data, last)
        else:
            valid = valid or 0
            ready = ready or 0
        if self.on_cycle:
            for cb in self.on_cycle:
                cb(valid, ready, last if valid else 0, False)
        if valid and ready:
            src = self._source
            if src is not None and src._offered:
                src.handshake()
            self.words_seen += 1
            self._frame_words += 1
            if last:
                self.frames += 1
                self._frame_words = 0
            if self.keep or self.callbacks:     # (a Beat only for someone to see it)
                beat = Beat(data, bool(last), get_sim_time())
                if self.keep:
                    self.beats.append(beat)
                for cb in self.callbacks:
                    cb(beat)
