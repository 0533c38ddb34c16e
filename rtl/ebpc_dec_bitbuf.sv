// SPDX-License-Identifier: Apache-2.0
// EBPC decoder: bit buffer between a stream of W-bit words (beats of Words words) and a
// symbol parser.
//
// Contract:
// - Holds up to BufBits bits, MSB-aligned: win_o[BufBits-1] is the next unread bit,
//   cnt_o bits are valid, all bits below them read as 0.
// - Each cycle the parser removes take_i (<= cnt_o) bits from the top; a word is accepted
//   (valid_i && ready_o) when en_i is high, the word carrying `last` has not been accepted
//   yet, and at least DataWidth bits are free before this cycle's take (ready_o does not
//   depend on take_i or valid_i). The accepted word lands behind the remaining bits in the
//   same cycle, so a word is visible in win_o the cycle after its handshake.
// - last_in_o: the word carrying `last` is in the buffer; no word is accepted after it
//   until flush_i.
// - drain_i: discard the contents and accept-and-discard words until the `last` word has
//   been accepted (last_in_o then goes high). flush_i: empty the buffer and clear
//   last_in_o (no word accepted in that cycle). flush_i wins over drain_i and take_i.
// - Beats (Words > 1, the multi-word decoder): data_i holds Words words (word j, the j-th in
//   stream order, in data_i[j*DataWidth +: DataWidth]); last_i is one-hot on the final word
//   of a stream (the lanes above it are not stored), zero on other beats. A beat is accepted
//   while at least Words*DataWidth bits are free (a "word" above is a beat).
// - Throughput: one word (beat) per cycle in, any number of bits out per cycle.

`include "ebpc_assert.svh"

module ebpc_dec_bitbuf import ebpc_pkg::*; #(
  parameter int DataWidth = 8,   // W
  parameter int BufBits   = 32,  // buffer size in bits, > Words*DataWidth
  parameter int CntWidth  = 8,   // width of cnt_o/take_i, must hold BufBits
  parameter int Words     = 1    // words per beat (1, 2, 4, 8)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 en_i,
  input  logic                 drain_i,
  input  logic                 flush_i,
  input  logic [CntWidth-1:0]  take_i,
  input  logic                 valid_i,
  output logic                 ready_o,
  input  logic [Words*DataWidth-1:0] data_i,
  input  logic [Words-1:0]     last_i,
  output logic [BufBits-1:0]   win_o,
  output logic [CntWidth-1:0]  cnt_o,
  output logic                 last_in_o
);
  // Illegal parameters stop elaboration (rtl/ebpc_assert.svh).
  localparam int InBits = Words * DataWidth;

  `EBPC_PARAM_CHECK(gen_param_error, BufBits > InBits && (1 << CntWidth) > BufBits,
                    $sformatf("ebpc_dec_bitbuf: BufBits=%0d, CntWidth=%0d is illegal: need Words*DataWidth (%0d) < BufBits < 2**CntWidth", BufBits, CntWidth, InBits),
                    ebpc_dec_bitbuf_ERROR_need_InBits_lt_BufBits_lt_2_pow_CntWidth)
  `EBPC_PARAM_CHECK(gen_bad_words, lanes_ok(Words),
                    $sformatf("ebpc_dec_bitbuf: Words=%0d is illegal: must be 1, 2, 4 or 8", Words),
                    ebpc_dec_bitbuf_ERROR_Words_must_be_1_2_4_or_8)

  logic [BufBits-1:0]  buf_q, buf_d;
  logic [CntWidth-1:0] cnt_q, cnt_d, cnt_in;
  logic                last_q, last_d;
  logic                accept;
  logic                in_last;     // the accepted word (beat) carries `last`
  logic [BufBits-1:0]  word_aligned, buf_in;

  assign win_o     = buf_q;
  assign cnt_o     = cnt_q;
  assign last_in_o = last_q;

  assign ready_o = !flush_i && !last_q &&
                   (drain_i || (en_i && ({1'b0, cnt_q} + (CntWidth+1)'(InBits) <=
                                         (CntWidth+1)'(BufBits))));
  assign accept  = valid_i && ready_o;

  // The new word goes behind the bits held before this cycle's take (it fits there: a word
  // is only accepted with DataWidth bits free), then everything moves up by take_i. This
  // keeps the take (the parser's result, late in the cycle) to one shifter in front of the
  // register: (buf | word >> cnt) << take == (buf << take) | word >> (cnt - take).
  logic [InBits-1:0]   in_bits;   // the word (the beat's words, MSB first, clean past them)
  logic [CntWidth-1:0] in_cnt;    // its number of bits
  assign in_last = (last_i != '0);
  if (Words == 1) begin : gen_word
    // (A single word is always whole; no lane logic, which Icarus would evaluate every cycle.)
    assign in_bits = data_i;
    assign in_cnt  = CntWidth'(DataWidth);
  end else begin : gen_beat
    // Word j of a beat goes to the j-th place from the top; lanes above `last` read 0.
    logic [Words-1:0] kept;
    assign kept = (last_i == '0) ? '1 : (last_i | (last_i - 1'b1));
    always_comb begin
      in_cnt = '0;
      for (int j = 0; j < Words; j++) begin
        in_bits[InBits-1-j*DataWidth -: DataWidth] = kept[j] ? data_i[j*DataWidth +: DataWidth] : '0;
        if (kept[j]) in_cnt = in_cnt + CntWidth'(DataWidth);
      end
    end
  end
  assign word_aligned = {in_bits, {(BufBits-InBits){1'b0}}} >> cnt_q;
  assign buf_in       = accept ? (buf_q | word_aligned) : buf_q;
  assign cnt_in       = accept ? cnt_q + in_cnt : cnt_q;

  always_comb begin
    buf_d  = buf_q;
    cnt_d  = cnt_q;
    last_d = last_q;
    if (flush_i) begin
      buf_d  = '0;
      cnt_d  = '0;
      last_d = 1'b0;
    end else if (drain_i) begin
      buf_d = '0;
      cnt_d = '0;
      if (accept && in_last) last_d = 1'b1;
    end else begin
      buf_d = buf_in << take_i;
      cnt_d = cnt_in - take_i;
      if (accept) last_d = in_last;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      buf_q  <= '0;
      cnt_q  <= '0;
      last_q <= 1'b0;
    end else begin
      buf_q  <= buf_d;
      cnt_q  <= cnt_d;
      last_q <= last_d;
    end
  end
`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  // Assertions (simulation and formal, not synthesized; docs/verification.md). A
  // failure stops the simulation with "EBPC_ASSERT <module>.<name>", the time and the instance.
  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // Fill level within the buffer; bits past it read 0; the take within the fill level.
    /* verilator lint_off CMPCONST */
    `EBPC_ASSERT_MSG("ebpc_dec_bitbuf.fill_range", 32'(cnt_q) <= BufBits,
                     $sformatf("%0d bits", cnt_q))
    /* verilator lint_on CMPCONST */
    `EBPC_ASSERT_MSG("ebpc_dec_bitbuf.clean_tail", (buf_q << cnt_q) == '0,
                     "bits past the fill level")
    `EBPC_ASSERT_MSG("ebpc_dec_bitbuf.take_range", flush_i || drain_i || take_i <= cnt_q,
                     $sformatf("take %0d of %0d bits", take_i, cnt_q))
    // No word after `last` until the buffer is flushed.
    `EBPC_ASSERT("ebpc_dec_bitbuf.word_after_last", !(accept && last_q))
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif
endmodule
