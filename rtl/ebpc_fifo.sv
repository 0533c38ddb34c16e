// SPDX-License-Identifier: Apache-2.0
// EBPC: small synchronous FIFO (first-word-fall-through), used by the encoder and the loopback.
//
// Contract:
// - push_i writes data_i when !full_o; pop_i removes the head when !empty_o. A push into a
//   full FIFO or a pop of an empty one is a usage error (the word would be lost, or a word
//   that is not there taken): the logic ignores it and a simulation assertion stops the run.
// - head_o shows the oldest entry combinationally (valid while !empty_o): zero latency
//   from push to visibility in the next cycle; push and pop may happen in the same cycle.
// - Throughput: one push and one pop per cycle. Storage is a plain register array
//   (no reset needed for the data; pointers are reset).

`include "ebpc_assert.svh"

module ebpc_fifo import ebpc_pkg::*; #(
  parameter int Width = 8,  // entry width, >= 1
  parameter int Depth = 4   // number of entries, power of two, >= 2
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             push_i,
  input  logic [Width-1:0] data_i,
  input  logic             pop_i,
  output logic [Width-1:0] head_o,
  output logic             empty_o,
  output logic             full_o
);
  localparam int AddrW = (Depth > 1) ? $clog2(Depth) : 1;

  // Illegal parameters stop elaboration (rtl/ebpc_assert.svh).
  `EBPC_PARAM_CHECK(gen_param_error, Width >= 1 && Depth >= 2 && is_pow2(Depth),
                    $sformatf("ebpc_fifo: Width=%0d, Depth=%0d is illegal: need Width >= 1 and Depth a power of two >= 2", Width, Depth),
                    ebpc_fifo_ERROR_Width_ge_1_and_Depth_power_of_two_ge_2)

  logic [Width-1:0] mem_q [Depth];
  logic [AddrW-1:0] wr_ptr_q, rd_ptr_q;
  logic [AddrW:0]   fill_q;
  logic             do_push, do_pop;

  assign empty_o = (fill_q == '0);
  assign full_o  = (fill_q == (AddrW+1)'(Depth));
  assign head_o  = mem_q[rd_ptr_q];
  assign do_push = push_i && !full_o;
  assign do_pop  = pop_i && !empty_o;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_ptr_q <= '0;
      rd_ptr_q <= '0;
      fill_q   <= '0;
    end else begin
      if (do_push) wr_ptr_q <= wr_ptr_q + 1'b1;
      if (do_pop)  rd_ptr_q <= rd_ptr_q + 1'b1;
      if (do_push && !do_pop)      fill_q <= fill_q + 1'b1;
      else if (do_pop && !do_push) fill_q <= fill_q - 1'b1;
    end
  end

  // Data storage: no reset (contents are only read when valid).
  always_ff @(posedge clk_i) begin
    if (do_push) mem_q[wr_ptr_q] <= data_i;
  end

`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  // Assertions (simulation and formal, not synthesized; docs/verification.md). A
  // failure stops the simulation with "EBPC_ASSERT <module>.<name>" and the time.
  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    `EBPC_ASSERT_MSG("ebpc_fifo.push_full", !(push_i && full_o), "push into a full FIFO")
    `EBPC_ASSERT_MSG("ebpc_fifo.pop_empty", !(pop_i && empty_o), "pop from an empty FIFO")
    `EBPC_ASSERT_MSG("ebpc_fifo.fill_range", 32'(fill_q) <= Depth,
                     $sformatf("fill %0d > %0d", fill_q, Depth))
    `EBPC_ASSERT_MSG("ebpc_fifo.pointers", wr_ptr_q == AddrW'(rd_ptr_q + fill_q[AddrW-1:0]),
                     "pointers and fill disagree")
`ifndef FORMAL
    `EBPC_ASSERT_MSG("ebpc_fifo.ctrl_known", (^{push_i, pop_i}) !== 1'bx, "X/Z on push_i/pop_i")
    `EBPC_ASSERT_MSG("ebpc_fifo.data_known", !(push_i && !full_o) || ((^data_i) !== 1'bx),
                     "X/Z on data_i while pushed")
`endif
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif
endmodule
