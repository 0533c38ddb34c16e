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
  logic init_q = 1'b1;
  always_ff @(posedge clk_i) init_q <= 1'b0;

  always_comb begin
    if (init_q) assume (!rst_ni);
    else        assume (rst_ni);
  end

  // Input protocol: an offered word holds until taken.
  logic                  len_stall_q = 1'b0, znz_stall_q = 1'b0, bpc_stall_q = 1'b0;
  logic [CountWidth-1:0] len_q;
  logic [Lanes*DataWidth+Lanes-1:0] znz_q, bpc_q;
  always_ff @(posedge clk_i) begin
    len_stall_q <= rst_ni && len_valid_i && !len_ready;
    znz_stall_q <= rst_ni && znz_valid_i && !znz_ready;
    bpc_stall_q <= rst_ni && bpc_valid_i && !bpc_ready;
    len_q       <= len_data_i;
    znz_q       <= {znz_last_i, znz_data_i};
    bpc_q       <= {bpc_last_i, bpc_data_i};
  end

  always_comb begin
    if (len_stall_q) assume (len_valid_i && len_data_i == len_q);
    if (znz_stall_q) assume (znz_valid_i && {znz_last_i, znz_data_i} == znz_q);
    if (bpc_stall_q) assume (bpc_valid_i && {bpc_last_i, bpc_data_i} == bpc_q);
    if (znz_valid_i) assume ($onehot0(znz_last_i));
    if (bpc_valid_i) assume ($onehot0(bpc_last_i));
  end

  // Output protocol: a waiting word holds valid, data and last until taken.
  logic               out_stall_q = 1'b0;
  logic [Lanes*DataWidth+Lanes-1:0] out_q;
  always_ff @(posedge clk_i) begin
    out_stall_q <= rst_ni && out_valid && !out_ready_i;
    out_q       <= {out_last, out_data};
  end

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
