# SPDX-License-Identifier: Apache-2.0
"""The scoreboard of the AXI4-Stream benches: whole packets against the golden model.

cocotbext-axi's sinks hand over whole packets (frames), so the AXI4-Stream benches score
packets, not words: each transmission expects one packet on each of its streams (the
encoder's ZNZ and, unless all its words are zero, BPC packet; the decoder's output
packet) and one ``done_o`` pulse, in order. A packet is compared word for word (or, for a
transmission whose output is not defined word for word, by its length); the first
difference fails with the stream, the transmission and the words around it.

``done_o`` pulses are paired with the transmissions in order and checked by each
transmission's own rule (word counts, error flags). They are not checked against the
packets' timing: a sink's packet arrives in its own coroutine, some time after the
handshake of its last word, so the order of the two is not observable here (the
valid/ready benches check that order word by word).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Callable, Optional

from .scoreboard import BaseScoreboard

__all__ = ["ExpectedPackets", "PacketScoreboard", "PacketMismatch"]

# A transmission's rule for its done_o pulse: what came with it -> a problem ("" when fine).
DoneCheck = Callable[[tuple[int, ...]], str]


class PacketMismatch(AssertionError):
    """A packet or a done_o pulse differs from the model."""


@dataclasses.dataclass
class ExpectedPackets:
    """One transmission: its expected packet per stream, and its done_o rule."""

    index: int
    name: str
    packets: dict[str, list[int]]     # stream -> expected words (no entry: no packet)
    done_check: DoneCheck
    exact: bool = True                # words compared (else only the packet lengths)
    received: set[str] = dataclasses.field(default_factory=set)
    done_seen: bool = False

    @property
    def complete(self) -> bool:
        return self.done_seen and len(self.received) == len(self.packets)


class PacketScoreboard(BaseScoreboard):
    """Checks packets and ``done_o`` pulses of a sequence of transmissions.

    Args:
        labels: stream -> how messages name its packets (``"ZNZ packet"`` ...).
    """

    failure = PacketMismatch

    def __init__(self, labels: dict[str, str], log: logging.Logger | None = None, context: str = "") -> None:
        super().__init__(log or logging.getLogger("cocotb.scoreboard.packets"), context)
        self.labels = labels
        self.expected: list[ExpectedPackets] = []
        self._next: dict[str, int] = {s: 0 for s in labels}   # per stream: index of the next packet's owner
        self._dones = 0
        self._complete = 0
        self.packets_checked = 0
        self.words_checked = 0
        self.done_records: list[tuple[int, ...]] = []

    # -- expectations ---------------------------------------------------------------------
    def expect(self, name: str, packets: dict[str, list[int]], done_check: DoneCheck,
               exact: bool = True) -> ExpectedPackets:
        exp = ExpectedPackets(len(self.expected), name, {s: list(w) for s, w in packets.items()},
                              done_check, exact)
        self.expected.append(exp)
        return exp

    @property
    def outstanding(self) -> int:
        return len(self.expected) - self._complete

    @property
    def first_outstanding(self) -> Optional[ExpectedPackets]:
        return next((e for e in self.expected if not e.complete), None)

    # -- what the DUT did --------------------------------------------------------------------
    def _owner(self, stream: str) -> Optional[ExpectedPackets]:
        """The transmission the next packet on ``stream`` belongs to (transmissions without a
        packet on that stream are skipped)."""
        i = self._next[stream]
        while i < len(self.expected) and stream not in self.expected[i].packets:
            i += 1
        self._next[stream] = i
        return self.expected[i] if i < len(self.expected) else None

    def on_packet(self, stream: str, words: list[int]) -> None:
        label = self.labels[stream]
        exp = self._owner(stream)
        if exp is None:
            self._raise(f"a {label} nobody expected ({len(words)} words: {words[:8]}...)")
        want = exp.packets[stream]
        if exp.exact:
            self.check_words(label, exp.name, want, words)
        elif len(words) != len(want):
            self._raise(f"{label} of {exp.name!r}: {len(words)} words, expected L={len(want)}")
        self._next[stream] += 1
        exp.received.add(stream)
        self.packets_checked += 1
        self.words_checked += len(words)
        self.progress += 1
        self._settle(exp)

    def on_done(self, record: tuple[int, ...]) -> None:
        """A done_o pulse with what came with it (counts, error flags)."""
        self.done_records.append(record)
        if self._dones >= len(self.expected):
            self._raise(f"done_o pulse {record} with no transmission outstanding")
        exp = self.expected[self._dones]
        problem = exp.done_check(record)
        if problem:
            self._raise(f"done_o of transmission {exp.name!r}: {problem}")
        exp.done_seen = True
        self._dones += 1
        self.progress += 1
        self._settle(exp)

    def _settle(self, exp: ExpectedPackets) -> None:
        if exp.complete:
            self._complete += 1

    # -- checks ---------------------------------------------------------------------------------
    def check_words(self, what: str, name: str, expected: list[int], actual: list[int]) -> None:
        """Fail unless ``actual`` equals ``expected``, naming the first difference."""
        if actual == expected:
            return
        first = next((i for i, (e, a) in enumerate(zip(expected, actual)) if e != a),
                     min(len(expected), len(actual)))
        self._raise(f"{what} of transmission {name!r}: {len(actual)} words, expected {len(expected)}; "
                   f"first difference at word {first}: expected {expected[first:first + 4]}, "
                   f"got {actual[first:first + 4]}")

    def _missing(self, exp: ExpectedPackets) -> str:
        missing = sorted(set(exp.packets) - exp.received)
        return (f"missing {', '.join(self.labels[s] for s in missing) or 'nothing'}"
                f"{'' if exp.done_seen else ' and its done_o pulse'}")

    def _checked_anything(self) -> bool:
        return self.packets_checked > 0 and self._dones > 0

    def summary(self) -> str:
        return (f"{len(self.expected)} transmissions, {self.packets_checked} packets "
                f"({self.words_checked} words) checked")
