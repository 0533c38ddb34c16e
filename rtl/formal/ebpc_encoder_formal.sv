// SPDX-License-Identifier: Apache-2.0
// Formal harness of ebpc_encoder (SymbiYosys, rtl/formal/formal.py; make formal).
//
// The inputs are free (any value in any cycle) except for what the input protocol promises:
// - reset in the first cycle, none afterwards;
// - a word offered on in_* holds valid, data and last until in_ready_o takes it.
// Under these assumptions the RTL's own assertions (`ifndef SYNTHESIS blocks of the encoder, its
// submodules and its FIFOs, read with FORMAL defined) are the properties proven, and the covers
// below show that a transmission completes on every output. EBPC_FORMAL_BROKEN adds a property
// that does not hold (the input is stalled by the ZNZ port only): the flow expects it to FAIL.
// EnableCounts defaults to the encoder's 0 (proven unboundedly); EnableCounts = 1 adds the word
// counts (formal.py's encoder_counts job, bounded: see ebpc_enc_packer.count_wrap there).
// Lanes > 1 (formal.py's encoder_l2 job): beats of Lanes words; an offered beat's last is
// assumed zero or one-hot (the contract), the outputs' last is checked to be.
`include "ebpc_formal.svh"

module ebpc_encoder_formal #(
  parameter int DataWidth    = 8,
  parameter int BlockSize    = 8,
  parameter int MaxZeroRun   = 16,
  parameter int EnableCounts = 0,
  parameter int Lanes        = 1
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic                       in_valid_i,
  input  logic [Lanes*DataWidth-1:0] in_data_i,
  input  logic [Lanes-1:0]           in_last_i,
  input  logic                       znz_ready_i,
  input  logic                       bpc_ready_i
);
  logic                       in_ready, znz_valid, bpc_valid, done;
  logic [Lanes-1:0]           znz_last, bpc_last;
  logic [Lanes*DataWidth-1:0] znz_data, bpc_data;
  logic [15:0]                znz_count, bpc_count;

  ebpc_encoder #(
    .DataWidth   (DataWidth),
    .BlockSize   (BlockSize),
    .MaxZeroRun  (MaxZeroRun),
    .EnableCounts(EnableCounts),
    .Lanes       (Lanes)
  ) dut (
    .clk_i,
    .rst_ni,
    .in_valid_i,
    .in_ready_o  (in_ready),
    .in_data_i,
    .in_last_i,
    .znz_valid_o (znz_valid),
    .znz_ready_i,
    .znz_data_o  (znz_data),
    .znz_last_o  (znz_last),
    .bpc_valid_o (bpc_valid),
    .bpc_ready_i,
    .bpc_data_o  (bpc_data),
    .bpc_last_o  (bpc_last),
    .done_o      (done),
    .znz_count_o (znz_count),
    .bpc_count_o (bpc_count)
  );

  // Reset in the first cycle only.
  `EBPC_FORMAL_RESET_FIRST_CYCLE

  // Input protocol: an offered word holds until taken; a beat's last is zero or one-hot.
  `EBPC_FORMAL_ASSUME_BEAT(in, Lanes, DataWidth, in_valid_i, in_ready, in_data_i, in_last_i)

  // A transmission completes on every output.
  always @(posedge clk_i) begin
    if (rst_ni) begin
      if (znz_valid) assert ($onehot0(znz_last));  // znz_last_onehot
      if (bpc_valid) assert ($onehot0(bpc_last));  // bpc_last_onehot
      cover (znz_valid && znz_ready_i && znz_last != '0);
      cover (bpc_valid && bpc_ready_i && bpc_last != '0);
      if (EnableCounts == 1) begin
        cover (done && znz_count != '0 && bpc_count != '0);
        cover (done && bpc_count == '0);   // an all-zero transmission: no BPC word
      end else begin
        cover (done);
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // Inductive invariants: what the unbounded proof (k-induction) needs besides the RTL's own
  // assertions. They hold from reset by construction; the proof checks them like any other
  // property. A transmission is "in flight" from its last input word to done_o (the encoder's
  // infl_q); each stream counts its done events that wait for the other's (*_wait_q). Every
  // other in-flight transmission is still inside that stream's path:
  // - ZNZ: in the packer, flushing its final word (at most one);
  // - BPC: in the collector (its last block waits: closed_q), in the coder (it holds the last
  //   block: last_q, or a block the collector has since marked as the last: end_q) or in the
  //   packer (flushing).
  // ---------------------------------------------------------------------------------------
  logic [2:0] znz_path, bpc_path;
  assign znz_path = 3'(dut.u_znz_packer.flush_q);
  assign bpc_path = 3'(dut.u_collector.closed_q) + 3'(dut.u_bpc_packer.flush_q) +
                    3'(dut.u_coder.busy_q && (dut.u_coder.last_q || dut.u_collector.end_q));

  always @(posedge clk_i) begin
    if (rst_ni) begin
      assert (3'(dut.infl_q) == 3'(dut.znz_wait_q) + znz_path);  // inv_znz_in_flight
      assert (3'(dut.infl_q) == 3'(dut.bpc_wait_q) + bpc_path);  // inv_bpc_in_flight
      // The collector's end_q and sent_q speak of the block in the coder: one loaded without
      // last whose final chunk waits for the verdict.
      assert (!dut.u_collector.end_q || (dut.u_coder.busy_q && !dut.u_coder.last_q && !dut.u_coder.empty_q));  // inv_end_in_coder
      assert (!dut.u_collector.sent_q || (dut.u_coder.busy_q && !dut.u_coder.last_q && !dut.u_collector.end_q &&
                                          !dut.u_collector.closed_q && dut.u_collector.cnt_q == '0));  // inv_sent_in_coder
    end
  end

`ifdef EBPC_FORMAL_BROKEN
  // Deliberately false: the BPC coder and the in-flight limit stall the input too.
  always @(posedge clk_i) begin
    if (rst_ni) assert (!(in_valid_i && znz_ready_i) || in_ready);  // planted_ready
  end
`endif

  logic unused;
  assign unused = ^{znz_data, bpc_data};
endmodule
