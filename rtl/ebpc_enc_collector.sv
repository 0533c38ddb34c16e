// SPDX-License-Identifier: Apache-2.0
// EBPC encoder: block collector (beats of Lanes words, Lanes = 1: one word per beat).
//
// Gathers the non-zero input words of a transmission into blocks of BlockSize words
// (word i of the block in blk_data_o[i*W +: W]; unfilled slots read zero, which is exactly the
// format's zero padding of the last block) and hands each block to the plane coder. The word
// store has no reset and is not cleared: slots at or above the fill count are masked.
// - Lanes = 1: BlockSize word slots; each non-zero word goes into the next slot.
// - Lanes > 1: a queue of BlockSize + Lanes words; the beat's non-zero words are compacted, in
//   order, onto its end, and its first BlockSize words are the block on offer.
//
// Contract:
// - in_fire_i: a beat is consumed this cycle (the caller honours in_ready_o); in_valid_i[j]:
//   lane j holds a word of the transmission (read at Lanes > 1 only: the single word of a
//   beat always does); in_last_i: the beat is the transmission's final. Zero words are not
//   stored.
// - A full block is offered as soon as it is full, before it is known whether it is the
//   transmission's last block (blk_last_o = 0). The coder learns that later: blk_more_o (a
//   non-zero word of the same transmission has arrived since: not the last block) or
//   blk_end_o (the transmission ended with no further non-zero word: the last block), which
//   the coder acknowledges with end_ack_i. The words left when a transmission ends go out as
//   a block with blk_last_o = 1; an all-zero transmission as an empty token
//   (blk_last_o = blk_empty_o = 1). A new transmission's beats wait until the previous one's
//   last block is handed over.
// - blk_ready_i must not depend on blk_valid_o. The block outputs come from registers only.
//   Lanes = 1: coder_idle_i (a register: the coder will take a block this cycle) is all
//   in_ready_o looks at besides the collector's own registers, which keeps the input handshake
//   off the coder/packer timing paths. Lanes > 1: in_ready_o depends on registers and,
//   combinationally, on blk_ready_i (a beat may enter in the cycle a block leaves);
//   coder_idle_i is not read.
// - Throughput: one beat per cycle as long as the coder takes a block within BlockSize/Lanes
//   cycles of the previous one (with Lanes > BlockSize at most BlockSize non-zero words a
//   cycle: one block per cycle).
// - Area: BlockSize words of slots (Lanes = 1); (BlockSize + Lanes) words of queue and a
//   Lanes-to-queue compaction crossbar (Lanes > 1).

