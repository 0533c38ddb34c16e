# SPDX-License-Identifier: Apache-2.0
"""The benches of the three valid/ready tops: encoder, decoder and loopback.

Each is a :class:`~ebpc_tb.bench.base.Bench` with one source and monitor per DUT input
stream, one sink and monitor per output stream (every stream with a protocol checker, our
own drivers included) and a scoreboard against the golden model; the base does the clock,
the reset, ``done_o``, the drain and the final checks.

All three share the interface the scenarios (:mod:`ebpc_tb.bench.scenarios`) drive:
``send(values, name, znz=None, bpc=None)``, ``set_traffic(...)``, ``random_traffic()``,
``busy_traffic(heavy)``. Typical use (inside a cocotb test)::

    tb = EncoderBench(dut, cfg, "test_random")
    await tb.start()
    for values in stimulus:
        tb.send(values)
    await tb.finish()         # waits (with a no-progress watchdog), then final checks
"""

from __future__ import annotations

import random
from typing import Any, Optional, Sequence

import ebpc

from ..spec import RunSpec
from .base import Bench
from .scoreboard import DecoderScoreboard, EncoderScoreboard
from .signals import WatchedBit, int_reader
from .traffic import BackpressureConfig, GapConfig, RandomLevel, random_backpressure, random_gaps

__all__ = ["EncoderBench", "DecoderBench", "LoopbackBench", "streams_detail"]


def streams_detail(length: int, znz: Sequence[int], bpc: Sequence[int]) -> str:
    """A decoder transmission's input streams, shortened, for failure messages."""
    z = [int(x) for x in znz]
    b = [int(x) for x in bpc]
    if len(z) + len(b) > 80:
        return f"L={length} znz({len(z)} words)={z[:40]}... bpc({len(b)} words)={b[:40]}..."
    return f"L={length} znz={z} bpc={b}"


class EncoderBench(Bench):
    """ebpc_encoder: ``in`` -> ``znz`` + ``bpc``, ``done_o`` with word counts."""

    top = "encoder"

    def __init__(self, dut: Any, cfg: RunSpec | None = None, test_name: str = "test",
                 rng: random.Random | None = None, *, gaps: GapConfig | None = None,
                 znz_bp: BackpressureConfig | None = None, bpc_bp: BackpressureConfig | None = None) -> None:
        super().__init__(dut, cfg, test_name, rng)
        c = self.cfg
        self.sb = EncoderScoreboard(c.width, c.block, c.max_zero_run, self.log, self.context, c.inject_fault)
        # The word counts exist only in builds with EnableCounts=1 (checked against the spec).
        self.counts_enabled = self.params["EnableCounts"] == 1
        lanes = self.lanes = self.params["Lanes"]    # words per beat on every stream
        self.src, self.in_mon = self.add_source("in", gaps=gaps, lanes=lanes)
        self.znz_sink, self.znz_mon = self.add_sink("znz", backpressure=znz_bp, callback=self.sb.on_znz,
                                                    lanes=lanes)
        self.bpc_sink, self.bpc_mon = self.add_sink("bpc", backpressure=bpc_bp, callback=self.sb.on_bpc,
                                                    lanes=lanes)
        self._read_counts = (int_reader(dut.znz_count_o), int_reader(dut.bpc_count_o))
        self.cover_streams({"in": (self.in_mon, True)}, {"znz": self.znz_mon, "bpc": self.bpc_mon})

    # -- traffic ----------------------------------------------------------------------------
    def set_traffic(self, gaps: GapConfig | None = None, znz_bp: BackpressureConfig | None = None,
                    bpc_bp: BackpressureConfig | None = None) -> None:
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

    # -- stimulus ---------------------------------------------------------------------------
    def send(self, values: Sequence[int], name: str = "", znz: Optional[list[int]] = None,
             bpc: Optional[list[int]] = None) -> None:
        """Queue one transmission (expected streams from the model unless ``znz``/``bpc`` given)."""
        values = [int(v) for v in values]
        self.sb.expect(values, name, znz, bpc)
        self.src.send_frame(values)

    # -- done_o -----------------------------------------------------------------------------
    def on_done(self, cycle: int) -> None:
        zc, bc = (read() for read in self._read_counts)
        if zc is None or bc is None:
            raise AssertionError(f"{self.context}znz_count_o/bpc_count_o X/Z with done_o")
        if not self.counts_enabled:
            if zc or bc:
                raise AssertionError(f"{self.context}znz_count_o/bpc_count_o = {zc}/{bc} with "
                                     "EnableCounts=0 (must read 0)")
            zc = bc = None              # nothing to compare with the model
        self.sb.on_done(zc, bc, cycle)
        if self.coverage and self.sb.last_done is not None:
            self.coverage.sample_transmission(self.sb.last_done.values)


