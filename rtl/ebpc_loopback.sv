// SPDX-License-Identifier: Apache-2.0
// EBPC loopback: ebpc_encoder -> (ZNZ and BPC links) -> ebpc_decoder.
//
// Contract:
// - in_* is the encoder's input stream (in_last_i on the last word of a transmission);
//   len_* gives the decoder the length L of each transmission (the bench supplies it, in
//   the same order); out_*, done_o and error_o are the decoder's (see ebpc_decoder.sv).
// - Both links go through FIFOs (ZnzFifoDepth / BpcFifoDepth words). The decoder reads
//   its ZNZ stream in step with its output and needs a block's BPC words before that
//   block's first word goes out, while the encoder finishes a block's BPC words only once
//   the next block has started (or the transmission ended): every ZNZ word coded from a
//   block's first non-zero word to the next block's first must fit in the ZNZ link, or the
//   two cores wait on each other. That stretch has no bound in general (zero runs between
//   the non-zero words); ZnzFifoDepth (default 512 words) covers the benches' transmissions.
//   Fed from memory, where the two streams do not wait on each other, the decoder needs no
//   such buffer.
//   The BPC link FIFO: the encoder may finish BPC words of a block before the ZNZ beat
//   holding that block's non-zero symbols (a ZNZ beat needs Lanes*W symbols, e.g. 4 blocks at
//   W=32, N=8, one lane). Default depth: room for the BPC words of Lanes*W/N+2 blocks.
//   znz_stall_i / bpc_stall_i block the encoder-to-FIFO ZNZ / BPC link for the cycle they
//   are high (valid and ready both masked, so no word moves), letting a bench add
//   backpressure and gaps.
// - enc_done_o, enc_znz_count_o, enc_bpc_count_o: the encoder's done pulse and the word
//   counts of both streams of the transmission it finished (for throughput bounds).
// - Lanes: words per beat of the encoder (input and both links); DecLanes (default Lanes) those
//   of the decoder (its input streams and the output): with DecLanes != Lanes the links are
//   converted word for word (ebpc_beat_convert), so a stream of a Lanes-lane encoder is
//   decoded by a DecLanes-lane decoder. The link FIFOs hold beats (depths in words / Lanes).
// - Parameters: DataWidth, BlockSize, MaxZeroRun, CountWidth as in both cores;
//   PlanesPerCycle is the decoder's (plane symbols decoded per cycle), EncPlanesPerCycle
//   the encoder's (bit-planes coded per cycle); both default to the cores' defaults.
// - Throughput/latency: those of the two cores in series (the BPC FIFO adds one cycle of
//   latency on that link, no throughput loss).

