// SPDX-License-Identifier: Apache-2.0
// EBPC decoder: output stage (ZNZ symbols in step with the words, block buffer, word
// rebuild, output register, done/error), one word per cycle at Lanes = 1, up to Lanes words
// per cycle (beats of Lanes words) at Lanes = 2, 4, 8.
//
// Contract (Lanes = 1; Lanes > 1 below):
// - Takes the length L of the next transmission once the previous one has produced its
//   final word and its input streams are consumed (its final word may still wait in the
//   output register), then produces exactly L words (out_last_o on the last), one per cycle,
//   each from the symbol at the head of the ZNZ front end: a zero run gives run+1 zero
//   words, a `1` the next word of the block buffer. A transmission's final word (and an
//   L = 0 transmission) waits until the cycle after the previous one's done_o.
// - ZNZ: ntake_o (one bit) takes the head symbol, final_o marks it as the transmission's
//   final symbol (read with ntake_o); sym_trunc_i[0]: the stream ended before it.
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
//
// Lanes > 1 (gen_lanes; the stage above taken Lanes words at a time):
// - The L words go out in beats of Lanes words (word k of the transmission in lane k mod
//   Lanes; the final beat carries a one-hot out_last_o on the final word, the lanes above it
//   0). Each cycle runs up to Lanes steps, one word each, in order; each step is one cycle of
//   the Lanes = 1 stage (same symbol use, block use, error flags and stream pairing), so a
//   word's value and the error flags are those of the single-word stage. A step that cannot
//   produce its word (its symbol or block is not there yet, or a final word waits for the
//   previous done_o) ends the cycle's steps; a beat goes out when full or when it holds the
//   final word.
// - ZNZ: the step uses symbol t of ebpc_dec_znz (t = symbols taken by the earlier steps of
//   the cycle); ntake_o symbols are removed per cycle, final_o with the last of them.
// - Blocks: a queue of three registers at Lanes >= 4 (h: in use, h2: next, h3), two at
//   Lanes = 2, filled in order from the BPC parser; a step whose block is used up goes on
//   with h2 in the same cycle (h3 is not read by the steps). Words are rebuilt b[0] = base,
//   b[i] = b[i-1] + d[i] mod 2^W (one adder per step, chained). blk_empty_o (the last
//   register empty): an offered block is taken at once, so the parser starts the next one in
//   the same cycle.
// - done_o/error_o, L = 0, skipping of a stream's blocks: as at Lanes = 1.
// - Throughput: Lanes words per cycle when the symbols and blocks are there (at most one
//   block boundary per cycle: one block per cycle at BlockSize >= Lanes).

