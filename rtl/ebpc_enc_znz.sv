// SPDX-License-Identifier: Apache-2.0
// EBPC encoder: ZNZ (zero / non-zero run-length) symbols of a beat of Lanes words (Lanes = 1:
// one word per beat).
//
// Contract:
// - beat_fire_i: a beat is consumed this cycle. word_valid_i[j]: lane j holds a word of the
//   transmission (every lane but those above the final word of a final beat; read at Lanes > 1
//   only: the single word of a beat always does); word_zero_i[j]: that word is zero;
//   beat_last_i: the beat holds the transmission's final word (the highest valid lane).
// - sym_len_o/sym_bits_o: the ZNZ bits the beat completes, lane 0's first, combinationally in
//   the same cycle (0 bits: zero words that extend an open run). Per word at most one run
//   symbol plus one `1`: 2 + log2(MaxZeroRun) bits; a run is emitted as soon as it reaches
//   MaxZeroRun, at the next non-zero word, or at the final word of the transmission; a
//   non-zero word emits `1`. sym_bits_o is right-aligned, MSB-first, clean above sym_len_o; at
//   most Lanes symbol widths. The run state carries from lane to lane and from beat to beat;
//   it is cleared after a final beat.
// - Throughput: one beat per cycle, no stall of its own. No handshake: the caller only fires a
//   beat when the packer can take the longest chunk.
// - Area: Lanes copies of the single-word symbol logic in a chain (log2(MaxZeroRun) bits of
//   run state between lanes) and, at Lanes > 1, one shifter per lane that places its symbol at
//   the offset the later lanes' lengths give.

