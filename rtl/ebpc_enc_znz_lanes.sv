// SPDX-License-Identifier: Apache-2.0
// EBPC encoder: ZNZ (zero / non-zero run-length) symbols of a beat of Lanes words.
//
// Contract:
// - beat_fire_i: a beat is consumed this cycle. word_valid_i[j]: lane j holds a word of the
//   transmission (every lane but those above the final word of a final beat); word_zero_i[j]:
//   that word is zero; beat_last_i: the beat holds the transmission's final word (the highest
//   valid lane).
// - sym_len_o/sym_bits_o: the ZNZ bits the beat completes, lane 0's first, combinationally in
//   the same cycle: each word as ebpc_enc_znz codes it (a run is emitted as soon as it reaches
//   MaxZeroRun, at the next non-zero word or at the final word; a non-zero word emits `1`).
//   sym_bits_o is right-aligned, MSB-first, clean above sym_len_o; at most Lanes symbol
//   widths. The run state carries from lane to lane and from beat to beat; it is cleared
//   after a final beat.
// - Throughput: one beat per cycle, no stall of its own; the caller only fires a beat when
//   the packer can take the longest chunk.
// - Area: Lanes copies of the single-word symbol logic in a chain (log2(MaxZeroRun) bits of
//   run state between lanes) and one shifter per lane that places its symbol at the offset
//   the later lanes' lengths give.

`include "ebpc_assert.svh"

module ebpc_enc_znz_lanes import ebpc_pkg::*; #(
  parameter int Lanes      = 2,
  parameter int MaxZeroRun = 16,
  localparam int LogZ      = $clog2(MaxZeroRun),
  localparam int SymWidth  = znz_run_bits(MaxZeroRun) + 1,  // a run symbol and a `1`
  localparam int MaxLen    = Lanes * SymWidth,
  localparam int LenWidth  = $clog2(MaxLen + 1)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                beat_fire_i,
  input  logic [Lanes-1:0]    word_valid_i,
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
  logic [LenWidth-1:0]    after   [Lanes+1];  // bits of the lanes above j (after[0]: the whole beat)
  logic [Lanes-1:0]       final_word;         // the transmission's final word is in lane j

  // The final word: the highest valid lane of a final beat.
  assign final_word = beat_last_i ? (word_valid_i & ~(word_valid_i >> 1)) : '0;
  assign run_in[0]  = run_q;

  for (genvar j = 0; j < Lanes; j++) begin : gen_lane
    logic close_run;  // a zero word completes the run (it reaches MaxZeroRun or ends the input)
    assign close_run = (run_in[j] == LogZ'(MaxZeroRun - 1)) || final_word[j];
    // As ebpc_enc_znz: a zero word emits `0` + run_in when the run closes; a non-zero word
    // closes an open run (`0` + run_in-1), then emits `1`.
    assign bits[j] = !word_valid_i[j] ? '0 :
                     word_zero_i[j]   ? (close_run ? SymWidth'(run_in[j]) : '0) :
                     (run_in[j] != '0) ? {1'b0, run_in[j] - 1'b1, 1'b1} : SymWidth'(1);
    assign len[j]  = !word_valid_i[j] ? '0 :
                     word_zero_i[j]   ? (close_run ? SymLenWidth'(LogZ + 1) : '0) :
                     (run_in[j] != '0) ? SymLenWidth'(LogZ + 2) : SymLenWidth'(1);
    assign run_in[j+1] = !word_valid_i[j] ? run_in[j] :
                         (word_zero_i[j] && !close_run) ? run_in[j] + 1'b1 : '0;
  end

  // The bits of the lanes after lane j.
  assign after[Lanes] = '0;
  for (genvar j = Lanes - 1; j >= 0; j--) begin : gen_offset
    assign after[j] = after[j+1] + LenWidth'(len[j]);
  end

  // Lane j's symbol goes above the bits of the lanes after it; the lanes' bits never overlap.
  logic [Lanes*SymWidth-1:0] bits_flat;
  logic [Lanes*LenWidth-1:0] offset_flat;
  for (genvar j = 0; j < Lanes; j++) begin : gen_flat
    assign bits_flat[j*SymWidth +: SymWidth]   = bits[j];
    assign offset_flat[j*LenWidth +: LenWidth] = after[j+1];
  end

  function automatic logic [MaxLen-1:0] concat(input logic [Lanes*SymWidth-1:0] syms,
                                              input logic [Lanes*LenWidth-1:0] offsets);
    logic [MaxLen-1:0] res;
    res = '0;
    for (int j = 0; j < Lanes; j++) begin
      res = res | (MaxLen'(syms[j*SymWidth +: SymWidth]) << offsets[j*LenWidth +: LenWidth]);
    end
    return res;
  endfunction

  logic [MaxLen-1:0] placed;
  assign placed = concat(bits_flat, offset_flat);

  assign sym_bits_o = beat_fire_i ? placed : '0;
  assign sym_len_o  = beat_fire_i ? after[0] : '0;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q <= '0;
    end else if (beat_fire_i) begin
      run_q <= run_in[Lanes];
    end
  end

`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // The valid lanes are the low ones; a beat that is not the final one is full.
    `EBPC_ASSERT_MSG("ebpc_enc_znz_lanes.valid_lanes",
                     !beat_fire_i || ((word_valid_i & (word_valid_i + 1'b1)) == '0 && word_valid_i[0] &&
                                      (beat_last_i || word_valid_i == '1)),
                     $sformatf("valid lanes %b, last %b", word_valid_i, beat_last_i))
    // A final beat leaves no open run.
    `EBPC_ASSERT("ebpc_enc_znz_lanes.run_cleared", !(beat_fire_i && beat_last_i) || run_in[Lanes] == '0)
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif

endmodule
