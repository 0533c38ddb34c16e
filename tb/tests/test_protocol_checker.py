# SPDX-License-Identifier: Apache-2.0
"""Unit tests of ebpc_tb.bench.protocol.ProtocolChecker (no simulator: fake signal handles)."""

import pytest

from ebpc_tb.bench.protocol import ProtocolChecker, ProtocolError


class Sig:
    def __init__(self, value=0):
        self.value = value


class Bus:
    def __init__(self, last=True):
        self.valid, self.ready, self.data = Sig(), Sig(), Sig()
        if last:
            self.last = Sig()


def drive(bus, valid, ready, data=0, last=0):
    bus.valid.value, bus.ready.value, bus.data.value = valid, ready, data
    if hasattr(bus, "last"):
        bus.last.value = last


def test_legal_sequence_passes():
    bus = Bus()
    chk = ProtocolChecker(bus, "s")
    for v, r, d, l in [(0, 0, 0, 0), (1, 0, 5, 0), (1, 0, 5, 0), (1, 1, 5, 0), (1, 1, 6, 1), (0, 1, 9, 0)]:
        drive(bus, v, r, d, l)
        chk.sample()
    assert chk.stalled_cycles == 2


@pytest.mark.parametrize("second", [(0, 0, 5, 0), (1, 0, 6, 0), (1, 1, 5, 1)],
                         ids=["valid-dropped", "data-changed", "last-changed"])
def test_violation_before_handshake_fails(second):
    bus = Bus()
    chk = ProtocolChecker(bus, "s")
    drive(bus, 1, 0, 5, 0)
    chk.sample()
    drive(bus, *second)
    with pytest.raises(ProtocolError):
        chk.sample()


def test_x_data_while_valid_fails():
    bus = Bus()
    chk = ProtocolChecker(bus, "s")
    drive(bus, 1, 1, 0, 0)
    bus.data.value = "x"   # int("x") raises ValueError like an X LogicArray

    class XVal:
        def __int__(self):
            raise ValueError("X")

    bus.data.value = XVal()
    with pytest.raises(ProtocolError):
        chk.sample()


def test_reset_clears_pending_and_checks_output_valid():
    bus = Bus()
    chk = ProtocolChecker(bus, "s", check_reset_valid=True)
    drive(bus, 1, 0, 5, 0)
    chk.sample()
    drive(bus, 0, 0)
    chk.sample(in_reset=True)          # pending dropped by the reset: fine
    drive(bus, 0, 0)
    chk.sample()
    drive(bus, 1, 0)
    with pytest.raises(ProtocolError):
        chk.sample(in_reset=True)      # an output raising valid during reset
