# SPDX-License-Identifier: Apache-2.0
"""Test environments for the three EBPC tops.

Each bench owns the clock (cocotb's GPI clock: no Python per edge), the reset, one
:class:`~ebpc_tb.bench.stream.CycleEngine` (the bench's only per-cycle coroutine), one
:class:`~ebpc_tb.bench.stream.StreamSource` per DUT input stream, one
:class:`~ebpc_tb.bench.stream.StreamSink` + :class:`~ebpc_tb.bench.stream.StreamMonitor` per output
stream (every stream also gets a :class:`~ebpc_tb.bench.stream.ProtocolChecker`, our own
drivers included), a ``done_o`` check and a scoreboard.

No silent pass: a test whose bench never ran :meth:`finish` (the final checks) fails
when it ends, and :meth:`finish` fails a run whose scoreboard checked nothing or whose
protocol checkers never sampled a cycle.

Typical use (inside a cocotb test)::

    tb = EncoderBench(dut, cfg, "test_random")
    await tb.start()
    for values in stimulus:
        tb.send(values)
    await tb.finish()         # waits (with a no-progress watchdog), then final checks
"""

from __future__ import annotations

import logging
import random
from asyncio import CancelledError
from collections.abc import Coroutine
from typing import Callable

import cocotb
import ebpc
from cocotb.clock import Clock
from cocotb.simtime import get_sim_time
from cocotb.task import current_task
from cocotb.triggers import ClockCycles, Event, RisingEdge

from ..spec import RunSpec
from .testing import reproduce_hint
from .scoreboard import DecoderScoreboard, EncoderScoreboard
from .stream import (BackpressureConfig, CycleEngine, GapConfig, RandomLevel, StreamMonitor,
                     StreamSink, StreamSource, _resolve, bit_getter, signal_reader)

__all__ = ["EncoderBench", "DecoderBench", "LoopbackBench", "HangError", "SilentPassError",
           "random_backpressure", "random_gaps"]

CLOCK_NS = 10


class HangError(AssertionError):
    """No progress for too long: the DUT (or the bench) hangs."""


class SilentPassError(AssertionError):
    """A test ended without its bench's final checks, or those checks saw nothing."""


def random_backpressure(rng: random.Random, heavy: bool = False) -> BackpressureConfig:
    """A random ready pattern: mild, heavy, or with long stalls."""
    if heavy:
        return BackpressureConfig(ready_prob=rng.choice([0.1, 0.3, 0.5]),
                                  stall_prob=0.01, max_stall=rng.choice([50, 200]))
    kind = rng.choice(["always", "mild", "mild", "heavy", "stalls"])
    if kind == "always":
        return BackpressureConfig()
    if kind == "mild":
        return BackpressureConfig(ready_prob=rng.choice([0.6, 0.8, 0.95]))
    if kind == "heavy":
        return BackpressureConfig(ready_prob=rng.choice([0.1, 0.25, 0.4]))
    return BackpressureConfig(ready_prob=0.9, stall_prob=0.005, max_stall=rng.choice([40, 150]))


def random_gaps(rng: random.Random) -> GapConfig:
    kind = rng.choice(["none", "none", "some", "many", "long"])
    if kind == "none":
        return GapConfig()
    if kind == "some":
        return GapConfig(prob=0.2, max_gap=3)
    if kind == "many":
        return GapConfig(prob=0.6, max_gap=6)
    return GapConfig(prob=0.1, max_gap=3, long_prob=0.005, long_max=120)


class _Guard(Coroutine):
    """A task that waits forever and, when cancelled at the end of the test, runs ``check``
    (which may raise to fail the test).  A plain coroutine would miss the case of a test
    that returns before the task ever started: cocotb then throws the cancellation into
    the unstarted coroutine, which ends before any ``except``; this object sees it."""

    def __init__(self, check: Callable[[], None]):
        self._check = check
        self._forever = Event()

    def send(self, value):
        return self._forever.wait()

    def throw(self, typ, val=None, tb=None):
        exc = typ if isinstance(typ, BaseException) else (val if val is not None else typ())
        if isinstance(exc, CancelledError):
            self._check()
        raise exc

    def close(self) -> None:
        pass

    def __await__(self):
        return self


