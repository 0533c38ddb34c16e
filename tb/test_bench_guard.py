# SPDX-License-Identifier: Apache-2.0
"""Self-test of the benches' "no silent pass" rule (run by tb/tests/test_no_silent_pass.py).

Each ``guard_*`` test misuses the encoder bench in one way and must FAIL; ``control`` uses it
properly and must pass (the guard does not fail good tests).  Not part of a simulation
regression of its own: the pytest test checks the outcome of every test here.
"""

from __future__ import annotations

import cocotb

from ebpc_tb.spec import RunSpec
from ebpc_tb.bench.env import EncoderBench


@cocotb.test()
async def control(dut):
    """Proper use: start, send, finish -> passes."""
    tb = EncoderBench(dut, RunSpec.from_env(), "control")
    await tb.start()
    tb.send([1, 0, 0, 5, -3, 7, 0, 2, 9], "control")
    await tb.finish()


@cocotb.test()
async def guard_no_finish(dut):
    """Words sent and scored, but the test returns without finish(): must fail."""
    tb = EncoderBench(dut, RunSpec.from_env(), "guard_no_finish")
    await tb.start()
    tb.send([3, 1, 4, 1, 5, 9, 2, 6], "no finish")
    await tb.wait_all()


@cocotb.test()
async def guard_nothing_sent(dut):
    """finish() on a bench that never sent a word: the scoreboard checked nothing -> must fail."""
    tb = EncoderBench(dut, RunSpec.from_env(), "guard_nothing_sent")
    await tb.start()
    await tb.finish()


@cocotb.test()
async def guard_no_start(dut):
    """A bench built and left alone (not started, nothing sent, no finish) -> must fail."""
    EncoderBench(dut, RunSpec.from_env(), "guard_no_start")


@cocotb.test()
async def guard_assert_still_reported(dut):
    """A test failing on its own keeps its own error (the guard adds none) -> must fail."""
    tb = EncoderBench(dut, RunSpec.from_env(), "guard_assert_still_reported")
    await tb.start()
    raise AssertionError("deliberate failure of guard_assert_still_reported")
