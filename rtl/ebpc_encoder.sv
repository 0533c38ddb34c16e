// SPDX-License-Identifier: Apache-2.0
// EBPC stream encoder (top).
//
// Encodes transmissions of W-bit words (in_last_i on the last word) into the two packed
// streams of docs/ebpc-format.md: ZNZ (zero/non-zero run-length) and BPC (bit-plane
// coded blocks of BlockSize non-zero words).
//
// Contract:
// - Input and both outputs are valid/ready streams; outputs hold valid and data until ready.
//   Each output carries exactly the packed words of its stream (MSB-first, final word
//   zero-padded) with *_last_o on the final word. An all-zero transmission produces no BPC word.
// - done_o pulses one cycle once both streams' final words of a transmission have been handed
//   over (2 cycles after the later of the two). With EnableCounts=1, znz_count_o/bpc_count_o
//   are its word counts, held until the next done_o; with EnableCounts=0 (default) they read
//   0. Transmissions are strictly in order on both streams.
// - Throughput (outputs always ready): one input word per cycle, limited only by the output
//   streams (one word per cycle each), as long as a block's G = ceil((W+1)/PlanesPerCycle)
//   coder cycles (plus one when the coder was idle) fit in BlockSize cycles: the defaults
//   give G = 5 (W=8) and G = 6 (W=16), one word per cycle for N >= 8 (W=8: N >= 6); W=32
//   (G = 11) runs at N/12 words per cycle while the BPC coder is the limit. While a full
//   block waits for the busy coder, the input pauses; a transmission's last (partial) block
//   waits for the coder to be idle. At most MaxInflight (3) transmissions may be between their
//   last input word and done_o.
// - Latency: a ZNZ word leaves 1 cycle after the input word that completes it; a full block
//   goes to the coder in the cycle after its last word (earlier than its last-ness is known:
//   the coder holds the block's final chunk until the next non-zero word or the end of the
//   transmission tells); its first BPC word leaves 2-3 cycles after that.
// - in_ready_o depends combinationally on znz_ready_i only (through the ZNZ packer), not on
//   bpc_ready_i, in_valid_i or in_data_i; output valids come from registers only.
// - Area and depth: docs/performance.md (make synth). The BPC coder computes the
//   deltas bit-serially (P bits per cycle), no plane multiplexer, no word-count logic unless
//   EnableCounts=1.
// - rst_ni (asynchronous, active low) returns everything to idle at any time.

