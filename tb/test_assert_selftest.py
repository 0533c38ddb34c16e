# SPDX-License-Identifier: Apache-2.0
"""cocotb self-test of the RTL assertions (``ifndef SYNTHESIS`` blocks of rtl/ebpc_enc*.sv,
rtl/ebpc_fifo.sv, rtl/ebpc_axis_*.sv): each test provokes one class of assertion on
``ebpc_encoder`` (``fire_keep``: on ``ebpc_axis_encoder`` with two lanes) and is
*expected to fail* with ``EBPC_ASSERT <module>.<name>``, the time and the instance.

Run one test per simulation (a firing assertion ends the simulation with ``$fatal``):
tb/tests/test_assertions.py does that for every test below under Icarus and Verilator and
checks the failure and its message. A test that gets to its end without the assertion firing
fails with "did not fire" instead (and then the message check fails).

Classes: input protocol (in_hold), output port (out_hold), internal handshake (chk_hold),
X/Z (in_ctrl_known; Icarus only, Verilator is two-state), FIFO overflow (push_full) and
underflow (pop_empty), counter wrap (count_wrap), block invariant (wait_count), the TKEEP
rule of the AXI4-Stream tops (s_axis_tkeep).
"""

from __future__ import annotations

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge, ReadOnly, RisingEdge
from cocotb.types import Logic

CLOCK_NS = 10


async def _start(dut, znz_ready: int = 1, bpc_ready: int = 1) -> None:
    dut.rst_ni.value = 0
    dut.in_valid_i.value = 0
    dut.in_data_i.value = 0
    dut.in_last_i.value = 0
    dut.znz_ready_i.value = znz_ready
    dut.bpc_ready_i.value = bpc_ready
    Clock(dut.clk_i, CLOCK_NS, unit="ns").start()
    await ClockCycles(dut.clk_i, 3)
    dut.rst_ni.value = 1
    await RisingEdge(dut.clk_i)


async def _send(dut, words: list[int]) -> None:
    """Drive one transmission by the valid/ready rules."""
    for i, word in enumerate(words):
        dut.in_valid_i.value = 1
        dut.in_data_i.value = word
        dut.in_last_i.value = int(i == len(words) - 1)
        while True:
            await RisingEdge(dut.clk_i)
            await ReadOnly()
            fired = int(dut.in_ready_o.value) == 1
            await FallingEdge(dut.clk_i)
            if fired:
                break
    dut.in_valid_i.value = 0
    dut.in_last_i.value = 0


def _did_not_fire(what: str) -> AssertionError:
    return AssertionError(f"the {what} assertion did not fire")


async def _wait_for(dut, cond, cycles: int = 400) -> None:
    """Return in the middle of the cycle *after* one where ``cond`` held: the assertions
    compare a handshake's state across a clock edge, so a violation must follow an edge at
    which the stall was sampled."""
    for _ in range(cycles):
        await RisingEdge(dut.clk_i)
        await ReadOnly()
        if cond():
            await RisingEdge(dut.clk_i)
            await FallingEdge(dut.clk_i)
            return
    raise AssertionError("the condition to provoke the assertion never came")


@cocotb.test()
async def fire_in_hold(dut):
    """Input protocol: in_valid_i dropped while in_ready_o is low."""
    await _start(dut, znz_ready=0, bpc_ready=0)
    dut.in_valid_i.value = 1
    dut.in_data_i.value = 0x5A
    dut.in_last_i.value = 0
    await _wait_for(dut, lambda: int(dut.in_ready_o.value) == 0)
    dut.in_valid_i.value = 0          # the violation
    await ClockCycles(dut.clk_i, 4)
    raise _did_not_fire("ebpc_encoder.in_hold")


@cocotb.test()
async def fire_out_hold(dut):
    """Output port: the ZNZ word changes while it waits for znz_ready_i."""
    await _start(dut, znz_ready=0, bpc_ready=1)
    cocotb.start_soon(_send(dut, [1] * 12))
    await _wait_for(dut, lambda: int(dut.znz_valid_o.value) == 1)
    buf = dut.u_znz_packer.buf_q
    width = len(buf)
    buf.value = int(buf.value) ^ (1 << (width - 1))   # flip the oldest (output) bit
    await ClockCycles(dut.clk_i, 4)
    raise _did_not_fire("ebpc_enc_packer.out_hold")


