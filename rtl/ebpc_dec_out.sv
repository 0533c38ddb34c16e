// SPDX-License-Identifier: Apache-2.0
// EBPC decoder: output stage (ZNZ symbols in step with the words, block buffer, word
// rebuild, output register, done/error).
//
// Contract:
// - Takes the length L of the next transmission once the previous one has produced its
//   final word and its input streams are consumed (its final word may still wait in the
//   output register), then produces exactly L words (out_last_o on the last), one per cycle,
//   each from the symbol at the head of the ZNZ front end: a zero run gives run+1 zero
//   words, a `1` the next word of the block buffer. A transmission's final word (and an
//   L = 0 transmission) waits until the cycle after the previous one's done_o.
// - Block buffer: one decoded block (base + deltas), loaded from the BPC parser when empty
//   or in the cycle its last word goes out (no bubble between blocks); words are rebuilt one
//   per cycle, b[0] = base, b[i] = b[i-1] + d[i] mod 2^W. The BPC streams are paired, in
//   order, with the transmissions that decode a non-zero word: a stream's blocks are used
//   from its first block on; after the transmission's final word, a partly used block is
//   dropped, and if its stream goes on (the last used block is not the stream's end), the
//   rest of the stream's blocks are dropped too (ErrBpcTrailing unless a ZNZ error came
//   first).
// - Errors (flags: ebpc_pkg::err_flag_e): a zero run past L (ErrZnzRunOverflow) or a ZNZ
//   stream ending early (ErrZnzTruncated) turns the rest of the transmission into zeros and
//   discards the ZNZ stream through `last`; a bad block (ErrBpcTruncated, ErrBpcBadPosition,
//   ErrBpcRunTooLong from the parser) or a stream that ends before the block a `1` needs
//   (ErrBpcTruncated) turns every later non-zero word of the transmission into 0;
//   ErrZnzTrailing: the ZNZ word holding the final symbol lacks `last` (the stream is then
//   discarded through it).
// - done_o pulses (error_o = the flags) in the cycle the final word is handed over, or
//   later once both input streams of the transmission are consumed. L = 0: ErrZeroLength,
//   no word.
// - Throughput: one word per cycle; with out_ready_i high, one idle output cycle between
//   transmissions (the next stream's first ZNZ word enters after the final symbol); a final
//   word held by the sink is followed directly by the next transmission's first word.

