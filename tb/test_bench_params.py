# SPDX-License-Identifier: Apache-2.0
"""Self-test of the benches' parameter check (run by tb/tests/test_bench_params.py).

The DUT is the encoder built at the run's parameters. ``control`` builds a bench with the
run's own spec and must pass; each ``wrong_*`` test builds one with a spec that differs
from the build in one parameter and must FAIL with the bench's one-line message naming it.
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
    """The run's own spec: the check passes and the bench works."""
    tb = EncoderBench(dut, RunSpec.from_env(), "control")
    await tb.start()
    tb.send([1, 0, 0, 5, -3, 7, 0, 2, 9], "control")
    await tb.finish()


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
