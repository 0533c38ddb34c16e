// SPDX-License-Identifier: Apache-2.0
// Formal harness of ebpc_decoder (SymbiYosys, rtl/formal/formal.py --jobs decoder).
//
// Port level only (the decoder's internals are being redesigned): the inputs are free except
// for the input protocol (reset in the first cycle only; a word offered on len_*, znz_* or
// bpc_* holds until taken), assumed. Checked: the output holds valid, data and last until
// out_ready_i takes them. Covers: a transmission completes (an out last handshake, done_o
// clean and done_o with an error). EBPC_FORMAL_BROKEN adds a false property (no input is
// ever flagged as malformed) that the flow expects to FAIL. Assertions inside the decoder
// RTL (`ifndef SYNTHESIS blocks read with FORMAL defined), if any, are proven along.
// Lanes > 1 (formal.py's decoder_l2 job): beats of Lanes words; an offered beat's last is
// assumed zero or one-hot (the contract), the output's last is checked to be.
`include "ebpc_formal.svh"

module ebpc_decoder_formal #(
  parameter int DataWidth  = 8,
  parameter int BlockSize  = 8,
  parameter int MaxZeroRun = 16,
  parameter int CountWidth = 16,
  parameter int Lanes      = 1
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic                       len_valid_i,
  input  logic [CountWidth-1:0]      len_data_i,
  input  logic                       znz_valid_i,
  input  logic [Lanes*DataWidth-1:0] znz_data_i,
  input  logic [Lanes-1:0]           znz_last_i,
  input  logic                       bpc_valid_i,
  input  logic [Lanes*DataWidth-1:0] bpc_data_i,
  input  logic [Lanes-1:0]           bpc_last_i,
  input  logic                       out_ready_i
);
  logic                       len_ready, znz_ready, bpc_ready, out_valid, done;
  logic [Lanes-1:0]           out_last;
  logic [Lanes*DataWidth-1:0] out_data;
  logic [ebpc_pkg::ErrFlagsWidth-1:0] error;

  ebpc_decoder #(
    .DataWidth (DataWidth),
    .BlockSize (BlockSize),
    .MaxZeroRun(MaxZeroRun),
    .CountWidth(CountWidth),
    .Lanes     (Lanes)
  ) dut (
    .clk_i,
    .rst_ni,
    .len_valid_i,
    .len_ready_o (len_ready),
    .len_data_i,
    .znz_valid_i,
    .znz_ready_o (znz_ready),
    .znz_data_i,
    .znz_last_i,
    .bpc_valid_i,
    .bpc_ready_o (bpc_ready),
    .bpc_data_i,
    .bpc_last_i,
    .out_valid_o (out_valid),
    .out_ready_i,
    .out_data_o  (out_data),
    .out_last_o  (out_last),
    .done_o      (done),
    .error_o     (error)
  );

  // Reset in the first cycle only.
  `EBPC_FORMAL_RESET_FIRST_CYCLE

  // Input protocol: an offered word holds until taken; a beat's last is zero or one-hot.
  `EBPC_FORMAL_ASSUME_HOLD(len, CountWidth, len_valid_i, len_ready, len_data_i)
  `EBPC_FORMAL_ASSUME_BEAT(znz, Lanes, DataWidth, znz_valid_i, znz_ready, znz_data_i, znz_last_i)
  `EBPC_FORMAL_ASSUME_BEAT(bpc, Lanes, DataWidth, bpc_valid_i, bpc_ready, bpc_data_i, bpc_last_i)

  // Output protocol: a waiting word holds valid, data and last until taken.
  `EBPC_FORMAL_HOLD_REGS(out, Lanes * DataWidth + Lanes, out_valid, out_ready_i, {out_last, out_data})

  always @(posedge clk_i) begin
    if (rst_ni) begin
      if (out_stall_q) assert (out_valid && {out_last, out_data} == out_q);  // out_hold
      if (out_valid) assert ($onehot0(out_last));  // out_last_onehot
      cover (out_valid && out_ready_i && out_last != '0);
      cover (done && error == '0);
      cover (done && error != '0);
    end
  end

`ifdef EBPC_FORMAL_BROKEN
  // Deliberately false: malformed streams are flagged.
  always @(posedge clk_i) begin
    if (rst_ni) assert (!done || error == '0);  // planted_no_error
  end
`endif
endmodule
