// SPDX-License-Identifier: Apache-2.0
// EBPC loopback: ebpc_encoder -> (ZNZ and BPC links) -> ebpc_decoder.
//
// Contract:
// - in_* is the encoder's input stream (in_last_i on the last word of a transmission);
//   len_* gives the decoder the length L of each transmission (the bench supplies it, in
//   the same order); out_*, done_o and error_o are the decoder's (see ebpc_decoder.sv).
// - The ZNZ link is a plain valid/ready wire. The BPC link goes through a FIFO of
//   BpcFifoDepth words: the encoder may finish BPC words of a block before the ZNZ word
//   holding that block's non-zero symbols (a ZNZ word needs W symbols, e.g. 4 blocks at
//   W=32, N=8), while the decoder takes BPC words only once it has decoded a non-zero
//   ZNZ symbol of the transmission; without the buffer the two would deadlock (seen at
//   W=32). Default depth: room for the BPC words of W/N+2 blocks.
//   znz_stall_i / bpc_stall_i block the ZNZ link / the encoder-to-FIFO BPC link for the
//   cycle they are high (valid and ready both masked, so no word moves), letting a bench
//   add backpressure and gaps.
// - The ZNZ link has no buffer, so the decoder's decision queue must hold every ZNZ
//   decision from a block's first non-zero word to the next non-zero word after the block
//   (up to 2N+1: the encoder finishes a block only once it knows whether another non-zero
//   word follows, and that word's ZNZ symbol must get through). DecQueueDepth defaults to
//   4N (at least 16) here; the decoder's own default (N) is sized for inputs fed from
//   memory, where the streams do not wait on each other (seen: a deadlock at W=16, N=16
//   with a 16-entry queue on a sparse real map).
// - enc_done_o, enc_znz_count_o, enc_bpc_count_o: the encoder's done pulse and the word
//   counts of both streams of the transmission it finished (for throughput bounds).
// - Parameters: DataWidth, BlockSize, MaxZeroRun, CountWidth as in both cores;
//   PlanesPerCycle is the decoder's (plane symbols decoded per cycle), EncPlanesPerCycle
//   the encoder's (bit-planes coded per cycle); both default to the cores' defaults;
//   DecQueueDepth is the decoder's DecisionQueueDepth (see above).
// - Throughput/latency: those of the two cores in series (the BPC FIFO adds one cycle of
//   latency on that link, no throughput loss).
module ebpc_loopback #(
  parameter int DataWidth         = 8,
  parameter int BlockSize         = 8,
  parameter int MaxZeroRun        = 16,
  parameter int PlanesPerCycle    = (DataWidth <= 8) ? 1 : (DataWidth <= 16) ? 3 : 4,
  parameter int EncPlanesPerCycle = (DataWidth == 8) ? 2 : 3,
  parameter int CountWidth        = 16,
  parameter int DecQueueDepth     = (4 * BlockSize < 16) ? 16 : 1 << $clog2(4 * BlockSize),
  // BPC link buffer (words, power of two): >= (W/N + 2) blocks of at most N+2 words each.
  parameter int BpcFifoDepth      = 1 << $clog2((DataWidth / BlockSize + 2) * (BlockSize + 2) + 8)
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // Encoder input.
  input  logic                  in_valid_i,
  output logic                  in_ready_o,
  input  logic [DataWidth-1:0]  in_data_i,
  input  logic                  in_last_i,
  // Decoder length input.
  input  logic                  len_valid_i,
  output logic                  len_ready_o,
  input  logic [CountWidth-1:0] len_data_i,
  // Decoder output.
  output logic                  out_valid_o,
  input  logic                  out_ready_i,
  output logic [DataWidth-1:0]  out_data_o,
  output logic                  out_last_o,
  output logic                  done_o,
  output logic [7:0]            error_o,
  // Link control and encoder status.
  input  logic                  znz_stall_i,
  input  logic                  bpc_stall_i,
  output logic                  enc_done_o,
  output logic [CountWidth-1:0] enc_znz_count_o,
  output logic [CountWidth-1:0] enc_bpc_count_o
);
  logic                 enc_znz_valid, enc_znz_ready, enc_znz_last;
  logic                 enc_bpc_valid, enc_bpc_ready, enc_bpc_last;
  logic [DataWidth-1:0] enc_znz_data, enc_bpc_data;
  logic                 dec_znz_ready, dec_bpc_ready;
  logic                 bf_push, bf_empty, bf_full;
  logic [DataWidth:0]   bf_head;

  ebpc_encoder #(
    .DataWidth     (DataWidth),
    .BlockSize     (BlockSize),
    .MaxZeroRun    (MaxZeroRun),
    .PlanesPerCycle(EncPlanesPerCycle),
    .CountWidth    (CountWidth),
    .EnableCounts  (1)
  ) i_encoder (
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
  assign enc_znz_ready = dec_znz_ready && !znz_stall_i;
  assign enc_bpc_ready = !bf_full && !bpc_stall_i;
  assign bf_push       = enc_bpc_valid && enc_bpc_ready;

  ebpc_fifo #(
    .Width(DataWidth + 1),
    .Depth(BpcFifoDepth)
  ) i_bpc_fifo (
    .clk_i,
    .rst_ni,
    .push_i (bf_push),
    .data_i ({enc_bpc_last, enc_bpc_data}),
    .pop_i  (dec_bpc_ready),
    .head_o (bf_head),
    .empty_o(bf_empty),
    .full_o (bf_full)
  );

  ebpc_decoder #(
    .DataWidth     (DataWidth),
    .BlockSize     (BlockSize),
    .MaxZeroRun    (MaxZeroRun),
    .PlanesPerCycle(PlanesPerCycle),
    .CountWidth    (CountWidth),
    .DecisionQueueDepth(DecQueueDepth)
  ) i_decoder (
    .clk_i,
    .rst_ni,
    .len_valid_i,
    .len_ready_o,
    .len_data_i,
    .znz_valid_i(enc_znz_valid && !znz_stall_i),
    .znz_ready_o(dec_znz_ready),
    .znz_data_i (enc_znz_data),
    .znz_last_i (enc_znz_last),
    .bpc_valid_i(!bf_empty),
    .bpc_ready_o(dec_bpc_ready),
    .bpc_data_i (bf_head[DataWidth-1:0]),
    .bpc_last_i (bf_head[DataWidth]),
    .out_valid_o,
    .out_ready_i,
    .out_data_o,
    .out_last_o,
    .done_o,
    .error_o
  );
endmodule