`include "ebpc_assert.svh"

module ebpc_dec_out import ebpc_pkg::*; #(
  parameter int DataWidth  = 8,
  parameter int BlockSize  = 8,
  parameter int MaxZeroRun = 16,
  parameter int CountWidth = 16,
  // Words per output beat and per cycle: 1, 2, 4 or 8.
  parameter int Lanes      = 1,
  localparam int LogZ      = $clog2(MaxZeroRun),
  localparam int TakeW     = $clog2(Lanes + 1)
) (
  input  logic                                    clk_i,
  input  logic                                    rst_ni,
  input  logic                                    len_valid_i,
  output logic                                    len_ready_o,
  input  logic [CountWidth-1:0]                   len_data_i,
  // ZNZ front end.
  output logic                                    znz_en_o,
  input  logic [Lanes-1:0]                        sym_valid_i,
  input  logic [Lanes-1:0]                        sym_nz_i,
  input  logic [Lanes*LogZ-1:0]                   sym_run_i,
  input  logic [Lanes-1:0]                        sym_clean_i,
  input  logic [Lanes-1:0]                        sym_trunc_i,
  output logic [TakeW-1:0]                        ntake_o,
  output logic                                    final_o,
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
  // Output words/beats.
  output logic                                    out_valid_o,
  input  logic                                    out_ready_i,
  output logic [Lanes*DataWidth-1:0]              out_data_o,
  output logic [Lanes-1:0]                        out_last_o,
  output logic                                    done_o,
  output logic [ErrFlagsWidth-1:0]                error_o
);
  localparam int W    = DataWidth;
  localparam int N    = BlockSize;
  localparam int IdxW = $clog2(N);

  `EBPC_PARAM_CHECK(gen_bad_lanes, lanes_ok(Lanes),
                    $sformatf("ebpc_dec_out: Lanes=%0d is illegal: must be 1, 2, 4 or 8", Lanes),
                    ebpc_dec_out_ERROR_Lanes_must_be_1_2_4_or_8)

  // Transmission state.
  logic                  active_q, active_d, open_q, open_d, pend_q, pend_d;
  logic                  handed_q, handed_d, skip_q, skip_d;
  logic [CountWidth-1:0] rem_q, rem_d;
  logic [LogZ-1:0]       zrun_q, zrun_d;
  logic                  zfill_q, zfill_d, zmode_q, zmode_d, nzseen_q, nzseen_d;
  logic                  blkend_q, blkend_d;
  err_flags_t            flags_q, flags_d, pflags_q, pflags_d;
  // Output register (a word, or a beat of Lanes words).
  logic                  out_valid_q, out_valid_d;
  logic [Lanes-1:0]      out_last_q, out_last_d;
  logic [Lanes*W-1:0]    out_data_q, out_data_d;

  // Block buffer h (the block in use). Deltas d[1..N-1], entry e = d[e+1].
  logic                  hvalid_q, hvalid_d, hend_q, hend_d;
  bpc_err_t              herr_q, herr_d;
  logic [IdxW-1:0]       hidx_q, hidx_d;
  logic [W-1:0]          hacc_q, hacc_d;
  logic [W*(N-1)-1:0]    hdl_q, hdl_d, blk_deltas;

  logic                  final_hs, done_now, final_ok, load_en;

  // Deltas d[1..N-1] (low W bits) from the bit-planes: entry e holds d[e+1], whose bit k
  // is position e of plane k (position 0 = plane bit N-2).
  for (genvar e = 0; e < N - 1; e++) begin : gen_delta
    for (genvar k = 0; k < W; k++) begin : gen_bit
      assign blk_deltas[e*W + k] = blk_planes_i[k*(N-1) + (N-2-e)];
    end
  end

  assign out_valid_o = out_valid_q;
  assign out_data_o  = out_data_q;
  assign out_last_o  = out_last_q;

  assign final_hs    = out_valid_q && out_ready_i && (out_last_q != '0);
  assign done_now    = pend_q && (handed_q || final_hs) && !znz_busy_i && !skip_q;
  assign done_o      = done_now;
  assign error_o     = done_now ? pflags_q : '0;
  // The next transmission starts once this one's streams are consumed; it may go out while
  // this one waits for the handshake of its final word (its own final word then waits).
  assign len_ready_o = !active_q && !znz_busy_i && !skip_q;
  assign znz_en_o    = open_q || (len_valid_i && len_ready_o && (len_data_i != '0));
  // (From the register only: the previous done clears it a cycle later, off this path.)
  assign final_ok    = !pend_q;
  assign load_en     = !out_valid_q || out_ready_i;

  if (Lanes == 1) begin : gen_word
    // One word per cycle from the head symbol; the block buffer h alone.
    logic         sym_take, produce, is_final, need_new, run_fits;
    logic         hpop, hdrop_bad, hdrop_end, hfree, hlast;
    logic [W-1:0] hword, word;

    assign ntake_o = sym_take;

    assign hword    = hacc_q + ((hidx_q == '0) ? '0 : hdl_q[W-1:0]);
    assign hlast    = (hidx_q == IdxW'(N - 1));
    // The next `1` needs a fresh block: none is in use.
    assign need_new = !hvalid_q || (hidx_q == '0);

    assign is_final    = (rem_q == CountWidth'(1));
    assign run_fits    = (CountWidth'(sym_run_i) < rem_q);
    assign final_o     = sym_nz_i[0] ? is_final : (CountWidth'(sym_run_i) + 1'b1 == rem_q);

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
      sym_take    = 1'b0;
      znz_drain_o = 1'b0;
      produce     = 1'b0;
      hpop        = 1'b0;
      hdrop_bad   = 1'b0;
      hdrop_end   = 1'b0;
      word        = '0;

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
        end else if (sym_valid_i[0] && sym_nz_i[0]) begin
          if (zmode_q) begin
            produce    = 1'b1;
            sym_take = 1'b1;
          end else if (nzseen_q && blkend_q && need_new) begin
            // The stream ended before the block this word needs.
            produce    = 1'b1;
            sym_take = 1'b1;
            flags_d[ErrBpcTruncated] = 1'b1;
            zmode_d    = 1'b1;
          end else if (hvalid_q) begin
            produce    = 1'b1;
            sym_take = 1'b1;
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
        end else if (sym_valid_i[0]) begin
          produce = 1'b1;
          if (run_fits) begin
            sym_take = 1'b1;
            zrun_d     = sym_run_i;
          end else begin
            flags_d[ErrZnzRunOverflow] = 1'b1;
            zfill_d     = 1'b1;
            znz_drain_o = 1'b1;
            open_d      = 1'b0;
          end
        end else if (sym_trunc_i[0]) begin
          produce     = 1'b1;
          flags_d[ErrZnzTruncated] = 1'b1;
          zfill_d     = 1'b1;
          znz_drain_o = 1'b1;
          open_d      = 1'b0;
        end
      end

      if (sym_take && final_o) begin
        open_d = 1'b0;
        if (!sym_clean_i[0]) flags_d[ErrZnzTrailing] = 1'b1;
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

`ifndef SYNTHESIS
    /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
    `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
      // Word counter: a word is produced only while words are left (it never wraps).
      `EBPC_ASSERT_MSG("ebpc_dec_out.rem_wrap",
                       !produce || (active_q && rem_q != '0 && (rem_q != CountWidth'(1) || final_ok)),
                       "a word produced with none left")
      // ZNZ symbols are taken only when complete; a drain is not a take.
      `EBPC_ASSERT("ebpc_dec_out.sym_take_invalid", !sym_take || (sym_valid_i[0] && !znz_drain_o))
      // Block buffer: words are taken only from a good block.
      `EBPC_ASSERT_MSG("ebpc_dec_out.block_pop", !hpop || (hvalid_q && herr_q == '0),
                       "a word taken from no block or a bad one")
      `EBPC_ASSERT("ebpc_dec_out.block_overwrite", !(blk_valid_i && blk_ready_o) || !hvalid_q || hfree)
    `EBPC_ASSERT_BLOCK_END
    /* verilator coverage_on */
`endif
  end else begin : gen_lanes
    localparam int PosW = $clog2(Lanes);
    // Output beat: fill_q words of it written so far.
    logic [PosW-1:0]       fill_q, fill_d;
    // Block registers behind h: h2 (next) and h3, a whole block record {end, err, base,
    // deltas}.
    logic                  h2valid_q, h2valid_d, h2end_q, h2end_d;
    bpc_err_t              h2err_q, h2err_d;
    logic [W-1:0]          h2base_q, h2base_d;
    logic [W*(N-1)-1:0]    h2dl_q, h2dl_d;
    localparam int RecW = 1 + $bits(bpc_err_t) + W + W * (N - 1);
    // Blocks held: three at Lanes >= 4 (about a block per cycle), two at Lanes = 2.
    localparam int Slots = (Lanes >= 4) ? 3 : 2;
    logic                  h3valid_q, h3valid_d;
    logic [RecW-1:0]       h3_q, h3_d;

    logic                  hv_f, h2v_f;   // after the steps: h/h2 still held
    logic [IdxW-1:0]       cidx_f;
    logic [W-1:0]          cacc_f;
    logic                  nproduced_any, produced_final;

    always_comb begin : p_steps
      logic                  run, produce, take, is_final, nz, drop_bad, popped, popped_last;
      logic                  cv, cend, need_new;
      bpc_err_t              cerr;
      logic [IdxW-1:0]       cidx;
      logic [W-1:0]          cacc, word, delta;
      logic [W*(N-1)-1:0]    cdl;
      logic [TakeW-1:0]      t;
      logic [PosW-1:0]       ts;   // the step's symbol (t < Lanes while steps run)
      logic [PosW:0]         pos, nprod;
      logic                  hv, h2v, hsel;
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
      fill_d      = fill_q;
      znz_drain_o = 1'b0;
      final_o     = 1'b0;
      produced_final = 1'b0;
      nproduced_any  = 1'b0;

      if (out_valid_q && out_ready_i) out_valid_d = 1'b0;
      if (skip_q && hvalid_q && hend_q) skip_d = 1'b0;
      if (done_now) begin
        pend_d   = 1'b0;
        handed_d = 1'b0;
      end else if (final_hs) begin
        handed_d = 1'b1;
      end

      // Block queue seen by the steps: h while it holds words, then h2 (hsel).
      hv   = hvalid_q;
      h2v  = h2valid_q;
      hsel = !hvalid_q;
      cidx = hvalid_q ? hidx_q : '0;
      cacc = hvalid_q ? hacc_q : h2base_q;
      t    = '0;
      pos  = {1'b0, fill_q};
      nprod = '0;
      if (load_en && fill_q == '0) out_data_d = '0;
      if (load_en && fill_q == '0) out_last_d = '0;

      run = active_q && (rem_q != '0) && load_en;
      for (int i = 0; i < Lanes; i++) begin
        produce     = 1'b0;
        take        = 1'b0;
        drop_bad    = 1'b0;
        popped      = 1'b0;
        popped_last = 1'b0;
        word        = '0;
        // (Step i runs only behind i producing steps: rem_q - i words are left, so every
        // comparison with the words left is one with a constant offset, not a chain.)
        is_final    = (rem_q == CountWidth'(i + 1));
        cv   = hsel ? h2v : hv;
        cend = hsel ? h2end_q : hend_q;
        cerr = hsel ? h2err_q : herr_q;
        cdl  = hsel ? h2dl_q : hdl_q;
        need_new = !cv || (cidx == '0);
        ts   = t[PosW-1:0];
        nz   = sym_nz_i[ts];
        delta = '0;
        for (int e = 0; e < N - 1; e++) begin
          if (32'(cidx) == e + 1) delta = cdl[e*W +: W];
        end
        if (run && pos < (PosW+1)'(Lanes) && (!is_final || final_ok)) begin
          if (zfill_d) begin
            produce = 1'b1;
          end else if (zrun_d != '0) begin
            produce = 1'b1;
            zrun_d  = zrun_d - 1'b1;
          end else if (sym_valid_i[ts] && nz) begin
            if (zmode_d) begin
              produce = 1'b1;
              take    = 1'b1;
            end else if (nzseen_d && blkend_d && need_new) begin
              produce = 1'b1;
              take    = 1'b1;
              flags_d[ErrBpcTruncated] = 1'b1;
              zmode_d = 1'b1;
            end else if (cv) begin
              produce  = 1'b1;
              take     = 1'b1;
              nzseen_d = 1'b1;
              blkend_d = cend;
              if (cerr != '0) begin
                flags_d[ErrBpcRunTooLong:ErrBpcTruncated] = cerr;
                zmode_d  = 1'b1;
                drop_bad = 1'b1;
              end else begin
                word   = cacc + delta;
                popped = 1'b1;
                popped_last = (cidx == IdxW'(N - 1));
              end
            end
          end else if (sym_valid_i[ts]) begin
            produce = 1'b1;
            if ((CountWidth+1)'(sym_run_i[ts*LogZ +: LogZ]) + (CountWidth+1)'(i) < {1'b0, rem_q}) begin
              take   = 1'b1;
              zrun_d = sym_run_i[ts*LogZ +: LogZ];
            end else begin
              flags_d[ErrZnzRunOverflow] = 1'b1;
              zfill_d     = 1'b1;
              znz_drain_o = 1'b1;
              open_d      = 1'b0;
            end
          end else if (sym_trunc_i[ts]) begin
            produce = 1'b1;
            flags_d[ErrZnzTruncated] = 1'b1;
            zfill_d     = 1'b1;
            znz_drain_o = 1'b1;
            open_d      = 1'b0;
          end
        end

        if (take && (nz ? is_final : ((CountWidth+1)'(sym_run_i[ts*LogZ +: LogZ]) + (CountWidth+1)'(i + 1) ==
                                      {1'b0, rem_q}))) begin
          open_d  = 1'b0;
          final_o = 1'b1;
          if (!sym_clean_i[ts]) flags_d[ErrZnzTrailing] = 1'b1;
        end
        if (take) t = t + 1'b1;

        // Block use: a pop moves on within the block, the last word or a bad block frees it.
        if (popped) begin
          cidx = cidx + 1'b1;
          cacc = word;
        end
        if (popped_last || drop_bad) begin
          if (hsel) h2v = 1'b0;
          else      hv  = 1'b0;
          hsel = 1'b1;
          cidx = '0;
          cacc = h2base_q;
        end

        if (produce) begin
          nproduced_any = 1'b1;
          out_data_d[pos[PosW-1:0]*W +: W] = word;
          nprod = nprod + 1'b1;
          pos   = pos + 1'b1;
          if (is_final) begin
            produced_final = 1'b1;
            out_last_d[pos[PosW-1:0] - 1'b1] = 1'b1;
            active_d = 1'b0;
            pend_d   = 1'b1;
            handed_d = 1'b0;
            // A partly used block is dropped; if its stream goes on past the last block used,
            // the rest of it is skipped.
            cv = hsel ? h2v : hv;
            if (cv && cidx != '0) begin
              if (hsel) h2v = 1'b0;
              else      hv  = 1'b0;
              hsel = 1'b1;
              cidx = '0;
              cacc = h2base_q;
            end
            if (nzseen_d && !blkend_d) begin
              skip_d = 1'b1;
              if (!flags_d[ErrZnzRunOverflow] && !flags_d[ErrZnzTruncated]) begin
                flags_d[ErrBpcTrailing] = 1'b1;
              end
            end
            pflags_d = flags_d;
            run = 1'b0;
          end
        end else begin
          run = 1'b0;
        end
      end
      ntake_o = znz_drain_o ? '0 : t;
      rem_d   = rem_q - CountWidth'(nprod);

      if (nproduced_any) begin
        if (produced_final || pos == (PosW+1)'(Lanes)) begin
          out_valid_d = 1'b1;
          fill_d      = '0;
        end else begin
          fill_d      = pos[PosW-1:0];
        end
      end

      // L = 0: no word; it ends as soon as the previous transmission is done.
      if (active_q && rem_q == '0 && final_ok) begin
        active_d = 1'b0;
        pend_d   = 1'b1;
        handed_d = 1'b1;
        pflags_d = flags_q;
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

      // Skipping a stream's blocks (between transmissions): h is dropped.
      if (skip_q && hvalid_q) begin
        hv   = 1'b0;
        hsel = 1'b1;
        cidx = '0;
        cacc = h2base_q;
      end

      hv_f   = hv;
      h2v_f  = h2v;
      cidx_f = cidx;
      cacc_f = cacc;
    end

    // Block registers: what the steps left, in order (h, h2, h3), then the parser's block,
    // packed again into h, h2, h3. h keeps the steps' position when it comes from h or h2.
    assign blk_ready_o = !(hv_f && h2v_f && (Slots == 2 || h3valid_q));
    // (The last slot's valid, by a constant index: no branch that one Lanes never takes.)
    logic [1:0] tail_valid;
    assign tail_valid  = {h3valid_q, h2valid_q};
    assign blk_empty_o = !tail_valid[Slots-2];

    always_comb begin : p_queue
      // (Flat vectors: Icarus 11 does not take multi-dimensional packed locals here.)
      logic [4*RecW-1:0] cand;
      logic [3:0]        cval;
      logic [3*RecW-1:0] slot;
      logic [2:0]        sval;
      logic [RecW-1:0]   s0;
      logic              from_steps;
      int                k;
      cand = {blk_end_i, blk_err_i, blk_base_i, blk_deltas, h3_q,
              h2end_q, h2err_q, h2base_q, h2dl_q, hend_q, herr_q, hacc_q, hdl_q};
      cval = {blk_valid_i, h3valid_q && Slots == 3, h2v_f, hv_f};
      slot = '0;
      sval = '0;
      from_steps = 1'b0;
      k = 0;
      for (int c = 0; c < 4; c++) begin
        if (cval[c] && k < Slots) begin
          slot[k*RecW +: RecW] = cand[c*RecW +: RecW];
          sval[k] = 1'b1;
          if (k == 0) from_steps = (c < 2);
          k = k + 1;
        end
      end
      s0        = slot[RecW-1:0];
      hvalid_d  = sval[0];
      hend_d    = s0[RecW-1];
      herr_d    = s0[RecW-2 -: $bits(bpc_err_t)];
      hdl_d     = s0[W*(N-1)-1:0];
      hidx_d    = from_steps ? cidx_f : '0;
      hacc_d    = from_steps ? cacc_f : s0[W*(N-1) +: W];
      h2valid_d = sval[1];
      {h2end_d, h2err_d, h2base_d, h2dl_d} = slot[RecW +: RecW];
      h3valid_d = sval[2] && Slots == 3;
      h3_d      = slot[2*RecW +: RecW];
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        fill_q    <= '0;
        h2valid_q <= 1'b0;
        h3valid_q <= 1'b0;
      end else begin
        fill_q    <= fill_d;
        h2valid_q <= h2valid_d;
        h3valid_q <= h3valid_d;
      end
    end

    // No reset: read only while their block is valid.
    always_ff @(posedge clk_i) begin
      h2end_q  <= h2end_d;
      h2err_q  <= h2err_d;
      h2base_q <= h2base_d;
      h2dl_q   <= h2dl_d;
      h3_q     <= h3_d;
    end
`ifndef SYNTHESIS
    /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
    `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
      // h2 holds a block only behind h, h3 only behind h2.
      `EBPC_ASSERT("ebpc_dec_out.h2_behind_h", !h2valid_q || hvalid_q)
      `EBPC_ASSERT("ebpc_dec_out.h3_behind_h2", !h3valid_q || h2valid_q)
      // A beat being filled holds no final word (the final word closes its beat). An
      // invariant for the unbounded proof: out_last_q has no reset.
      `EBPC_ASSERT("ebpc_dec_out.filling_not_last", fill_q == '0 || out_last_q == '0)
      // A bad block ends its stream in every slot of the queue, as in h.
      `EBPC_ASSERT("ebpc_dec_out.h2_bad_block_end", !h2valid_q || h2err_q == '0 || h2end_q)
      `EBPC_ASSERT("ebpc_dec_out.h3_bad_block_end",
                   !h3valid_q || h3_q[RecW-2 -: $bits(bpc_err_t)] == '0 || h3_q[RecW-1])
    `EBPC_ASSERT_BLOCK_END
    /* verilator coverage_on */
`endif
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
  // (The Lanes-specific ones are in gen_word and gen_lanes.)
  // Output port: a word/beat not taken stays, with its data and last, until out_ready_i.
  `EBPC_ASSERT_HOLD(u_out_hold, "ebpc_dec_out.out_hold", Lanes * (W + 1),
                    out_valid_o, out_ready_i, {out_last_o, out_data_o})

  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // A stream's blocks are skipped, and a ZNZ stream drained, only between transmissions.
    `EBPC_ASSERT("ebpc_dec_out.one_transmission", !(active_q && skip_q))
    `EBPC_ASSERT("ebpc_dec_out.done_without_transmission", !done_now || pend_q)
    // Block buffer: words are taken only within the block; a bad block always ends its
    // stream.
    /* verilator lint_off CMPCONST */
    `EBPC_ASSERT_MSG("ebpc_dec_out.block_index", !hvalid_q || 32'(hidx_q) <= N - 1,
                     $sformatf("index %0d past the block", hidx_q))
    /* verilator lint_on CMPCONST */
    `EBPC_ASSERT("ebpc_dec_out.bad_block_end", !hvalid_q || herr_q == '0 || hend_q)
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif
endmodule