class DecoderBench(Bench):
    """ebpc_decoder: ``len`` + ``znz`` + ``bpc`` -> ``out``, ``done_o`` + ``error_o``."""

    top = "decoder"

    def __init__(self, dut: Any, cfg: RunSpec | None = None, test_name: str = "test",
                 rng: random.Random | None = None, *, len_gaps: GapConfig | None = None,
                 znz_gaps: GapConfig | None = None, bpc_gaps: GapConfig | None = None,
                 out_bp: BackpressureConfig | None = None) -> None:
        super().__init__(dut, cfg, test_name, rng)
        c = self.cfg
        # Lanes words per beat on the ZNZ, BPC and output streams; one length per transmission
        lanes = self.lanes = self.params["Lanes"]
        self.sb = DecoderScoreboard(c.width, self.log, self.context, c.inject_fault)
        self.len_src, self.len_mon = self.add_source("len", with_last=False, gaps=len_gaps, callback=self.sb.on_len)
        self.znz_src, self.znz_mon = self.add_source("znz", gaps=znz_gaps, callback=self.sb.on_znz, lanes=lanes)
        self.bpc_src, self.bpc_mon = self.add_source("bpc", gaps=bpc_gaps, lanes=lanes)
        self.out_sink, self.out_mon = self.add_sink("out", backpressure=out_bp, callback=self.sb.on_out,
                                                    lanes=lanes)
        self._read_error = int_reader(dut.error_o)
        self.cover_streams({"len": (self.len_mon, False), "znz": (self.znz_mon, True),
                            "bpc": (self.bpc_mon, True)}, {"out": self.out_mon})

    # -- traffic ----------------------------------------------------------------------------
    def set_traffic(self, len_gaps: GapConfig | None = None, znz_gaps: GapConfig | None = None,
                    bpc_gaps: GapConfig | None = None, out_bp: BackpressureConfig | None = None) -> None:
        for src, gaps in ((self.len_src, len_gaps), (self.znz_src, znz_gaps), (self.bpc_src, bpc_gaps)):
            if gaps is not None:
                src.gaps = gaps
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

    # -- stimulus ---------------------------------------------------------------------------
    def send(self, values: Sequence[int], name: str = "", znz: Optional[list[int]] = None,
             bpc: Optional[list[int]] = None) -> None:
        """Queue the streams for ``values`` (the model's unless ``znz``/``bpc`` given), expect ``values``."""
        c = self.cfg
        values = [int(v) for v in values]
        if znz is None or bpc is None:
            enc = ebpc.encode(values, c.width, c.block, c.max_zero_run)
            znz = [int(x) for x in enc.znz] if znz is None else znz
            bpc = [int(x) for x in enc.bpc] if bpc is None else bpc
        self.send_streams(len(values), [int(x) for x in znz], [int(x) for x in bpc])
        exp = self.sb.expect(values, name)
        exp.detail = streams_detail(len(values), znz, bpc)

    def send_streams(self, length: int, znz: list[int], bpc: list[int]) -> None:
        """Queue raw input streams (``last`` on each stream's final word)."""
        self.len_src.send_word(length)
        if znz:
            self.znz_src.send_frame(znz)
        if bpc:
            self.bpc_src.send_frame(bpc)

    def send_malformed(self, case: Any) -> None:
        """Queue a :class:`~ebpc_tb.bench.malformed.MalformedCase`."""
        self.send_streams(case.length, case.znz, case.bpc)
        exp = self.sb.expect_error(case.length, case.error, case.allowed, case.name, case.expected, case.any_of)
        exp.detail = streams_detail(case.length, case.znz, case.bpc)

    # -- done_o -----------------------------------------------------------------------------
    def on_done(self, cycle: int) -> None:
        err = self._read_error()
        if err is None:
            raise AssertionError(f"{self.context}error_o X/Z with done_o")
        self.sb.on_done(err, cycle)
        if self.coverage:
            self.coverage.sample_error(err)
            exp = self.sb.last_done
            if exp is not None and exp.values is not None:
                self.coverage.sample_transmission(exp.values)

    # -- drain ------------------------------------------------------------------------------
    def describe_state(self) -> str:
        """The base's account, the oldest transmission's input streams and the previous one's."""
        s = super().describe_state()
        first = self.sb.first_outstanding
        if first is not None and first.detail:
            s += f"\n  inputs: {first.detail}"
        prev = self.sb.last_done
        if prev is not None:
            s += f"\n  previous (completed) transmission: #{prev.index} '{prev.name}' {prev.detail}"
        return s


