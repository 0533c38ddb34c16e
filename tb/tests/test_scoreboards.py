# SPDX-License-Identifier: Apache-2.0
"""The scoreboards' shared rules (ebpc_tb.bench.scoreboard.BaseScoreboard), without a simulator.

Each scoreboard (encoder, decoder, AXI4-Stream packets) fails a run that checked nothing,
names the oldest incomplete transmission and what it misses, keeps its first failure (the
final check raises it again) and starts every message with the run's context.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ebpc_tb.bench.packets import PacketMismatch, PacketScoreboard
from ebpc_tb.bench.scoreboard import DecoderScoreboard, EncoderScoreboard, ScoreboardError


def _encoder() -> EncoderScoreboard:
    return EncoderScoreboard(8, 8, 16, context="[ctx] ")


def _decoder() -> DecoderScoreboard:
    return DecoderScoreboard(8, context="[ctx] ")


def _packets() -> PacketScoreboard:
    return PacketScoreboard({"out": "output packet"}, context="[ctx] ")


@pytest.mark.parametrize("make,error", [(_encoder, ScoreboardError), (_decoder, ScoreboardError),
                                        (_packets, PacketMismatch)])
def test_nothing_checked_fails(make, error) -> None:
    with pytest.raises(error, match=r"^\[ctx\] the scoreboard checked nothing$"):
        make().final_check()


def test_an_incomplete_transmission_is_named_with_what_it_misses() -> None:
    enc = _encoder()
    enc.expect([1, 2, 0, 3], "a")
    assert enc.describe_first() == "first: #0 'a': L=4, ZNZ 0/1 words, BPC 0/5 words, done_o missing"
    with pytest.raises(ScoreboardError, match=r"^\[ctx\] 1 transmission\(s\) incomplete; first: #0 'a': L=4, ZNZ"):
        enc.final_check()
    dec = _decoder()
    dec.expect([5, 6], "b")
    with pytest.raises(ScoreboardError, match=r"incomplete; first: #0 'b': L=2, 0/2 output words, done_o missing"):
        dec.final_check()
    pkt = _packets()
    pkt.expect("c", {"out": [1]}, lambda record: "")
    with pytest.raises(PacketMismatch, match=r"first: #0 'c': missing output packet and its done_o pulse"):
        pkt.final_check()


def test_the_first_failure_is_kept_and_raised_again() -> None:
    dec = _decoder()
    with pytest.raises(ScoreboardError, match=r"^\[ctx\] unexpected output word"):
        dec.on_out(SimpleNamespace(data=3, last=True, cycle=1))
    dec.expect([1], "later")
    with pytest.raises(ScoreboardError, match="unexpected output word"):
        dec.final_check()
    pkt = _packets()
    with pytest.raises(PacketMismatch, match=r"^\[ctx\] done_o pulse \(0,\) with no transmission outstanding"):
        pkt.on_done((0,))
    assert pkt.errors == ["[ctx] done_o pulse (0,) with no transmission outstanding"]


def test_a_flush_forgets_what_was_expected() -> None:
    enc = _encoder()
    enc.expect([1, 2], "a")
    enc.flush()
    assert enc.outstanding == 0 and enc.describe_first() == "" and not enc.pending
