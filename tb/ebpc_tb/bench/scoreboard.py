# SPDX-License-Identifier: Apache-2.0
"""Scoreboards: compare DUT stream words with the golden model as they arrive.

:class:`EncoderScoreboard`
    Expected ZNZ and BPC words of every queued transmission come from
    ``ebpc.encode``.  Each handshaken word is checked immediately; the first
    mismatch logs the stream, transmission, word index, expected/actual words
    (hex and binary) and the ``ebpc.symbol_trace`` around the first differing
    bit, then raises :class:`ScoreboardError` (fails the test).
    ``done_o`` pulses are checked against the word counts.
:class:`DecoderScoreboard`
    Expected output words are the original values as W-bit unsigned numbers,
    ``last`` on the final one, then a ``done_o`` pulse with the expected
    ``error_o`` (for malformed streams: a required error mask and a mask of
    flags that may accompany it; the output words are then only counted).

Both keep statistics and :meth:`final_check` fails a run that scored nothing or
still misses words.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
from typing import NoReturn, Optional

import ebpc

__all__ = [
    "ScoreboardError",
    "BaseScoreboard",
    "EncoderScoreboard",
    "DecoderScoreboard",
    "ExpectedEncoding",
    "ExpectedDecoding",
    "ERROR_NAMES",
    "error_names",
]

# The decoder's error_o bits, named by the model (bit i is ERROR_NAMES[i]).
ERROR_NAMES = list(ebpc.FLAG_NAMES)
error_names = ebpc.flag_names


class ScoreboardError(AssertionError):
    """A DUT output differs from the model."""


def _fmt_word(v: Optional[int], w: int) -> str:
    if v is None:
        return "<none>"
    return f"0x{v:0{(w + 3) // 4}x} 0b{v:0{w}b}"


class BaseScoreboard:
    """What the scoreboards share (:class:`~ebpc_tb.bench.base.Scoreboard` is what the bench
    needs of them): messages start with the run's ``context``, the first failure is logged,
    kept and raised (``failure``), and :meth:`final_check` fails on it again, on an incomplete
    transmission (the oldest named) or on a run that checked nothing.

    A subclass keeps ``_done_q`` (the transmissions still waiting for their done_o pulse, or
    overrides ``outstanding`` and ``first_outstanding``), says what an incomplete one misses
    (``_missing``) and whether anything was checked (``_checked_anything``).
    """

    failure: type[AssertionError] = ScoreboardError

    def __init__(self, log: logging.Logger, context: str) -> None:
        self.log = log
        self.context = context
        self.errors: list[str] = []
        self.progress = 0          # bumps on every checked event (watchdog)
        self._done_q: collections.deque = collections.deque()

    @property
    def outstanding(self) -> int:
        return len(self._done_q)

    @property
    def first_outstanding(self):
        """The oldest transmission still waiting for words or its done_o (None: none)."""
        return self._done_q[0] if self._done_q else None

    def _raise(self, msg: str) -> NoReturn:
        msg = f"{self.context}{msg}"
        self.errors.append(msg)
        self.log.error(msg)
        raise self.failure(msg)

    def _missing(self, exp) -> str:
        raise NotImplementedError

    def _checked_anything(self) -> bool:
        raise NotImplementedError

    def describe_first(self) -> str:
        """The oldest incomplete transmission and what it still misses ("" when none is)."""
        first = self.first_outstanding
        return "" if first is None else f"first: #{first.index} {first.name!r}: {self._missing(first)}"

    def final_check(self) -> None:
        """Fail on an earlier failure, missing words / packets / done pulses, or a run that
        scored nothing."""
        if self.errors:
            raise self.failure(self.errors[0])
        if self.outstanding:
            raise self.failure(f"{self.context}{self.outstanding} transmission(s) incomplete; "
                               f"{self.describe_first()}")
        if not self._checked_anything():
            raise self.failure(f"{self.context}the scoreboard checked nothing")


@dataclasses.dataclass
class ExpectedEncoding:
    index: int
    name: str
    values: list[int]
    znz: list[int]
    bpc: list[int]
    znz_bits: int
    bpc_bits: int
    znz_seen: int = 0
    bpc_seen: int = 0
    znz_end: int | None = None     # engine cycle of the final word
    bpc_end: int | None = None
    done_seen: bool = False


class EncoderScoreboard(BaseScoreboard):
    """Checks the encoder's ZNZ/BPC streams and ``done_o`` against ``ebpc.encode``."""

    def __init__(self, width: int, block: int, max_zero_run: int,
                 log: logging.Logger | None = None, context: str = "", inject_fault: str | None = None):
        super().__init__(log or logging.getLogger("cocotb.scoreboard.encoder"), context)
        self.w, self.n, self.z = width, block, max_zero_run
        self.inject_fault = inject_fault
        self.pending: collections.deque[ExpectedEncoding] = collections.deque()
        self._znz_q: collections.deque[ExpectedEncoding] = collections.deque()
        self._bpc_q: collections.deque[ExpectedEncoding] = collections.deque()
        self._done_q: collections.deque[ExpectedEncoding] = collections.deque()
        self.count = 0
        self.words_checked = {"znz": 0, "bpc": 0}
        self.transmissions_done = 0
        self.last_done: ExpectedEncoding | None = None

    # -- expectations ---------------------------------------------------------
    def expect(self, values: list[int], name: str = "", znz: list[int] | None = None,
               bpc: list[int] | None = None) -> ExpectedEncoding:
        """Queue a transmission; expected words from ``ebpc.encode`` unless given (conformance)."""
        enc = ebpc.encode(values, self.w, self.n, self.z)
        exp = ExpectedEncoding(self.count, name or f"tx{self.count}", list(values),
                               [int(x) for x in (enc.znz if znz is None else znz)],
                               [int(x) for x in (enc.bpc if bpc is None else bpc)],
                               int(enc.znz_bits), int(enc.bpc_bits))
        if self.inject_fault in ("znz", "bpc") and self.count == 2:
            words = exp.znz if self.inject_fault == "znz" else exp.bpc
            if words:
                words[0] ^= 1          # bench self-test: this transmission must fail
        self.count += 1
        for queue in self._queues():
            queue.append(exp)
        return exp

    def _queues(self) -> tuple[collections.deque[ExpectedEncoding], ...]:
        return (self.pending, self._znz_q, self._bpc_q, self._done_q)

    def flush(self) -> None:
        """Forget every outstanding transmission (after a reset)."""
        for queue in self._queues():
            queue.clear()

    # -- monitors' callbacks --------------------------------------------------
    def on_znz(self, beat) -> None:
        self._on_word("znz", beat)

    def on_bpc(self, beat) -> None:
        self._on_word("bpc", beat)

    def _on_word(self, stream: str, beat) -> None:
        q = self._znz_q if stream == "znz" else self._bpc_q
        # an all-zero transmission has no BPC word
        while stream == "bpc" and q and not q[0].bpc:
            q.popleft()
        if not q:
            self._fail(stream, None, None, beat, "unexpected word: no transmission outstanding")
        exp = q[0]
        words = exp.znz if stream == "znz" else exp.bpc
        idx = exp.znz_seen if stream == "znz" else exp.bpc_seen
        want = words[idx]
        want_last = idx == len(words) - 1
        if beat.data != want or beat.last != want_last:
            what = "word differs" if beat.data != want else f"last={int(beat.last)}, expected {int(want_last)}"
            self._fail(stream, exp, idx, beat, what)
        if stream == "znz":
            exp.znz_seen += 1
            if want_last:
                exp.znz_end = beat.cycle
        else:
            exp.bpc_seen += 1
            if want_last:
                exp.bpc_end = beat.cycle
        self.words_checked[stream] += 1
        self.progress += 1
        if want_last:
            q.popleft()

    def on_done(self, znz_count: int | None, bpc_count: int | None, cycle: int | None = None) -> None:
        """A ``done_o`` pulse seen in engine cycle ``cycle`` (call it after the monitors saw that cycle)."""
        if not self._done_q:
            self._raise(f"done_o pulse with no transmission outstanding "
                             f"(znz_count={znz_count} bpc_count={bpc_count})")
        exp = self._done_q.popleft()
        problems = []
        late = cycle is not None and ((exp.znz_end or 0) > cycle or (exp.bpc_end or 0) > cycle)
        if exp.znz_seen != len(exp.znz) or exp.bpc_seen != len(exp.bpc) or late:
            problems.append(f"done_o before all words were handed over: ZNZ {exp.znz_seen}/{len(exp.znz)}, "
                            f"BPC {exp.bpc_seen}/{len(exp.bpc)}")
        # (None: a build without word counts; the bench checked that they read 0)
        if znz_count is not None and znz_count != len(exp.znz):
            problems.append(f"znz_count_o={znz_count}, expected {len(exp.znz)}")
        if bpc_count is not None and bpc_count != len(exp.bpc):
            problems.append(f"bpc_count_o={bpc_count}, expected {len(exp.bpc)}")
        if problems:
            self._raise(f"transmission #{exp.index} '{exp.name}' (L={len(exp.values)}): " + "; ".join(problems))
        exp.done_seen = True
        self.last_done = exp
        if self.pending and self.pending[0] is exp:
            self.pending.popleft()
        else:
            try:
                self.pending.remove(exp)
            except ValueError:
                pass
        self.transmissions_done += 1
        self.progress += 1

    # -- reporting ------------------------------------------------------------
    def _fail(self, stream: str, exp: Optional[ExpectedEncoding], idx: Optional[int], beat, what: str) -> None:
        w = self.w
        lines = [f"ENCODER MISMATCH on {stream.upper()} stream: {what}"]
        if exp is None:
            lines.append(f"  actual   {_fmt_word(beat.data, w)} last={int(beat.last)}")
            self._raise("\n".join(lines))
        words = exp.znz if stream == "znz" else exp.bpc
        bits = exp.znz_bits if stream == "znz" else exp.bpc_bits
        want = words[idx]
        lines.append(f"  transmission #{exp.index} '{exp.name}', L={len(exp.values)}, "
                     f"W={w} N={self.n} Z={self.z}; word {idx} of {len(words)} ({bits} coded bits)")
        lines.append(f"  expected {_fmt_word(want, w)} last={int(idx == len(words) - 1)}")
        lines.append(f"  actual   {_fmt_word(beat.data, w)} last={int(beat.last)}")
        diff = want ^ beat.data
        first_bit = idx * w + ((w - diff.bit_length()) if diff else 0)
        lines.append(f"  first differing bit: stream bit offset {first_bit}")
        lines.append(f"  words so far (expected): {[hex(x) for x in words[max(0, idx - 3):idx + 3]]}")
        try:
            trace = [s for s in ebpc.symbol_trace(exp.values, w, self.n, self.z) if s.stream == stream]
            near = [i for i, s in enumerate(trace) if s.bit_offset <= first_bit]
            centre = near[-1] if near else 0
            lines.append(f"  symbol trace around bit {first_bit} ({stream}):")
            for s in trace[max(0, centre - 6):centre + 6]:
                mark = " <==" if s is trace[centre] else ""
                lines.append(f"    bit {s.bit_offset:6d} blk/word {s.block:5d} plane/cnt {s.plane:3d} "
                             f"{s.kind:13s} {s.bits}{mark}")
        except Exception as exc:  # the trace is a debugging aid only
            lines.append(f"  (symbol trace unavailable: {exc})")
        if len(exp.values) <= 64:
            lines.append(f"  input values: {exp.values}")
        else:
            lines.append(f"  input values[0:64]: {exp.values[:64]} ...")
        self._raise("\n".join(lines))

    def _missing(self, exp: ExpectedEncoding) -> str:
        return (f"L={len(exp.values)}, ZNZ {exp.znz_seen}/{len(exp.znz)} words, BPC {exp.bpc_seen}/{len(exp.bpc)} "
                f"words, done_o {'seen' if exp.done_seen else 'missing'}")

    def _checked_anything(self) -> bool:
        return self.words_checked["znz"] > 0 and self.transmissions_done > 0

    def summary(self) -> str:
        return (f"{self.transmissions_done} transmissions, {self.words_checked['znz']} ZNZ + "
                f"{self.words_checked['bpc']} BPC words checked")


