# SPDX-License-Identifier: Apache-2.0
"""Valid/ready stream drivers, run by a :class:`~ebpc_tb.bench.engine.CycleEngine`.

The EBPC ports follow one convention (:func:`~ebpc_tb.bench.signals.stream_bus`): a stream
``<prefix>`` has ``<prefix>_valid``, ``_ready``, ``_data`` and (optional) ``_last``, each
with an ``_i``/``_o`` suffix that tells the direction seen from the DUT.

:class:`StreamSource`
    Drives ``valid/data/last`` into the DUT. Frames (lists of words) are queued with
    :meth:`StreamSource.send_frame`; ``last`` is raised on a frame's final word. Random
    idle cycles before a word come from a :class:`~ebpc_tb.bench.traffic.GapConfig`.
    ``valid`` never depends on ``ready``; once raised it stays high with stable data until
    the handshake.
:class:`LaneSource`
    A :class:`StreamSource` of a build with ``Lanes > 1`` words per beat: a frame's words
    are packed into beats (word k in lane k mod Lanes, the final beat's words in the low
    lanes, the lanes above them zero) and ``last`` is one-hot on the final beat (bit j: the
    final word is in lane j). Used only where Lanes > 1: the single-word path is untouched.
:class:`StreamSink`
    Drives ``ready`` of a stream out of the DUT with random backpressure
    (:class:`~ebpc_tb.bench.traffic.BackpressureConfig`). It does not collect data: pair
    it with a :class:`~ebpc_tb.bench.monitor.StreamMonitor`.
:class:`Beat`
    One handshaken word, as the monitors hand it on.
"""

from __future__ import annotations

import collections
import random
from typing import Any, Callable, NamedTuple, Optional, Sequence

from cocotb.triggers import Event

from .engine import CycleEngine
from .signals import StreamBus, WatchedBit, Writer, _width, stream_bus
from .traffic import BackpressureConfig, GapConfig, LevelDriver

__all__ = ["Beat", "StreamSource", "LaneSource", "StreamSink", "pack_beats"]


class Beat(NamedTuple):
    """One handshaken word of a stream (a named tuple: one is made per word, cheaply)."""

    data: int
    last: bool
    cycle: int = 0          # the engine cycle whose closing edge took the word


