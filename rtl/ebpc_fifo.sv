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
module ebpc_fifo #(
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

  // Illegal parameters stop elaboration (missing module named after the rule).
  if (Width < 1 || Depth < 2 || (Depth & (Depth - 1)) != 0) begin : gen_param_error
    ebpc_fifo_ERROR_Width_ge_1_and_Depth_power_of_two_ge_2 u_param_error ();
  end

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
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      // nothing is checked in reset
    end else if (rst_ni) begin  // (and not while rst_ni is X)
      assert (!(push_i && full_o))
        else $fatal(1, "EBPC_ASSERT ebpc_fifo.push_full at %0t in %m: push into a full FIFO", $time);
      assert (!(pop_i && empty_o))
        else $fatal(1, "EBPC_ASSERT ebpc_fifo.pop_empty at %0t in %m: pop from an empty FIFO", $time);
      assert (32'(fill_q) <= Depth)
        else $fatal(1, "EBPC_ASSERT ebpc_fifo.fill_range at %0t in %m: fill %0d > %0d", $time, fill_q, Depth);
      assert (wr_ptr_q == AddrW'(rd_ptr_q + fill_q[AddrW-1:0]))
        else $fatal(1, "EBPC_ASSERT ebpc_fifo.pointers at %0t in %m: pointers and fill disagree", $time);
`ifndef FORMAL
      assert ((^{push_i, pop_i}) !== 1'bx)
        else $fatal(1, "EBPC_ASSERT ebpc_fifo.ctrl_known at %0t in %m: X/Z on push_i/pop_i", $time);
      assert (!(push_i && !full_o) || ((^data_i) !== 1'bx))
        else $fatal(1, "EBPC_ASSERT ebpc_fifo.data_known at %0t in %m: X/Z on data_i while pushed", $time);
`endif
    end
  end
  /* verilator coverage_on */
`endif
endmodule
