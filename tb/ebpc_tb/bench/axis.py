# SPDX-License-Identifier: Apache-2.0
"""Benches of the AXI4-Stream tops, driven by an independent client: cocotbext-axi.

Every stream has a cocotbext-axi driver (``AxiStreamSource`` on DUT inputs,
``AxiStreamSink`` on DUT outputs) with a random pause generator, and an
``AxiStreamMonitor`` that records what actually crossed the interface. Expected streams
come from the golden model (``ebpc.encode``) or from the conformance cases; the benches
of the valid/ready tops (``ebpc_tb.bench.env``) are not used here.

Typical use (inside a cocotb test)::

    tb = AxisEncoderBench(dut, cfg, "test_random")
    await tb.reset()
    for t in stimulus:
        tb.send(t.name, t.values)
    await tb.finish()          # every expected packet, then done_o/count checks
"""

from __future__ import annotations

import dataclasses
import logging
import random
from typing import Iterator, Sequence

import cocotb
import ebpc
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, with_timeout
from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamMonitor, AxiStreamSink, AxiStreamSource

from . import suites
from ..spec import RunSpec

__all__ = ["AxisEncoderBench", "AxisDecoderBench", "pauses", "to_unsigned"]

CLOCK_NS = 10
# Longest wait for one packet (ns): generous for heavy pauses on every stream.
PACKET_TIMEOUT_NS = 2_000_000


def to_unsigned(values: Sequence[int], width: int) -> list[int]:
    mask = (1 << width) - 1
    return [int(v) & mask for v in values]


def pauses(rng: random.Random, prob: float, max_burst: int = 1) -> Iterator[bool]:
    """A pause generator: each cycle paused with ``prob``; a pause lasts 1..max_burst cycles."""
    while True:
        if prob > 0 and rng.random() < prob:
            for _ in range(rng.randint(1, max_burst)):
                yield True
        else:
            yield False


def _pause_profile(rng: random.Random) -> tuple[float, int]:
    return rng.choice([(0.0, 1), (0.2, 1), (0.5, 2), (0.8, 3), (0.1, 20)])


@dataclasses.dataclass
class _Expected:
    name: str
    values: list[int]
    znz: list[int]
    bpc: list[int]
    exact: bool = True    # check every output word (else only the count, L)