`include "ebpc_assert.svh"

module ebpc_dec_out import ebpc_pkg::*; #(
  parameter int DataWidth  = 8,
  parameter int BlockSize  = 8,
  parameter int MaxZeroRun = 16,
  parameter int CountWidth = 16
) (
  input  logic                                    clk_i,
  input  logic                                    rst_ni,
  input  logic                                    len_valid_i,
  output logic                                    len_ready_o,
  input  logic [CountWidth-1:0]                   len_data_i,
  // ZNZ front end.
  output logic                                    znz_en_o,
  input  logic                                    sym_valid_i,
  input  logic                                    sym_nz_i,
  input  logic [$clog2(MaxZeroRun)-1:0]           sym_run_i,
  output logic                                    sym_take_o,
  output logic                                    sym_final_o,
  input  logic                                    sym_clean_i,
  input  logic                                    trunc_i,
  output logic                                    znz_drain_o,
  input  logic                                    znz_busy_i,
  // BPC parser.
  input  logic                                    blk_valid_i,
  output logic                                    blk_ready_o,
  output logic                                    blk_empty_o,
  input  logic                                    blk_end_i,
  input  logic [ErrBpcRunTooLong:ErrBpcTruncated] blk_err_i,
  input  logic [DataWidth-1:0]                    blk_base_i,
  input  logic [DataWidth*(BlockSize-1)-1:0]      blk_planes_i,
  // Output.
  output logic                                    out_valid_o,
  input  logic                                    out_ready_i,
  output logic [DataWidth-1:0]                    out_data_o,
  output logic                                    out_last_o,
  output logic                                    done_o,
  output logic [ErrFlagsWidth-1:0]                error_o
);
  localparam int W    = DataWidth;
  localparam int N    = BlockSize;
  localparam int LogZ = $clog2(MaxZeroRun);
  localparam int IdxW = $clog2(N);

  // Transmission state.
  logic                  active_q, active_d, open_q, open_d, pend_q, pend_d;
  logic                  handed_q, handed_d, skip_q, skip_d;
  logic [CountWidth-1:0] rem_q, rem_d;
  logic [LogZ-1:0]       zrun_q, zrun_d;
  logic                  zfill_q, zfill_d, zmode_q, zmode_d, nzseen_q, nzseen_d;
  logic                  blkend_q, blkend_d;
  err_flags_t            flags_q, flags_d, pflags_q, pflags_d;
  logic                  out_valid_q, out_valid_d, out_last_q, out_last_d;
  logic [W-1:0]          out_data_q, out_data_d;

  // Block buffer.
  logic                  hvalid_q, hvalid_d, hend_q, hend_d;
  bpc_err_t              herr_q, herr_d;
  logic [IdxW-1:0]       hidx_q, hidx_d;
  logic [W-1:0]          hacc_q, hacc_d, hword;
  logic [W*(N-1)-1:0]    hdl_q, hdl_d, blk_deltas;
  logic                  hpop, hdrop_bad, hdrop_end, hfree, hlast;

  logic                  load_en, produce, is_final, final_ok, final_hs, done_now, need_new;
  logic                  run_fits;
  logic [W-1:0]          word;

  // Deltas d[1..N-1] (low W bits) from the bit-planes: entry e holds d[e+1], whose bit k
  // is position e of plane k (position 0 = plane bit N-2).
  for (genvar e = 0; e < N - 1; e++) begin : gen_delta
    for (genvar k = 0; k < W; k++) begin : gen_bit
      assign blk_deltas[e*W + k] = blk_planes_i[k*(N-1) + (N-2-e)];
    end
  end

  assign hword    = hacc_q + ((hidx_q == '0) ? '0 : hdl_q[W-1:0]);
  assign hlast    = (hidx_q == IdxW'(N - 1));
  // The next `1` needs a fresh block: none is in use.
  assign need_new = !hvalid_q || (hidx_q == '0);

  assign out_valid_o = out_valid_q;
  assign out_data_o  = out_data_q;
  assign out_last_o  = out_last_q;

  assign final_hs    = out_valid_q && out_ready_i && out_last_q;
  assign done_now    = pend_q && (handed_q || final_hs) && !znz_busy_i && !skip_q;
  assign done_o      = done_now;
  assign error_o     = done_now ? pflags_q : '0;
  // The next transmission starts once this one's streams are consumed; it may go out while
  // this one waits for the handshake of its final word (its own final word then waits).
  assign len_ready_o = !active_q && !znz_busy_i && !skip_q;
  assign znz_en_o    = open_q || (len_valid_i && len_ready_o && (len_data_i != '0));

  assign is_final    = (rem_q == CountWidth'(1));
  // (From the register only: the previous done clears it a cycle later, off this path.)
  assign final_ok    = !pend_q;
  assign run_fits    = (CountWidth'(sym_run_i) < rem_q);
  assign sym_final_o = sym_nz_i ? is_final : (CountWidth'(sym_run_i) + 1'b1 == rem_q);

  always_comb begin
    active_d    = active_q;
    open_d      = open_q;
    pend_d      = pend_q;
    pflags_d    = pflags_q;
    handed_d    = handed_q;
    skip_d      = skip_q;
    rem_d       = rem_q;
    zrun_d      = zrun_q;
    zfill_d     = zfill_q;
    zmode_d     = zmode_q;
    nzseen_d    = nzseen_q;
    blkend_d    = blkend_q;
    flags_d     = flags_q;
    out_valid_d = out_valid_q;
    out_data_d  = out_data_q;
    out_last_d  = out_last_q;
    sym_take_o  = 1'b0;
    znz_drain_o = 1'b0;
    produce     = 1'b0;
    hpop        = 1'b0;
    hdrop_bad   = 1'b0;
    hdrop_end   = 1'b0;
    word        = '0;
    load_en     = !out_valid_q || out_ready_i;

    if (out_valid_q && out_ready_i) out_valid_d = 1'b0;
    // Skipping ends with the stream's end block.
    if (skip_q && hvalid_q && hend_q) skip_d = 1'b0;
    if (done_now) begin
      pend_d   = 1'b0;
      handed_d = 1'b0;
    end else if (final_hs) begin
      handed_d = 1'b1;
    end

    if (active_q && rem_q == '0) begin
      // L = 0: no word; it ends as soon as the previous transmission is done.
      if (final_ok) begin
        active_d = 1'b0;
        pend_d   = 1'b1;
        handed_d = 1'b1;
        pflags_d = flags_q;
      end
    end else if (active_q && load_en && (!is_final || final_ok)) begin
      if (zfill_q) begin
        produce = 1'b1;
      end else if (zrun_q != '0) begin
        produce = 1'b1;
        zrun_d  = zrun_q - 1'b1;
      end else if (sym_valid_i && sym_nz_i) begin
        if (zmode_q) begin
          produce    = 1'b1;
          sym_take_o = 1'b1;
        end else if (nzseen_q && blkend_q && need_new) begin
          // The stream ended before the block this word needs.
          produce    = 1'b1;
          sym_take_o = 1'b1;
          flags_d[ErrBpcTruncated] = 1'b1;
          zmode_d    = 1'b1;
        end else if (hvalid_q) begin
          produce    = 1'b1;
          sym_take_o = 1'b1;
          nzseen_d   = 1'b1;
          blkend_d   = hend_q;
          if (herr_q != '0) begin
            // (No BPC flag is set yet: the first BPC error turns zmode on, after which no
            // block is used.)
            flags_d[ErrBpcRunTooLong:ErrBpcTruncated] = herr_q;
            zmode_d      = 1'b1;
            hdrop_bad    = 1'b1;
          end else begin
            word = hword;
            hpop = 1'b1;
          end
        end
      end else if (sym_valid_i) begin
        produce = 1'b1;
        if (run_fits) begin
          sym_take_o = 1'b1;
          zrun_d     = sym_run_i;
        end else begin
          flags_d[ErrZnzRunOverflow] = 1'b1;
          zfill_d     = 1'b1;
          znz_drain_o = 1'b1;
          open_d      = 1'b0;
        end
      end else if (trunc_i) begin
        produce     = 1'b1;
        flags_d[ErrZnzTruncated] = 1'b1;
        zfill_d     = 1'b1;
        znz_drain_o = 1'b1;
        open_d      = 1'b0;
      end
    end

    if (sym_take_o && sym_final_o) begin
      open_d = 1'b0;
      if (!sym_clean_i) flags_d[ErrZnzTrailing] = 1'b1;
    end

    if (produce) begin
      out_valid_d = 1'b1;
      out_data_d  = word;
      out_last_d  = is_final;
      rem_d       = rem_q - 1'b1;
      if (is_final) begin
        active_d = 1'b0;
        pend_d   = 1'b1;
        handed_d = 1'b0;
        // A partly used block is dropped (whether or not its stream ends with it, so this
        // does not wait for the decision below); if the stream goes on past the last block
        // used, the rest of it is skipped.
        hdrop_end = hvalid_q && !hdrop_bad && (hidx_q != '0 || hpop) && !(hpop && hlast);
        if (nzseen_d && !blkend_d) begin
          skip_d = 1'b1;
          if (!flags_d[ErrZnzRunOverflow] && !flags_d[ErrZnzTruncated]) begin
            flags_d[ErrBpcTrailing] = 1'b1;
          end
        end
        pflags_d = flags_d;
      end
    end

    // Next length.
    if (len_valid_i && len_ready_o) begin
      flags_d    = '0;
      flags_d[ErrZeroLength] = (len_data_i == '0);
      zfill_d    = 1'b0;
      zmode_d    = 1'b0;
      nzseen_d   = 1'b0;
      zrun_d     = '0;
      active_d   = 1'b1;
      open_d     = (len_data_i != '0);
      rem_d      = len_data_i;
    end
  end

  // Block buffer: words go out one per cycle; dropped whole after a bad block, at the end of
  // a transmission, or while skipping the rest of a stream (until its end block is dropped).
  assign hfree       = hdrop_bad || hdrop_end || (hpop && hlast) || (skip_q && hvalid_q);
  assign blk_ready_o = !hvalid_q || hfree;
  assign blk_empty_o = !hvalid_q;

  always_comb begin
    hvalid_d = hvalid_q;
    hend_d   = hend_q;
    herr_d   = herr_q;
    hidx_d   = hidx_q;
    hacc_d   = hacc_q;
    hdl_d    = hdl_q;
    if (hpop) begin
      hidx_d = hidx_q + 1'b1;
      hacc_d = hword;
      if (hidx_q != '0) hdl_d = hdl_q >> W;
    end
    if (hfree) hvalid_d = 1'b0;
    if (blk_valid_i && blk_ready_o) begin
      hvalid_d = 1'b1;
      hend_d   = blk_end_i;
      herr_d   = blk_err_i;
      hidx_d   = '0;
      hacc_d   = blk_base_i;
      hdl_d    = blk_deltas;
    end
  end

  // Control registers with a reset.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      active_q    <= 1'b0;
      open_q      <= 1'b0;
      pend_q      <= 1'b0;
      skip_q      <= 1'b0;
      out_valid_q <= 1'b0;
      hvalid_q    <= 1'b0;
    end else begin
      active_q    <= active_d;
      open_q      <= open_d;
      pend_q      <= pend_d;
      skip_q      <= skip_d;
      out_valid_q <= out_valid_d;
      hvalid_q    <= hvalid_d;
    end
  end

  // No reset: the per-transmission state is set when a length is taken and read only while
  // that transmission is active (its flags and handed_q until its done_o), the block
  // buffer's fields only while it holds a block, the output word only while valid.
  always_ff @(posedge clk_i) begin
    handed_q   <= handed_d;
    rem_q      <= rem_d;
    zrun_q     <= zrun_d;
    zfill_q    <= zfill_d;
    zmode_q    <= zmode_d;
    nzseen_q   <= nzseen_d;
    blkend_q   <= blkend_d;
    flags_q    <= flags_d;
    pflags_q   <= pflags_d;
    out_data_q <= out_data_d;
    out_last_q <= out_last_d;
    hend_q     <= hend_d;
    herr_q     <= herr_d;
    hidx_q     <= hidx_d;
    hacc_q     <= hacc_d;
    hdl_q      <= hdl_d;
  end
`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  // Assertions (simulation and formal, not synthesized; docs/verification.md). A
  // failure stops the simulation with "EBPC_ASSERT <module>.<name>", the time and the instance.
  // Output port: a word not taken stays, with its data and last, until out_ready_i.
  `EBPC_ASSERT_HOLD(u_out_hold, "ebpc_dec_out.out_hold", W + 1,
                    out_valid_o, out_ready_i, {out_last_o, out_data_o})

  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // Word counter: a word is produced only while words are left (it never wraps).
    `EBPC_ASSERT_MSG("ebpc_dec_out.rem_wrap",
                     !produce || (active_q && rem_q != '0 && (rem_q != CountWidth'(1) || final_ok)),
                     "a word produced with none left")
    // A stream's blocks are skipped, and a ZNZ stream drained, only between transmissions.
    `EBPC_ASSERT("ebpc_dec_out.one_transmission", !(active_q && skip_q))
    `EBPC_ASSERT("ebpc_dec_out.done_without_transmission", !done_now || pend_q)
    // ZNZ symbols are taken only when complete; a drain is not a take.
    `EBPC_ASSERT("ebpc_dec_out.sym_take_invalid", !sym_take_o || (sym_valid_i && !znz_drain_o))
    // Block buffer: words are taken only from a good block, within the block.
    /* verilator lint_off CMPCONST */
    `EBPC_ASSERT_MSG("ebpc_dec_out.block_index", !hvalid_q || 32'(hidx_q) <= N - 1,
                     $sformatf("index %0d past the block", hidx_q))
    /* verilator lint_on CMPCONST */
    `EBPC_ASSERT_MSG("ebpc_dec_out.block_pop", !hpop || (hvalid_q && herr_q == '0),
                     "a word taken from no block or a bad one")
    `EBPC_ASSERT("ebpc_dec_out.block_overwrite", !(blk_valid_i && blk_ready_o) || !hvalid_q || hfree)
    // A bad block always ends its stream.
    `EBPC_ASSERT("ebpc_dec_out.bad_block_end", !hvalid_q || herr_q == '0 || hend_q)
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif
endmodule
