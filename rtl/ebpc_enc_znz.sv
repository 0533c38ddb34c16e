// SPDX-License-Identifier: Apache-2.0
// EBPC encoder: ZNZ (zero / non-zero run-length) symbol generator.
//
// Contract:
// - word_fire_i: a word is consumed this cycle; word_zero_i says whether it is zero,
//   word_last_i whether it is the last word of its transmission.
// - sym_len_o/sym_bits_o: the ZNZ bits this word completes, combinationally in the same cycle
//   (0 bits: a zero word that extends an open run). At most one run symbol plus one `1`:
//   2 + log2(MaxZeroRun) bits. sym_bits_o is right-aligned, MSB-first, clean above sym_len_o.
// - A run is emitted as soon as it reaches MaxZeroRun, at the next non-zero word, or at the last
//   word of the transmission; the run state is cleared after a last word.
// - Throughput: one word per cycle, no stall of its own. No handshake: the caller only asserts
//   word_fire_i when the packer can take the longest symbol.

`include "ebpc_assert.svh"

module ebpc_enc_znz import ebpc_pkg::*; #(
  parameter int MaxZeroRun = 16,
  localparam int LogZ      = $clog2(MaxZeroRun),
  localparam int SymWidth  = znz_run_bits(MaxZeroRun) + 1  // a run symbol and a `1`
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic                          word_fire_i,
  input  logic                          word_zero_i,
  input  logic                          word_last_i,
  output logic [SymWidth-1:0]           sym_bits_o,
  output logic [$clog2(SymWidth+1)-1:0] sym_len_o
);

  localparam int LenWidth = $clog2(SymWidth + 1);

  logic [LogZ-1:0] run_q, run_d;  // zero words seen in the open run (0 .. MaxZeroRun-1)

  logic close_run;  // a zero word completes the run (it reaches MaxZeroRun or ends the input)

  assign close_run = (run_q == LogZ'(MaxZeroRun - 1)) || word_last_i;

  // Zero word: emit `0` + (run length - 1) = `0` + run_q when the run closes, else count it.
  // Non-zero word: close an open run of run_q zeros (`0` + run_q-1), then emit `1`.
  assign sym_bits_o = !word_fire_i ? '0 :
                      word_zero_i  ? (close_run ? SymWidth'(run_q) : '0) :
                      (run_q != '0) ? {1'b0, run_q - 1'b1, 1'b1} : SymWidth'(1);
  assign sym_len_o  = !word_fire_i ? '0 :
                      word_zero_i  ? (close_run ? LenWidth'(LogZ + 1) : '0) :
                      (run_q != '0) ? LenWidth'(LogZ + 2) : LenWidth'(1);
  assign run_d      = !word_fire_i ? run_q :
                      (word_zero_i && !close_run) ? run_q + 1'b1 : '0;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q <= '0;
    end else begin
      run_q <= run_d;
    end
  end

`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  // Assertions (simulation and formal, not synthesized; docs/verification.md).
  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // A symbol holds at most SymWidth bits, clean above its length.
    // (constant at some parameter values: the length field can hold no more)
    /* verilator lint_off CMPCONST */
    `EBPC_ASSERT_MSG("ebpc_enc_znz.sym_bits", 32'(sym_len_o) <= SymWidth && (sym_bits_o >> sym_len_o) == '0,
                     $sformatf("%0d bits, or bits above the length", sym_len_o))
    /* verilator lint_on CMPCONST */
    // The run counter never wraps: a run at MaxZeroRun-1 zeros closes with the next zero.
    `EBPC_ASSERT("ebpc_enc_znz.run_wrap", !(word_fire_i && word_zero_i && !close_run && run_q == '1))
    // Every non-zero word emits its `1`; a word without bits is a zero extending a run.
    `EBPC_ASSERT("ebpc_enc_znz.nonzero_symbol",
                 !word_fire_i || word_zero_i || (sym_len_o != '0 && sym_bits_o[0]))
`ifndef FORMAL
    `EBPC_ASSERT_MSG("ebpc_enc_znz.in_known",
                     ((^word_fire_i) !== 1'bx) && (!word_fire_i || (^{word_zero_i, word_last_i}) !== 1'bx),
                     "X/Z on the word flags")
`endif
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif

endmodule
