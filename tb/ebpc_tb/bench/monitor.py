# SPDX-License-Identifier: Apache-2.0
"""The stream monitor: every handshake of one valid/ready stream, and its protocol check.

A :class:`StreamMonitor` records each handshaken word as a
:class:`~ebpc_tb.bench.stream.Beat`, hands it to its callbacks (the scoreboards) and feeds
its :class:`~ebpc_tb.bench.protocol.ProtocolChecker`. It runs as a sampler of the
:class:`~ebpc_tb.bench.engine.CycleEngine`.

What is read: a monitor reads only what the bench does not drive itself. On a stream into
the DUT, valid, data and last are what the paired source drives (a top-level input carries
exactly what was written), so only ``ready`` is read, and only while a word is offered. On
a stream out of the DUT, ``ready`` is the paired sink's level; valid is read when it may
have changed, data and last with each handshake. Reading through cocotb's public API costs
several times a raw GPI read, and every cycle skipped costs nothing at all, so this is
what keeps the bench's speed.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Optional

from .engine import CycleEngine
from .protocol import ProtocolChecker, ProtocolError
from .signals import StreamBus, WatchedBit, bit_reader, int_reader, stream_bus
from .stream import Beat, StreamSink, StreamSource

__all__ = ["StreamMonitor", "LaneMonitor", "CycleCallback"]

_BITS = {"0": 0, "1": 1}

# Per-cycle view handed to StreamMonitor.on_cycle: (valid, ready, last, in_reset).
CycleCallback = Callable[[int, int, int, bool], None]


class StreamMonitor:
    """Records the handshaken words of a stream (either direction) and checks its protocol.

    Each handshake produces a :class:`Beat` passed to every callback (and kept in
    :attr:`beats` when ``keep`` is true). A :class:`ProtocolChecker` is attached unless
    ``check=False``. Nothing is recorded while the engine is in reset.

    Pair the monitor with the bench's own driver of the stream: ``source`` on a stream into
    the DUT (the monitor then decides the source's handshakes, so the stream is read once),
    ``sink`` on a stream out of it. Without one, every signal is read from the bus: ``bus``
    (e.g. an AXI4-Stream interface's valid/ready view), else the EBPC stream ``name``.

    ``on_cycle`` callbacks get ``(valid, ready, last, in_reset)`` once per cycle (coverage);
    ``ready`` and ``last`` are 0 while ``valid`` is low.
    """

    def __init__(self, entity: Any, name: str, engine: CycleEngine, *, into_dut: bool,
                 with_last: bool = True, callback: Callable[[Beat], None] | None = None,
                 check: bool = True, keep: bool = True, source: StreamSource | None = None,
                 sink: StreamSink | None = None, bus: StreamBus | None = None) -> None:
        self.name = name
        self.into_dut = into_dut
        self.keep = keep
        self.engine = engine
        if bus is None:
            bus = source.bus if source is not None else stream_bus(entity, name, into_dut, with_last)
        self.bus: StreamBus = bus
        self.log = logging.getLogger(f"cocotb.monitor.{name}")
        self.beats: list[Beat] = []
        self.on_cycle: list[CycleCallback] = []
        self.callbacks: list[Callable[[Beat], None]] = [callback] if callback is not None else []
        self.frames = 0
        self.words_seen = 0
        self.idle_cycles = 0          # cycles out of reset with nothing offered nor pending
        self.held_cycles = 0          # cycles a source's word stayed offered and not taken
        self.has_last = bus.has_last
        self.checker = (ProtocolChecker(bus, name, check_reset_valid=not into_dut, log=self.log)
                        if check else None)
        self._source = source
        self._ready_level = sink.ready_driver if sink is not None else None
        if sink is not None:
            sink.ready_driver.on_change = self._on_ready_change
        # Readers of what the bench does not drive itself (see the module documentation);
        # the control signals are read again only after they changed (WatchedBit).
        self._deferred_offer: Optional[tuple[int, int]] = None
        if source is not None:
            if source.engine is not engine:
                raise ValueError(f"stream '{name}': the monitor and its source run in different engines")
            engine.remove(sample=source.sample)
            source.on_offer = self._on_offer
            self._valid = bit_reader(bus.valid)       # (in reset only, if at all)
            self._ready = source.ready_reader
            self.sample = self._sample_source
            self._ready.owner = self.sample
        else:
            self._valid = WatchedBit(bus.valid, engine)
            self._ready = WatchedBit(bus.ready, engine) if sink is None else bit_reader(bus.ready)
            self.sample = self._sample_bus
            self._valid.owner = self.sample
            if sink is None:
                self._ready.owner = self.sample
        self._data = int_reader(bus.data)
        # (last changes twice per frame: watched where frames are long, polled where short;
        # no need to sample its cycle on a change: it is read only with valid high)
        self._last = self._last_reader(bus) if bus.has_last and source is None else None
        engine.add(sample=self.sample)

    # The value of ``last`` by its state string (one bit here; a LaneMonitor's is a vector).
    _last_bits: dict[str, int] = _BITS

    def _last_reader(self, bus: StreamBus) -> Callable[[], str]:
        """The reader of an output's ``last`` (its state string)."""
        return WatchedBit(bus.last)

    def add_callback(self, callback: Callable[[Beat], None]) -> None:
        self.callbacks.append(callback)

    @property
    def words(self) -> list[int]:
        return [b.data for b in self.beats]

    @property
    def in_reset(self) -> bool:
        return self.engine.in_reset

    @property
    def cycles_checked(self) -> int:
        """Cycles out of reset this monitor looked at (idle and held ones included)."""
        return self.idle_cycles + self.held_cycles + (self.checker.samples if self.checker is not None else 0)

    def kill(self) -> None:
        self.engine.remove(sample=self.sample)

    def clear(self) -> None:
        self.beats.clear()

    # -- per cycle (ReadOnly) ---------------------------------------------------------------
    def _reset_cycle(self) -> None:
        chk = self.checker
        if chk is not None:
            chk.check_reset(_BITS.get(self._valid()) if chk.check_reset_valid else 0)
        for cb in self.on_cycle:
            cb(0, 0, 0, True)

    def _on_offer(self) -> None:
        """Edge phase: the paired source offers a word. With ``ready`` watched, only a change
        of it can make a difference before the next edge: low, the word waits (the change
        has its cycle sampled); high, it is taken at the next edge (the engine completes
        the handshake then, unless the cycle is sampled after all). Else sample this cycle."""
        r = self._ready
        if r.steady and not self.on_cycle:
            if r.value == "0":
                return
            if r.value == "1":
                self._deferred_offer = self._source.offer
                self.engine.defer(self._complete_offer)
                # (awake: if the cycle is sampled after all, the handshake is decided there)
                self.engine.wake(self.sample)
                return
        self.engine.need_sample(self.sample)

    def _complete_offer(self) -> None:
        """The next edge, the cycle not sampled: ``ready`` stayed high, the word was taken."""
        src = self._source
        offer = self._deferred_offer
        if not src.offered or src.offer is not offer:
            return                  # (the source was flushed in between: a reset)
        if self.checker is not None:
            self.checker.check_offer(offer, 1)
        src.handshake()             # (offers the next word at once: this is its edge)
        self._take(offer[0], offer[1])

    def _sample_source(self, in_reset: bool) -> Optional[bool]:
        """A stream the paired source drives: only ``ready`` is read, while a word is offered.
        Quiet (True) unless ``ready`` is polled or someone wants every cycle (``on_cycle``):
        the source asks for the cycle it offers a word in, and ``ready`` for its changes."""
        if in_reset:
            self._reset_cycle()
            return None
        src = self._source
        chk = self.checker
        if not src.offered:
            if chk is not None and chk.pending is not None:
                # the source dropped valid before the handshake: the check fails
                chk.check(0, _BITS.get(self._ready()), None, None)
            self.idle_cycles += 1
            if self.on_cycle:
                for cb in self.on_cycle:
                    cb(0, 0, 0, False)
                return None
            return True
        offer = src.offer
        rd = self._ready
        r = rd.value if rd.steady else rd()     # (the common case without a call)
        if r == "0" and chk is not None and chk.pending is offer and not self.on_cycle:
            # the same word still held and still not taken: nothing can be wrong
            self.held_cycles += 1
            return self._ready.steady
        ready = _BITS.get(r)
        if chk is not None:
            chk.check_offer(offer, ready)
        for cb in self.on_cycle:
            cb(1, ready or 0, offer[1], False)
        if ready == 1:
            src.handshake()
            self._take(offer[0], offer[1])
        return self._ready.steady and not self.on_cycle

    def _on_ready_change(self, level: int) -> None:
        """The paired sink changed ``ready``: a word waiting for it is taken in this cycle."""
        v = self._valid
        if not v.steady or v.value != "0":
            self.engine.need_sample(self.sample)

    def _sample_bus(self, in_reset: bool) -> Optional[bool]:
        """A stream out of the DUT (or one nobody here drives): valid, then data and last when
        valid, ready from the paired sink if there is one.

        Quiet (True) while ``valid`` is watched and low, or watched, high and stalled by the
        paired sink: ``valid``'s watcher has the cycle it changes (or rises) in sampled, the
        sink the cycle its ``ready`` changes in. A stalled word is checked when it is taken:
        valid dropped, or data and last changed in between, fail then; a change that is
        undone before the handshake is left to the RTL's own hold assertions
        (``ebpc_hold_check``).
        """
        if in_reset:
            self._reset_cycle()
            return None
        chk = self.checker
        vd = self._valid
        v = vd.value if vd.steady else vd()     # (the common case without a call)
        if v == "0" and (chk is None or chk.pending is None):
            # nothing offered, nothing pending: ready, data and last do not matter
            self.idle_cycles += 1
            if self.on_cycle:
                for cb in self.on_cycle:
                    cb(0, 0, 0, False)
                return None
            return self._valid.steady
        valid = _BITS.get(v)
        level = self._ready_level
        ready = level.level if level is not None else _BITS.get(self._ready())
        if valid:
            data = self._data()
            last = self._last_bits.get(self._last()) if self._last is not None else 0
        else:
            data = last = None
        if chk is not None:
            if valid == 1 and ready == 1 and data is not None and last is not None and chk.pending is None:
                chk.check_clean_handshake()
            else:
                chk.check(valid, ready, data, last)
        for cb in self.on_cycle:
            cb(valid or 0, ready or 0, (last or 0) if valid else 0, False)
        if valid and ready:
            self._take(data, last)
            return None
        # a stall of a word by the paired sink: quiet until the sink's ready changes
        return valid == 1 and level is not None and vd.watching and not self.on_cycle

    def _take(self, data: Optional[int], last: Optional[int]) -> None:
        """A handshaken word."""
        self.words_seen += 1
        if last:
            self.frames += 1
        if self.keep or self.callbacks:     # (a Beat only for someone to see it)
            beat = Beat(data, bool(last), self.engine.cycle)
            if self.keep:
                self.beats.append(beat)
            for cb in self.callbacks:
                cb(beat)


class LaneMonitor(StreamMonitor):
    """A :class:`StreamMonitor` of a stream of ``lanes`` words of ``word_width`` bits per beat
    (a build with ``Lanes > 1``): each handshaken beat is checked and unpacked into its words.

    The check of a beat (:class:`~ebpc_tb.bench.protocol.ProtocolError` otherwise): ``last``
    is zero or one-hot; the lanes above a final beat's last word are zero. The words go on as
    the single-word monitor hands them (one :class:`~ebpc_tb.bench.stream.Beat` per word,
    ``last`` on the frame's final word): the scoreboards see words whatever the beat size.
    :attr:`words_seen` counts words, :attr:`beats_seen` beats.
    """

    def __init__(self, entity: Any, name: str, engine: CycleEngine, *, lanes: int, word_width: int,
                 into_dut: bool, with_last: bool = True, callback: Callable[[Beat], None] | None = None,
                 check: bool = True, keep: bool = True, source: StreamSource | None = None,
                 sink: StreamSink | None = None, bus: StreamBus | None = None) -> None:
        self.lanes = lanes
        self.word_width = word_width
        self.word_mask = (1 << word_width) - 1
        self.beats_seen = 0
        # every state string of an L-bit last without X/Z -> its value
        self._last_bits = {format(v, f"0{lanes}b"): v for v in range(1 << lanes)}
        super().__init__(entity, name, engine, into_dut=into_dut, with_last=with_last, callback=callback,
                         check=check, keep=keep, source=source, sink=sink, bus=bus)

    def _last_reader(self, bus: StreamBus) -> Callable[[], str]:
        return bit_reader(bus.last)         # (a vector: read with each handshake)

    def _fail(self, msg: str) -> None:
        if self.checker is not None:
            self.checker._fail(msg)
        raise ProtocolError(f"{self.name}: {msg}")

    def _take(self, data: Optional[int], last: Optional[int]) -> None:
        """A handshaken beat: checked, then its words one by one."""
        lanes, width = self.lanes, self.word_width
        last = last or 0
        if last & (last - 1):
            self._fail(f"last={last:0{lanes}b} is not one-hot (beat data=0x{data or 0:x})")
        used = last.bit_length() if last else lanes
        data = data or 0
        if data >> (used * width):
            self._fail(f"the lanes above the final word (lane {used - 1}) are not zero: "
                       f"data=0x{data:x} last={last:0{lanes}b}")
        self.beats_seen += 1
        self.words_seen += used
        if last:
            self.frames += 1
        if self.keep or self.callbacks:
            cycle = self.engine.cycle
            mask = self.word_mask
            for j in range(used):
                beat = Beat((data >> (j * width)) & mask, bool(last) and j == used - 1, cycle)
                if self.keep:
                    self.beats.append(beat)
                for cb in self.callbacks:
                    cb(beat)
