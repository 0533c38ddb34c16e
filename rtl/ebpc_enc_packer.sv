// SPDX-License-Identifier: Apache-2.0
// EBPC encoder: variable-length bit packer.
//
// Contract:
// - Input: one chunk per handshake (in_valid_i & in_ready_o): in_len_i bits (0..MaxLen),
//   right-aligned in in_bits_i, first bit of the stream at bit in_len_i-1 (MSB-first order).
//   Bits of in_bits_i at or above in_len_i must be zero. in_last_i marks the final chunk of a
//   transmission; a transmission must hold at least one bit (else use the empty token).
//   in_empty_i marks an "empty transmission" token (in_len_i = 0, in_last_i = 1): it produces
//   no output word, only a done event with count 0.
// - Output: beats of Words W-bit words, valid/ready; a source-stable stream. Bits are packed
//   MSB-first into words; the beat's j-th word in stream order is out_data_o[j*W +: W]. Every
//   beat is full except a transmission's final beat, whose one-hot out_last_o marks the lane of
//   the final (zero-padded) word; the lanes above it read zero. out_last_o is zero on every
//   other beat. Words = 1: a word per beat, out_last_o[0] on the final word.
// - done_o pulses for one cycle when a transmission's final word is handed over (or when an empty
//   token is accepted); done_count_o is the number of words of that transmission (0 for a token).
// - Throughput: one output beat per cycle whenever >= Words*W bits are buffered (or the final
//   partial beat is pending), while accepting a chunk in the same cycle. A new transmission's first chunk
//   is accepted in the cycle the previous transmission's final word is handed over (no bubble).
// - Latency: a chunk's bits can leave in the cycle after it is accepted.
// - in_ready_o does not depend on in_valid_i, in_bits_i or in_len_i (only on state, out_ready_i
//   and in_empty_i).