class _Bench:
    top = "?"

    def __init__(self, dut, cfg: RunSpec | None = None, test_name: str = "test",
                 rng: random.Random | None = None):
        self.dut = dut
        self.cfg = cfg or RunSpec.from_env()
        self.test_name = test_name
        self.seed = self.cfg.test_seed(test_name)
        self.rng = rng or random.Random(self.seed)
        self.log = logging.getLogger(f"cocotb.tb.{self.top}")
        self.clk = dut.clk_i
        self.rst_n = dut.rst_ni
        self.done_count = 0
        self.longest_stall = 0      # longest run of cycles without progress seen by wait_all
        self.done_times: list[int] = []
        self.resets = 0
        self.context = f"[{self.cfg.describe()} test={test_name} test-seed={self.seed}] "
        w = len(self._data_port())
        if w != self.cfg.width:
            raise ValueError(f"DUT data width {w} differs from EBPC_W={self.cfg.width}: "
                             f"the bench was started with the wrong parameters")
        self.coverage = None
        if self.cfg.coverage:
            from .coverage import Coverage
            self.coverage = Coverage.get(self.cfg)
        self.rst_n.value = 0
        Clock(self.clk, CLOCK_NS, unit="ns", impl="gpi").start()
        # One coroutine samples and drives every stream of the bench (see CycleEngine).
        self.engine = CycleEngine(self.clk, self.rst_n)
        self.engine.start()
        self._read_done = bit_getter(dut.done_o)
        self._done_attached = False
        self.finished = False
        self._test_task = None
        try:
            self._test_task = current_task()
        except RuntimeError:
            pass
        cocotb.start_soon(_Guard(self._silent_pass_check))

    @property
    def cycle(self) -> int:
        """Clock cycles since the bench was built."""
        return self.engine.cycle

    def _data_port(self):
        raise NotImplementedError

    def _monitors(self) -> list:
        return [v for v in vars(self).values() if isinstance(v, StreamMonitor)]

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

    def _cover_streams(self, inputs: dict, outputs: dict) -> None:
        """Traffic coverage: feed each monitor's per-cycle handshakes to the coverage model."""
        if not self.coverage:
            return
        self.coverage.attach(self.top)
        for name, (mon, framed) in inputs.items():
            mon.on_cycle.append(self.coverage.activity(name, output=False, framed=framed).cycle)
        for name, mon in outputs.items():
            mon.on_cycle.append(self.coverage.activity(name, output=True).cycle)

    def _sub_rng(self, tag: str) -> random.Random:
        return random.Random(f"{self.seed}:{tag}")

    # -- reset -----------------------------------------------------------------
    async def start(self, cycles: int = 4) -> None:
        """Apply reset, start the cycle sampler."""
        self.rst_n.value = 0
        await ClockCycles(self.clk, cycles)
        self.rst_n.value = 1
        await RisingEdge(self.clk)
        if not self._done_attached:
            # after the monitors: a done_o is checked once the cycle's words were scored
            self.engine.add(sample=self._sample_cycle)
            self._done_attached = True

    async def reset_now(self, cycles: int = 3) -> None:
        """Assert reset in the middle of traffic; drop everything in flight."""
        await RisingEdge(self.clk)
        if self.coverage and self._busy():
            self.coverage.event("reset.mid_transmission")
        self.rst_n.value = 0
        self.resets += 1
        self._flush()
        await ClockCycles(self.clk, cycles)
        self.rst_n.value = 1
        await RisingEdge(self.clk)
        self._flush()

    def _flush(self) -> None:
        raise NotImplementedError

    # -- per-cycle check of done_o ------------------------------------------------
    def _sample_cycle(self, in_reset: bool) -> None:
        # Runs in the engine after the monitors: the words handed over in the done cycle
        # are already scored (the scoreboards compare sim times, so a late word still fails).
        if in_reset:
            return
        d = self._read_done()
        if d == "0":
            return
        if d != "1":
            raise AssertionError(f"{self.context}done_o is X/Z at cycle {self.cycle}")
        self.done_count += 1
        now = get_sim_time()
        self.done_times.append(now)
        self._on_done(now, self._sample_done())

    def _sample_done(self):
        """Read the signals that are valid with done_o (in the done cycle)."""
        raise NotImplementedError

    def _on_done(self, time, sample) -> None:
        raise NotImplementedError

    # -- completion --------------------------------------------------------------
    def _progress(self) -> tuple:
        raise NotImplementedError

    def _busy(self) -> bool:
        raise NotImplementedError

    def _state(self) -> str:
        return ""

    def _stall_budget(self) -> int:
        return 0

    async def wait_all(self, limit: int | None = None, keep: int = 0) -> None:
        """Wait until every queued transmission completed (``keep``: until at most that many
        are outstanding).

        Fails with :class:`HangError` after ``limit`` cycles without progress
        (default: 2000 + the longest configured stall/gap).
        """
        limit = limit or (2000 + self._stall_budget())
        last = self._progress()
        idle = 0
        step = 16
        while self._busy() if keep <= 0 else self.sb.outstanding > keep:
            await self.engine.wait_cycles(step)
            now = self._progress()
            if now != last:
                last = now
                idle = 0
            else:
                idle += step
                self.longest_stall = max(self.longest_stall, idle)
                if idle >= limit:
                    raise HangError(f"{self.context}no progress for {idle} cycles (cycle {self.cycle}): "
                                    f"{self._state()}\n{reproduce_hint(self.cfg, self.top, self.test_name)}")

    async def finish(self, settle: int = 30) -> None:
        """Wait for completion, watch a few more cycles for extra words, run final checks."""
        await self.wait_all()
        await self.engine.wait_cycles(settle)
        self.finished = True
        self.sb.final_check()
        unsampled = [m.name for m in self._monitors() if m.checker is not None and m.checker.samples == 0]
        if unsampled or not self._done_attached:
            raise SilentPassError(f"{self.context}no cycle was checked (streams {unsampled}, done_o "
                                  f"{'attached' if self._done_attached else 'never sampled: start() not awaited'})")
        self.log.info("%s%s", self.context, self.sb.summary())
        if self.coverage:
            self.coverage.save()