`include "ebpc_assert.svh"

module ebpc_loopback import ebpc_pkg::*; #(
  parameter int DataWidth         = 8,
  parameter int BlockSize         = 8,
  parameter int MaxZeroRun        = 16,
  parameter int Lanes             = 1,      // the encoder's words per beat (1, 2, 4, 8)
  parameter int DecLanes          = Lanes,  // the decoder's
  parameter int PlanesPerCycle    = dec_planes_per_cycle_lanes(DataWidth, DecLanes),
  parameter int EncPlanesPerCycle = enc_planes_per_cycle(DataWidth, Lanes),
  parameter int CountWidth        = 16,
  // ZNZ link buffer (words, power of two), see above.
  parameter int ZnzFifoDepth      = 512,
  // BPC link buffer (words, power of two): >= (B*W/N + 2) blocks of at most N+2 words each, B
  // the larger of Lanes and DecLanes (a ZNZ beat on either side holds the symbols of B*W words:
  // their blocks wait in this link for it).
  parameter int BpcFifoDepth      = 1 << $clog2(((Lanes > DecLanes ? Lanes : DecLanes) * DataWidth / BlockSize + 2) *
                                                (BlockSize + 2) + 8 * (Lanes > DecLanes ? Lanes : DecLanes))
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // Encoder input.
  input  logic                     in_valid_i,
  output logic                     in_ready_o,
  input  logic [Lanes*DataWidth-1:0] in_data_i,
  input  logic [Lanes-1:0]         in_last_i,
  // Decoder length input.
  input  logic                     len_valid_i,
  output logic                     len_ready_o,
  input  logic [CountWidth-1:0]    len_data_i,
  // Decoder output.
  output logic                     out_valid_o,
  input  logic                     out_ready_i,
  output logic [DecLanes*DataWidth-1:0] out_data_o,
  output logic [DecLanes-1:0]      out_last_o,
  output logic                     done_o,
  output logic [ErrFlagsWidth-1:0] error_o,
  // Link control and encoder status.
  input  logic                     znz_stall_i,
  input  logic                     bpc_stall_i,
  output logic                     enc_done_o,
  output logic [CountWidth-1:0]    enc_znz_count_o,
  output logic [CountWidth-1:0]    enc_bpc_count_o
);
  `EBPC_PARAM_CHECK(gen_bad_dec_lanes, lanes_ok(DecLanes),
                    $sformatf("ebpc_loopback: DecLanes=%0d is illegal: must be 1, 2, 4 or 8", DecLanes),
                    ebpc_loopback_ERROR_DecLanes_must_be_1_2_4_or_8)

  // The links carry the encoder's beats: Lanes words and the one-hot last.
  localparam int Beat    = Lanes * (DataWidth + 1);
  localparam int ZnzBeats = (ZnzFifoDepth / Lanes > 2) ? ZnzFifoDepth / Lanes : 2;
  localparam int BpcBeats = (BpcFifoDepth / Lanes > 2) ? BpcFifoDepth / Lanes : 2;

  logic                       enc_znz_valid, enc_znz_ready, enc_bpc_valid, enc_bpc_ready;
  logic [Lanes-1:0]           enc_znz_last, enc_bpc_last;
  logic [Lanes*DataWidth-1:0] enc_znz_data, enc_bpc_data;
  logic                       link_znz_ready, link_bpc_ready;
  logic                       bf_push, bf_empty, bf_full;
  logic [Beat-1:0]            bf_head;
  logic                       zf_push, zf_empty, zf_full;
  logic [Beat-1:0]            zf_head;
  // The decoder's side of the links (DecLanes words per beat).
  logic                          dec_znz_valid, dec_znz_ready, dec_bpc_valid, dec_bpc_ready;
  logic [DecLanes-1:0]           dec_znz_last, dec_bpc_last;
  logic [DecLanes*DataWidth-1:0] dec_znz_data, dec_bpc_data;

  ebpc_encoder #(
    .DataWidth     (DataWidth),
    .BlockSize     (BlockSize),
    .MaxZeroRun    (MaxZeroRun),
    .Lanes         (Lanes),
    .PlanesPerCycle(EncPlanesPerCycle),
    .CountWidth    (CountWidth),
    .EnableCounts  (1)
  ) u_encoder (
    .clk_i,
    .rst_ni,
    .in_valid_i,
    .in_ready_o,
    .in_data_i,
    .in_last_i,
    .znz_valid_o(enc_znz_valid),
    .znz_ready_i(enc_znz_ready),
    .znz_data_o (enc_znz_data),
    .znz_last_o (enc_znz_last),
    .bpc_valid_o(enc_bpc_valid),
    .bpc_ready_i(enc_bpc_ready),
    .bpc_data_o (enc_bpc_data),
    .bpc_last_o (enc_bpc_last),
    .done_o     (enc_done_o),
    .znz_count_o(enc_znz_count_o),
    .bpc_count_o(enc_bpc_count_o)
  );

  // Links, blocked while stalled.
  // (The BPC link FIFO's full side is covered, test_bpc_link_full.)
  /* verilator coverage_off */  // unreachable with the benches' stimulus: the ZNZ link FIFO is sized (ZnzFifoDepth) so that none fills it
  assign enc_znz_ready = !zf_full && !znz_stall_i;
  /* verilator coverage_on */
  assign zf_push       = enc_znz_valid && enc_znz_ready;

  ebpc_fifo #(
    .Width(Beat),
    .Depth(ZnzBeats)
  ) u_znz_fifo (
    .clk_i,
    .rst_ni,
    .push_i (zf_push),
    .data_i ({enc_znz_last, enc_znz_data}),
    .pop_i  (link_znz_ready && !zf_empty),
    .head_o (zf_head),
    .empty_o(zf_empty),
    .full_o (zf_full)
  );
  assign enc_bpc_ready = !bf_full && !bpc_stall_i;
  assign bf_push       = enc_bpc_valid && enc_bpc_ready;

  ebpc_fifo #(
    .Width(Beat),
    .Depth(BpcBeats)
  ) u_bpc_fifo (
    .clk_i,
    .rst_ni,
    .push_i (bf_push),
    .data_i ({enc_bpc_last, enc_bpc_data}),
    .pop_i  (link_bpc_ready && !bf_empty),  // the FIFO asserts that it is never popped empty
    .head_o (bf_head),
    .empty_o(bf_empty),
    .full_o (bf_full)
  );

  // The links' beats as the decoder takes them.
  ebpc_beat_convert #(
    .DataWidth (DataWidth),
    .InLanes   (Lanes),
    .OutLanes  (DecLanes)
  ) u_znz_convert (
    .clk_i,
    .rst_ni,
    .in_valid_i  (!zf_empty),
    .in_ready_o  (link_znz_ready),
    .in_data_i   (zf_head[Lanes*DataWidth-1:0]),
    .in_last_i   (zf_head[Beat-1 -: Lanes]),
    .out_valid_o (dec_znz_valid),
    .out_ready_i (dec_znz_ready),
    .out_data_o  (dec_znz_data),
    .out_last_o  (dec_znz_last)
  );

  ebpc_beat_convert #(
    .DataWidth (DataWidth),
    .InLanes   (Lanes),
    .OutLanes  (DecLanes)
  ) u_bpc_convert (
    .clk_i,
    .rst_ni,
    .in_valid_i  (!bf_empty),
    .in_ready_o  (link_bpc_ready),
    .in_data_i   (bf_head[Lanes*DataWidth-1:0]),
    .in_last_i   (bf_head[Beat-1 -: Lanes]),
    .out_valid_o (dec_bpc_valid),
    .out_ready_i (dec_bpc_ready),
    .out_data_o  (dec_bpc_data),
    .out_last_o  (dec_bpc_last)
  );

  ebpc_decoder #(
    .DataWidth     (DataWidth),
    .BlockSize     (BlockSize),
    .MaxZeroRun    (MaxZeroRun),
    .Lanes         (DecLanes),
    .PlanesPerCycle(PlanesPerCycle),
    .CountWidth    (CountWidth)
  ) u_decoder (
    .clk_i,
    .rst_ni,
    .len_valid_i,
    .len_ready_o,
    .len_data_i,
    .znz_valid_i(dec_znz_valid),
    .znz_ready_o(dec_znz_ready),
    .znz_data_i (dec_znz_data),
    .znz_last_i (dec_znz_last),
    .bpc_valid_i(dec_bpc_valid),
    .bpc_ready_o(dec_bpc_ready),
    .bpc_data_i (dec_bpc_data),
    .bpc_last_i (dec_bpc_last),
    .out_valid_o,
    .out_ready_i,
    .out_data_o,
    .out_last_o,
    .done_o,
    .error_o
  );