class _AxisBench:
    top = "?"

    def __init__(self, dut, cfg: RunSpec | None, test_name: str):
        self.dut = dut
        self.cfg = cfg or RunSpec.from_env()
        self.seed = self.cfg.test_seed(test_name)
        self.rng = random.Random(self.seed)
        self.log = logging.getLogger(f"cocotb.tb.{self.top}")
        self.context = f"[{self.cfg.describe()} test={test_name} test-seed={self.seed}] "
        self.done: list[tuple[int, ...]] = []
        self._queued = 0
        Clock(dut.clk_i, CLOCK_NS, unit="ns").start()
        dut.rst_ni.value = 0

    def _quiet(self, drv):
        drv.log.setLevel(logging.WARNING)   # cocotbext-axi logs every frame at INFO
        return drv

    def _source(self, prefix: str) -> AxiStreamSource:
        return self._quiet(AxiStreamSource(AxiStreamBus.from_prefix(self.dut, prefix), self.dut.clk_i,
                                           self.dut.rst_ni, reset_active_level=False, byte_lanes=1))

    def _sink(self, prefix: str) -> AxiStreamSink:
        return self._quiet(AxiStreamSink(AxiStreamBus.from_prefix(self.dut, prefix), self.dut.clk_i,
                                         self.dut.rst_ni, reset_active_level=False, byte_lanes=1))

    def _monitor(self, prefix: str) -> AxiStreamMonitor:
        return self._quiet(AxiStreamMonitor(AxiStreamBus.from_prefix(self.dut, prefix), self.dut.clk_i,
                                            self.dut.rst_ni, reset_active_level=False, byte_lanes=1))

    def _inject(self, stream: str, words: list[int]) -> list[int]:
        """Bench self-test (EBPC_INJECT_FAULT=stream): corrupt one expected word of the third
        transmission queued, so that the run must fail."""
        if self.cfg.inject_fault == stream and self._queued == 2 and words:
            words = list(words)
            words[len(words) // 2] ^= 1
            self.log.warning("%sEBPC_INJECT_FAULT: corrupted expected %s word %d", self.context, stream,
                             len(words) // 2)
        return words

    def randomize_pauses(self, drivers: Sequence[AxiStreamSource | AxiStreamSink]) -> None:
        """A fresh random pause generator on every driver."""
        for i, drv in enumerate(drivers):
            prob, burst = _pause_profile(self.rng)
            drv.set_pause_generator(pauses(random.Random(f"{self.seed}:{i}:{self.rng.random()}"), prob, burst))

    async def reset(self, cycles: int = 4) -> None:
        self.dut.rst_ni.value = 0
        await ClockCycles(self.dut.clk_i, cycles)
        self.dut.rst_ni.value = 1
        await RisingEdge(self.dut.clk_i)
        cocotb.start_soon(self._sample_done())

    async def _sample_done(self) -> None:
        while True:
            await RisingEdge(self.dut.clk_i)
            if self.dut.rst_ni.value == 1 and self.dut.done_o.value == 1:
                self.done.append(self._done_record())

    def _done_record(self) -> tuple[int, ...]:
        raise NotImplementedError

    def fail(self, message: str) -> None:
        raise AssertionError(self.context + message)

    async def recv(self, sink: AxiStreamSink, what: str) -> list[int]:
        frame = await with_timeout(sink.recv(), PACKET_TIMEOUT_NS, "ns")
        return [int(x) for x in frame.tdata]

    def check_words(self, what: str, name: str, expected: list[int], actual: list[int]) -> None:
        if actual == expected:
            return
        first = next((i for i, (e, a) in enumerate(zip(expected, actual)) if e != a), min(len(expected), len(actual)))
        self.fail(f"{what} of transmission {name!r}: {len(actual)} words, expected {len(expected)}; "
                  f"first difference at word {first}: expected {expected[first:first + 4]}, "
                  f"got {actual[first:first + 4]}")


class AxisEncoderBench(_AxisBench):
    """ebpc_axis_encoder: words in (tlast per transmission), ZNZ and BPC packets out."""

    top = "axis_encoder"

    def __init__(self, dut, cfg: RunSpec | None = None, test_name: str = "test"):
        super().__init__(dut, cfg, test_name)
        if len(dut.s_axis_tdata) != self.cfg.width:
            raise ValueError(f"DUT data width {len(dut.s_axis_tdata)} differs from EBPC_W={self.cfg.width}")
        self.source = self._source("s_axis")
        self.znz_sink = self._sink("m_axis_znz")
        self.bpc_sink = self._sink("m_axis_bpc")
        self.in_mon = self._monitor("s_axis")
        self.znz_mon = self._monitor("m_axis_znz")
        self.bpc_mon = self._monitor("m_axis_bpc")
        self.expected: list[_Expected] = []
        self.counts_enabled = int(dut.EnableCounts.value) == 1
        self.randomize_pauses(self.drivers())

    def drivers(self) -> list[AxiStreamSource | AxiStreamSink]:
        """Every driver with a pause generator."""
        return [self.source, self.znz_sink, self.bpc_sink]

    def _done_record(self) -> tuple[int, ...]:
        return int(self.dut.znz_count_o.value), int(self.dut.bpc_count_o.value)

    def send(self, name: str, values: Sequence[int], znz: list[int] | None = None,
             bpc: list[int] | None = None) -> None:
        """Queue one transmission; the expected streams come from ``ebpc.encode`` unless given."""
        w, n, z = self.cfg.width, self.cfg.block, self.cfg.max_zero_run
        if znz is None or bpc is None:
            enc = ebpc.encode(list(values), w, n, z)
            znz, bpc = [int(x) for x in enc.znz], [int(x) for x in enc.bpc]
        words = to_unsigned(values, w)
        self.expected.append(_Expected(name, words, self._inject("znz", list(znz)), self._inject("bpc", list(bpc))))
        self.source.send_nowait(AxiStreamFrame(tdata=words))
        self._queued += 1

    async def finish(self) -> None:
        """Receive and check every queued transmission, then the monitors and done_o."""
        for exp in self.expected:
            self.check_words("ZNZ packet", exp.name, exp.znz, await self.recv(self.znz_sink, "ZNZ"))
            if exp.bpc:
                self.check_words("BPC packet", exp.name, exp.bpc, await self.recv(self.bpc_sink, "BPC"))
        await ClockCycles(self.dut.clk_i, 8)
        if not self.bpc_sink.empty():
            extra = await self.recv(self.bpc_sink, "BPC")
            self.fail(f"a BPC packet nobody expected ({len(extra)} words; all-zero transmissions have none)")
        if not self.znz_sink.empty():
            self.fail("a ZNZ packet nobody expected")
        # The monitors saw the same packets cross the interfaces.
        for exp in self.expected:
            got = [int(x) for x in self.in_mon.recv_nowait().tdata]
            self.check_words("input packet (monitor)", exp.name, exp.values, got)
            self.check_words("ZNZ packet (monitor)", exp.name, exp.znz,
                             [int(x) for x in self.znz_mon.recv_nowait().tdata])
            if exp.bpc:
                self.check_words("BPC packet (monitor)", exp.name, exp.bpc,
                                 [int(x) for x in self.bpc_mon.recv_nowait().tdata])
        # Word counts with EnableCounts=1; with EnableCounts=0 they must read 0.
        counts = [(len(e.znz), len(e.bpc)) if self.counts_enabled else (0, 0) for e in self.expected]
        if self.done != counts:
            self.fail(f"done_o/(znz_count_o, bpc_count_o): expected {len(counts)} pulses {counts[:6]}..., "
                      f"got {len(self.done)}: {self.done[:6]}...")
        self.log.info("%s%d transmissions checked (%d ZNZ, %d BPC words)", self.context, len(self.expected),
                      sum(len(e.znz) for e in self.expected), sum(len(e.bpc) for e in self.expected))


class AxisDecoderBench(_AxisBench):
    """ebpc_axis_decoder: L, ZNZ and BPC packets in, L words (tlast on the last) out."""

    top = "axis_decoder"

    def __init__(self, dut, cfg: RunSpec | None = None, test_name: str = "test"):
        super().__init__(dut, cfg, test_name)
        if len(dut.m_axis_tdata) != self.cfg.width:
            raise ValueError(f"DUT data width {len(dut.m_axis_tdata)} differs from EBPC_W={self.cfg.width}")
        self.len_source = self._source("s_axis_len")
        self.znz_source = self._source("s_axis_znz")
        self.bpc_source = self._source("s_axis_bpc")
        self.sink = self._sink("m_axis")
        self.out_mon = self._monitor("m_axis")
        self.znz_mon = self._monitor("s_axis_znz")
        self.bpc_mon = self._monitor("s_axis_bpc")
        self.expected: list[tuple[_Expected, int]] = []
        self.randomize_pauses(self.drivers())

    def drivers(self) -> list[AxiStreamSource | AxiStreamSink]:
        """Every driver with a pause generator."""
        return [self.len_source, self.znz_source, self.bpc_source, self.sink]

    def _done_record(self) -> tuple[int, ...]:
        return (int(self.dut.error_o.value),)

    def send(self, name: str, values: Sequence[int], znz: list[int] | None = None,
             bpc: list[int] | None = None, *, expect_error: int = 0, expect_words: list[int] | None = None) -> None:
        """Queue one transmission (streams from ``ebpc.encode`` unless given).

        ``expect_error``: bits of error_o that must be set (0: error_o must be 0); the output
        of such a transmission is only checked for its length L, unless ``expect_words``
        gives the expected words (default: ``values``).
        """
        w, n, z = self.cfg.width, self.cfg.block, self.cfg.max_zero_run
        if znz is None or bpc is None:
            enc = ebpc.encode(list(values), w, n, z)
            znz, bpc = [int(x) for x in enc.znz], [int(x) for x in enc.bpc]
        words = to_unsigned(values if expect_words is None else expect_words, w)
        exact = expect_error == 0 or expect_words is not None
        self.expected.append((_Expected(name, self._inject("out", words), list(znz), list(bpc), exact),
                              expect_error))
        self.len_source.send_nowait(AxiStreamFrame(tdata=[len(values)]))
        self.znz_source.send_nowait(AxiStreamFrame(tdata=list(znz)))
        if bpc:
            self.bpc_source.send_nowait(AxiStreamFrame(tdata=list(bpc)))
        self._queued += 1

    async def finish(self) -> None:
        """Receive and check every queued transmission, then the monitors and done_o/error_o."""
        for exp, _ in self.expected:
            got = await self.recv(self.sink, "output")
            if exp.exact:
                self.check_words("output packet", exp.name, exp.values, got)
            elif len(got) != len(exp.values):
                self.fail(f"output packet of {exp.name!r}: {len(got)} words, expected L={len(exp.values)}")
        await ClockCycles(self.dut.clk_i, 8)
        if not self.sink.empty():
            self.fail("an output packet nobody expected")
        for exp, _ in self.expected:
            self.check_words("ZNZ packet (monitor)", exp.name, exp.znz,
                             [int(x) for x in self.znz_mon.recv_nowait().tdata])
            if exp.bpc:
                self.check_words("BPC packet (monitor)", exp.name, exp.bpc,
                                 [int(x) for x in self.bpc_mon.recv_nowait().tdata])
            got = [int(x) for x in self.out_mon.recv_nowait().tdata]
            if exp.exact:
                self.check_words("output packet (monitor)", exp.name, exp.values, got)
        if len(self.done) != len(self.expected):
            self.fail(f"done_o pulsed {len(self.done)} times for {len(self.expected)} transmissions")
        for (exp, want), (err,) in zip(self.expected, self.done):
            if (want == 0 and err != 0) or (want != 0 and (err & want) != want):
                self.fail(f"error_o of {exp.name!r} is {err:#04x}, expected "
                          f"{'0' if want == 0 else f'bits {want:#04x} set'}")
        self.log.info("%s%d transmissions checked (%d words)", self.context, len(self.expected),
                      sum(len(e.values) for e, _ in self.expected))


# -- scenarios shared by both AXI4-Stream benches ---------------------------------------------

async def conformance(tb: AxisEncoderBench | AxisDecoderBench) -> None:
    """The conformance cases of the bench's parameters with their stored streams (the model's
    streams of the first corner cases when no case has these parameters)."""
    await tb.reset()
    cases = suites.conformance(tb.cfg)
    for t, znz, bpc in cases:
        tb.send(t.name, t.values, znz, bpc)
    if not cases:
        for t in suites.corners(tb.cfg)[:10]:
            tb.send(t.name, t.values)
    await tb.finish()


async def corners(tb: AxisEncoderBench | AxisDecoderBench) -> None:
    """Directed corners (all-zero transmissions carry no BPC packet), back to back."""
    await tb.reset()
    for t in suites.corners(tb.cfg):
        tb.send(t.name, t.values)
    await tb.finish()


async def vectors(tb: AxisEncoderBench | AxisDecoderBench) -> None:
    """Real feature-map slices (EBPC_VECTORS or the committed ones), stored streams kept."""
    await tb.reset()
    cases = suites.vectors(tb.cfg)
    assert cases, f"no vector usable for {tb.cfg.describe()}"
    for t, znz, bpc in cases:
        tb.send(t.name, t.values, znz, bpc)
    await tb.finish()


async def closure(tb: AxisEncoderBench | AxisDecoderBench) -> None:
    """The coverage-directed transmissions of the bench's parameters (ebpc_tb.bench.closure)."""
    await tb.reset()
    for t in suites.closure(tb.cfg, tb.rng, tb.log):
        tb.send(t.name, t.values)
    await tb.finish()


async def random_batches(tb: AxisEncoderBench | AxisDecoderBench, batches: int = 4) -> None:
    """Random transmissions in batches, each batch with new random pauses on every stream."""
    await tb.reset()
    for batch in range(batches):
        tb.randomize_pauses(tb.drivers())
        for t in suites.randoms(tb.cfg, tb.rng, tb.cfg.count(15, minimum=4)):
            tb.send(f"batch{batch}/{t.name}", t.values)
        await tb.finish()
        tb.expected.clear()
        tb.done.clear()
