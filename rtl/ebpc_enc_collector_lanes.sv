// SPDX-License-Identifier: Apache-2.0
// EBPC encoder: block collector for beats of Lanes words.
//
// Gathers the non-zero words of a transmission, Lanes words per beat, into blocks of
// BlockSize words for the plane coder: the beat's non-zero words are compacted, in order,
// onto the end of a queue of BlockSize + Lanes words; the queue's first BlockSize words are
// the block on offer (word i of the block in blk_data_o[i*W +: W], unfilled slots zero, the
// format's padding of the last block). The queue's words have no reset: slots at or above
// the fill count are masked.
//
// Contract (the coder's side is that of ebpc_enc_collector):
// - in_fire_i: a beat is consumed this cycle (the caller honours in_ready_o); in_valid_i[j]:
//   lane j holds a word of the transmission; in_last_i: the beat is the transmission's final.
// - A full block is offered as soon as the queue holds BlockSize words, before it is known
//   whether it is the transmission's last (blk_last_o = 0); the coder learns that from
//   blk_more_o (words of the same transmission wait behind it) or blk_end_o (it ended with no
//   further non-zero word), acknowledged by end_ack_i. The words left when a transmission
//   ends go out as a block with blk_last_o = 1 (or, with none at all in the whole
//   transmission, the empty token: blk_last_o = blk_empty_o = 1). A new transmission's beats
//   wait until the previous one's last block is handed over.
// - in_ready_o depends on registers and, combinationally, on blk_ready_i (a beat may enter
//   in the cycle a block leaves); the block outputs come from registers only.
// - Throughput: one beat per cycle while the coder takes a block within BlockSize/Lanes
//   cycles of the previous one (with Lanes > BlockSize at most BlockSize non-zero words a
//   cycle: one block per cycle).
// - Area: (BlockSize + Lanes) words of queue, a Lanes-to-queue compaction crossbar.