`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  // Assertions (simulation and formal, not synthesized; docs/verification.md). The
  // encoder, the decoder (whose len_* and out_* ports are this module's) and the link FIFOs
  // check themselves; here the link stalls.
  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // A stalled link moves no word.
    `EBPC_ASSERT_MSG("ebpc_loopback.bpc_stall", !(bpc_stall_i && bf_push), "a BPC word moved while stalled")
    `EBPC_ASSERT_MSG("ebpc_loopback.znz_stall", !(znz_stall_i && zf_push), "a ZNZ word moved while stalled")
`ifndef FORMAL
    `EBPC_ASSERT_MSG("ebpc_loopback.ctrl_known",
                     (^{len_valid_i, out_ready_i, znz_stall_i, bpc_stall_i, out_valid_o, done_o}) !== 1'bx,
                     "X/Z on a handshake or stall")
    `EBPC_ASSERT_MSG("ebpc_loopback.len_known", !len_valid_i || ((^len_data_i) !== 1'bx),
                     "X/Z on len_data_i while len_valid_i")
    `EBPC_ASSERT_MSG("ebpc_loopback.out_known",
                     !out_valid_o || `EBPC_BEAT_KNOWN(out_data_o, out_last_o, DataWidth, DecLanes),
                     "X/Z on out_data_o/out_last_o while out_valid_o")
    `EBPC_ASSERT_MSG("ebpc_loopback.error_known", !done_o || ((^error_o) !== 1'bx),
                     "X/Z on error_o with done_o")
`endif
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif
endmodule
