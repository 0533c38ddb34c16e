# SPDX-License-Identifier: Apache-2.0
"""The valid/ready protocol checker of one stream.

Rules: after reset ``valid`` and ``ready`` are never X/Z; while ``valid`` is high ``data``
and ``last`` are not X/Z; once ``valid`` is high without ``ready`` it stays high and
``data``/``last`` keep their values until the handshake; an output stream does not raise
``valid`` during reset (``check_reset_valid``).

A :class:`~ebpc_tb.bench.stream.StreamMonitor` feeds a checker the values it read anyway
(:meth:`ProtocolChecker.check` and its fast paths for the common cycles,
:meth:`ProtocolChecker.check_offer`, :meth:`ProtocolChecker.check_clean_handshake`);
:meth:`ProtocolChecker.sample` reads the bus itself (unit tests, standalone use). Cycles
with nothing offered and nothing pending cannot break a rule: the monitor counts them
without calling the checker.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from cocotb.simtime import get_sim_time

from .signals import resolve

__all__ = ["ProtocolChecker", "ProtocolError", "Cycle"]

# One cycle of a stream as a checker sees it: (valid, ready, data, last); None = X/Z.
Cycle = tuple[Optional[int], Optional[int], Optional[int], Optional[int]]


class ProtocolError(AssertionError):
    """A valid/ready protocol rule was broken."""


class ProtocolChecker:
    """Checks the valid/ready rules of one stream, one cycle at a time.

    Args:
        bus: the stream's handles (``valid``, ``ready``, ``data``, optional ``last``); read
            only by :meth:`sample`.
        name: the stream's name in messages.
        check_reset_valid: fail when ``valid`` is high during reset (output streams).
        log: where violations are logged besides being raised.
    """

    def __init__(self, bus: Any, name: str, *, check_reset_valid: bool = False,
                 log: logging.Logger | None = None) -> None:
        self.bus = bus
        self.name = name
        self.check_reset_valid = check_reset_valid
        self.log = log or logging.getLogger(f"cocotb.checker.{name}")
        self.has_last = getattr(bus, "last", None) is not None
        # (data, last) offered and not yet taken: valid, data and last must hold (None: none)
        self.pending: Optional[tuple[Optional[int], Optional[int]]] = None
        self.samples = 0          # cycles checked
        self.stalled_cycles = 0   # valid high, ready low
        self.gap_cycles = 0       # valid low, in the cycles checked here
        self.errors: list[str] = []

    def reset(self) -> None:
        self.pending = None

    def _fail(self, msg: str) -> None:
        try:
            when = f"{get_sim_time('ns')} ns"
        except RuntimeError:        # no simulator (unit tests)
            when = f"sample {self.samples}"
        full = f"protocol violation on stream '{self.name}' at {when}: {msg}"
        self.errors.append(full)
        self.log.error(full)
        raise ProtocolError(full)

    def sample(self, in_reset: bool = False) -> Cycle:
        """Read the bus and check the current cycle (call in ReadOnly)."""
        bus = self.bus
        if in_reset:
            return self.check_reset(resolve(bus.valid))
        valid = resolve(bus.valid)
        ready = resolve(bus.ready)
        data = last = None
        if valid:
            data = resolve(bus.data)
            last = resolve(bus.last) if self.has_last else 0
        return self.check(valid, ready, data, last)

    def check_reset(self, valid: Optional[int]) -> Cycle:
        """A cycle in reset: nothing pending; an output must not offer a word."""
        self.pending = None
        if self.check_reset_valid and valid == 1:
            self._fail("valid is high during reset")
        return 0, 0, None, 0

    def check_clean_handshake(self) -> None:
        """A handshake of known data with nothing pending: nothing can be wrong."""
        self.samples += 1

    def check_offer(self, offer: tuple[int, int], ready: Optional[int]) -> None:
        """A cycle in which a source offers ``offer`` = (data, last), one tuple per word that
        it holds until the handshake: the same tuple again is the same word, so only a new
        tuple while one is pending (or an X/Z ready) needs the full check."""
        pend = self.pending
        if pend is None or pend is offer:
            if ready == 0:
                self.samples += 1
                self.stalled_cycles += 1
                self.pending = offer
                return
            if ready == 1:
                self.samples += 1
                self.pending = None
                return
        self.check(1, ready, offer[0], offer[1])

    def check(self, valid: Optional[int], ready: Optional[int], data: Optional[int],
              last: Optional[int]) -> Cycle:
        """Check one cycle's values (``None`` = X/Z; ``data``/``last`` read only while valid)."""
        self.samples += 1
        if valid is None:
            self._fail("valid is X/Z")
        if ready is None:
            self._fail("ready is X/Z")
        if valid:
            if data is None:
                self._fail("data is X/Z while valid")
            if last is None:
                self._fail("last is X/Z while valid")
        pend = self.pending
        if pend is not None:
            if not valid:
                self._fail(f"valid dropped before the handshake (pending data=0x{pend[0]:x} last={pend[1]})")
            if data != pend[0] or last != pend[1]:
                self._fail(f"data/last changed before the handshake: 0x{pend[0]:x}/{pend[1]} -> 0x{data:x}/{last}")
        if valid and not ready:
            self.pending = (data, last)
            self.stalled_cycles += 1
        else:
            self.pending = None
            if not valid:
                self.gap_cycles += 1
        return valid, ready, data, last
