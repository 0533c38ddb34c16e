// SPDX-License-Identifier: Apache-2.0
// EBPC: the input-protocol pieces every formal harness of rtl/formal/ shares
// (`include "ebpc_formal.svh"; rtl/formal/formal.py passes it to each job's files and reads
// the sources with -I .). Harness-only: read with FORMAL defined, never by simulation or
// synthesis.
//
// Contract (at module level of a harness with the clock clk_i and the reset rst_ni, which are
// inputs of the harness and drive the DUT):
// - EBPC_FORMAL_RESET_FIRST_CYCLE: assumes rst_ni low in the first cycle and high in every
//   later one (a register init_q, set at time zero, cleared at the first edge).
// - EBPC_FORMAL_HOLD_REGS(name, width, valid, ready, payload): registers name_stall_q (an
//   offer of valid was not taken by ready at the last edge, out of reset; zero at time zero)
//   and name_q (payload at the last edge, width bits; a concatenation is one argument). The
//   harness checks or assumes with them what a stalled offer must repeat.
// - EBPC_FORMAL_ASSUME_HOLD(name, width, valid, ready, payload): the same registers and the
//   assumption that a stalled offer stays: valid again with the same payload.
// - EBPC_FORMAL_ASSUME_BEAT(name, lanes, width, valid, ready, data, last): a beat stream's
//   input protocol: EBPC_FORMAL_ASSUME_HOLD of {last, data} (lanes*width + lanes bits) and
//   an offered beat's last assumed zero or one-hot (one lane marks a packet's final word).
// Only assumptions come from these macros: the harnesses write their assertions and covers
// themselves (formal.py names a harness's properties after its `assert (...)  // name` lines).

`ifndef EBPC_FORMAL_SVH
`define EBPC_FORMAL_SVH

`define EBPC_FORMAL_RESET_FIRST_CYCLE \
  logic init_q = 1'b1; \
  always_ff @(posedge clk_i) init_q <= 1'b0; \
  always_comb begin \
    if (init_q) assume (!rst_ni); \
    else        assume (rst_ni); \
  end

`define EBPC_FORMAL_HOLD_REGS(__name, __width, __valid, __ready, __payload) \
  logic               __name``_stall_q = 1'b0; \
  logic [__width-1:0] __name``_q; \
  always_ff @(posedge clk_i) begin \
    __name``_stall_q <= rst_ni && __valid && !__ready; \
    __name``_q       <= __payload; \
  end

`define EBPC_FORMAL_ASSUME_HOLD(__name, __width, __valid, __ready, __payload) \
  `EBPC_FORMAL_HOLD_REGS(__name, __width, __valid, __ready, __payload) \
  always_comb begin \
    if (__name``_stall_q) assume (__valid && __payload == __name``_q); \
  end

`define EBPC_FORMAL_ASSUME_BEAT(__name, __lanes, __width, __valid, __ready, __data, __last) \
  `EBPC_FORMAL_ASSUME_HOLD(__name, (__lanes) * (__width) + (__lanes), __valid, __ready, {__last, __data}) \
  always_comb begin \
    if (__valid) assume ($onehot0(__last)); \
  end

`endif  // EBPC_FORMAL_SVH
