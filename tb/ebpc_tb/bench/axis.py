# SPDX-License-Identifier: Apache-2.0
"""Benches of the AXI4-Stream tops, driven by an independent client: cocotbext-axi.

Every stream has a cocotbext-axi driver (``AxiStreamSource`` on DUT inputs,
``AxiStreamSink`` on DUT outputs) with a random pause generator, and an
``AxiStreamMonitor`` that records what crossed the interface; the packets the sinks
receive are scored against the golden model (:class:`~ebpc_tb.bench.packets.PacketScoreboard`)
and the monitors' packets are held to the same expectations at the end. Our own
:class:`~ebpc_tb.bench.stream.StreamMonitor` watches every stream too: its protocol
checker holds the DUT's outputs (and cocotbext-axi's inputs) to the valid/ready rules, and
its word counts are the watchdog's view of progress.

The clock, reset, ``done_o``, drain and final checks are the :class:`~ebpc_tb.bench.base.Bench`
base's, and the benches take the interface of the valid/ready ones, so the shared
scenarios (:mod:`ebpc_tb.bench.scenarios`) drive them too. Typical use::

    tb = AxisEncoderBench(dut, cfg, "test_random")
    await tb.start()
    for t in stimulus:
        tb.send(t.values, t.name)
    await tb.finish()          # every expected packet and done_o, then the monitors
"""

from __future__ import annotations

import logging
import random
from typing import Any, Iterator, Optional, Sequence

import cocotb
import ebpc
from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamMonitor, AxiStreamSink, AxiStreamSource

from ..spec import RunSpec
from .base import Bench
from .packets import PacketScoreboard
from .signals import StreamBus, int_reader
from .monitor import StreamMonitor

__all__ = ["AxisBench", "AxisEncoderBench", "AxisDecoderBench", "pauses", "to_unsigned", "axis_bus"]

# Pause profiles (chance a cycle is paused, longest pause) random_traffic draws from.
PAUSE_PROFILES = [(0.0, 1), (0.2, 1), (0.5, 2), (0.8, 3), (0.1, 20)]
BUSY_PAUSES = {False: (0.5, 2), True: (0.8, 3)}    # busy_traffic(heavy) -> profile


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


class AxisWords:
    """Words <-> cocotbext-axi frames on one interface: without TKEEP a beat is one word (one
    cocotbext-axi "byte" of W bits); with TKEEP (the data streams of the tops) the frames are
    bytes, each W-bit word little-endian, and cocotbext-axi keeps the final beat's bytes."""

    def __init__(self, dut: Any, prefix: str, width: int) -> None:
        self.keyed = hasattr(dut, f"{prefix}_tkeep")
        self.width = width
        self.nbytes = width // 8

    def kwargs(self) -> dict[str, int]:
        return {} if self.keyed else {"byte_lanes": 1}

    def frame(self, words: Sequence[int]) -> AxiStreamFrame:
        if not self.keyed:
            return AxiStreamFrame(tdata=list(words))
        mask = (1 << self.width) - 1
        return AxiStreamFrame(tdata=b"".join((int(w) & mask).to_bytes(self.nbytes, "little") for w in words))

    def words(self, tdata: Any) -> list[int]:
        if not self.keyed:
            return [int(x) for x in tdata]
        data = bytes(tdata)
        return [int.from_bytes(data[i:i + self.nbytes], "little") for i in range(0, len(data), self.nbytes)]


def axis_bus(dut: Any, prefix: str) -> StreamBus:
    """The valid/ready view of AXI4-Stream interface ``prefix`` (``tlast`` if it has one)."""
    return StreamBus(prefix, getattr(dut, f"{prefix}_tvalid"), getattr(dut, f"{prefix}_tready"),
                     getattr(dut, f"{prefix}_tdata"), getattr(dut, f"{prefix}_tlast", None))