class StreamSource:
    """Drives a valid/ready stream into the DUT.

    Args:
        entity: DUT handle.
        name: stream prefix (``"in"``, ``"len"``, ``"znz"``, ...).
        engine: the clock domain's engine; while it is in reset the source idles.
        with_last: the stream has a ``last`` signal.
        gaps: :class:`GapConfig` for random idle cycles.
        rng: seeded :class:`random.Random` for the gaps.

    The source acts only at the edges where its bus changes (a word offered after its gap,
    a word taken, a frame queued on an idle bus): it schedules itself on the engine. A word
    is taken when :meth:`handshake` is called, by the source's own :meth:`sample` or by the
    :class:`~ebpc_tb.bench.monitor.StreamMonitor` paired with it; :attr:`on_offer` is called with each word
    offered (the paired monitor's hook: it decides whether the cycle needs sampling).

    :attr:`offered` is true while ``valid`` is high; :attr:`offer` is the ``(data, last)``
    driven then (one tuple per word, held until the handshake).
    """

    def __init__(self, entity: Any, name: str, engine: CycleEngine, *, with_last: bool = True,
                 gaps: GapConfig | None = None, rng: random.Random | None = None) -> None:
        self.name = name
        self.bus: StreamBus = stream_bus(entity, name, True, with_last)
        self.engine = engine
        self.gaps = gaps or GapConfig()
        self.rng = rng or random.Random(0)
        self.width = len(self.bus.data)
        self.mask = (1 << self.width) - 1
        self.words_sent = 0
        self.frames_sent = 0
        self.gap_cycles = 0
        self.offered = False                     # valid high in this cycle
        self.offer: tuple[int, int] = (0, 0)     # (data, last) while offered
        self._queue: collections.deque[tuple[list[int], int]] = collections.deque()
        self._words: list[int] | None = None    # current frame
        self._frame_last = 1                    # last's value on the frame's final word
        self._pos = 0
        self._draw = False     # the current word's gap is still to be drawn
        self._wake: Optional[int] = None        # edge key of the scheduled drive()
        self._idle_event = Event()
        self._idle_event.set()
        self._valid = Writer(self.bus.valid)
        self._data = Writer(self.bus.data)
        self._last = Writer(self.bus.last) if self.bus.has_last else None
        self.ready_reader = WatchedBit(self.bus.ready, engine)   # the DUT's ready (a paired monitor's too)
        self.ready_reader.owner = self.sample
        self.on_offer: Callable[[], None] = self._need_sample_unless_stalled
        engine.add(sample=self.sample)

    # -- queueing -----------------------------------------------------------------------
    def send_frame(self, words: Sequence[int], last: bool = True) -> None:
        """Queue a frame; ``last`` is raised on its final word (if ``last``)."""
        mask = self.mask
        words = [int(w) & mask for w in words]
        if not words:
            return
        self._idle_event.clear()
        self._queue.append((words, 1 if last else 0))
        if not self.offered:
            self._schedule(1)

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
        self._unschedule()
        self._queue.clear()
        self._words = None
        self.offered = False
        self._draw = False
        self._valid.force(0)
        self._idle_event.set()

    def kill(self) -> None:
        """Stop driving (valid low, the queue kept)."""
        self._unschedule()
        self.offered = False
        self._valid.force(0)
        self.engine.remove(sample=self.sample)

    # -- scheduling -------------------------------------------------------------------------
    def _schedule(self, cycles: int) -> None:
        if self._wake is None:
            self._wake = self.engine.at_edge(self.drive, cycles)

    def _unschedule(self) -> None:
        if self._wake is not None:
            self.engine.cancel(self._wake, self.drive)
            self._wake = None

    # -- at its edges ---------------------------------------------------------------------
    def drive(self) -> None:
        """After a rising edge: offer the current word unless in a gap or in reset."""
        self._wake = None
        if self.offered:
            return                     # valid, data and last held until the handshake
        if self._words is None:
            if not self._queue:
                self._valid(0)         # idle until the next frame is queued
                return
            self._words, self._frame_last = self._queue.popleft()
            self._pos = 0
            self._draw = True
        if self._draw:                 # a new word: its random gap first
            self._draw = False
            gaps = self.gaps
            if gaps.prob or gaps.long_prob:
                gap = gaps.draw(self.rng)
                if gap:
                    self.gap_cycles += gap
                    self._valid(0)
                    self._schedule(gap)
                    return
        if self.engine.in_reset:
            self._valid(0)
            self._schedule(1)
            return
        pos = self._pos
        words = self._words
        word = words[pos]
        # (the writers write only on change; the compares are inlined: this runs per word)
        if word != self._data.current:
            self._data(word)
        last = 0
        if self._last is not None:
            last = self._frame_last if pos == len(words) - 1 else 0
            if last != self._last.current:
                self._last(last)
        if not self._valid.current:
            self._valid(1)
        self.offer = (word, last)
        self.offered = True
        self.on_offer()

    def _need_sample_unless_stalled(self) -> None:
        """The word may be taken in this very cycle unless ``ready`` is known to be low."""
        r = self.ready_reader
        if not r.steady or r.value != "0":
            self.engine.need_sample(self.sample)

    def sample(self, in_reset: bool) -> Optional[bool]:
        """ReadOnly: was the offered word taken on this edge? (A monitor paired with this
        source takes this job over: see :class:`~ebpc_tb.bench.monitor.StreamMonitor`.) True: nothing to sample
        until ``ready`` changes or the source offers its next word."""
        if in_reset:
            return None
        if not self.offered:
            return True
        if self.ready_reader() != "1":
            return self.ready_reader.steady
        self.handshake()
        return True

    def handshake(self) -> None:
        """The offered word was taken: decided in ReadOnly, the next word comes from the next
        edge on; decided in the edge phase (the word was taken at this edge), from now on."""
        self.words_sent += 1
        self.offered = False
        self._draw = True
        self._pos += 1
        if self._pos == len(self._words):
            self.frames_sent += 1
            self._words = None
            if not self._queue:
                self._idle_event.set()
        if self.engine.in_edge_phase:
            self.drive()
        else:
            self._schedule(1)


