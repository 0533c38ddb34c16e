// SPDX-License-Identifier: Apache-2.0
// EBPC stream decoder (top).
//
// Decodes one transmission at a time: its length L (len_*), its ZNZ stream (znz_*) and its
// BPC stream (bpc_*), each stream W-bit words MSB-first with `last` on its final word, as
// specified in the EBPC format document (ebpc-format.md). Produces exactly L words on out_*
// (`last` on the final one) and pulses done_o with error_o.
//
// Parameters (checked at elaboration):
//   DataWidth W in {8, 16, 32}; BlockSize N in 2..2W; MaxZeroRun Z a power of two in
//   2..256; PlanesPerCycle 1..W+1 (plane symbols the BPC parser decodes per cycle: the first
//   at any place, the others only behind uncompressed planes, whose length N is fixed, so no
//   decoder sits behind a shifter; default 1 at W = 8, 2 at W = 16 and 32; with Lanes > 1
//   ceil((W+1)/4) at Lanes = 2, 5 at Lanes = 4 and W = 8, else W+1);
//   CountWidth 8..32 (width of L, default 16).
//
// Handshakes: all ports are valid/ready (AXI-stream style): a word moves when valid and
// ready are both high at a rising edge; out_valid_o/out_data_o/out_last_o come from
// registers and are held while out_ready_i is low. No ready depends on the valid or data
// input of its own port; znz_ready_o depends on len_valid_i/len_data_i (the first ZNZ word
// of a transmission is taken in the cycle its length L >= 1 is). The next L is taken once
// the previous transmission's final word is produced and its input streams are consumed.
//
// Architecture at Lanes = 1 (one module per stage, no queues):
//   ebpc_dec_znz   : ZNZ bit buffer; presents the symbol at its head. The output stage takes
//                    one symbol per word it starts (a zero run counts down meanwhile), so the
//                    ZNZ stream is read in step with the output.
//   ebpc_dec_bpc   : BPC bit buffer + parser: per block one cycle for the base and plane 0,
//                    then up to PlanesPerCycle plane symbols per cycle, into a block register
//                    (base + planes 0..W-1). It parses block after block without waiting for
//                    the ZNZ side (at most one finished block waits for the output stage).
//   ebpc_dec_out   : length, ZNZ symbol use, block buffer (rebuilds b[i] = b[i-1] + d[i], one
//                    word per cycle, refilled in the cycle its last word goes out), pairing
//                    of BPC streams with transmissions, output register, done/error.
//   ebpc_dec_bitbuf: word stream -> MSB-aligned bit window (both buffers).
// Lanes > 1 (the multi-word core; every stream in beats of Lanes words, no beat adapters):
//   ebpc_dec_znz       : (Lanes) ZNZ buffer of Lanes*(SymBits+W) bits taking a beat per
//                        cycle; the first Lanes symbols at its head, each behind the
//                        earlier ones.
//   ebpc_dec_bpc       : (Words = Lanes) a beat per cycle into the bit buffer (two parse
//                        windows and a beat at Lanes >= 4); the plane chain goes on behind
//                        the base and behind any one-plane symbol of N bits, and at Lanes = 8
//                        a second chain behind the symbol the first stopped at, so a block is
//                        usually parsed in one cycle.
//   ebpc_dec_out       : (Lanes) up to Lanes steps of the single-word output stage per
//                        cycle (each one word: same symbol and block use, same error flags),
//                        a queue of three blocks (two at Lanes = 2) of which the first two
//                        feed the steps (one block boundary per cycle), the words assembled
//                        into a beat.
// BPC streams are paired, in order, with the transmissions that decode a non-zero word; the
// parser may read ahead into the BPC stream of a later transmission (up to one block and the
// one being parsed) while an earlier one is still going out.
//
// Latency: with all inputs valid and out_ready_i high, a transmission's first non-zero word
// goes out two cycles after its block is parsed (one cycle per plane symbol, or per BPC word
// when input-bound): measured 12 cycles after its length for smooth W=8, N=8 data; zero
// words need no block. Back to back with out_ready_i high, one idle output cycle separates
// transmissions (the next ZNZ stream enters after the previous final symbol); when the sink
// holds the final word, the next transmission's first word follows it directly.
// Throughput: one word per cycle when the inputs keep up. A block takes
// 1 + ceil((symbols - 1) / PlanesPerCycle) parser cycles at most (runs of all-zero planes
// are one symbol; PlanesPerCycle > 1 helps only on uncompressed planes) and one BPC word
// per cycle when input-bound. Measured (make bench: inputs always valid, output always
// ready, 4 back-to-back transmissions of 1024 words, first input handshake to last done_o):
// >= 0.994 of the bound sum(max(L, bpc_words, znz_words)) at W=8 (N = 8, 16) and at W=16/32
// on dense smooth, 50 % ReLU and 90 % sparse data; random dense data (every plane
// uncompressed) 0.953 at W=16 and 0.498 at W=32 (targets 0.85 / 0.45).
// Area (make synth, 2026-11-30, N=8, Z=16, sky130 area-only flow, GE / depth): 3993 / 17 at
// W=8, 7204 / 22 at W=16, 12620 / 34 at W=32.
// Lanes > 1 (perf --lanes --top decoder, one packet of 4096 words, N=8, Z=16; 2026-12-07):
// >= 0.965 of the port bound (the most beats of ZNZ in, BPC in, output) on ReLU, smooth and
// dense data at W = 8 and 16 for Lanes = 2, 4, 8. GE / depth at W=8: 8598 / 44, 16510 / 64,
// 34950 / 143 for 2, 4, 8 lanes (docs/performance.md).
//
// Error flags (error_o, valid with done_o; 0 = clean transmission; the bit indices are
// ebpc_pkg::err_flag_e, ErrZnzRunOverflow .. ErrZeroLength):
//   bit0 ZNZ_RUN_OVERFLOW  a zero run would pass L
//   bit1 ZNZ_TRUNCATED     ZNZ `last` word consumed before L words were accounted for
//   bit2 BPC_TRUNCATED     BPC `last` consumed before ceil(nnz/N) blocks were decoded
//   bit3 BPC_BAD_POSITION  single-one position > N-2 or pair position > N-3
//   bit4 BPC_RUN_TOO_LONG  all-zero DBX run longer than the planes left in its block
//   bit5 ZNZ_TRAILING      the ZNZ word holding the final symbol does not carry `last`
//   bit6 BPC_TRAILING      same for BPC (only checked when bits 0..4 are clear: after a ZNZ
//                          or BPC error the BPC stream is discarded through `last` anyway)
//   bit7 ZERO_LENGTH       L = 0
// Error behaviour:
// - The output always carries exactly L words (L >= 1) with `last` on the final one.
// - Words before the position of the first error carry the decoded values; from that
//   position on every word is 0: after a ZNZ error (bit0/1) all words from the failing
//   symbol on; after a BPC error (bit2/3/4) every non-zero word of the failing block and
//   of later blocks (zero-run words are 0 anyway). Trailing words (bit5/6) do not change
//   any output word. After a ZNZ error, the blocks the earlier non-zero words came from
//   were decoded as usual (their BPC errors are flagged too); no later block is needed.
// - After an error (and for trailing words) the input stream concerned is consumed and
//   discarded through its `last` word; after a ZNZ error the BPC stream is drained too,
//   unless no non-zero word was decoded. A BPC stream belongs to a transmission only if
//   at least one non-zero ZNZ symbol of it was decoded (an all-zero transmission has an
//   empty BPC stream; the words on bpc_* then belong to the next transmission that
//   decodes a non-zero word).
// - L = 0: flags ZERO_LENGTH, emits no word, takes nothing from znz_*/bpc_*, pulses done_o.
// - done_o pulses when the final word has been handed over and both input streams of the
//   transmission have been consumed/drained. A malformed stream never hangs the decoder as
//   long as each input stream eventually delivers its `last` word. rst_ni (async, active
//   low) returns to idle at any time.

