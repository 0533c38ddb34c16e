# SPDX-License-Identifier: Apache-2.0
"""The soak runs (``python -m ebpc_tb.flow.soak``, ``make soak``): not part of the regression.

The run's spec selects the test of the top being simulated (``select``) and sizes it
(``words``, ``corrupt``): see ebpc_tb.bench.soak.
"""

from __future__ import annotations

import cocotb

from ebpc_tb.bench.soak import soak_test
from ebpc_tb.spec import RunSpec

_TOP = RunSpec.from_env().select or "encoder"


@cocotb.test(skip=_TOP != "encoder")
async def soak_encoder(dut):
    """Millions of random and real-data words under random traffic: every ZNZ/BPC word checked."""
    await soak_test(dut, "encoder")


@cocotb.test(skip=_TOP != "decoder")
async def soak_decoder(dut):
    """Millions of words plus corrupted streams, each followed by a clean one decoding exactly."""
    await soak_test(dut, "decoder")


@cocotb.test(skip=_TOP != "loopback")
async def soak_loopback(dut):
    """Millions of words round-trip under random gaps, backpressure and link stalls."""
    await soak_test(dut, "loopback")