def pack_beats(words: Sequence[int], lanes: int, width: int, last: bool = True) -> tuple[list[int], int]:
    """A frame's ``width``-bit words as beats of ``lanes`` words (word k in lane k mod lanes,
    the lanes above the final word zero) and the value of ``last`` on its final beat (one-hot:
    the final word's lane; 0 when ``last`` is false)."""
    mask = (1 << width) - 1
    beats = []
    for i in range(0, len(words), lanes):
        data = 0
        for j, word in enumerate(words[i:i + lanes]):
            data |= (int(word) & mask) << (j * width)
        beats.append(data)
    final = 1 << ((len(words) - 1) % lanes) if (words and last) else 0
    return beats, final


class LaneSource(StreamSource):
    """A :class:`StreamSource` for a stream of ``lanes`` words of ``word_width`` bits per beat.

    :meth:`send_frame` takes words, as the single-word source does, and queues their beats;
    :attr:`words_sent` and :attr:`queued_words` count beats (the paired
    :class:`~ebpc_tb.bench.monitor.LaneMonitor` counts the words).
    """

    def __init__(self, entity: Any, name: str, engine: CycleEngine, *, lanes: int, word_width: int,
                 with_last: bool = True, gaps: GapConfig | None = None,
                 rng: random.Random | None = None) -> None:
        super().__init__(entity, name, engine, with_last=with_last, gaps=gaps, rng=rng)
        if self.width != lanes * word_width:
            raise ValueError(f"stream '{name}': {name} data is {self.width} bits, {lanes} lanes of "
                             f"{word_width} bits need {lanes * word_width}")
        last_bits = _width(self.bus.last) if self.bus.has_last else lanes
        if last_bits not in (0, lanes):     # (0: a test double without a width)
            raise ValueError(f"stream '{name}': last is {last_bits} bits, {lanes} lanes need {lanes}")
        self.lanes = lanes
        self.word_width = word_width

    def send_frame(self, words: Sequence[int], last: bool = True) -> None:
        """Queue a frame of words as beats (one-hot ``last`` on its final beat if ``last``)."""
        if not words:
            return
        beats, final = pack_beats(words, self.lanes, self.word_width, last)
        self._idle_event.clear()
        self._queue.append((beats, final))
        if not self.offered:
            self._schedule(1)


class StreamSink:
    """Drives ``ready`` of a stream out of the DUT with random backpressure.

    With an always-ready config ``ready`` is tied high. The pattern can be changed at run
    time with :meth:`set_backpressure`. :attr:`ready_driver` holds the level in the current
    cycle (its ``level``).
    """

    def __init__(self, entity: Any, name: str, engine: CycleEngine, *, with_last: bool = True,
                 backpressure: BackpressureConfig | None = None,
                 rng: random.Random | None = None) -> None:
        self.name = name
        self.bus: StreamBus = stream_bus(entity, name, False, with_last)
        self.rng = rng or random.Random(0)
        self.engine = engine
        self.ready_driver = LevelDriver(self.bus.ready, 1, engine)
        self.backpressure = BackpressureConfig.always_ready()
        self.set_backpressure(backpressure or BackpressureConfig.always_ready())

    def set_backpressure(self, cfg: BackpressureConfig) -> None:
        self.backpressure = cfg
        # (a random pattern starts low for a cycle, as a stalled sink would)
        self.ready_driver.configure(cfg, self.rng, 1 if cfg.always else 0)

    def pause(self) -> None:
        """Hold ``ready`` low until :meth:`set_backpressure` is called again."""
        self.ready_driver.configure(None, self.rng, 0)

    def kill(self) -> None:
        self.pause()

    @property
    def ready(self) -> int:
        """The level of ``ready`` in this cycle."""
        return self.ready_driver.level
