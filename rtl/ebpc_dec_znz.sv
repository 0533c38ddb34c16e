// SPDX-License-Identifier: Apache-2.0
// EBPC decoder: ZNZ stream front end (bit buffer + the symbol at its head).
//
// Contract:
// - Words are accepted while en_i is high (the output stage is parsing a transmission's
//   symbols) and until the word carrying `last` is in the buffer.
// - sym_valid_o: a complete symbol is at the head: a non-zero word (sym_nz_o) or a zero run
//   of sym_run_o + 1 words. sym_take_i removes it (only with sym_valid_o); with sym_final_i
//   it is the transmission's final symbol: the stream must end with the word holding it
//   (sym_clean_o: that word carries `last`), the buffer then drops the padding; otherwise
//   the rest of the stream is discarded through `last` (busy_o meanwhile).
// - trunc_o: the `last` word is in and no complete symbol is left.
// - drain_i: discard the rest of the stream through `last` (after a ZNZ error; with trunc_o
//   the buffer is emptied at once). busy_o: discarding.
// - Throughput: one symbol per cycle, one word per cycle in.

`include "ebpc_assert.svh"

module ebpc_dec_znz import ebpc_pkg::*; #(
  parameter int DataWidth  = 8,
  parameter int MaxZeroRun = 16
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic                          en_i,
  input  logic                          znz_valid_i,
  output logic                          znz_ready_o,
  input  logic [DataWidth-1:0]          znz_data_i,
  input  logic                          znz_last_i,
  output logic                          sym_valid_o,
  output logic                          sym_nz_o,
  output logic [$clog2(MaxZeroRun)-1:0] sym_run_o,
  input  logic                          sym_take_i,
  input  logic                          sym_final_i,
  output logic                          sym_clean_o,
  output logic                          trunc_o,
  input  logic                          drain_i,
  output logic                          busy_o
);
  localparam int W       = DataWidth;
  localparam int LogZ    = $clog2(MaxZeroRun);
  localparam int SymBits = znz_run_bits(MaxZeroRun);
  localparam int BufBits = (SymBits > W) ? SymBits + W : 2 * W;
  localparam int CntW    = $clog2(BufBits + 1);

  logic               busy_q, busy_d;
  logic               drain, flush;
  logic [CntW-1:0]    take, cnt, sym_len;
  logic [BufBits-1:0] win;
  logic               last_in;

  ebpc_dec_bitbuf #(
    .DataWidth(W),
    .BufBits  (BufBits),
    .CntWidth (CntW)
  ) u_buf (
    .clk_i,
    .rst_ni,
    .en_i     (en_i),
    .drain_i  (drain),
    .flush_i  (flush),
    .take_i   (take),
    .valid_i  (znz_valid_i),
    .ready_o  (znz_ready_o),
    .data_i   (znz_data_i),
    .last_i   (znz_last_i),
    .win_o    (win),
    .cnt_o    (cnt),
    .last_in_o(last_in)
  );

  assign sym_nz_o    = win[BufBits-1];
  assign sym_run_o   = win[BufBits-2 -: LogZ];
  assign sym_len     = sym_nz_o ? CntW'(1) : CntW'(SymBits);
  assign sym_valid_o = !busy_q && (cnt >= sym_len);
  assign sym_clean_o = last_in && (cnt - sym_len < CntW'(W));
  assign trunc_o     = !busy_q && last_in && (cnt < sym_len);
  assign busy_o      = busy_q;

  always_comb begin
    busy_d = busy_q;
    take   = '0;
    drain  = 1'b0;
    flush  = 1'b0;
    if (busy_q) begin
      if (last_in) begin
        flush  = 1'b1;
        busy_d = 1'b0;
      end else begin
        drain = 1'b1;
      end
    end else if (drain_i) begin
      busy_d = 1'b1;
    end else if (sym_take_i) begin
      take = sym_len;
      if (sym_final_i) begin
        if (sym_clean_o) flush = 1'b1;
        else busy_d = 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) busy_q <= 1'b0;
    else         busy_q <= busy_d;
  end
`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  // Assertions (simulation and formal, not synthesized; docs/verification.md). A
  // failure stops the simulation with "EBPC_ASSERT <module>.<name>", the time and the instance.
  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // A symbol is taken only when complete, never while discarding, never with a drain.
    `EBPC_ASSERT("ebpc_dec_znz.take_invalid", !sym_take_i || (sym_valid_o && !drain_i))
    `EBPC_ASSERT("ebpc_dec_znz.drain_twice", !drain_i || !busy_q)
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif
endmodule