class EncoderBench(_Bench):
    """ebpc_encoder: ``in`` -> ``znz`` + ``bpc``, ``done_o`` with word counts."""

    top = "encoder"

    def __init__(self, dut, cfg=None, test_name="test", rng=None, *,
                 gaps: GapConfig | None = None,
                 znz_bp: BackpressureConfig | None = None,
                 bpc_bp: BackpressureConfig | None = None):
        super().__init__(dut, cfg, test_name, rng)
        c = self.cfg
        self.sb = EncoderScoreboard(c.width, c.block, c.max_zero_run, self.log, self.context, c.inject_fault)
        # The word counts exist only in builds with EnableCounts=1 (a parameter of the DUT).
        self.counts_enabled = int(dut.EnableCounts.value) == 1
        self.src = StreamSource(dut, "in", self.clk, reset_n=self.rst_n, gaps=gaps,
                                rng=self._sub_rng("in"), engine=self.engine)
        eng = self.engine
        self.znz_sink = StreamSink(dut, "znz", self.clk, backpressure=znz_bp, rng=self._sub_rng("znz"),
                                   engine=eng)
        self.bpc_sink = StreamSink(dut, "bpc", self.clk, backpressure=bpc_bp, rng=self._sub_rng("bpc"),
                                   engine=eng)
        self.in_mon = StreamMonitor(dut, "in", self.clk, into_dut=True, reset_n=self.rst_n, keep=False,
                                    engine=eng, source=self.src)
        self.znz_mon = StreamMonitor(dut, "znz", self.clk, into_dut=False, reset_n=self.rst_n,
                                     callback=self.sb.on_znz, keep=False, engine=eng)
        self.bpc_mon = StreamMonitor(dut, "bpc", self.clk, into_dut=False, reset_n=self.rst_n,
                                     callback=self.sb.on_bpc, keep=False, engine=eng)
        self._cover_streams({"in": (self.in_mon, True)}, {"znz": self.znz_mon, "bpc": self.bpc_mon})

    def _data_port(self):
        return self.dut.in_data_i

    def set_traffic(self, gaps=None, znz_bp=None, bpc_bp=None) -> None:
        if gaps is not None:
            self.src.gaps = gaps
        if znz_bp is not None:
            self.znz_sink.set_backpressure(znz_bp)
        if bpc_bp is not None:
            self.bpc_sink.set_backpressure(bpc_bp)

    def random_traffic(self) -> None:
        rng = self.rng
        self.set_traffic(gaps=random_gaps(rng), znz_bp=random_backpressure(rng), bpc_bp=random_backpressure(rng))

    def busy_traffic(self, heavy: bool) -> None:
        rng = self.rng
        self.set_traffic(gaps=GapConfig(prob=0.5, max_gap=3), znz_bp=random_backpressure(rng, heavy=heavy),
                         bpc_bp=random_backpressure(rng, heavy=heavy))

    def send(self, values, name: str = "", znz=None, bpc=None) -> None:
        """Queue one transmission (expected streams from the model unless ``znz``/``bpc`` given)."""
        values = [int(v) for v in values]
        self.sb.expect(values, name, znz, bpc)
        self.src.send_frame(values)

    def _flush(self) -> None:
        self.src.flush()
        self.sb.flush()

    def _sample_done(self):
        zc = _resolve(self.dut.znz_count_o)
        bc = _resolve(self.dut.bpc_count_o)
        if zc is None or bc is None:
            raise AssertionError(f"{self.context}znz_count_o/bpc_count_o X/Z with done_o")
        if not self.counts_enabled:
            if zc or bc:
                raise AssertionError(f"{self.context}znz_count_o/bpc_count_o = {zc}/{bc} with "
                                     "EnableCounts=0 (must read 0)")
            return None, None
        return zc, bc

    def _on_done(self, time, sample) -> None:
        self.sb.on_done(sample[0], sample[1], time)
        if self.coverage and self.sb.last_done is not None:
            self.coverage.sample_transmission(self.sb.last_done.values)

    def _progress(self):
        return (self.sb.progress, self.src.words_sent)

    def _busy(self) -> bool:
        return self.sb.outstanding > 0 or not self.src.idle

    def _stall_budget(self) -> int:
        b = 0
        for s in (self.znz_sink, self.bpc_sink):
            if s.backpressure.stall_prob:
                b = max(b, s.backpressure.max_stall)
        g = self.src.gaps
        return b + (g.long_max if g.long_prob else 0)

    def _state(self) -> str:
        q = self.sb._done_q
        first = q[0] if q else None
        s = (f"{self.sb.outstanding} transmission(s) outstanding, input words sent {self.src.words_sent}, "
             f"source idle={self.src.idle}")
        if first:
            s += (f"; first: #{first.index} '{first.name}' L={len(first.values)} ZNZ {first.znz_seen}/"
                  f"{len(first.znz)} BPC {first.bpc_seen}/{len(first.bpc)}")
        return s