`include "ebpc_assert.svh"

module ebpc_encoder import ebpc_pkg::*; #(
  parameter int DataWidth      = 8,   // W: 8, 16 or 32
  parameter int BlockSize      = 8,   // N: 2 <= N <= 2W
  parameter int MaxZeroRun     = 16,  // Z: power of two, 2..256
  // Words per beat of the input and of both output streams: 1, 2, 4 or 8 (docs/integration.md,
  // "Lanes"). Lanes = 1 is the single-word design.
  parameter int Lanes          = 1,
  // Bit-planes coded per cycle (1 .. W+1); a block takes G = ceil((W+1)/P) coder cycles.
  // A block takes G cycles (G+1 when it reaches an idle coder). Default 2 for W=8 (G = 5)
  // and 3 for W=16/32 (G = 6 / 11): the smallest coders that keep one word per cycle for
  // N >= 6 at W=8 and N >= 7 at W=16, and >= 0.66 of the port bound at W=32 with N=8.
  parameter int PlanesPerCycle = enc_planes_per_cycle(DataWidth, Lanes),
  // Width of znz_count_o / bpc_count_o (1..64).
  parameter int CountWidth     = 16,
  // 1: znz_count_o/bpc_count_o carry the word counts of each transmission (two CountWidth-bit
  // word counters and two MaxInflight-deep count queues). 0 (default): both read 0 and cost
  // no area; done_o is there either way.
  parameter int EnableCounts   = 0
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  in_valid_i,
  output logic                  in_ready_o,
  input  logic [Lanes*DataWidth-1:0] in_data_i,
  input  logic [Lanes-1:0]      in_last_i,
  output logic                  znz_valid_o,
  input  logic                  znz_ready_i,
  output logic [Lanes*DataWidth-1:0] znz_data_o,
  output logic [Lanes-1:0]      znz_last_o,
  output logic                  bpc_valid_o,
  input  logic                  bpc_ready_i,
  output logic [Lanes*DataWidth-1:0] bpc_data_o,
  output logic [Lanes-1:0]      bpc_last_o,
  output logic                  done_o,
  output logic [CountWidth-1:0] znz_count_o,
  output logic [CountWidth-1:0] bpc_count_o
);

  // ---------------------------------------------------------------------------------------
  // Parameter checks: an illegal value stops elaboration with a message naming it
  // (`EBPC_PARAM_CHECK, rtl/ebpc_assert.svh).
  // ---------------------------------------------------------------------------------------
  `EBPC_CODEC_PARAM_CHECKS(ebpc_encoder, DataWidth, BlockSize, MaxZeroRun, PlanesPerCycle)
  `EBPC_PARAM_CHECK(gen_bad_count_width, CountWidth >= 1 && CountWidth <= 64,
                    $sformatf("ebpc_encoder: CountWidth=%0d is illegal: must be 1 .. 64", CountWidth),
                    ebpc_encoder_ERROR_CountWidth_must_be_1_to_64)
  `EBPC_PARAM_CHECK(gen_bad_enable_counts, EnableCounts == 0 || EnableCounts == 1,
                    $sformatf("ebpc_encoder: EnableCounts=%0d is illegal: must be 0 or 1", EnableCounts),
                    ebpc_encoder_ERROR_EnableCounts_must_be_0_or_1)
  `EBPC_PARAM_CHECK(gen_bad_lanes, lanes_ok(Lanes),
                    $sformatf("ebpc_encoder: Lanes=%0d is illegal: must be 1, 2, 4 or 8", Lanes),
                    ebpc_encoder_ERROR_Lanes_must_be_1_2_4_or_8)

  // ---------------------------------------------------------------------------------------
  // Derived sizes. Submodules get parameters clamped into their legal ranges so that an illegal
  // value reports only the clear error above, not follow-on width errors inside them.
  // ---------------------------------------------------------------------------------------
  localparam int NSafe = (BlockSize < 2) ? 2 :
                         ((BlockSize > 2 * DataWidth) ? 2 * DataWidth : BlockSize);
  localparam int PSafe = (PlanesPerCycle < 1) ? 1 :
                         ((PlanesPerCycle > DataWidth + 1) ? DataWidth + 1 : PlanesPerCycle);
  localparam int ZSafe = max_zero_run_ok(MaxZeroRun) ? MaxZeroRun : 16;

  localparam int LogW        = $clog2(DataWidth);
  localparam int SymMax      = bpc_symbol_max_bits(DataWidth, NSafe);  // longest symbol or run code
  localparam int RunLen      = 3 + LogW;                                  // longest run code
  // Longest chunk of one coder cycle. Charge every run code to the all-zero plane before the
  // symbol that ends it (that plane codes nothing itself), a run ending at plane W to plane W,
  // and a run carried in from the previous group to the group's start, which in group 0 holds
  // the base instead: max(W, run code) + P * max(symbol, run code).
  localparam int ChunkWidth  = ((DataWidth > RunLen) ? DataWidth : RunLen) + PSafe * SymMax;
  localparam int ZnzWidth    = znz_run_bits(ZSafe) + 1;                   // a run symbol and a `1`
  localparam int MaxInflight = 3;
  localparam int InflWidth   = $clog2(MaxInflight + 1);

  // ---------------------------------------------------------------------------------------
  // Input handshake. A beat's words are the lanes up to its final word (all of a beat that is
  // not the transmission's final one): the one-hot in_last_i marks that lane.
  // ---------------------------------------------------------------------------------------
  logic                 in_fire, beat_last;
  logic                 znz_pk_ready, coll_ready, infl_ok;
  logic [InflWidth-1:0] infl_q, infl_d;
  logic                 pop;

  assign beat_last  = |in_last_i;
  assign infl_ok    = (infl_q != InflWidth'(MaxInflight));
  assign in_ready_o = znz_pk_ready && coll_ready && infl_ok;
  assign in_fire    = in_valid_i && in_ready_o;

  // ---------------------------------------------------------------------------------------
  // ZNZ path.
  // ---------------------------------------------------------------------------------------
  localparam int ZnzChunk = Lanes * ZnzWidth;
  logic [ZnzChunk-1:0]              znz_bits;
  logic [$clog2(ZnzChunk+1)-1:0]    znz_len;
  logic                             znz_done;
  logic [CountWidth-1:0]            znz_done_count;

  // ---------------------------------------------------------------------------------------
  // BPC path: collector -> plane coder -> packer.
  // ---------------------------------------------------------------------------------------
  logic                              blk_valid, blk_ready, blk_last, blk_empty;
  logic                              blk_more, blk_end, end_ack;
  logic [NSafe*DataWidth-1:0]        blk_data;
  logic                              chk_valid, chk_ready, chk_last, chk_empty, coder_idle;
  logic [ChunkWidth-1:0]             chk_bits;
  logic [$clog2(ChunkWidth+1)-1:0]   chk_len;
  logic                              bpc_done;
  logic [CountWidth-1:0]             bpc_done_count;

  // A beat's words: the lanes up to the final word (all of a beat that is not the final one).
  logic [Lanes-1:0] lane_zero;
  /* verilator coverage_off */  // unreachable at Lanes = 1 (the builds that carry code coverage): a constant 1
  logic [Lanes-1:0] lane_valid;
  assign lane_valid = beat_last ? (in_last_i | (in_last_i - 1'b1)) : '1;
  /* verilator coverage_on */
  for (genvar j = 0; j < Lanes; j++) begin : gen_lane
    assign lane_zero[j] = (in_data_i[j*DataWidth +: DataWidth] == '0);
  end

  ebpc_enc_znz #(
    .Lanes      (Lanes),
    .MaxZeroRun (ZSafe)
  ) u_znz (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .beat_fire_i  (in_fire),
    .word_valid_i (lane_valid),
    .word_zero_i  (lane_zero),
    .beat_last_i  (beat_last),
    .sym_bits_o   (znz_bits),
    .sym_len_o    (znz_len)
  );

  ebpc_enc_collector #(
    .DataWidth (DataWidth),
    .BlockSize (NSafe),
    .Lanes     (Lanes)
  ) u_collector (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .in_ready_o   (coll_ready),
    .in_fire_i    (in_fire),
    .in_data_i    (in_data_i),
    .in_valid_i   (lane_valid),
    .in_last_i    (beat_last),
    .blk_valid_o  (blk_valid),
    .blk_ready_i  (blk_ready),
    .coder_idle_i (coder_idle),
    .blk_data_o   (blk_data),
    .blk_last_o   (blk_last),
    .blk_empty_o  (blk_empty),
    .blk_more_o   (blk_more),
    .blk_end_o    (blk_end),
    .end_ack_i    (end_ack)
  );

  ebpc_enc_packer #(
    .Width      (DataWidth),
    .Words      (Lanes),
    .MaxLen     (ZnzChunk),
    .CountWidth (CountWidth),
    .CountWords (EnableCounts)
  ) u_znz_packer (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .in_valid_i   (in_fire && (znz_len != '0)),
    .in_ready_o   (znz_pk_ready),
    .in_bits_i    (znz_bits),
    .in_len_i     (znz_len),
    .in_last_i    (beat_last),
    .in_empty_i   (1'b0),
    .out_valid_o  (znz_valid_o),
    .out_ready_i  (znz_ready_i),
    .out_data_o   (znz_data_o),
    .out_last_o   (znz_last_o),
    .done_o       (znz_done),
    .done_count_o (znz_done_count)
  );

  ebpc_enc_bpc_coder #(
    .DataWidth      (DataWidth),
    .BlockSize      (NSafe),
    .PlanesPerCycle (PSafe),
    .ChunkWidth     (ChunkWidth)
  ) u_coder (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .blk_valid_i (blk_valid),
    .blk_ready_o (blk_ready),
    .idle_o      (coder_idle),
    .blk_data_i  (blk_data),
    .blk_last_i  (blk_last),
    .blk_empty_i (blk_empty),
    .blk_more_i  (blk_more),
    .blk_end_i   (blk_end),
    .end_ack_o   (end_ack),
    .chk_valid_o (chk_valid),
    .chk_ready_i (chk_ready),
    .chk_bits_o  (chk_bits),
    .chk_len_o   (chk_len),
    .chk_last_o  (chk_last),
    .chk_empty_o (chk_empty)
  );

  ebpc_enc_packer #(
    .Width      (DataWidth),
    .Words      (Lanes),
    .MaxLen     (ChunkWidth),
    .CountWidth (CountWidth),
    .CountWords (EnableCounts),
    .Slack      (Lanes * DataWidth + DataWidth / 2)
  ) u_bpc_packer (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .in_valid_i   (chk_valid),
    .in_ready_o   (chk_ready),
    .in_bits_i    (chk_bits),
    .in_len_i     (chk_len),
    .in_last_i    (chk_last),
    .in_empty_i   (chk_empty),
    .out_valid_o  (bpc_valid_o),
    .out_ready_i  (bpc_ready_i),
    .out_data_o   (bpc_data_o),
    .out_last_o   (bpc_last_o),
    .done_o       (bpc_done),
    .done_count_o (bpc_done_count)
  );

  // ---------------------------------------------------------------------------------------
  // Completion: pair the per-stream done events of each transmission (in order). A stream's
  // done events that wait for the other stream are counted (at most MaxInflight: the input
  // stalls while MaxInflight transmissions are between their last word and done_o).
  // ---------------------------------------------------------------------------------------
  logic [InflWidth-1:0] znz_wait_q, znz_wait_d, bpc_wait_q, bpc_wait_d;
  logic                 done_q;

  assign pop        = (znz_wait_q != '0) && (bpc_wait_q != '0);
  assign znz_wait_d = znz_wait_q + InflWidth'(znz_done) - InflWidth'(pop);
  assign bpc_wait_d = bpc_wait_q + InflWidth'(bpc_done) - InflWidth'(pop);

  assign infl_d = ((in_fire && beat_last) && !pop) ? infl_q + 1'b1 :
                  (!(in_fire && beat_last) && pop) ? infl_q - 1'b1 : infl_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      infl_q     <= '0;
      done_q     <= 1'b0;
      znz_wait_q <= '0;
      bpc_wait_q <= '0;
    end else begin
      infl_q     <= infl_d;
      done_q     <= pop;
      znz_wait_q <= znz_wait_d;
      bpc_wait_q <= bpc_wait_d;
    end
  end

  assign done_o = done_q;

  // Optional word counts: one queue per stream holds the counts of transmissions that wait
  // for the other stream's done event.
  if (EnableCounts == 1) begin : gen_counts
    logic [CountWidth-1:0] znz_q_count, bpc_q_count;
    logic [CountWidth-1:0] znz_count_q, bpc_count_q;

    ebpc_fifo #(
      .Width (CountWidth),
      .Depth (1 << $clog2(MaxInflight))
    ) u_znz_count_fifo (
      .clk_i   (clk_i),
      .rst_ni  (rst_ni),
      .push_i  (znz_done),
      .data_i  (znz_done_count),
      .pop_i   (pop),
      .head_o  (znz_q_count),
      // The queue's fill mirrors the wait counter above: its flags are not needed.
      /* verilator lint_off PINCONNECTEMPTY */
      .empty_o (),
      .full_o  ()
      /* verilator lint_on PINCONNECTEMPTY */
    );

    ebpc_fifo #(
      .Width (CountWidth),
      .Depth (1 << $clog2(MaxInflight))
    ) u_bpc_count_fifo (
      .clk_i   (clk_i),
      .rst_ni  (rst_ni),
      .push_i  (bpc_done),
      .data_i  (bpc_done_count),
      .pop_i   (pop),
      .head_o  (bpc_q_count),
      // The queue's fill mirrors the wait counter above: its flags are not needed.
      /* verilator lint_off PINCONNECTEMPTY */
      .empty_o (),
      .full_o  ()
      /* verilator lint_on PINCONNECTEMPTY */
    );

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        znz_count_q <= '0;
        bpc_count_q <= '0;
      end else if (pop) begin
        znz_count_q <= znz_q_count;
        bpc_count_q <= bpc_q_count;
      end
    end

    assign znz_count_o = znz_count_q;
    assign bpc_count_o = bpc_count_q;
  end else begin : gen_no_counts
    logic unused_counts;
    assign unused_counts = ^{znz_done_count, bpc_done_count};
    assign znz_count_o = '0;
    assign bpc_count_o = '0;
  end

