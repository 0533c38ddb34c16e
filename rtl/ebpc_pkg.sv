// SPDX-License-Identifier: Apache-2.0
// EBPC: shared package (the decoder's error flags, the parameter rules, sizes that several
// modules derive alike).
//
// Contract:
// - Compiled before every other RTL file (first in Bender.yml and ebpc.core); a module uses it
//   with `import ebpc_pkg::*;` in its header. It holds constants, types and constant functions
//   only (evaluated at elaboration): no logic, no area.
// - err_flag_e: the bit index of each of the decoder's error flags in error_o, in the order of
//   the golden model's ebpc.FLAG_NAMES (bit 0 first; docs/integration.md, "Error flags").
//   err_flags_t is the whole error word, bpc_err_t the three flags the BPC parser reports per
//   block, at their own bit indices.
// - The *_ok functions are the parameter rules that more than one module checks (each check
//   is an `EBPC_PARAM_CHECK, rtl/ebpc_assert.svh); *_planes_per_cycle are the default
//   PlanesPerCycle of the encoder and of the decoder, which their wrappers repeat; the *_bits
//   functions are symbol lengths of the stream format (docs/ebpc-format.md) that both the
//   encoder and the decoder size their paths with.
// - Icarus 11 cannot type a port with a package typedef whose range names a package constant:
//   ports are declared with the constants (logic [ErrFlagsWidth-1:0]), signals with the types.
package ebpc_pkg;

  // ---------------------------------------------------------------------------------------
  // Decoder error flags (error_o, valid with done_o; 0 = clean transmission).
  // ---------------------------------------------------------------------------------------
  typedef enum int {
    ErrZnzRunOverflow = 0,  // a zero run would pass L
    ErrZnzTruncated   = 1,  // ZNZ `last` consumed before L words were accounted for
    ErrBpcTruncated   = 2,  // BPC `last` consumed before ceil(nnz/N) blocks were decoded
    ErrBpcBadPosition = 3,  // single-one position > N-2 or pair position > N-3
    ErrBpcRunTooLong  = 4,  // all-zero DBX run longer than the planes left in its block
    ErrZnzTrailing    = 5,  // the ZNZ word holding the final symbol does not carry `last`
    ErrBpcTrailing    = 6,  // the same for BPC
    ErrZeroLength     = 7   // L = 0
  } err_flag_e;

  // (Not every top reads every constant.)
  /* verilator lint_off UNUSEDPARAM */
  localparam int ErrFlagsWidth = 8;
  /* verilator lint_on UNUSEDPARAM */

  typedef logic [ErrFlagsWidth-1:0] err_flags_t;
  // One block's BPC errors (ebpc_dec_bpc -> ebpc_dec_out), indexed like error_o.
  typedef logic [ErrBpcRunTooLong:ErrBpcTruncated] bpc_err_t;

  // Constant functions: Verilator would count their lines and expressions for code coverage
  // although no simulation runs them.
  /* verilator coverage_off */  // unreachable at run time: constant functions (elaboration only)

  // ---------------------------------------------------------------------------------------
  // Parameter rules (ebpc_encoder and ebpc_decoder check them at elaboration).
  // ---------------------------------------------------------------------------------------
  function automatic bit is_pow2(int value);
    return value >= 1 && (value & (value - 1)) == 0;
  endfunction

  // DataWidth W: 8, 16 or 32.
  function automatic bit data_width_ok(int data_width);
    return data_width == 8 || data_width == 16 || data_width == 32;
  endfunction

  // BlockSize N: 2 .. 2W.
  function automatic bit block_size_ok(int block_size, int data_width);
    return block_size >= 2 && block_size <= 2 * data_width;
  endfunction

  // MaxZeroRun Z: a power of two in 2 .. 256.
  function automatic bit max_zero_run_ok(int max_zero_run);
    return max_zero_run >= 2 && max_zero_run <= 256 && is_pow2(max_zero_run);
  endfunction

  // Lanes: words per beat of every data stream: 1, 2, 4 or 8.
  function automatic bit lanes_ok(int lanes);
    return lanes == 1 || lanes == 2 || lanes == 4 || lanes == 8;
  endfunction

  // The lanes of a beat (up to 8) that hold words of its packet: all of a beat without last,
  // those up to the one-hot last of a final beat (the AXI4-Stream tops' TKEEP, per word).
  function automatic logic [7:0] beat_lanes(logic [7:0] last);
    return (last == '0) ? '1 : (last | (last - 8'd1));
  endfunction

  // The one-hot last of an AXI4-Stream beat: its highest kept word when TLAST is set (the kept
  // words are the low lanes), none otherwise.
  function automatic logic [7:0] keep_last(logic [7:0] words_kept, logic tlast);
    return tlast ? (words_kept & ~(words_kept >> 1)) : '0;
  endfunction

  // The words an AXI4-Stream TKEEP keeps (up to 8 lanes of word_bytes bytes): bit j is the
  // keep bit of word j's first byte.
  function automatic logic [7:0] keep_words(logic [31:0] keep, int lanes, int word_bytes);
    logic [7:0] kept;
    kept = '0;
    for (int j = 0; j < lanes; j++) kept[j] = keep[j*word_bytes];
    return kept;
  endfunction

  // An AXI4-Stream beat's TKEEP and TLAST -> the cores' one-hot last (the lane of a packet's
  // final word): the highest kept word of a TLAST beat (keep_last of keep_words).
  function automatic logic [7:0] axis_last(logic [31:0] keep, logic tlast, int lanes, int word_bytes);
    return keep_last(keep_words(keep, lanes, word_bytes), tlast);
  endfunction

  // The cores' one-hot last -> the TKEEP of an AXI4-Stream beat of lanes words of word_bytes
  // bytes: the whole words of beat_lanes (the AXI4-Stream tops' outputs).
  function automatic logic [31:0] axis_keep(logic [7:0] last, int lanes, int word_bytes);
    logic [7:0]  kept;
    logic [31:0] keep;
    kept = beat_lanes(last);
    keep = '0;
    for (int i = 0; i < lanes * word_bytes; i++) keep[i] = kept[i / word_bytes];
    return keep;
  endfunction

  // The TKEEP rule of the AXI4-Stream tops (for their assertions): a beat of `lanes` words of
  // `word_bytes` bytes keeps whole words; every beat is full but a packet's final one (tlast),
  // whose kept words are the low lanes, at least one.
  function automatic bit keep_legal(logic [31:0] keep, logic tlast, int lanes, int word_bytes);
    logic [7:0] kept;
    bit         whole;
    kept  = keep_words(keep, lanes, word_bytes);
    whole = 1'b1;
    for (int j = 0; j < lanes; j++) begin
      for (int b = 1; b < word_bytes; b++) whole &= keep[j*word_bytes+b] == kept[j];
    end
    if (!tlast) return whole && kept == 8'((1 << lanes) - 1);
    return whole && kept[0] && (kept & (kept + 8'd1)) == 8'd0;
  endfunction

  // The words of a beat (up to 8 lanes of width bits) that belong to its packet, the others
  // zero: every lane of a beat without last, the lanes up to the one-hot last of a final beat.
  // (For the assertions' X/Z checks: the lanes above a final beat's last are don't-care.)
  function automatic logic [255:0] beat_words(logic [255:0] data, logic [7:0] last, int width,
                                              int lanes);
    logic [7:0]   kept;
    logic [255:0] res;
    if (lanes == 1) return data;
    kept = beat_lanes(last);
    res  = '0;
    for (int i = 0; i < lanes * width; i++) res[i] = kept[i / width] && data[i];
    return res;
  endfunction

  // PlanesPerCycle: 1 .. W+1 (bit-planes coded, or plane symbols decoded, per cycle).
  function automatic bit planes_per_cycle_ok(int planes_per_cycle, int data_width);
    return planes_per_cycle >= 1 && planes_per_cycle <= data_width + 1;
  endfunction

  // Default PlanesPerCycle of the encoder: 2 at W=8, 3 at W=16/32 (ebpc_encoder.sv).
  // With Lanes > 1 a block must be coded in G = ceil((W+1)/P) cycles: G < 8/Lanes at W = 8
  // and 16 (a block of the default N = 8 arrives every 8/Lanes cycles of dense data) and
  // G <= 11/Lanes at W = 32 (the single lane's rate trade, per lane).
  function automatic int enc_planes_per_cycle(int data_width, int lanes);
    int cycles;
    if (lanes <= 1) return (data_width == 8) ? 2 : 3;
    cycles = ((data_width == 32) ? 11 : 8) / lanes;
    // (at W <= 16 a cycle of margin where there is room: G = N/Lanes exactly loses ~5 %)
    if (data_width <= 16 && cycles >= 4) cycles = cycles - 1;
    if (cycles < 1) cycles = 1;
    return (data_width + cycles) / cycles;  // ceil((W+1) / cycles)
  endfunction

  // Default PlanesPerCycle of the decoder: 1 at W=8, 2 at W=16/32 (ebpc_decoder.sv).
  function automatic int dec_planes_per_cycle(int data_width);
    return (data_width <= 8) ? 1 : 2;
  endfunction

  // Default PlanesPerCycle of the decoder with Lanes words per beat: the single-word default
  // at Lanes = 1; W+1 at Lanes = 8, and at Lanes = 4 for W >= 16 (a whole block, base and
  // planes, in one cycle while its symbols chain: a block of the default N = 8 comes every
  // 8/Lanes cycles of dense data and the parser restarts behind a shorter symbol);
  // ceil((W+1)/2) at Lanes = 4, W = 8; ceil((W+1)/4) at Lanes = 2 (a block every 4 cycles).
  function automatic int dec_planes_per_cycle_lanes(int data_width, int lanes);
    if (lanes <= 1) return dec_planes_per_cycle(data_width);
    if (lanes >= 8 || (lanes == 4 && data_width > 8)) return data_width + 1;
    return (lanes == 4) ? (data_width + 2) / 2 : (data_width + 4) / 4;
  endfunction

  // ---------------------------------------------------------------------------------------
  // Symbol lengths of the stream format.
  // ---------------------------------------------------------------------------------------
  // Longest BPC plane symbol: `1` + DBX (N bits), `0001x` + position (5 + log2 N bits),
  // `001` + run length (3 + log2 W bits).
  function automatic int bpc_symbol_max_bits(int data_width, int block_size);
    int sym;
    sym = (block_size > 5 + $clog2(block_size)) ? block_size : 5 + $clog2(block_size);
    return (sym > 3 + $clog2(data_width)) ? sym : 3 + $clog2(data_width);
  endfunction

  // ZNZ zero-run symbol: `0` + run length - 1 (log2 Z bits).
  function automatic int znz_run_bits(int max_zero_run);
    return 1 + $clog2(max_zero_run);
  endfunction

  /* verilator coverage_on */

endpackage
