# SPDX-License-Identifier: Apache-2.0
"""The beat packing and unpacking of the native benches at Lanes > 1 (no simulator: fake
handles stepped by a :class:`~ebpc_tb.bench.engine.CycleEngine`).

:class:`~ebpc_tb.bench.stream.LaneSource` must drive word k of a frame in lane k mod Lanes,
the lanes above the final word zero, ``last`` one-hot on the final beat only;
:class:`~ebpc_tb.bench.monitor.LaneMonitor` must hand on every word of a beat in order,
``last`` on the frame's final word, and fail a beat whose ``last`` is not one-hot or zero,
or whose lanes above the final word are not zero (a corrupted lane).
"""

from __future__ import annotations

import random

import pytest

from ebpc_tb.bench.engine import CycleEngine
from ebpc_tb.bench.monitor import LaneMonitor, StreamMonitor
from ebpc_tb.bench.protocol import ProtocolError
from ebpc_tb.bench.stream import LaneSource, pack_beats

W = 8


class Sig:
    """A signal double: ``value`` and a width (as ``len(handle)``)."""

    def __init__(self, width: int = 1, value=0):
        self.width = width
        self.value = value

    def __len__(self) -> int:
        return self.width


def _port(prefix: str, into_dut: bool, lanes: int):
    names = (("valid_i", 1), ("ready_o", 1), ("data_i", lanes * W), ("last_i", lanes)) if into_dut else \
            (("valid_o", 1), ("ready_i", 1), ("data_o", lanes * W), ("last_o", lanes))
    return type("Port", (), {f"{prefix}_{n}": Sig(width) for n, width in names})()


@pytest.mark.parametrize("lanes", [2, 4, 8])
@pytest.mark.parametrize("length", [1, 2, 3, 7, 8, 9, 17])
def test_pack_beats_puts_word_k_in_lane_k_mod_lanes(lanes, length):
    words = [(3 * k + 1) & 0xFF for k in range(length)]
    beats, last = pack_beats(words, lanes, W)
    assert len(beats) == -(-length // lanes)
    for k, word in enumerate(words):
        assert (beats[k // lanes] >> ((k % lanes) * W)) & 0xFF == word
    final_words = (length - 1) % lanes + 1
    assert beats[-1] >> (final_words * W) == 0          # lanes above the final word zero
    assert last == 1 << (final_words - 1)              # one-hot: the final word's lane


def test_lane_source_drives_beats_and_one_hot_last():
    lanes = 4
    port = _port("in", True, lanes)
    engine = CycleEngine(clock=None)
    src = LaneSource(port, "in", engine, lanes=lanes, word_width=W, rng=random.Random(1))
    words: list[tuple[int, bool]] = []
    mon = LaneMonitor(port, "in", engine, lanes=lanes, word_width=W, into_dut=True, source=src,
                      callback=lambda b: words.append((b.data, b.last)))
    port.in_ready_o.value = 1
    src.send_frame([1, 2, 3, 4, 5, 6])
    src.send_frame([7])
    driven = []
    for _ in range(8):
        engine.step()
        if int(port.in_valid_i.value):
            driven.append((int(port.in_data_i.value), int(port.in_last_i.value)))
    assert driven[:3] == [(0x04030201, 0), (0x0605, 0b0010), (0x07, 0b0001)]
    assert words == [(1, False), (2, False), (3, False), (4, False), (5, False), (6, True), (7, True)]
    assert mon.words_seen == 7 and mon.beats_seen == 3 and mon.frames == 2


def _output_monitor(lanes: int):
    port = _port("out", False, lanes)
    engine = CycleEngine(clock=None)
    words: list[tuple[int, bool]] = []
    mon = LaneMonitor(port, "out", engine, lanes=lanes, word_width=W, into_dut=False,
                      callback=lambda b: words.append((b.data, b.last)))
    port.out_ready_i.value = 1
    return port, engine, mon, words


def _beat(port, engine, data: int, last: int, lanes: int) -> None:
    """One cycle with a beat offered (and taken: ready is high). ``last`` reads as the
    simulator shows a vector: its binary string."""
    port.out_valid_o.value, port.out_data_o.value = 1, data
    port.out_last_o.value = format(last, f"0{lanes}b")
    engine.step()


def test_lane_monitor_unpacks_beats_into_words():
    lanes = 4
    port, engine, mon, words = _output_monitor(lanes)
    _beat(port, engine, 0x44332211, 0, lanes)
    _beat(port, engine, 0x0066_55, 0b0010, lanes)
    assert words == [(0x11, False), (0x22, False), (0x33, False), (0x44, False), (0x55, False), (0x66, True)]
    assert mon.frames == 1 and mon.words_seen == 6


@pytest.mark.parametrize("data,last,message", [
    (0x0000_0001, 0b0011, "is not one-hot"),
    (0x0000_0001, 0b1001, "is not one-hot"),
    (0x0100_0001, 0b0001, "are not zero"),          # a word in lane 3 above a final word in lane 0
    (0x00AA_0201, 0b0010, "are not zero"),          # lane 2 corrupted above the final word in lane 1
], ids=["last-two-bits", "last-lanes-0-and-3", "lane-3-above-lane-0", "lane-2-above-lane-1"])
def test_lane_monitor_fails_a_bad_beat(data, last, message):
    lanes = 4
    port, engine, mon, words = _output_monitor(lanes)
    with pytest.raises(ProtocolError, match=message):
        _beat(port, engine, data, last, lanes)
    assert words == []


def test_one_lane_keeps_the_single_word_classes():
    """Lanes = 1 builds the plain source and monitor (the measured bench speed)."""
    assert not issubclass(StreamMonitor, LaneMonitor)
    from ebpc_tb.bench import base  # noqa: PLC0415
    import inspect  # noqa: PLC0415
    src = inspect.getsource(base.Bench._monitor)
    assert "if lanes > 1" in src