`include "ebpc_assert.svh"

module ebpc_enc_collector #(
  parameter int DataWidth = 8,
  parameter int BlockSize = 8,
  parameter int Lanes     = 1   // 1, 2, 4 or 8
) (
  input  logic                           clk_i,
  input  logic                           rst_ni,
  output logic                           in_ready_o,
  input  logic                           in_fire_i,
  input  logic [Lanes*DataWidth-1:0]     in_data_i,
  /* verilator coverage_off */  // unreachable at Lanes = 1: a constant 1 (a beat's one word always is)
  input  logic [Lanes-1:0]               in_valid_i,
  /* verilator coverage_on */
  input  logic                           in_last_i,
  output logic                           blk_valid_o,
  input  logic                           blk_ready_i,
  input  logic                           coder_idle_i,  // from a register of the coder
  output logic [BlockSize*DataWidth-1:0] blk_data_o,
  output logic                           blk_last_o,
  output logic                           blk_empty_o,
  output logic                           blk_more_o,
  output logic                           blk_end_o,
  input  logic                           end_ack_i
);

  localparam int W        = DataWidth;
  localparam int N        = BlockSize;
  localparam int Cap      = (Lanes == 1) ? N : N + Lanes;  // stored words
  localparam int CntWidth = $clog2(Cap + 1);
  localparam int PosWidth = $clog2(Lanes + 1);

  logic [Cap*W-1:0]    q_q, q_d;
  logic [CntWidth-1:0] cnt_q, cnt_d;
  logic                closed_q, closed_d;  // the transmission ended: its last block waits
  logic                sent_q, sent_d;      // a full block of this transmission was handed over
                                            // and nothing is stored behind it
  logic                end_q, end_d;        // the coder's block is the last one
  // State after a hand-off, before this cycle's words are added. Combinational logic is written
  // as single assignments / functions: Icarus 11 can re-trigger an always_comb block endlessly.
  logic [CntWidth-1:0] cnt_keep;
  logic                full, handoff, close, store, sent_now, end_now;
  logic                last_out;            // the last block is handed over

  assign blk_valid_o = closed_q || full;
  assign blk_data_o  = mask_unfilled(q_q, cnt_q);
  assign blk_empty_o = closed_q && (cnt_q == '0);
  assign blk_more_o  = (cnt_q != '0) && !end_q;
  assign blk_end_o   = end_q;
  assign handoff     = blk_valid_o && blk_ready_i;
  assign close       = in_fire_i && in_last_i;

  function automatic logic [N*W-1:0] mask_unfilled(input logic [Cap*W-1:0]    q,
                                                   input logic [CntWidth-1:0] cnt);
    logic [N*W-1:0] res;
    for (int i = 0; i < N; i++) begin
      res[i*W +: W] = (cnt > CntWidth'(i)) ? q[i*W +: W] : '0;
    end
    return res;
  endfunction

  if (Lanes == 1) begin : gen_word
    // One word per beat: a hand-off empties the slots (the coder takes a full or the last
    // block; while closed_q the block on offer is the last). A waiting block lets the next word
    // in only when the coder is idle (it takes the block this cycle): in_ready_o depends on
    // registers alone. When the coder takes the block in the cycle its final chunk leaves, the
    // input pauses for that cycle, which only happens while the BPC output, not the input,
    // limits the throughput.
    /* verilator coverage_off */  // unreachable at Lanes = 1: in_valid_i is not read there
    logic unused_valid;
    assign unused_valid = ^in_valid_i;
    /* verilator coverage_on */

    // The slots with the word written into slot `slot`.
    function automatic logic [Cap*W-1:0] put_word(input logic [Cap*W-1:0]    blk,
                                                  input logic                en,
                                                  input logic [CntWidth-1:0] slot,
                                                  input logic [W-1:0]        word);
      logic [Cap*W-1:0] res;
      res = blk;
      for (int i = 0; i < Cap; i++) begin
        if (en && slot == CntWidth'(i)) res[i*W +: W] = word;
      end
      return res;
    endfunction

    assign full       = (cnt_q == CntWidth'(N));
    assign in_ready_o = !(closed_q || full) || coder_idle_i;
    assign blk_last_o = closed_q;
    assign last_out   = handoff;
    assign cnt_keep   = handoff ? '0 : cnt_q;
    assign sent_now   = handoff ? !closed_q : sent_q;
    assign store      = in_fire_i && (in_data_i != '0);
    assign q_d        = put_word(q_q, store, cnt_keep, in_data_i);
    assign cnt_d      = cnt_keep + CntWidth'(store);
  end else begin : gen_beat
    // Lanes words per beat. (The queue takes a block in the cycle the coder is ready for it.)
    logic unused_idle;
    assign unused_idle = coder_idle_i;

    // The queue after this cycle's hand-off (a full block shifts it down by N words),
    // with the beat's non-zero words written from slot `at` on.
    function automatic logic [Cap*W-1:0] enqueue(input logic [Cap*W-1:0]          q,
                                                 input logic                      shift,
                                                 input logic [CntWidth-1:0]       at,
                                                 input logic                      en,
                                                 input logic [Lanes*W-1:0]        beat,
                                                 input logic [Lanes-1:0]          nz,
                                                 input logic [Lanes*PosWidth-1:0] place);
      logic [Cap*W-1:0] res;
      res = shift ? (q >> (N * W)) : q;
      for (int s = 0; s < Cap; s++) begin
        for (int j = 0; j < Lanes; j++) begin
          if (en && nz[j] && 32'(at) + 32'(place[j*PosWidth +: PosWidth]) == s) begin
            res[s*W +: W] = beat[j*W +: W];
          end
        end
      end
      return res;
    endfunction

    // Lane j's word: non-zero and of the transmission; its place among the beat's non-zero words.
    logic [Lanes-1:0]          nonzero;
    logic [PosWidth-1:0]       pos [Lanes+1];
    logic [Lanes*PosWidth-1:0] place;
    assign pos[0] = '0;
    for (genvar j = 0; j < Lanes; j++) begin : gen_lane
      assign nonzero[j] = in_valid_i[j] && (in_data_i[j*W +: W] != '0);
      assign pos[j+1]   = pos[j] + PosWidth'(nonzero[j]);
      assign place[j*PosWidth +: PosWidth] = pos[j];
    end

    assign full       = (cnt_q >= CntWidth'(N));
    // The last block is the words left when the transmission ended (at most N).
    assign blk_last_o = closed_q && (cnt_q <= CntWidth'(N));
    assign last_out   = handoff && blk_last_o;
    // A full block leaves N words behind it in the queue; the last block leaves none.
    assign cnt_keep   = !handoff ? cnt_q : (blk_last_o ? '0 : cnt_q - CntWidth'(N));
    assign sent_now   = handoff ? (!blk_last_o && cnt_keep == '0) : sent_q;
    // A beat enters while no full block waits after this cycle's hand-off (so a transmission
    // never ends behind a block on offer, whose blk_last_o must not change), and a new
    // transmission only once the previous one's last block has left.
    assign in_ready_o = (!closed_q || last_out) && (cnt_keep < CntWidth'(N));
    assign store      = in_fire_i && (nonzero != '0);
    assign q_d        = enqueue(q_q, handoff && !blk_last_o, cnt_keep, in_fire_i, in_data_i, nonzero, place);
    assign cnt_d      = cnt_keep + CntWidth'(in_fire_i ? pos[Lanes] : '0);
  end

  // A transmission that ends with nothing stored after a handed-over full block marks that
  // block as the last (end_q); one that ends with words stored, or with none at all (the
  // empty token), leaves a last block to hand over (closed_q).
  assign end_now  = close && !store && (cnt_keep == '0) && sent_now;
  assign closed_d = (closed_q && !last_out) || (close && !end_now);
  assign sent_d   = sent_now && !store && !close;
  assign end_d    = (end_q && !end_ack_i) || end_now;

  // Stored words: no reset (read only below the fill count).
  always_ff @(posedge clk_i) begin
    q_q <= q_d;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cnt_q    <= '0;
      closed_q <= 1'b0;
      sent_q   <= 1'b0;
      end_q    <= 1'b0;
    end else begin
      cnt_q    <= cnt_d;
      closed_q <= closed_d;
      sent_q   <= sent_d;
      end_q    <= end_d;
    end
  end

`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  // Assertions (simulation and formal, not synthesized; docs/verification.md).
  // Block handshake: a waiting block holds valid and its payload until taken.
  `EBPC_ASSERT_HOLD(u_blk_hold, "ebpc_enc_collector.blk_hold", N * W + 2,
                    blk_valid_o, blk_ready_i, {blk_last_o, blk_empty_o, blk_data_o})

  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // The caller only consumes a beat the collector is ready for.
    `EBPC_ASSERT("ebpc_enc_collector.in_fire_not_ready", !in_fire_i || in_ready_o)
    // Fill count: never above the store, no word stored into a full block.
    // (constant where Cap is the count's largest value, N + Lanes = 2^k - 1)
    /* verilator lint_off CMPCONST */
    `EBPC_ASSERT_MSG("ebpc_enc_collector.fill_range", 32'(cnt_q) <= Cap,
                     $sformatf("%0d words", cnt_q))
    /* verilator lint_on CMPCONST */
    `EBPC_ASSERT_MSG("ebpc_enc_collector.store_full", !(store && cnt_keep >= CntWidth'(N)),
                     "a word stored behind a full block")
    // The coder's block is either followed by more words or the last, never both; the end
    // is acknowledged only while pending.
    `EBPC_ASSERT("ebpc_enc_collector.more_and_end", !(blk_more_o && blk_end_o))
    `EBPC_ASSERT("ebpc_enc_collector.ack_without_end", !end_ack_i || end_q)
    // An empty token is a last block with no word.
    `EBPC_ASSERT("ebpc_enc_collector.empty_token", !blk_empty_o || (blk_last_o && blk_data_o == '0))
`ifndef FORMAL
    `EBPC_ASSERT_MSG("ebpc_enc_collector.ctrl_known",
                     (^{in_fire_i, blk_ready_i, end_ack_i, blk_valid_o, in_ready_o}) !== 1'bx &&
                     (Lanes > 1 || (^coder_idle_i) !== 1'bx),
                     "X/Z on a handshake")
    `EBPC_ASSERT_MSG("ebpc_enc_collector.blk_known",
                     !blk_valid_o || ((^{blk_last_o, blk_empty_o, blk_data_o}) !== 1'bx),
                     "X/Z on a block while blk_valid_o")
`endif
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif

endmodule