`include "ebpc_assert.svh"

module ebpc_enc_packer #(
  parameter int Width      = 8,   // output word width W
  parameter int Words      = 1,   // words per output beat (Lanes): 1, 2, 4 or 8
  parameter int MaxLen     = 16,  // longest chunk accepted per cycle
  parameter int CountWidth = 32,
  parameter int CountWords = 1,   // 0: no word counter, done_count_o reads 0
  // Bits that may stay buffered after this cycle's beat when a chunk is accepted (>= Words*Width):
  // a beat keeps the output busy whenever chunks come every cycle; more rides out gaps in the
  // chunk supply (the encoder's BPC packer uses 1.5 W; each extra bit costs a buffer flop
  // and a wider insertion shifter).
  parameter int Slack      = Words * Width
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  in_valid_i,
  output logic                  in_ready_o,
  input  logic [MaxLen-1:0]     in_bits_i,
  input  logic [$clog2(MaxLen+1)-1:0] in_len_i,
  input  logic                  in_last_i,
  input  logic                  in_empty_i,
  output logic                  out_valid_o,
  input  logic                  out_ready_i,
  output logic [Words*Width-1:0] out_data_o,
  output logic [Words-1:0]      out_last_o,
  output logic                  done_o,
  output logic [CountWidth-1:0] done_count_o
);

  // Buffer capacity: accepting a chunk is allowed while at most Slack (>= Width) bits remain
  // after this cycle's output word, so the buffer never overflows and the output never starves
  // while chunks keep coming.
  localparam int Beat      = Words * Width;
  localparam int Cap       = MaxLen + Slack;
  localparam int FillWidth = $clog2(Cap + 1);
  localparam int LaneWidth = (Words > 1) ? $clog2(Words) : 1;

  logic [Cap-1:0]        buf_q, buf_d, buf_after;
  logic [FillWidth-1:0]  fill_q, fill_d, fill_after;
  logic                  flush_q, flush_d;
  logic [CountWidth-1:0] cnt_q, cnt_d;
  logic                  out_fire, final_fire, in_fire;
  logic [FillWidth-1:0]  ins_shift;
  logic                  final_beat;

  // The buffer is left-aligned: the oldest bit sits at buf_q[Cap-1]; bits below the fill are
  // zero. The beat's first word in stream order goes to lane 0 (plain wiring).
  for (genvar j = 0; j < Words; j++) begin : gen_lane
    assign out_data_o[j*Width +: Width] = buf_q[Cap-1-j*Width -: Width];
  end
  assign out_valid_o = flush_q ? (fill_q != '0) : (fill_q >= FillWidth'(Beat));
  assign final_beat  = flush_q && (fill_q <= FillWidth'(Beat));
  // The lane of the final word: ceil(fill / W) - 1; the final beat's words: ceil(fill / W).
  logic [CountWidth-1:0] final_words;
  if (Words == 1) begin : gen_one_lane
    assign out_last_o  = final_beat;
    assign final_words = CountWidth'(1);
  end else begin : gen_lanes
    localparam int LogW = $clog2(Width);  // W is a power of two
    logic [FillWidth-1:0] last_bit;
    logic [FillWidth:0]   fill_up;
    assign last_bit    = fill_q - 1'b1;
    assign fill_up     = {1'b0, fill_q} + (FillWidth + 1)'(Width - 1);
    assign out_last_o  = final_beat ? (Words'(1) << LaneWidth'(last_bit >> LogW)) : '0;
    assign final_words = CountWidth'(fill_up >> LogW);
  end
  assign out_fire    = out_valid_o && out_ready_i;
  assign final_fire  = out_fire && final_beat;

  // (Single-assignment style throughout: Icarus 11 loops forever on some always_comb blocks that
  // assign a variable more than once.)
  assign buf_after  = final_fire ? '0 : (out_fire ? (buf_q << Beat) : buf_q);
  assign fill_after = final_fire ? '0 : (out_fire ? (fill_q - FillWidth'(Beat)) : fill_q);

  // While a transmission is being flushed, the next one may only start in the cycle its final
  // word leaves; an empty token waits until the flush is over (one done event per cycle).
  assign in_ready_o = (!flush_q || (final_fire && !in_empty_i)) &&
                      (fill_after <= FillWidth'(Slack));
  assign in_fire    = in_valid_i && in_ready_o;
  assign ins_shift  = FillWidth'(Cap) - fill_after - FillWidth'(in_len_i);

  assign buf_d   = in_fire ? (buf_after | (Cap'(in_bits_i) << ins_shift)) : buf_after;
  assign fill_d  = in_fire ? (fill_after + FillWidth'(in_len_i)) : fill_after;
  assign flush_d = (in_fire && in_last_i && !in_empty_i) || (flush_q && !final_fire);
  assign cnt_d   = final_fire ? '0 : (out_fire ? cnt_q + CountWidth'(Words) : cnt_q);

  assign done_o       = final_fire || (in_fire && in_empty_i);
  assign done_count_o = (CountWords != 0 && final_fire) ? cnt_q + final_words : '0;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      buf_q   <= '0;
      fill_q  <= '0;
      flush_q <= 1'b0;
      cnt_q   <= '0;
    end else begin
      buf_q   <= buf_d;
      fill_q  <= fill_d;
      flush_q <= flush_d;
      cnt_q   <= cnt_d;
    end
  end

`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  // Assertions (simulation and formal, not synthesized; docs/verification.md).
  // Output: a waiting word holds valid, data and last until it is taken.
  `EBPC_ASSERT_HOLD(u_out_hold, "ebpc_enc_packer.out_hold", Beat + Words,
                    out_valid_o, out_ready_i, {out_last_o, out_data_o})

  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // Input chunks: at most MaxLen bits, clean above the length; a token holds no bit.
    // (constant at some parameter values: the length field can hold no more)
    /* verilator lint_off CMPCONST */
    `EBPC_ASSERT_MSG("ebpc_enc_packer.in_chunk",
                     !in_valid_i || (32'(in_len_i) <= MaxLen && (Cap'(in_bits_i) >> in_len_i) == '0),
                     $sformatf("%0d bits, or bits above the length", in_len_i))
    /* verilator lint_on CMPCONST */
    `EBPC_ASSERT_MSG("ebpc_enc_packer.in_token", !(in_valid_i && in_empty_i) || (in_len_i == '0 && in_last_i),
                     "an empty token with bits or without last")
    // The buffer neither overflows nor underflows; its unused bits stay zero.
    `EBPC_ASSERT_MSG("ebpc_enc_packer.buf_overflow", !in_fire || 32'(fill_after) + 32'(in_len_i) <= Cap,
                     $sformatf("%0d + %0d bits > %0d", fill_after, in_len_i, Cap))
    `EBPC_ASSERT_MSG("ebpc_enc_packer.buf_state", 32'(fill_q) <= Cap && (buf_q << fill_q) == '0,
                     $sformatf("fill %0d, or bits below the fill", fill_q))
    `EBPC_ASSERT_MSG("ebpc_enc_packer.buf_underflow", !(out_fire && !final_fire) || fill_q >= FillWidth'(Beat),
                     $sformatf("a word sent from %0d bits", fill_q))
    // The word counter does not wrap.
    `EBPC_ASSERT_MSG("ebpc_enc_packer.count_wrap",
                     CountWords == 0 || !(out_fire && 33'(cnt_q) + 33'(Words) > 33'({CountWidth{1'b1}})),
                     $sformatf("more than 2^%0d-1 words", CountWidth))
`ifndef FORMAL
    `EBPC_ASSERT_MSG("ebpc_enc_packer.ctrl_known",
                     (^{in_valid_i, out_ready_i, out_valid_o, in_ready_o, done_o}) !== 1'bx,
                     "X/Z on a valid or ready")
    `EBPC_ASSERT_MSG("ebpc_enc_packer.in_known",
                     !in_valid_i || ((^{in_bits_i, in_len_i, in_last_i, in_empty_i}) !== 1'bx),
                     "X/Z on a chunk while in_valid_i")
`endif
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif

endmodule
