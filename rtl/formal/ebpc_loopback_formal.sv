// SPDX-License-Identifier: Apache-2.0
// Formal harness of ebpc_loopback: end-to-end integrity (rtl/formal/formal.py --jobs loopback).
//
// The encoder's stream goes through the link FIFOs into the decoder (ebpc_loopback). The
// inputs are free except for the input protocol, assumed:
// - reset in the first cycle only;
// - a word offered on in_* holds valid, data and last until in_ready_o takes it; so does a
//   length offered on len_*;
// - every transmission has the same length L, a solver-chosen constant (anyconst, 1 .. 2^
//   CountWidth-1): in_last_i marks exactly the L-th word of each transmission, and len_data_i
//   is L (the decoder needs each transmission's length; one constant keeps the harness free
//   of a length queue and still lets the solver pick any length and any number of
//   transmissions within the bound);
// - the words' values, out_ready_i and both link stalls are free in every cycle.
// Properties (tracked-word technique):
// - e2e_value: the word accepted on in_* at the solver-chosen index K (anyconst, counted over
//   all words since reset) leaves on out_* at index K with the same value;
// - e2e_no_extra: a word leaves only when more words went in than came out (nothing leaves
//   that was not put in; with e2e_value, the K-th word out is the K-th word in for every K);
// - e2e_last: out_last_o is set exactly on the L-th word of each output transmission (the
//   count per transmission matches the input's);
// - e2e_clean: every done_o reports no error (the decoder accepts the encoder's streams);
// - e2e_done_count: no more done_o pulses than transmissions that went in.
// The RTL's own assertions (both cores, the link FIFOs, the loopback) are proven along.
// EBPC_FORMAL_BROKEN replaces e2e_value with a wrong one (the K-th word leaves incremented):
// the flow expects it to FAIL, which shows that the tracked comparison is live.
// Words and indices: the counters are IdxWidth bits wide (no wrap within the bounds run).
`include "ebpc_formal.svh"

module ebpc_loopback_formal #(
  parameter int DataWidth    = 8,
  parameter int BlockSize    = 8,
  parameter int MaxZeroRun   = 16,
  parameter int CountWidth   = 8,
  parameter int ZnzFifoDepth = 8,
  parameter int BpcFifoDepth = 32,
  parameter int IdxWidth     = 8
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  in_valid_i,
  input  logic [DataWidth-1:0]  in_data_i,
  input  logic                  in_last_i,
  input  logic                  len_valid_i,
  input  logic                  out_ready_i,
  input  logic                  znz_stall_i,
  input  logic                  bpc_stall_i
);
  logic                            in_ready, len_ready, out_valid, done, enc_done;
  logic [DataWidth-1:0]            out_data;
  logic                            out_last;
  logic [ebpc_pkg::ErrFlagsWidth-1:0] error;
  logic [CountWidth-1:0]           enc_znz_count, enc_bpc_count;

  // Solver-chosen constants: the transmissions' length and the tracked index. Registers with
  // no initial value that keep it: the solver picks the value (the slang frontend does not
  // take the anyconst attribute).
  logic [CountWidth-1:0] len_c;
  logic [IdxWidth-1:0]   idx_c;
  always_ff @(posedge clk_i) begin
    len_c <= len_c;
    idx_c <= idx_c;
  end

  ebpc_loopback #(
    .DataWidth   (DataWidth),
    .BlockSize   (BlockSize),
    .MaxZeroRun  (MaxZeroRun),
    .CountWidth  (CountWidth),
    .ZnzFifoDepth(ZnzFifoDepth),
    .BpcFifoDepth(BpcFifoDepth)
  ) dut (
    .clk_i,
    .rst_ni,
    .in_valid_i,
    .in_ready_o     (in_ready),
    .in_data_i,
    .in_last_i,
    .len_valid_i,
    .len_ready_o    (len_ready),
    .len_data_i     (len_c),
    .out_valid_o    (out_valid),
    .out_ready_i,
    .out_data_o     (out_data),
    .out_last_o     (out_last),
    .done_o         (done),
    .error_o        (error),
    .znz_stall_i,
    .bpc_stall_i,
    .enc_done_o     (enc_done),
    .enc_znz_count_o(enc_znz_count),
    .enc_bpc_count_o(enc_bpc_count)
  );

  // Reset in the first cycle only.
  `EBPC_FORMAL_RESET_FIRST_CYCLE

  logic in_fire, out_fire;
  assign in_fire  = rst_ni && in_valid_i && in_ready;
  assign out_fire = rst_ni && out_valid && out_ready_i;

  // Input protocol: an offered word (and an offered length, always L) holds until taken.
  `EBPC_FORMAL_ASSUME_HOLD(in, DataWidth + 1, in_valid_i, in_ready, {in_last_i, in_data_i})
  `EBPC_FORMAL_ASSUME_HOLD(len, CountWidth, len_valid_i, len_ready, len_c)

  // Word counters: over all words since reset, and the position in the transmission.
  logic [IdxWidth-1:0]   in_cnt_q = '0, out_cnt_q = '0, in_tx_q = '0, done_cnt_q = '0;
  logic [CountWidth-1:0] in_pos_q = '0, out_pos_q = '0;
  logic [DataWidth-1:0]  rec_q;
  logic                  seen_q = 1'b0;
  always_ff @(posedge clk_i) begin
    if (in_fire) begin
      in_cnt_q <= in_cnt_q + 1'b1;
      in_pos_q <= in_last_i ? '0 : in_pos_q + 1'b1;
      if (in_last_i) in_tx_q <= in_tx_q + 1'b1;
      if (in_cnt_q == idx_c) begin
        rec_q  <= in_data_i;
        seen_q <= 1'b1;
      end
    end
    if (out_fire) begin
      out_cnt_q <= out_cnt_q + 1'b1;
      out_pos_q <= out_last ? '0 : out_pos_q + 1'b1;
    end
    if (rst_ni && done) done_cnt_q <= done_cnt_q + 1'b1;
  end

  always_comb begin
    assume (len_c != '0);
    // Each transmission has L words.
    if (in_valid_i) assume (in_last_i == (in_pos_q == len_c - 1'b1));
    // The counters do not wrap within the bound (IdxWidth wide enough for the depth run).
    assume (in_cnt_q != '1);
  end

  always @(posedge clk_i) begin
    if (rst_ni) begin
      // Nothing leaves that was not put in.
      if (out_fire) assert (out_cnt_q < in_cnt_q);  // e2e_no_extra
`ifndef EBPC_FORMAL_BROKEN
      // The K-th word out is the K-th word in.
      if (out_fire && out_cnt_q == idx_c) assert (seen_q && out_data == rec_q);  // e2e_value
`else
      // Deliberately false: the K-th word leaves changed (plus one). Refuted as soon as any
      // tracked word leaves: the comparison is live. (An off-by-one index needs a non-zero word
      // decoded, some 18 cycles deep: too slow for the regression's BMC.)
      if (out_fire && out_cnt_q == idx_c) assert (seen_q && out_data == rec_q + 1'b1);  // e2e_broken
`endif
      // Every output transmission has L words.
      if (out_fire) assert (out_last == (out_pos_q == len_c - 1'b1));  // e2e_last
      // The decoder accepts every stream the encoder produced.
      if (done) assert (error == '0);  // e2e_clean
      if (done) assert (done_cnt_q < in_tx_q);  // e2e_done_count
      // Reached: the tracked word leaves (not the first one), and a second transmission
      // completes.
      cover (out_fire && out_cnt_q == idx_c && idx_c != '0);
      cover (done && done_cnt_q == 1);
    end
  end

  logic unused;
  assign unused = ^{enc_done, enc_znz_count, enc_bpc_count};
endmodule