class DecoderBench(_Bench):
    """ebpc_decoder: ``len`` + ``znz`` + ``bpc`` -> ``out``, ``done_o`` + ``error_o``."""

    top = "decoder"

    def __init__(self, dut, cfg=None, test_name="test", rng=None, *,
                 len_gaps: GapConfig | None = None, znz_gaps: GapConfig | None = None,
                 bpc_gaps: GapConfig | None = None, out_bp: BackpressureConfig | None = None):
        super().__init__(dut, cfg, test_name, rng)
        c = self.cfg
        self.sb = DecoderScoreboard(c.width, self.log, self.context, c.inject_fault)
        eng = self.engine
        self.len_src = StreamSource(dut, "len", self.clk, reset_n=self.rst_n, with_last=False,
                                    gaps=len_gaps, rng=self._sub_rng("len"), engine=eng)
        self.znz_src = StreamSource(dut, "znz", self.clk, reset_n=self.rst_n, gaps=znz_gaps,
                                    rng=self._sub_rng("znz"), engine=eng)
        self.bpc_src = StreamSource(dut, "bpc", self.clk, reset_n=self.rst_n, gaps=bpc_gaps,
                                    rng=self._sub_rng("bpc"), engine=eng)
        self.out_sink = StreamSink(dut, "out", self.clk, backpressure=out_bp, rng=self._sub_rng("out"),
                                   engine=eng)
        self.len_mon = StreamMonitor(dut, "len", self.clk, into_dut=True, with_last=False,
                                     reset_n=self.rst_n, keep=False, engine=eng, source=self.len_src,
                                     callback=self.sb.on_len)
        self.znz_mon = StreamMonitor(dut, "znz", self.clk, into_dut=True, reset_n=self.rst_n, keep=False,
                                     engine=eng, source=self.znz_src, callback=self.sb.on_znz)
        self.bpc_mon = StreamMonitor(dut, "bpc", self.clk, into_dut=True, reset_n=self.rst_n, keep=False,
                                     engine=eng, source=self.bpc_src)
        self.out_mon = StreamMonitor(dut, "out", self.clk, into_dut=False, reset_n=self.rst_n,
                                     callback=self.sb.on_out, keep=False, engine=eng)
        self._cover_streams({"len": (self.len_mon, False), "znz": (self.znz_mon, True),
                             "bpc": (self.bpc_mon, True)}, {"out": self.out_mon})

    def _data_port(self):
        return self.dut.znz_data_i

    @property
    def sources(self):
        return (self.len_src, self.znz_src, self.bpc_src)

    def set_traffic(self, len_gaps=None, znz_gaps=None, bpc_gaps=None, out_bp=None) -> None:
        if len_gaps is not None:
            self.len_src.gaps = len_gaps
        if znz_gaps is not None:
            self.znz_src.gaps = znz_gaps
        if bpc_gaps is not None:
            self.bpc_src.gaps = bpc_gaps
        if out_bp is not None:
            self.out_sink.set_backpressure(out_bp)

    def random_traffic(self) -> None:
        rng = self.rng
        self.set_traffic(len_gaps=random_gaps(rng), znz_gaps=random_gaps(rng), bpc_gaps=random_gaps(rng),
                         out_bp=random_backpressure(rng))

    def busy_traffic(self, heavy: bool) -> None:
        gaps = GapConfig(prob=0.5, max_gap=3)
        self.set_traffic(len_gaps=gaps, znz_gaps=gaps, bpc_gaps=gaps,
                         out_bp=random_backpressure(self.rng, heavy=heavy))

    def send(self, values, name: str = "", znz=None, bpc=None) -> None:
        """Queue the streams for ``values`` (the model's unless ``znz``/``bpc`` given), expect ``values``."""
        c = self.cfg
        values = [int(v) for v in values]
        if znz is None or bpc is None:
            enc = ebpc.encode(values, c.width, c.block, c.max_zero_run)
            znz = [int(x) for x in enc.znz] if znz is None else znz
            bpc = [int(x) for x in enc.bpc] if bpc is None else bpc
        self.send_streams(len(values), [int(x) for x in znz], [int(x) for x in bpc])
        exp = self.sb.expect(values, name)
        exp.detail = _streams_detail(len(values), znz, bpc)

    def send_streams(self, length: int, znz: list[int], bpc: list[int]) -> None:
        """Queue raw input streams (``last`` on each stream's final word)."""
        self.len_src.send_word(length)
        if znz:
            self.znz_src.send_frame(znz)
        if bpc:
            self.bpc_src.send_frame(bpc)

    def send_malformed(self, case) -> None:
        """Queue a :class:`~ebpc_tb.bench.malformed.MalformedCase`."""
        self.send_streams(case.length, case.znz, case.bpc)
        exp = self.sb.expect_error(case.length, case.error, case.allowed, case.name, case.expected, case.any_of)
        exp.detail = _streams_detail(case.length, case.znz, case.bpc)

    def _flush(self) -> None:
        for s in self.sources:
            s.flush()
        self.sb.flush()

    def _sample_done(self):
        err = _resolve(self.dut.error_o)
        if err is None:
            raise AssertionError(f"{self.context}error_o X/Z with done_o")
        return err

    def _on_done(self, time, err) -> None:
        self.sb.on_done(err, time)
        if self.coverage:
            self.coverage.sample_error(err)
            exp = self.sb.last_done
            if exp is not None and exp.values is not None:
                self.coverage.sample_transmission(exp.values)

    def _progress(self):
        return (self.sb.progress, *(s.words_sent for s in self.sources))

    def _busy(self) -> bool:
        return self.sb.outstanding > 0 or not all(s.idle for s in self.sources)

    def _stall_budget(self) -> int:
        b = self.out_sink.backpressure.max_stall if self.out_sink.backpressure.stall_prob else 0
        g = max((s.gaps.long_max if s.gaps.long_prob else 0) for s in self.sources)
        return b + g

    def _state(self) -> str:
        q = self.sb._done_q
        first = q[0] if q else None
        s = (f"{self.sb.outstanding} transmission(s) outstanding; words accepted len/znz/bpc = "
             f"{self.len_src.words_sent}/{self.znz_src.words_sent}/{self.bpc_src.words_sent}, idle = "
             f"{[x.idle for x in self.sources]}")
        if first:
            s += f"; first: #{first.index} '{first.name}' L={first.length}, {first.seen} output words"
            if first.detail:
                s += f"\n  inputs: {first.detail}"
        prev = self.sb.last_done
        if prev is not None:
            s += f"\n  previous (completed) transmission: #{prev.index} '{prev.name}' {prev.detail}"
        return s