@dataclasses.dataclass
class ExpectedDecoding:
    index: int
    name: str
    length: int
    out: list[int]             # expected words (unsigned); empty when not compared
    compare: bool = True
    error: int = 0             # required error flags
    allowed: int = 0           # further flags that may accompany them
    any_of: int = 0            # if non-zero, at least one of these flags
    detail: str = ""           # input streams, for failure messages
    values: list[int] | None = None   # signed input values of a well-formed transmission
    seen: int = 0
    end: int | None = None         # engine cycle of the final output word
    done_seen: bool = False


class DecoderScoreboard(BaseScoreboard):
    """Checks the decoder's output words, ``last``, ``done_o`` and ``error_o``."""

    def __init__(self, width: int, log: logging.Logger | None = None, context: str = "",
                 inject_fault: str | None = None):
        super().__init__(log or logging.getLogger("cocotb.scoreboard.decoder"), context)
        self.w = width
        self.inject_fault = inject_fault
        self.mask = (1 << width) - 1
        self._out_q: collections.deque[ExpectedDecoding] = collections.deque()
        self._done_q: collections.deque[ExpectedDecoding] = collections.deque()
        self.count = 0
        self.words_checked = 0
        self.transmissions_done = 0
        self.errors_seen: collections.Counter = collections.Counter()
        self.flagged = 0               # done_o pulses with a non-zero error_o
        self.last_done: ExpectedDecoding | None = None
        self._lengths_taken = 0        # lengths L >= 1 the decoder has taken
        self._znz_streams_taken = 0    # ZNZ streams it has taken through `last`

    def expect(self, values: list[int], name: str = "") -> ExpectedDecoding:
        exp = ExpectedDecoding(self.count, name or f"tx{self.count}", len(values),
                               [int(v) & self.mask for v in values], values=[int(v) for v in values])
        return self._push(exp)

    def expect_error(self, length: int, error: int, allowed: int = 0, name: str = "",
                     values: list[int] | None = None, any_of: int = 0) -> ExpectedDecoding:
        """Expect ``length`` output words (compared if ``values`` given) and error flags:
        all of ``error``, optionally some of ``allowed``, at least one of ``any_of`` (if set)."""
        exp = ExpectedDecoding(self.count, name or f"tx{self.count}", length,
                               [int(v) & self.mask for v in values] if values is not None else [],
                               compare=values is not None, error=error, allowed=allowed, any_of=any_of)
        return self._push(exp)

    def _push(self, exp: ExpectedDecoding) -> ExpectedDecoding:
        if self.inject_fault == "out" and self.count == 2 and exp.compare and exp.out:
            exp.out[0] ^= 1            # bench self-test: this transmission must fail
        self.count += 1
        if exp.length > 0:
            self._out_q.append(exp)
        self._done_q.append(exp)
        return exp

    def flush(self) -> None:
        """Forget every outstanding transmission (after a reset)."""
        self._out_q.clear()
        self._done_q.clear()
        self._lengths_taken = self._znz_streams_taken = 0

    def on_len(self, beat) -> None:
        """A length taken: one more transmission whose ZNZ stream the decoder may read."""
        if beat.data != 0:
            self._lengths_taken += 1

    def on_znz(self, beat) -> None:
        """The decoder takes ZNZ words only for a transmission whose length L >= 1 it has taken
        (README / ebpc_decoder.sv: each ZNZ stream belongs, in order, to one such length)."""
        if self._znz_streams_taken >= self._lengths_taken:
            self._fail(f"ZNZ word {_fmt_word(beat.data, self.w)} taken before its transmission's length "
                       f"({self._lengths_taken} length(s) L >= 1 taken, {self._znz_streams_taken} ZNZ "
                       f"stream(s) complete)")
        if beat.last:
            self._znz_streams_taken += 1

    def on_out(self, beat) -> None:
        if not self._out_q:
            self._fail(f"unexpected output word {_fmt_word(beat.data, self.w)} last={int(beat.last)}: "
                       f"no transmission outstanding")
        exp = self._out_q[0]
        idx = exp.seen
        want_last = idx == exp.length - 1
        if exp.compare and beat.data != exp.out[idx]:
            self._fail(f"DECODER MISMATCH: transmission #{exp.index} '{exp.name}' (L={exp.length}) word {idx}\n"
                       f"  expected {_fmt_word(exp.out[idx], self.w)}\n  actual   {_fmt_word(beat.data, self.w)}\n"
                       f"  expected words around: {[hex(x) for x in exp.out[max(0, idx - 3):idx + 4]]}"
                       + (f"\n  inputs: {exp.detail}" if exp.detail else ""))
        if beat.last != want_last:
            self._fail(f"DECODER LAST: transmission #{exp.index} '{exp.name}' (L={exp.length}) word {idx}: "
                       f"last={int(beat.last)}, expected {int(want_last)}")
        exp.seen += 1
        self.words_checked += 1
        self.progress += 1
        if want_last:
            exp.end = beat.cycle
            self._out_q.popleft()

    def on_done(self, error: int, cycle: int | None = None) -> None:
        """A ``done_o`` pulse seen in engine cycle ``cycle`` (call it after the monitors saw that cycle)."""
        if not self._done_q:
            self._fail(f"done_o pulse (error_o={error:#04x} {error_names(error)}) with no transmission outstanding")
        exp = self._done_q.popleft()
        problems = []
        if exp.seen != exp.length or (cycle is not None and (exp.end or 0) > cycle):
            problems.append(f"done_o before the final output word ({exp.seen} of {exp.length} seen by then)")
        if ((error & exp.error) != exp.error or (error & ~(exp.error | exp.allowed | exp.any_of))
                or (exp.any_of and not error & exp.any_of)):
            problems.append(f"error_o={error:#04x} ({error_names(error)}), expected {exp.error:#04x} "
                            f"({error_names(exp.error)})"
                            + (f", at least one of {error_names(exp.any_of)}" if exp.any_of else "")
                            + (f", optionally {error_names(exp.allowed)}" if exp.allowed else ""))
        if problems:
            self._fail(f"transmission #{exp.index} '{exp.name}' (L={exp.length}): " + "; ".join(problems)
                       + (f"\n  inputs: {exp.detail}" if exp.detail else ""))
        exp.done_seen = True
        self.last_done = exp
        self.flagged += bool(error)
        for i in range(8):
            if error >> i & 1:
                self.errors_seen[ERROR_NAMES[i]] += 1
        self.transmissions_done += 1
        self.progress += 1

    def _fail(self, msg: str) -> NoReturn:
        prev = self.last_done
        if prev is not None and prev.detail:
            msg += f"\n  previous transmission: #{prev.index} '{prev.name}' {prev.detail}"
        self._raise(msg)

    def _missing(self, exp: ExpectedDecoding) -> str:
        return f"L={exp.length}, {exp.seen}/{exp.length} output words, done_o {'seen' if exp.done_seen else 'missing'}"

    def _checked_anything(self) -> bool:
        return self.transmissions_done > 0

    def summary(self) -> str:
        s = f"{self.transmissions_done} transmissions, {self.words_checked} output words checked"
        return s + (f", {self.flagged} with error flags" if self.flagged else "")