@cocotb.test()
async def fire_chk_hold(dut):
    """Internal handshake: the coder's chunk changes while the BPC packer does not take it."""
    await _start(dut, znz_ready=1, bpc_ready=0)
    cocotb.start_soon(_send(dut, [(7 * i + 3) & 0xFF or 1 for i in range(40)]))
    coder = dut.u_coder
    await _wait_for(dut, lambda: int(coder.chk_valid_o.value) == 1 and int(coder.chk_ready_i.value) == 0)
    planes = coder.planes_q
    planes.value = int(planes.value) ^ ((1 << len(planes)) - 1)
    await ClockCycles(dut.clk_i, 4)
    raise _did_not_fire("ebpc_enc_bpc_coder.chk_hold")


@cocotb.test()
async def fire_x_known(dut):
    """X/Z: in_valid_i driven X after reset (Icarus; Verilator has no X)."""
    await _start(dut)
    dut.in_valid_i.value = Logic("X")
    await ClockCycles(dut.clk_i, 4)
    raise _did_not_fire("ebpc_encoder.in_ctrl_known")


async def _force_fill(fifo, fill: int, clk) -> None:
    """Every cycle, make the FIFO look as holding ``fill`` entries (pointers consistent)."""
    while True:
        await FallingEdge(clk)
        depth = 1 << len(fifo.wr_ptr_q)
        fifo.fill_q.value = fill
        fifo.wr_ptr_q.value = (int(fifo.rd_ptr_q.value) + fill) % depth


async def _count_fifo_forced(dut, full: bool, name: str) -> None:
    """Send a transmission while the ZNZ count FIFO is held full or empty (EnableCounts=1)."""
    await _start(dut)
    fifo = dut.gen_counts.u_znz_count_fifo
    cocotb.start_soon(_force_fill(fifo, (1 << len(fifo.wr_ptr_q)) if full else 0, dut.clk_i))
    await _send(dut, [1, 2, 0, 3])
    await ClockCycles(dut.clk_i, 40)
    raise _did_not_fire(name)


@cocotb.test()
async def fire_push_full(dut):
    """FIFO overflow: a word count pushed into the (made) full count FIFO (EnableCounts=1)."""
    await _count_fifo_forced(dut, True, "ebpc_fifo.push_full")


@cocotb.test()
async def fire_pop_empty(dut):
    """FIFO underflow: done_o pops the (made) empty count FIFO (EnableCounts=1)."""
    await _count_fifo_forced(dut, False, "ebpc_fifo.pop_empty")


@cocotb.test()
async def fire_count_wrap(dut):
    """Counter wrap: a transmission of more words than CountWidth=2 bits can count."""
    await _start(dut)
    await _send(dut, [(37 * i + 11) & 0xFF or 1 for i in range(48)])
    await ClockCycles(dut.clk_i, 40)
    raise _did_not_fire("ebpc_enc_packer.count_wrap")


@cocotb.test()
async def fire_wait_count(dut):
    """Block invariant: a ZNZ done event waiting with no transmission in flight."""
    await _start(dut)
    await FallingEdge(dut.clk_i)
    dut.znz_wait_q.value = 1
    await ClockCycles(dut.clk_i, 4)
    raise _did_not_fire("ebpc_encoder.wait_count")


@cocotb.test()
async def fire_keep(dut):
    """TKEEP rule (ebpc_axis_encoder, Lanes = 2): a beat without TLAST that keeps one word."""
    dut.rst_ni.value = 0
    dut.s_axis_tvalid.value = 0
    dut.s_axis_tdata.value = 0
    dut.s_axis_tkeep.value = 0
    dut.s_axis_tlast.value = 0
    dut.m_axis_znz_tready.value = 1
    dut.m_axis_bpc_tready.value = 1
    Clock(dut.clk_i, CLOCK_NS, unit="ns").start()
    await ClockCycles(dut.clk_i, 3)
    dut.rst_ni.value = 1
    await FallingEdge(dut.clk_i)
    dut.s_axis_tvalid.value = 1
    dut.s_axis_tdata.value = 0x0201
    dut.s_axis_tkeep.value = 0b01        # only the low word kept, but no TLAST: illegal
    await ClockCycles(dut.clk_i, 3)
    raise _did_not_fire("ebpc_axis_encoder.s_axis_tkeep")
