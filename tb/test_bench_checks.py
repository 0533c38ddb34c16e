# SPDX-License-Identifier: Apache-2.0
"""Self-test of the benches' own checks (run by tb/tests/test_bench_checks.py), on the encoder.

``control`` uses the bench properly and must pass (neither check fails a good test).

* No silent pass: each ``guard_*`` test misuses the bench in one way and must FAIL.
* Parameter check: each ``wrong_*`` test builds a bench with a spec that differs from the
  build in one parameter (W, N, PlanesPerCycle, Lanes) and must FAIL with the bench's
  one-line message naming it.

Not part of a simulation regression of its own: the pytest test checks every outcome here.
"""

from __future__ import annotations

import dataclasses

import cocotb

from ebpc_tb.bench.env import EncoderBench
from ebpc_tb.spec import RunSpec, rtl_defaults


def _spec(**changes) -> RunSpec:
    return dataclasses.replace(RunSpec.from_env(), **changes)


@cocotb.test()
async def control(dut):
    """Proper use with the run's own spec: start, send, finish -> passes."""
    tb = EncoderBench(dut, RunSpec.from_env(), "control")
    await tb.start()
    tb.send([1, 0, 0, 5, -3, 7, 0, 2, 9], "control")
    await tb.finish()


# -- no silent pass ------------------------------------------------------------------------
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


# -- parameter check -----------------------------------------------------------------------
@cocotb.test()
async def wrong_block(dut):
    """A spec with another BlockSize than the build: must fail."""
    cfg = RunSpec.from_env()
    EncoderBench(dut, _spec(block=cfg.block * 2), "wrong_block")


@cocotb.test()
async def wrong_width(dut):
    """A spec with another DataWidth than the build: must fail."""
    cfg = RunSpec.from_env()
    EncoderBench(dut, _spec(width=16 if cfg.width != 16 else 32), "wrong_width")


@cocotb.test()
async def wrong_planes(dut):
    """A spec whose further HDL parameters say another PlanesPerCycle than the build: must fail."""
    cfg = RunSpec.from_env()
    planes = dict(cfg.params).get("PlanesPerCycle", rtl_defaults("encoder", cfg.width)["PlanesPerCycle"]) + 1
    EncoderBench(dut, _spec(params=tuple(sorted({**dict(cfg.params), "PlanesPerCycle": planes}.items()))),
                 "wrong_planes")


@cocotb.test()
async def wrong_lanes(dut):
    """A spec saying Lanes=2 (its other parameters the build's) on a one-lane build: must fail
    (a bench would pack two words per beat into a one-word port)."""
    cfg = RunSpec.from_env()
    params = {**rtl_defaults("encoder", cfg.width), **dict(cfg.params), "Lanes": 2}
    EncoderBench(dut, _spec(params=tuple(sorted(params.items()))), "wrong_lanes")