def _streams_detail(length: int, znz, bpc) -> str:
    z = [int(x) for x in znz]
    b = [int(x) for x in bpc]
    if len(z) + len(b) > 80:
        return f"L={length} znz({len(z)} words)={z[:40]}... bpc({len(b)} words)={b[:40]}..."
    return f"L={length} znz={z} bpc={b}"


class LoopbackBench(_Bench):
    """ebpc_loopback: ``in`` + ``len`` -> ``out``; ``znz_stall_i``/``bpc_stall_i`` stall the link."""

    top = "loopback"

    def __init__(self, dut, cfg=None, test_name="test", rng=None, *,
                 gaps: GapConfig | None = None, len_gaps: GapConfig | None = None,
                 out_bp: BackpressureConfig | None = None,
                 znz_stall: BackpressureConfig | None = None,
                 bpc_stall: BackpressureConfig | None = None):
        super().__init__(dut, cfg, test_name, rng)
        self.sb = DecoderScoreboard(self.cfg.width, self.log, self.context, self.cfg.inject_fault)
        eng = self.engine
        self.src = StreamSource(dut, "in", self.clk, reset_n=self.rst_n, gaps=gaps, rng=self._sub_rng("in"),
                                engine=eng)
        self.len_src = StreamSource(dut, "len", self.clk, reset_n=self.rst_n, with_last=False,
                                    gaps=len_gaps, rng=self._sub_rng("len"), engine=eng)
        self.out_sink = StreamSink(dut, "out", self.clk, backpressure=out_bp, rng=self._sub_rng("out"),
                                   engine=eng)
        self.in_mon = StreamMonitor(dut, "in", self.clk, into_dut=True, reset_n=self.rst_n, keep=False,
                                    engine=eng, source=self.src)
        self.len_mon = StreamMonitor(dut, "len", self.clk, into_dut=True, with_last=False,
                                     reset_n=self.rst_n, keep=False, engine=eng, source=self.len_src)
        self.out_mon = StreamMonitor(dut, "out", self.clk, into_dut=False, reset_n=self.rst_n,
                                     callback=self.sb.on_out, keep=False, engine=eng)
        self._stall_drivers = {name: RandomLevel(getattr(dut, f"{name}_stall_i"), eng)
                               for name in ("znz", "bpc")}
        # optional encoder status (enc_done_o + word counts): checked against the model
        self._enc_expect: list[tuple[int, int, str]] = []
        self.enc_done_count = 0
        self._enc_attached = False
        self.stall_cfg = {"znz": znz_stall, "bpc": bpc_stall}
        self.set_stalls(znz_stall, bpc_stall)
        self._cover_streams({"in": (self.in_mon, True), "len": (self.len_mon, False)}, {"out": self.out_mon})

    def _data_port(self):
        return self.dut.in_data_i

    def set_stalls(self, znz: BackpressureConfig | None, bpc: BackpressureConfig | None) -> None:
        """Random stalls of the internal links; the config's ``ready_prob`` is the no-stall chance."""
        self.stall_cfg = {"znz": znz, "bpc": bpc}
        for name, cfg in (("znz", znz), ("bpc", bpc)):
            self._stall_drivers[name].configure(cfg, self._sub_rng(name))

    def set_traffic(self, gaps=None, len_gaps=None, out_bp=None) -> None:
        if gaps is not None:
            self.src.gaps = gaps
        if len_gaps is not None:
            self.len_src.gaps = len_gaps
        if out_bp is not None:
            self.out_sink.set_backpressure(out_bp)

    def random_traffic(self) -> None:
        rng = self.rng
        self.set_traffic(gaps=random_gaps(rng), len_gaps=random_gaps(rng), out_bp=random_backpressure(rng))
        self.set_stalls(random_backpressure(rng), random_backpressure(rng))

    def busy_traffic(self, heavy: bool) -> None:
        longest = 100 if heavy else 40
        self.set_traffic(gaps=GapConfig(prob=0.3, max_gap=3), len_gaps=GapConfig(prob=0.5, max_gap=10),
                         out_bp=random_backpressure(self.rng, heavy=heavy))
        self.set_stalls(BackpressureConfig(ready_prob=0.6, stall_prob=0.01, max_stall=longest),
                        BackpressureConfig(ready_prob=0.5, stall_prob=0.01, max_stall=longest))

    async def start(self, cycles: int = 4) -> None:
        await super().start(cycles)
        if self._enc_attached:
            return
        self._enc_attached = True
        dut = self.dut
        if hasattr(dut, "enc_done_o"):
            self._enc_read = (bit_getter(dut.enc_done_o), signal_reader(dut.enc_znz_count_o),
                              signal_reader(dut.enc_bpc_count_o))
            self.engine.add(sample=self._sample_enc_done)
        if self.coverage:
            self._links = (("znz", signal_reader(dut.znz_stall_i), signal_reader(dut.enc_znz_valid)),
                           ("bpc", signal_reader(dut.bpc_stall_i), signal_reader(dut.enc_bpc_valid)))
            self.engine.add(sample=self._sample_links)

    def _sample_links(self, in_reset: bool) -> None:
        """Link traffic bins: a stall input high while the encoder offers a word on that link."""
        if in_reset:
            return
        for name, stall, valid in self._links:
            if stall() == 1 and valid() == 1:
                self.coverage.event(f"link.{name}_stall_with_data")

    def _sample_enc_done(self, in_reset: bool) -> None:
        done, znz_count, bpc_count = self._enc_read
        if in_reset or done() != "1":
            return
        self.enc_done_count += 1
        zc, bc = znz_count(), bpc_count()
        if not self._enc_expect:
            raise AssertionError(f"{self.context}enc_done_o pulse with no transmission outstanding")
        ez, eb, name = self._enc_expect.pop(0)
        if (zc, bc) != (ez, eb):
            raise AssertionError(f"{self.context}encoder counts of '{name}': enc_znz_count_o={zc} "
                                 f"enc_bpc_count_o={bc}, model {ez}/{eb}")

    def send(self, values, name: str = "", znz=None, bpc=None) -> None:
        """Queue one transmission; ``znz``/``bpc`` (expected link streams) are not observable
        here and are ignored: the output must equal ``values``."""
        del znz, bpc
        values = [int(v) for v in values]
        self.src.send_frame(values)
        self.len_src.send_word(len(values))
        self.sb.expect(values, name)
        if hasattr(self.dut, "enc_done_o"):
            c = self.cfg
            enc = ebpc.encode(values, c.width, c.block, c.max_zero_run)
            self._enc_expect.append((int(enc.znz.size), int(enc.bpc.size), name))

    def _flush(self) -> None:
        self.src.flush()
        self.len_src.flush()
        self.sb.flush()
        self._enc_expect.clear()

    def _sample_done(self):
        err = _resolve(self.dut.error_o)
        if err is None:
            raise AssertionError(f"{self.context}error_o X/Z with done_o")
        return err

    def _on_done(self, time, err) -> None:
        self.sb.on_done(err, time)
        if self.coverage and self.sb.last_done is not None and self.sb.last_done.values is not None:
            self.coverage.sample_transmission(self.sb.last_done.values)

    def _progress(self):
        return (self.sb.progress, self.src.words_sent, self.len_src.words_sent)

    def _busy(self) -> bool:
        return self.sb.outstanding > 0 or not (self.src.idle and self.len_src.idle)

    def _stall_budget(self) -> int:
        b = self.out_sink.backpressure.max_stall if self.out_sink.backpressure.stall_prob else 0
        for cfg in self.stall_cfg.values():
            if cfg is not None and cfg.stall_prob:
                b += cfg.max_stall
        g = self.src.gaps
        return b + (g.long_max if g.long_prob else 0)

    def _state(self) -> str:
        q = self.sb._done_q
        first = q[0] if q else None
        s = (f"{self.sb.outstanding} transmission(s) outstanding; input words accepted {self.src.words_sent}, "
             f"lengths accepted {self.len_src.words_sent}")
        if first:
            s += f"; first: #{first.index} '{first.name}' L={first.length}, {first.seen} output words"
        return s