`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  // ---------------------------------------------------------------------------------------
  // Assertions (simulation and formal, not synthesized; docs/verification.md). A
  // failure stops the simulation with "EBPC_ASSERT <module>.<name>", the time and the
  // instance. The input-protocol checks are assumptions of the formal proof (rtl/formal/).
  // The output ports are checked by the packers (ebpc_enc_packer.out_hold), the internal
  // handshakes by the collector and the coder.
  // ---------------------------------------------------------------------------------------
  // Input protocol: a waiting word holds valid, data and last until it is taken.
  `EBPC_ASSERT_HOLD(u_in_hold, "ebpc_encoder.in_hold", Lanes * DataWidth + Lanes,
                    in_valid_i, in_ready_o, {in_last_i, in_data_i})

  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // In-flight limit: at most MaxInflight transmissions between their last word and done_o
    // (infl_q cannot hold more: a last word taken at the limit would wrap it).
    `EBPC_ASSERT_MSG("ebpc_encoder.inflight_wrap",
                     !(in_fire && beat_last && !pop && infl_q == InflWidth'(MaxInflight)),
                     "a last word taken at the in-flight limit")
    // done_o pairs the streams' done events of transmissions that are in flight.
    `EBPC_ASSERT("ebpc_encoder.done_without_transmission", !pop || infl_q != '0)
    `EBPC_ASSERT_MSG("ebpc_encoder.wait_count", znz_wait_q <= infl_q && bpc_wait_q <= infl_q,
                     $sformatf("more stream done events (%0d ZNZ, %0d BPC) than transmissions in flight (%0d)",
                               znz_wait_q, bpc_wait_q, infl_q))
    `EBPC_ASSERT_MSG("ebpc_encoder.wait_wrap",
                     !((znz_done && !pop && znz_wait_q == InflWidth'(MaxInflight)) ||
                       (bpc_done && !pop && bpc_wait_q == InflWidth'(MaxInflight))),
                     "a stream done event past the in-flight limit")
    // A beat's last marks at most one lane.
    `EBPC_ASSERT_MSG("ebpc_encoder.in_last_onehot", !in_valid_i || $onehot0(in_last_i),
                     $sformatf("in_last_i = %b", in_last_i))
    // The ZNZ packer is only handed a symbol in a cycle it can take it.
    `EBPC_ASSERT("ebpc_encoder.znz_symbol_dropped", !(in_fire && znz_len != '0) || znz_pk_ready)
    `EBPC_ASSERT_MSG("ebpc_encoder.counts_off",
                     EnableCounts == 1 || (znz_count_o == '0 && bpc_count_o == '0),
                     "counts not 0 with EnableCounts=0")
`ifndef FORMAL
    // No X/Z on any valid after reset, nor on a payload while its valid is high.
    `EBPC_ASSERT_MSG("ebpc_encoder.in_ctrl_known", (^{in_valid_i, znz_ready_i, bpc_ready_i}) !== 1'bx,
                     "X/Z on in_valid_i, znz_ready_i or bpc_ready_i")
    `EBPC_ASSERT_MSG("ebpc_encoder.in_data_known", !in_valid_i || `EBPC_BEAT_KNOWN(in_data_i, in_last_i, DataWidth, Lanes),
                     "X/Z on in_data_i/in_last_i while in_valid_i")
    `EBPC_ASSERT_MSG("ebpc_encoder.out_ctrl_known",
                     (^{in_ready_o, znz_valid_o, bpc_valid_o, done_o}) !== 1'bx,
                     "X/Z on a valid, in_ready_o or done_o")
    `EBPC_ASSERT_MSG("ebpc_encoder.znz_data_known", !znz_valid_o || ((^{znz_last_o, znz_data_o}) !== 1'bx),
                     "X/Z on znz_data_o/znz_last_o while valid")
    `EBPC_ASSERT_MSG("ebpc_encoder.bpc_data_known", !bpc_valid_o || ((^{bpc_last_o, bpc_data_o}) !== 1'bx),
                     "X/Z on bpc_data_o/bpc_last_o while valid")
    `EBPC_ASSERT_MSG("ebpc_encoder.count_known", !done_o || ((^{znz_count_o, bpc_count_o}) !== 1'bx),
                     "X/Z on the counts with done_o")
`endif
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif

endmodule