class LoopbackBench(Bench):
    """ebpc_loopback: ``in`` + ``len`` -> ``out``; ``znz_stall_i``/``bpc_stall_i`` stall the link."""

    top = "loopback"

    def __init__(self, dut: Any, cfg: RunSpec | None = None, test_name: str = "test",
                 rng: random.Random | None = None, *, gaps: GapConfig | None = None,
                 len_gaps: GapConfig | None = None, out_bp: BackpressureConfig | None = None,
                 znz_stall: BackpressureConfig | None = None,
                 bpc_stall: BackpressureConfig | None = None) -> None:
        super().__init__(dut, cfg, test_name, rng)
        # Lanes words per input beat, DecLanes per output beat; one length per transmission
        self.lanes, self.dec_lanes = self.params["Lanes"], self.params["DecLanes"]
        self.sb = DecoderScoreboard(self.cfg.width, self.log, self.context, self.cfg.inject_fault)
        self.src, self.in_mon = self.add_source("in", gaps=gaps, lanes=self.lanes)
        self.len_src, self.len_mon = self.add_source("len", with_last=False, gaps=len_gaps)
        self.out_sink, self.out_mon = self.add_sink("out", backpressure=out_bp, callback=self.sb.on_out,
                                                    lanes=self.dec_lanes)
        self._stall_drivers = {name: RandomLevel(getattr(dut, f"{name}_stall_i"), self.engine)
                               for name in ("znz", "bpc")}
        self._read_error = int_reader(dut.error_o)
        # optional encoder status (enc_done_o + word counts): checked against the model
        self.has_enc_done = hasattr(dut, "enc_done_o")
        self._enc_expect: list[tuple[int, int, str]] = []
        self.enc_done_count = 0
        self._enc_attached = False
        self.stall_cfg: dict[str, BackpressureConfig | None] = {"znz": znz_stall, "bpc": bpc_stall}
        self.set_stalls(znz_stall, bpc_stall)
        self.cover_streams({"in": (self.in_mon, True), "len": (self.len_mon, False)}, {"out": self.out_mon})

    # -- traffic ----------------------------------------------------------------------------
    def set_stalls(self, znz: BackpressureConfig | None, bpc: BackpressureConfig | None) -> None:
        """Random stalls of the internal links; the config's ``ready_prob`` is the no-stall chance."""
        self.stall_cfg = {"znz": znz, "bpc": bpc}
        for name, cfg in (("znz", znz), ("bpc", bpc)):
            self._stall_drivers[name].configure(cfg, self.sub_rng(name))

    def set_traffic(self, gaps: GapConfig | None = None, len_gaps: GapConfig | None = None,
                    out_bp: BackpressureConfig | None = None) -> None:
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

    # -- reset and the loopback's own samplers ------------------------------------------------
    async def start(self, cycles: int = 4) -> None:
        await super().start(cycles)
        if self._enc_attached:
            return
        self._enc_attached = True
        dut = self.dut
        if self.has_enc_done:
            self._enc_read = (WatchedBit(dut.enc_done_o, self.engine), int_reader(dut.enc_znz_count_o),
                              int_reader(dut.enc_bpc_count_o))
            self._enc_read[0].owner = self._sample_enc_done
            self.engine.add(sample=self._sample_enc_done)
        if self.coverage:
            self._links = tuple((name, self._stall_drivers[name], WatchedBit(getattr(dut, f"enc_{name}_valid")))
                                for name in ("znz", "bpc"))
            self.engine.add(sample=self._sample_links)

    def _sample_links(self, in_reset: bool) -> None:
        """Link traffic bins: a stall input high while the encoder offers a word on that link."""
        if in_reset:
            return
        for name, stall, valid in self._links:
            if stall.level == 1 and valid() == "1":
                self.coverage.event(f"link.{name}_stall_with_data")

    def _sample_enc_done(self, in_reset: bool) -> Optional[bool]:
        done, znz_count, bpc_count = self._enc_read
        if in_reset:
            return None
        if done() != "1":
            return done.steady      # quiet while enc_done_o is low and watched
        self.enc_done_count += 1
        zc, bc = znz_count(), bpc_count()
        if not self._enc_expect:
            raise AssertionError(f"{self.context}enc_done_o pulse with no transmission outstanding")
        ez, eb, name = self._enc_expect.pop(0)
        if (zc, bc) != (ez, eb):
            raise AssertionError(f"{self.context}encoder counts of '{name}': enc_znz_count_o={zc} "
                                 f"enc_bpc_count_o={bc}, model {ez}/{eb}")
        return None

    # -- stimulus ---------------------------------------------------------------------------
    def send(self, values: Sequence[int], name: str = "", znz: Optional[list[int]] = None,
             bpc: Optional[list[int]] = None) -> None:
        """Queue one transmission; ``znz``/``bpc`` (expected link streams) are not observable
        here and are ignored: the output must equal ``values``."""
        del znz, bpc
        values = [int(v) for v in values]
        self.src.send_frame(values)
        self.len_src.send_word(len(values))
        self.sb.expect(values, name)
        if self.has_enc_done:
            c = self.cfg
            enc = ebpc.encode(values, c.width, c.block, c.max_zero_run)
            self._enc_expect.append((int(enc.znz.size), int(enc.bpc.size), name))

    def flush(self) -> None:
        super().flush()
        self._enc_expect.clear()

    # -- done_o -----------------------------------------------------------------------------
    def on_done(self, cycle: int) -> None:
        err = self._read_error()
        if err is None:
            raise AssertionError(f"{self.context}error_o X/Z with done_o")
        self.sb.on_done(err, cycle)
        last = self.sb.last_done
        if self.coverage and last is not None and last.values is not None:
            self.coverage.sample_transmission(last.values)

    # -- drain ------------------------------------------------------------------------------
    def stall_budget(self) -> int:
        """The base's budget and the link stalls."""
        links = sum(cfg.longest for cfg in self.stall_cfg.values() if cfg is not None)
        return super().stall_budget() + links