`include "ebpc_assert.svh"

module ebpc_enc_znz import ebpc_pkg::*; #(
  parameter int Lanes      = 1,   // 1, 2, 4 or 8
  parameter int MaxZeroRun = 16,
  localparam int LogZ      = $clog2(MaxZeroRun),
  localparam int SymWidth  = znz_run_bits(MaxZeroRun) + 1,  // a run symbol and a `1`
  localparam int MaxLen    = Lanes * SymWidth,
  localparam int LenWidth  = $clog2(MaxLen + 1)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                beat_fire_i,
  /* verilator coverage_off */  // unreachable at Lanes = 1: a constant 1 (a beat's one word always is)
  input  logic [Lanes-1:0]    word_valid_i,
  /* verilator coverage_on */
  input  logic [Lanes-1:0]    word_zero_i,
  input  logic                beat_last_i,
  output logic [MaxLen-1:0]   sym_bits_o,
  output logic [LenWidth-1:0] sym_len_o
);

  localparam int SymLenWidth = $clog2(SymWidth + 1);

  logic [LogZ-1:0]        run_q;              // zero words of the open run (0 .. MaxZeroRun-1)
  logic [LogZ-1:0]        run_in  [Lanes+1];  // the run entering lane j (run_in[Lanes]: after the beat)
  logic [SymWidth-1:0]    bits    [Lanes];
  logic [SymLenWidth-1:0] len     [Lanes];
  logic [Lanes-1:0]       word;               // lane j holds a word of a fired beat
  logic [Lanes-1:0]       final_word;         // the transmission's final word is in lane j
  logic [Lanes-1:0]       close_run;          // lane j's zero word completes the run (it
                                              // reaches MaxZeroRun or ends the input)

  assign run_in[0]  = run_q;

  for (genvar j = 0; j < Lanes; j++) begin : gen_lane
    assign close_run[j] = (run_in[j] == LogZ'(MaxZeroRun - 1)) || final_word[j];
    // Zero word: emit `0` + (run length - 1) = `0` + run_in when the run closes, else count it.
    // Non-zero word: close an open run of run_in zeros (`0` + run_in-1), then emit `1`.
    assign bits[j] = !word[j] ? '0 :
                     word_zero_i[j]   ? (close_run[j] ? SymWidth'(run_in[j]) : '0) :
                     (run_in[j] != '0) ? {1'b0, run_in[j] - 1'b1, 1'b1} : SymWidth'(1);
    assign len[j]  = !word[j] ? '0 :
                     word_zero_i[j]   ? (close_run[j] ? SymLenWidth'(LogZ + 1) : '0) :
                     (run_in[j] != '0) ? SymLenWidth'(LogZ + 2) : SymLenWidth'(1);
    assign run_in[j+1] = !word[j] ? run_in[j] :
                         (word_zero_i[j] && !close_run[j]) ? run_in[j] + 1'b1 : '0;
  end

  if (Lanes == 1) begin : gen_word
    // One word per beat: the word of a fired beat, the final word that of a final beat; its
    // symbol as it is (zero without a fired beat).
    /* verilator coverage_off */  // unreachable at Lanes = 1: word_valid_i is not read there
    logic unused_valid;
    assign unused_valid = ^word_valid_i;
    /* verilator coverage_on */
    assign word       = beat_fire_i;
    assign final_word = beat_last_i;
    assign sym_bits_o = bits[0];
    assign sym_len_o  = len[0];
  end else begin : gen_beat
    // The valid lanes; the final word: the highest valid lane of a final beat.
    assign word       = word_valid_i;
    assign final_word = beat_last_i ? (word_valid_i & ~(word_valid_i >> 1)) : '0;

    // The bits of the lanes after lane j (after[0]: the whole beat).
    logic [LenWidth-1:0] after [Lanes+1];
    assign after[Lanes] = '0;
    for (genvar j = Lanes - 1; j >= 0; j--) begin : gen_offset
      assign after[j] = after[j+1] + LenWidth'(len[j]);
    end

    // Lane j's symbol goes above the bits of the lanes after it; the lanes' bits never overlap.
    logic [Lanes*SymWidth-1:0] bits_flat;
    logic [Lanes*LenWidth-1:0] offset_flat;
    logic [MaxLen-1:0]         placed;
    function automatic logic [MaxLen-1:0] concat(input logic [Lanes*SymWidth-1:0] syms,
                                                input logic [Lanes*LenWidth-1:0] offsets);
      logic [MaxLen-1:0] res;
      res = '0;
      for (int j = 0; j < Lanes; j++) begin
        res = res | (MaxLen'(syms[j*SymWidth +: SymWidth]) << offsets[j*LenWidth +: LenWidth]);
      end
      return res;
    endfunction

    for (genvar j = 0; j < Lanes; j++) begin : gen_flat
      assign bits_flat[j*SymWidth +: SymWidth]   = bits[j];
      assign offset_flat[j*LenWidth +: LenWidth] = after[j+1];
    end
    assign placed = concat(bits_flat, offset_flat);

    assign sym_bits_o = beat_fire_i ? placed : '0;
    assign sym_len_o  = beat_fire_i ? after[0] : '0;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q <= '0;
    end else if (beat_fire_i) begin
      run_q <= run_in[Lanes];
    end
  end

`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  // Assertions (simulation and formal, not synthesized; docs/verification.md).
  // Per lane: a zero word that would wrap the run counter; a non-zero word without its `1`.
  logic [Lanes-1:0] run_wrap, no_one;
  for (genvar j = 0; j < Lanes; j++) begin : gen_check
    assign run_wrap[j] = word[j] && word_zero_i[j] && !close_run[j] && run_in[j] == '1;
    assign no_one[j]   = word[j] && !word_zero_i[j] && (len[j] == '0 || !bits[j][0]);
  end

  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // A beat's symbols hold at most MaxLen bits, clean above their length.
    // (constant at some parameter values: the length field can hold no more)
    /* verilator lint_off CMPCONST */
    `EBPC_ASSERT_MSG("ebpc_enc_znz.sym_bits", 32'(sym_len_o) <= MaxLen && (sym_bits_o >> sym_len_o) == '0,
                     $sformatf("%0d bits, or bits above the length", sym_len_o))
    /* verilator lint_on CMPCONST */
    // The valid lanes are the low ones; a beat that is not the final one is full.
    `EBPC_ASSERT_MSG("ebpc_enc_znz.valid_lanes",
                     !beat_fire_i || ((word_valid_i & (word_valid_i + 1'b1)) == '0 && word_valid_i[0] &&
                                      (beat_last_i || word_valid_i == '1)),
                     $sformatf("valid lanes %b, last %b", word_valid_i, beat_last_i))
    // The run counter never wraps: a run at MaxZeroRun-1 zeros closes with the next zero.
    `EBPC_ASSERT("ebpc_enc_znz.run_wrap", !beat_fire_i || run_wrap == '0)
    // Every non-zero word emits its `1`; a word without bits is a zero extending a run.
    `EBPC_ASSERT("ebpc_enc_znz.nonzero_symbol", !beat_fire_i || no_one == '0)
    // A final beat leaves no open run.
    `EBPC_ASSERT("ebpc_enc_znz.run_cleared", !(beat_fire_i && beat_last_i) || run_in[Lanes] == '0)
`ifndef FORMAL
    `EBPC_ASSERT_MSG("ebpc_enc_znz.in_known",
                     ((^beat_fire_i) !== 1'bx) &&
                     (!beat_fire_i || (^{word_valid_i, word_zero_i, beat_last_i}) !== 1'bx),
                     "X/Z on the word flags")
`endif
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif

endmodule
