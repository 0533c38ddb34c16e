// SPDX-License-Identifier: Apache-2.0
// EBPC encoder: block collector.
//
// Gathers the non-zero input words of a transmission into blocks of BlockSize words
// (word i of the block in blk_data_o[i*W +: W]; unfilled slots read zero, which is exactly the
// format's zero padding of the last block) and hands each block to the plane coder. The word
// slots have no reset and are not cleared: slots at or above the fill count are masked.
//
// Contract:
// - in_fire_i: a word is consumed this cycle (the caller honours in_ready_o). Zero words are not
//   stored; in_last_i closes the transmission.
// - A full block is offered as soon as it is full, before it is known whether it is the
//   transmission's last block (blk_last_o = 0). The coder learns that later: blk_more_o (a
//   non-zero word of the same transmission has arrived since: not the last block) or
//   blk_end_o (the transmission ended with no further non-zero word: the last block), which
//   the coder acknowledges with end_ack_i. A partial block at the transmission end is offered
//   with blk_last_o = 1; an all-zero transmission as an empty token (blk_last_o = blk_empty_o = 1).
// - blk_ready_i must not depend on blk_valid_o. coder_idle_i (a register: the coder will take
//   a block this cycle) is all in_ready_o looks at besides the collector's own registers,
//   which keeps the input handshake off the coder/packer timing paths. The block outputs
//   come from registers only.
// - Throughput: one word per cycle as long as the coder takes a block within BlockSize cycles
//   of the previous one.

`include "ebpc_assert.svh"

module ebpc_enc_collector #(
  parameter int DataWidth = 8,
  parameter int BlockSize = 8
) (
  input  logic                           clk_i,
  input  logic                           rst_ni,
  output logic                           in_ready_o,
  input  logic                           in_fire_i,
  input  logic [DataWidth-1:0]           in_data_i,
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

  localparam int CntWidth = $clog2(BlockSize + 1);

  logic [BlockSize*DataWidth-1:0] blk_q, blk_d;
  logic [CntWidth-1:0]            cnt_q, cnt_d;
  logic                           closed_q, closed_d;  // a last (partial or empty) block waits
  logic                           sent_q, sent_d;      // a full block of this transmission was
                                                       // handed over and nothing stored since
  logic                           end_q, end_d;        // the coder's block is the last one
  logic                           full, nonzero, handoff, close;

  assign full       = (cnt_q == CntWidth'(BlockSize));
  assign nonzero    = (in_data_i != '0);
  // A waiting block lets the next word in only when the coder is idle (it takes the block
  // this cycle): in_ready_o depends on registers alone. When the coder takes the block in
  // the cycle its final chunk leaves, the input pauses for that cycle, which only happens
  // while the BPC output, not the input, limits the throughput.
  assign in_ready_o = !(closed_q || full) || coder_idle_i;

  assign blk_valid_o = closed_q || full;
  assign blk_data_o  = mask_unfilled(blk_q, cnt_q);
  assign blk_last_o  = closed_q;
  assign blk_empty_o = closed_q && (cnt_q == '0);
  assign blk_more_o  = (cnt_q != '0) && !end_q;
  assign blk_end_o   = end_q;
  assign handoff     = blk_valid_o && blk_ready_i;
  assign close       = in_fire_i && in_last_i;

  // State after a hand-off, before this cycle's word is added. Combinational logic is written
  // as single assignments / functions: Icarus 11 can re-trigger an always_comb block endlessly.
  logic [CntWidth-1:0]            cnt_keep;
  logic                           store;

  function automatic logic [BlockSize*DataWidth-1:0] put_word(
    input logic [BlockSize*DataWidth-1:0] blk,
    input logic                           en,
    input logic [CntWidth-1:0]            slot,
    input logic [DataWidth-1:0]           word
  );
    logic [BlockSize*DataWidth-1:0] res;
    res = blk;
    for (int i = 0; i < BlockSize; i++) begin
      if (en && slot == CntWidth'(i)) res[i*DataWidth +: DataWidth] = word;
    end
    return res;
  endfunction

  function automatic logic [BlockSize*DataWidth-1:0] mask_unfilled(
    input logic [BlockSize*DataWidth-1:0] blk,
    input logic [CntWidth-1:0]            cnt
  );
    logic [BlockSize*DataWidth-1:0] res;
    for (int i = 0; i < BlockSize; i++) begin
      res[i*DataWidth +: DataWidth] = (cnt > CntWidth'(i)) ? blk[i*DataWidth +: DataWidth] : '0;
    end
    return res;
  endfunction

  // A transmission that ends with nothing stored after a handed-over full block marks that
  // block as the last (end_q); one that ends with words stored, or with none at all (the
  // empty token), leaves a last block to hand over (closed_q).
  logic sent_now, end_now;

  assign cnt_keep = handoff ? '0 : cnt_q;
  assign store    = in_fire_i && nonzero;
  assign blk_d    = put_word(blk_q, store, cnt_keep, in_data_i);
  assign cnt_d    = cnt_keep + CntWidth'(store);
  assign sent_now = handoff ? !closed_q : sent_q;
  assign end_now  = close && !store && (cnt_keep == '0) && sent_now;
  assign closed_d = (closed_q && !handoff) || (close && !end_now);
  assign sent_d   = sent_now && !store && !close;
  assign end_d    = (end_q && !end_ack_i) || end_now;

  // Word slots: no reset (read only below the fill count).
  always_ff @(posedge clk_i) begin
    blk_q <= blk_d;
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
  `EBPC_ASSERT_HOLD(u_blk_hold, "ebpc_enc_collector.blk_hold", BlockSize * DataWidth + 2,
                    blk_valid_o, blk_ready_i, {blk_last_o, blk_empty_o, blk_data_o})

  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // The caller only consumes a word the collector is ready for.
    `EBPC_ASSERT("ebpc_enc_collector.in_fire_not_ready", !in_fire_i || in_ready_o)
    // Fill count: never above BlockSize, no word stored into a full block.
    `EBPC_ASSERT_MSG("ebpc_enc_collector.fill_range", 32'(cnt_q) <= BlockSize,
                     $sformatf("%0d words", cnt_q))
    `EBPC_ASSERT_MSG("ebpc_enc_collector.store_full", !(store && cnt_keep == CntWidth'(BlockSize)),
                     "a word stored into a full block")
    // The coder's block is either followed by more words or the last, never both; the end
    // is acknowledged only while pending.
    `EBPC_ASSERT("ebpc_enc_collector.more_and_end", !(blk_more_o && blk_end_o))
    `EBPC_ASSERT("ebpc_enc_collector.ack_without_end", !end_ack_i || end_q)
    // An empty token is a last block with no word.
    `EBPC_ASSERT("ebpc_enc_collector.empty_token", !blk_empty_o || (blk_last_o && blk_data_o == '0))
`ifndef FORMAL
    `EBPC_ASSERT_MSG("ebpc_enc_collector.ctrl_known",
                     (^{in_fire_i, blk_ready_i, coder_idle_i, end_ack_i, blk_valid_o, in_ready_o}) !== 1'bx,
                     "X/Z on a handshake")
    `EBPC_ASSERT_MSG("ebpc_enc_collector.blk_known",
                     !blk_valid_o || ((^{blk_last_o, blk_empty_o, blk_data_o}) !== 1'bx),
                     "X/Z on a block while blk_valid_o")
`endif
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif

endmodule