class AxisBench(Bench):
    """What both AXI4-Stream benches share: cocotbext-axi drivers with pause generators,
    their monitors, and a receiving task per sink feeding the packet scoreboard."""

    # cocotb's own choice of clock, as cocotbext-axi expects (its drivers sample the bus at
    # every edge from the start; with a C clock under Icarus the first edge comes before the
    # reset and they read X)
    clock_impl = None
    records_coverage = False
    # output stream -> how the scoreboard's messages name its packets
    packet_labels: dict[str, str] = {}

    def __init__(self, dut: Any, cfg: RunSpec | None = None, test_name: str = "test",
                 rng: random.Random | None = None) -> None:
        super().__init__(dut, cfg, test_name, rng)
        self.drivers: list[AxiStreamSource | AxiStreamSink] = []
        self.axi_monitors: dict[str, AxiStreamMonitor] = {}
        self.sent = 0                   # transmissions queued (the fault injection's counter)
        self.longest_pause = 1
        self.codecs: dict[str, AxisWords] = {}
        self.sb = PacketScoreboard(self.packet_labels, self.log, self.context)
        self.inputs: list[Any] = []     # what was sent per transmission (monitor_words)
        self.add_ports()
        self.random_traffic()

    def add_ports(self) -> None:
        """The top's sources and sinks (:meth:`axis_source`, :meth:`axis_sink`)."""
        raise NotImplementedError

    # -- building blocks -----------------------------------------------------------------------
    def _quiet(self, drv: Any) -> Any:
        drv.log.setLevel(logging.WARNING)   # cocotbext-axi logs every frame at INFO
        return drv

    def _axi_args(self, prefix: str) -> tuple:
        return AxiStreamBus.from_prefix(self.dut, prefix), self.clk, self.rst_n

    def codec(self, prefix: str) -> AxisWords:
        """How interface ``prefix`` carries words in cocotbext-axi frames."""
        if prefix not in self.codecs:
            self.codecs[prefix] = AxisWords(self.dut, prefix, len(getattr(self.dut, f"{prefix}_tdata"))
                                            if not hasattr(self.dut, f"{prefix}_tkeep") else self.cfg.width)
        return self.codecs[prefix]

    def send_words(self, source: AxiStreamSource, prefix: str, words: Sequence[int]) -> None:
        source.send_nowait(self.codec(prefix).frame(words))

    def axis_source(self, prefix: str) -> AxiStreamSource:
        """A cocotbext-axi source on input ``prefix``, watched by its own and our monitor."""
        src = self._quiet(AxiStreamSource(*self._axi_args(prefix), reset_active_level=False,
                                          **self.codec(prefix).kwargs()))
        self.drivers.append(src)
        self._watch(prefix, into_dut=True)
        return src

    def axis_sink(self, prefix: str, stream: str) -> AxiStreamSink:
        """A cocotbext-axi sink on output ``prefix`` whose packets score as ``stream``."""
        sink = self._quiet(AxiStreamSink(*self._axi_args(prefix), reset_active_level=False,
                                         **self.codec(prefix).kwargs()))
        self.drivers.append(sink)
        self._watch(prefix, into_dut=False)
        cocotb.start_soon(self._receive(sink, prefix, stream))
        return sink

    def _watch(self, prefix: str, into_dut: bool) -> None:
        self.axi_monitors[prefix] = self._quiet(AxiStreamMonitor(*self._axi_args(prefix), reset_active_level=False,
                                                                 **self.codec(prefix).kwargs()))
        bus = axis_bus(self.dut, prefix)
        self.monitors.append(StreamMonitor(self.dut, prefix, self.engine, into_dut=into_dut,
                                           with_last=bus.has_last, keep=False, bus=bus))

    async def _receive(self, sink: AxiStreamSink, prefix: str, stream: str) -> None:
        codec = self.codec(prefix)
        while True:
            frame = await sink.recv()
            self.sb.on_packet(stream, codec.words(frame.tdata))

    def inject(self, stream: str, words: list[int]) -> list[int]:
        """Bench self-test (EBPC_INJECT_FAULT=stream): corrupt one expected word of the third
        transmission queued, so that the run must fail."""
        if self.cfg.inject_fault == stream and self.sent == 2 and words:
            words = list(words)
            words[len(words) // 2] ^= 1
            self.log.warning("%sEBPC_INJECT_FAULT: corrupted expected %s word %d", self.context, stream,
                             len(words) // 2)
        return words

    def model_streams(self, values: Sequence[int], znz: Optional[list[int]],
                      bpc: Optional[list[int]]) -> tuple[list[int], list[int]]:
        """``znz``/``bpc`` as given, else the model's streams of ``values``."""
        if znz is None or bpc is None:
            c = self.cfg
            enc = ebpc.encode(list(values), c.width, c.block, c.max_zero_run)
            znz, bpc = [int(x) for x in enc.znz], [int(x) for x in enc.bpc]
        return list(znz), list(bpc)

    # -- traffic -----------------------------------------------------------------------------
    def set_pauses(self, drivers: Sequence[AxiStreamSource | AxiStreamSink], prob: float, burst: int) -> None:
        for drv in drivers:
            drv.set_pause_generator(pauses(random.Random(f"{self.seed}:{self.rng.random()}"), prob, burst))
        self.longest_pause = max(self.longest_pause, burst)

    def random_traffic(self) -> None:
        """A fresh random pause profile on every driver."""
        for drv in self.drivers:
            self.set_pauses([drv], *self.rng.choice(PAUSE_PROFILES))

    def busy_traffic(self, heavy: bool) -> None:
        """Frequent pauses on every driver (more of them when ``heavy``)."""
        self.set_pauses(self.drivers, *BUSY_PAUSES[heavy])

    # -- drain -------------------------------------------------------------------------------
    def progress(self) -> tuple:
        return (self.sb.progress, *(m.words_seen for m in self.monitors))

    def busy(self) -> bool:
        return self.sb.outstanding > 0

    def stall_budget(self) -> int:
        return self.longest_pause

    def flush(self) -> None:
        raise NotImplementedError("the AXI4-Stream benches have no reset in the middle of a test")

    def final_checks(self) -> None:
        """The AxiStreamMonitors saw the same packets cross the interfaces, and no other."""
        for prefix, stream, label in self.monitored:
            mon = self.axi_monitors[prefix]
            what = f"{label} (monitor)"
            for exp in self.sb.expected:
                want = self.monitor_words(exp, stream)
                if want is None:
                    continue
                got = [] if mon.empty() else self.codec(prefix).words(mon.recv_nowait().tdata)
                # (an output whose words are not defined by the model is held to its length)
                if exp.exact or stream not in exp.packets:
                    self.sb.check_words(what, exp.name, want, got)
                elif len(got) != len(want):
                    self.sb.check_words(what, exp.name, want, got)
            if not mon.empty():
                extra = self.codec(prefix).words(mon.recv_nowait().tdata)
                self.sb.check_words(what, "(none: a packet nobody expected)", [], extra)

    # (prefix, scoreboard stream or input name, label) of the monitors final_checks compares
    monitored: tuple[tuple[str, str, str], ...] = ()

    def monitor_words(self, exp: Any, stream: str) -> Optional[list[int]]:
        """What monitor ``stream`` must have seen of ``exp`` (None: no packet)."""
        raise NotImplementedError


class AxisEncoderBench(AxisBench):
    """ebpc_axis_encoder: words in (tlast per transmission), ZNZ and BPC packets out."""

    top = "axis_encoder"
    monitored = (("s_axis", "in", "input packet"), ("m_axis_znz", "znz", "ZNZ packet"),
                 ("m_axis_bpc", "bpc", "BPC packet"))
    packet_labels = {"znz": "ZNZ packet", "bpc": "BPC packet"}

    def add_ports(self) -> None:
        self.counts_enabled = self.params["EnableCounts"] == 1
        self._read_counts = (int_reader(self.dut.znz_count_o), int_reader(self.dut.bpc_count_o))
        self.source = self.axis_source("s_axis")
        self.znz_sink = self.axis_sink("m_axis_znz", "znz")
        self.bpc_sink = self.axis_sink("m_axis_bpc", "bpc")

    def send(self, values: Sequence[int], name: str = "", znz: Optional[list[int]] = None,
             bpc: Optional[list[int]] = None) -> None:
        """Queue one transmission; the expected streams come from ``ebpc.encode`` unless given."""
        znz, bpc = self.model_streams(values, znz, bpc)
        words = to_unsigned(values, self.cfg.width)
        packets = {"znz": self.inject("znz", znz)}
        if bpc:                                     # an all-zero transmission has no BPC packet
            packets["bpc"] = self.inject("bpc", bpc)
        # With EnableCounts=1 done_o carries the word counts; with EnableCounts=0 they read 0.
        counts = (len(znz), len(bpc)) if self.counts_enabled else (0, 0)

        def done_check(record: tuple[int, ...]) -> str:
            return "" if record == counts else f"(znz_count_o, bpc_count_o) = {record}, expected {counts}"

        self.sb.expect(name or f"tx{self.sent}", packets, done_check)
        self.inputs.append(words)
        self.send_words(self.source, "s_axis", words)
        self.sent += 1

    def on_done(self, cycle: int) -> None:
        zc, bc = (read() for read in self._read_counts)
        if zc is None or bc is None:
            raise AssertionError(f"{self.context}znz_count_o/bpc_count_o X/Z with done_o")
        self.sb.on_done((zc, bc))

    def monitor_words(self, exp: Any, stream: str) -> Optional[list[int]]:
        if stream == "in":
            return self.inputs[exp.index]
        return exp.packets.get(stream)


class AxisDecoderBench(AxisBench):
    """ebpc_axis_decoder: L, ZNZ and BPC packets in, L words (tlast on the last) out."""

    top = "axis_decoder"
    monitored = (("s_axis_znz", "znz", "ZNZ packet"), ("s_axis_bpc", "bpc", "BPC packet"),
                 ("m_axis", "out", "output packet"))
    packet_labels = {"out": "output packet"}

    def add_ports(self) -> None:
        self._read_error = int_reader(self.dut.error_o)
        self.len_source = self.axis_source("s_axis_len")
        self.znz_source = self.axis_source("s_axis_znz")
        self.bpc_source = self.axis_source("s_axis_bpc")
        self.sink = self.axis_sink("m_axis", "out")

    def send(self, values: Sequence[int], name: str = "", znz: Optional[list[int]] = None,
             bpc: Optional[list[int]] = None, *, expect_error: int = 0,
             expect_words: Optional[list[int]] = None) -> None:
        """Queue one transmission (streams from ``ebpc.encode`` unless given).

        ``expect_error``: bits of error_o that must be set (0: error_o must be 0); the output
        of such a transmission is only checked for its length L, unless ``expect_words``
        gives the expected words (default: ``values``).
        """
        znz, bpc = self.model_streams(values, znz, bpc)
        words = to_unsigned(values if expect_words is None else expect_words, self.cfg.width)
        exact = expect_error == 0 or expect_words is not None

        def done_check(record: tuple[int, ...]) -> str:
            err = record[0]
            if (expect_error == 0 and err != 0) or (expect_error != 0 and (err & expect_error) != expect_error):
                return (f"error_o is {err:#04x}, expected "
                        f"{'0' if expect_error == 0 else f'bits {expect_error:#04x} set'}")
            return ""

        self.sb.expect(name or f"tx{self.sent}", {"out": self.inject("out", words)}, done_check, exact)
        self.inputs.append((znz, bpc))
        self.send_words(self.len_source, "s_axis_len", [len(values)])
        self.send_words(self.znz_source, "s_axis_znz", znz)
        if bpc:
            self.send_words(self.bpc_source, "s_axis_bpc", bpc)
        self.sent += 1

    def on_done(self, cycle: int) -> None:
        err = self._read_error()
        if err is None:
            raise AssertionError(f"{self.context}error_o X/Z with done_o")
        self.sb.on_done((err,))

    def monitor_words(self, exp: Any, stream: str) -> Optional[list[int]]:
        if stream == "out":
            return exp.packets["out"]
        znz, bpc = self.inputs[exp.index]
        if stream == "znz":
            return znz
        return bpc or None
