# SPDX-License-Identifier: Apache-2.0
"""The soak runs (``python -m ebpc_tb.soak``, ``make soak``): not part of the regression.

EBPC_SOAK_TOP selects the test of the top being simulated; EBPC_SOAK_WORDS and
EBPC_SOAK_CORRUPT size it (see ebpc_tb.soak).
"""

from __future__ import annotations

import os

import cocotb

from ebpc_tb.soak import soak_test

_TOP = os.environ.get("EBPC_SOAK_TOP", "encoder")


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