`include "ebpc_assert.svh"

module ebpc_decoder import ebpc_pkg::*; #(
  parameter int DataWidth      = 8,
  parameter int BlockSize      = 8,
  parameter int MaxZeroRun     = 16,
  // Words per beat of the ZNZ, BPC and output streams: 1, 2, 4 or 8 (docs/integration.md,
  // "Lanes"). Lanes > 1: the multi-word core (up to Lanes words per cycle, see above).
  parameter int Lanes          = 1,
  parameter int PlanesPerCycle = dec_planes_per_cycle_lanes(DataWidth, Lanes),
  // Width of L (len_data_i) and of the word counters: transmissions of up to 2^CountWidth-1
  // words (8..32; default 16: up to 65535 words).
  parameter int CountWidth     = 16
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     len_valid_i,
  output logic                     len_ready_o,
  input  logic [CountWidth-1:0]    len_data_i,
  input  logic                     znz_valid_i,
  output logic                     znz_ready_o,
  input  logic [Lanes*DataWidth-1:0] znz_data_i,
  input  logic [Lanes-1:0]         znz_last_i,
  input  logic                     bpc_valid_i,
  output logic                     bpc_ready_o,
  input  logic [Lanes*DataWidth-1:0] bpc_data_i,
  input  logic [Lanes-1:0]         bpc_last_i,
  output logic                     out_valid_o,
  input  logic                     out_ready_i,
  output logic [Lanes*DataWidth-1:0] out_data_o,
  output logic [Lanes-1:0]         out_last_o,
  output logic                     done_o,
  output logic [ErrFlagsWidth-1:0] error_o
);
  localparam int W        = DataWidth;
  localparam int N        = BlockSize;

  // Parameter checks: an illegal value stops elaboration with a message naming it
  // (`EBPC_PARAM_CHECK, rtl/ebpc_assert.svh).
  `EBPC_CODEC_PARAM_CHECKS(ebpc_decoder, W, N, MaxZeroRun, PlanesPerCycle)
  `EBPC_PARAM_CHECK(gen_bad_count_width, CountWidth >= 8 && CountWidth <= 32,
                    $sformatf("ebpc_decoder: CountWidth=%0d is illegal: must be 8 .. 32", CountWidth),
                    ebpc_decoder_ERROR_CountWidth_must_be_8_to_32)
  `EBPC_PARAM_CHECK(gen_bad_lanes, lanes_ok(Lanes),
                    $sformatf("ebpc_decoder: Lanes=%0d is illegal: must be 1, 2, 4 or 8", Lanes),
                    ebpc_decoder_ERROR_Lanes_must_be_1_2_4_or_8)

  // The core: ZNZ front end, BPC parser, output stage (Lanes words per beat and per cycle;
  // Lanes = 1: the single-word core).
  localparam int LogZ  = $clog2(MaxZeroRun);
  localparam int TakeW = $clog2(Lanes + 1);
  // ZNZ front end <-> output stage.
  logic                  znz_en, sym_final, znz_drain, znz_busy;
  logic [Lanes-1:0]      sym_valid, sym_nz, sym_clean, sym_trunc;
  logic [Lanes*LogZ-1:0] sym_run;
  logic [TakeW-1:0]      sym_ntake;
  // BPC parser -> output stage.
  logic                  blk_valid, blk_ready, blk_empty, blk_end;
  bpc_err_t              blk_err;
  logic [W-1:0]          blk_base;
  logic [W*(N-1)-1:0]    blk_planes;

  ebpc_dec_znz #(
    .DataWidth (W),
    .MaxZeroRun(MaxZeroRun),
    .Lanes     (Lanes)
  ) u_znz (
    .clk_i,
    .rst_ni,
    .en_i       (znz_en),
    .znz_valid_i(znz_valid_i),
    .znz_ready_o(znz_ready_o),
    .znz_data_i (znz_data_i),
    .znz_last_i (znz_last_i),
    .sym_valid_o(sym_valid),
    .sym_nz_o   (sym_nz),
    .sym_run_o  (sym_run),
    .sym_clean_o(sym_clean),
    .sym_trunc_o(sym_trunc),
    .ntake_i    (sym_ntake),
    .final_i    (sym_final),
    .drain_i    (znz_drain),
    .busy_o     (znz_busy)
  );

  ebpc_dec_bpc #(
    .DataWidth     (W),
    .BlockSize     (N),
    .PlanesPerCycle(PlanesPerCycle),
    .Words         (Lanes)
  ) u_bpc (
    .clk_i,
    .rst_ni,
    .bpc_valid_i (bpc_valid_i),
    .bpc_ready_o (bpc_ready_o),
    .bpc_data_i  (bpc_data_i),
    .bpc_last_i  (bpc_last_i),
    .blk_valid_o (blk_valid),
    .blk_ready_i (blk_ready),
    .blk_empty_i (blk_empty),
    .blk_end_o   (blk_end),
    .blk_err_o   (blk_err),
    .blk_base_o  (blk_base),
    .blk_planes_o(blk_planes)
  );

  ebpc_dec_out #(
    .DataWidth (W),
    .BlockSize (N),
    .MaxZeroRun(MaxZeroRun),
    .CountWidth(CountWidth),
    .Lanes     (Lanes)
  ) u_out (
    .clk_i,
    .rst_ni,
    .len_valid_i,
    .len_ready_o,
    .len_data_i,
    .znz_en_o    (znz_en),
    .sym_valid_i (sym_valid),
    .sym_nz_i    (sym_nz),
    .sym_run_i   (sym_run),
    .sym_clean_i (sym_clean),
    .sym_trunc_i (sym_trunc),
    .ntake_o     (sym_ntake),
    .final_o     (sym_final),
    .znz_drain_o (znz_drain),
    .znz_busy_i  (znz_busy),
    .blk_valid_i (blk_valid),
    .blk_ready_o (blk_ready),
    .blk_empty_o (blk_empty),
    .blk_end_i   (blk_end),
    .blk_err_i   (blk_err),
    .blk_base_i  (blk_base),
    .blk_planes_i(blk_planes),
    .out_valid_o,
    .out_ready_i,
    .out_data_o,
    .out_last_o,
    .done_o,
    .error_o
  );
`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  // Assertions (simulation and formal, not synthesized; docs/verification.md). A
  // failure stops the simulation with "EBPC_ASSERT <module>.<name>", the time and the instance.
  // The input-protocol checks are assumptions of the formal proof (rtl/formal/); the output
  // port is checked by ebpc_dec_out.out_hold, the internal handshakes by the stages.
  // Input protocol: a waiting word holds valid and payload until it is taken.
  `EBPC_ASSERT_HOLD(u_len_hold, "ebpc_decoder.len_hold", CountWidth,
                    len_valid_i, len_ready_o, len_data_i)
  `EBPC_ASSERT_HOLD(u_znz_hold, "ebpc_decoder.znz_hold", Lanes * (W + 1),
                    znz_valid_i, znz_ready_o, {znz_last_i, znz_data_i})
  `EBPC_ASSERT_HOLD(u_bpc_hold, "ebpc_decoder.bpc_hold", Lanes * (W + 1),
                    bpc_valid_i, bpc_ready_o, {bpc_last_i, bpc_data_i})

  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // done_o only with a transmission finished, error_o 0 without it.
    `EBPC_ASSERT("ebpc_decoder.error_without_done", done_o || error_o == '0)
`ifndef FORMAL
    // No X/Z on any valid or ready after reset, nor on a payload while its valid is high.
    `EBPC_ASSERT_MSG("ebpc_decoder.in_ctrl_known",
                     (^{len_valid_i, znz_valid_i, bpc_valid_i, out_ready_i}) !== 1'bx,
                     "X/Z on an input valid or out_ready_i")
    `EBPC_ASSERT_MSG("ebpc_decoder.len_known", !len_valid_i || ((^len_data_i) !== 1'bx),
                     "X/Z on len_data_i while len_valid_i")
    `EBPC_ASSERT_MSG("ebpc_decoder.znz_known", !znz_valid_i || `EBPC_BEAT_KNOWN(znz_data_i, znz_last_i, W, Lanes),
                     "X/Z on znz_data_i/znz_last_i while znz_valid_i")
    `EBPC_ASSERT_MSG("ebpc_decoder.bpc_known", !bpc_valid_i || `EBPC_BEAT_KNOWN(bpc_data_i, bpc_last_i, W, Lanes),
                     "X/Z on bpc_data_i/bpc_last_i while bpc_valid_i")
    `EBPC_ASSERT_MSG("ebpc_decoder.out_ctrl_known",
                     (^{len_ready_o, znz_ready_o, bpc_ready_o, out_valid_o, done_o}) !== 1'bx,
                     "X/Z on a ready, out_valid_o or done_o")
    `EBPC_ASSERT_MSG("ebpc_decoder.out_data_known", !out_valid_o || `EBPC_BEAT_KNOWN(out_data_o, out_last_o, W, Lanes),
                     "X/Z on out_data_o/out_last_o while out_valid_o")
    `EBPC_ASSERT_MSG("ebpc_decoder.error_known", !done_o || ((^error_o) !== 1'bx),
                     "X/Z on error_o with done_o")
`endif
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif
endmodule