`include "ebpc_assert.svh"

module ebpc_enc_collector_lanes #(
  parameter int DataWidth = 8,
  parameter int BlockSize = 8,
  parameter int Lanes     = 2
) (
  input  logic                           clk_i,
  input  logic                           rst_ni,
  output logic                           in_ready_o,
  input  logic                           in_fire_i,
  input  logic [Lanes*DataWidth-1:0]     in_data_i,
  input  logic [Lanes-1:0]               in_valid_i,
  input  logic                           in_last_i,
  output logic                           blk_valid_o,
  input  logic                           blk_ready_i,
  output logic [BlockSize*DataWidth-1:0] blk_data_o,
  output logic                           blk_last_o,
  output logic                           blk_empty_o,
  output logic                           blk_more_o,
  output logic                           blk_end_o,
  input  logic                           end_ack_i
);

  localparam int W        = DataWidth;
  localparam int N        = BlockSize;
  localparam int Cap      = BlockSize + Lanes;  // queue words
  localparam int CntWidth = $clog2(Cap + 1);
  localparam int PosWidth = $clog2(Lanes + 1);

  logic [Cap*W-1:0]    q_q, q_d;
  logic [CntWidth-1:0] cnt_q, cnt_d, cnt_keep;
  logic                closed_q, closed_d;  // the transmission ended: its last block waits
  logic                sent_q, sent_d;      // a full block of this transmission was handed over
                                            // and nothing is queued behind it
  logic                end_q, end_d;        // the coder's block is the last one
  logic                full, handoff, close, store, sent_now, end_now;

  // Lane j's word: non-zero and of the transmission; its place among the beat's non-zero words.
  logic [Lanes-1:0]    nonzero;
  logic [PosWidth-1:0] pos [Lanes+1];
  assign pos[0] = '0;
  for (genvar j = 0; j < Lanes; j++) begin : gen_lane
    assign nonzero[j] = in_valid_i[j] && (in_data_i[j*W +: W] != '0);
    assign pos[j+1]   = pos[j] + PosWidth'(nonzero[j]);
  end

  assign full        = (cnt_q >= CntWidth'(N));
  assign blk_valid_o = full || closed_q;
  assign blk_last_o  = closed_q && (cnt_q <= CntWidth'(N));
  assign blk_empty_o = closed_q && (cnt_q == '0);
  assign blk_more_o  = (cnt_q != '0) && !end_q;
  assign blk_end_o   = end_q;
  assign handoff     = blk_valid_o && blk_ready_i;

  // A full block leaves N words behind it in the queue; the last block leaves none.
  assign cnt_keep   = !handoff ? cnt_q : (blk_last_o ? '0 : cnt_q - CntWidth'(N));
  // A beat enters while no full block waits after this cycle's hand-off (so a transmission
  // never ends behind a block on offer, whose blk_last_o must not change), and a new
  // transmission only once the previous one's last block has left.
  assign in_ready_o = (!closed_q || (handoff && blk_last_o)) && (cnt_keep < CntWidth'(N));
  assign close      = in_fire_i && in_last_i;
  assign store      = in_fire_i && (nonzero != '0);

  function automatic logic [N*W-1:0] mask_unfilled(input logic [Cap*W-1:0] q,
                                                   input logic [CntWidth-1:0] cnt);
    logic [N*W-1:0] res;
    for (int i = 0; i < N; i++) begin
      res[i*W +: W] = (cnt > CntWidth'(i)) ? q[i*W +: W] : '0;
    end
    return res;
  endfunction

  // The queue after this cycle's hand-off (a full block shifts it down by N words), with the
  // beat's non-zero words written from slot cnt_keep on.
  function automatic logic [Cap*W-1:0] enqueue(input logic [Cap*W-1:0]     q,
                                               input logic                 shift,
                                               input logic [CntWidth-1:0]  at,
                                               input logic                 en,
                                               input logic [Lanes*W-1:0]   beat,
                                               input logic [Lanes-1:0]     nz,
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

  logic [Lanes*PosWidth-1:0] place;
  for (genvar j = 0; j < Lanes; j++) begin : gen_place
    assign place[j*PosWidth +: PosWidth] = pos[j];
  end

  // A transmission that ends with nothing queued after a handed-over full block marks that
  // block as the last (end_q); one that ends with words queued, or with none at all (the
  // empty token), leaves a last block to hand over (closed_q).
  assign blk_data_o = mask_unfilled(q_q, cnt_q);
  assign q_d        = enqueue(q_q, handoff && !blk_last_o, cnt_keep, in_fire_i, in_data_i, nonzero, place);
  assign cnt_d      = cnt_keep + CntWidth'(in_fire_i ? pos[Lanes] : '0);
  assign sent_now   = handoff ? (!blk_last_o && cnt_keep == '0) : sent_q;
  assign end_now    = close && !store && (cnt_keep == '0) && sent_now;
  assign closed_d   = (closed_q && !(handoff && blk_last_o)) || (close && !end_now);
  assign sent_d     = sent_now && !store && !close;
  assign end_d      = (end_q && !end_ack_i) || end_now;

  // Queue words: no reset (read only below the fill count).
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
  `EBPC_ASSERT_HOLD(u_blk_hold, "ebpc_enc_collector_lanes.blk_hold", N * W + 2,
                    blk_valid_o, blk_ready_i, {blk_last_o, blk_empty_o, blk_data_o})

  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    `EBPC_ASSERT("ebpc_enc_collector_lanes.in_fire_not_ready", !in_fire_i || in_ready_o)
    // The queue never overflows.
    `EBPC_ASSERT_MSG("ebpc_enc_collector_lanes.fill_range", 32'(cnt_q) <= Cap,
                     $sformatf("%0d words", cnt_q))
    `EBPC_ASSERT("ebpc_enc_collector_lanes.more_and_end", !(blk_more_o && blk_end_o))
    `EBPC_ASSERT("ebpc_enc_collector_lanes.ack_without_end", !end_ack_i || end_q)
    `EBPC_ASSERT("ebpc_enc_collector_lanes.empty_token", !blk_empty_o || (blk_last_o && blk_data_o == '0))
`ifndef FORMAL
    `EBPC_ASSERT_MSG("ebpc_enc_collector_lanes.ctrl_known",
                     (^{in_fire_i, blk_ready_i, end_ack_i, blk_valid_o, in_ready_o}) !== 1'bx,
                     "X/Z on a handshake")
`endif
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif

endmodule
