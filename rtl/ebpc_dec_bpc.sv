// SPDX-License-Identifier: Apache-2.0
// EBPC decoder: BPC stream parser (base, then up to PlanesPerCycle plane symbols per cycle),
// of the single-word decoder (Words = 1) and of the multi-word one (beats of Words words in;
// the differences under "Words > 1" below).
//
// Contract:
// - Parses the BPC word stream block after block, stream after stream, without waiting for
//   the ZNZ side: the output stage pairs the streams with the transmissions that decode a
//   non-zero word, in order, and drops the blocks it does not need (so the parser reads
//   ahead at most one finished block plus the one being parsed).
// - Per block: one cycle for the base (W bits) and the plane-0 symbol behind it, then up to
//   PlanesPerCycle plane symbols per cycle that are completely in the bit buffer: the first
//   at the buffer's head, each further one only behind an uncompressed plane (`1` + DBX, N
//   bits), so every decoder reads at a fixed place. Planes 0..W-1 go into the block register
//   (plane W does not change the W-bit words; its symbol is parsed, not stored).
// - The finished block is offered on blk_* (valid/ready) from the registers, from the cycle
//   after its last symbol until taken. blk_empty_i (the output stage holds no block, so an
//   offered block is taken at once) lets the next block's base be parsed in that same cycle.
// - blk_end_o: the stream ends right after this block: the word holding its final symbol
//   carries `last` (fewer than W bits are left); the buffer then drops the padding and the
//   next block starts a new stream. A block without blk_end_o is followed by more of its
//   stream.
// - blk_err_o (a `bad` block, always with blk_end_o): the decoder's error flags at their bit
//   indices in error_o (ebpc_pkg::bpc_err_t): ErrBpcBadPosition (a single/pair position past
//   N-2/N-3), ErrBpcRunTooLong (an all-zero run longer than the planes left) or
//   ErrBpcTruncated (the stream's `last` word consumed before the block's symbols were
//   complete). Its planes are not defined. After a bad block the rest of the stream is
//   discarded through `last`.
// - Words > 1: the stream comes in beats of Words
//   words (one-hot last, ebpc_dec_bitbuf) and the chain of plane decoders goes on behind the
//   base too (stage s at W + s*N in a base cycle): a block of uncompressed planes (dense data)
//   or of uncompressed planes ending in any one symbol (smooth, ReLU data: the all-zero
//   high planes are one run symbol) is parsed in one cycle when PlanesPerCycle = W + 1; the
//   chain goes on behind any one-plane symbol of N bits (at N = 8 also a single/pair
//   position symbol). At Words = 8 a second chain (half as many stages at W = 8, as many
//   at W >= 16) goes on behind the symbol the first chain stopped at, through one shifter.
//   At Words >= 4 a block starts once its whole base-cycle window
//   (W + (P-1)*N + the longest symbol) is in the buffer, or the stream's `last` word is; the
//   buffer then holds two windows and a beat.
// - Throughput: one word (beat) per cycle in; a block needs 1 + ceil((symbols - 1) / PlanesPerCycle)
//   cycles at most (a run of all-zero planes is one symbol; PlanesPerCycle > 1 speeds up
//   uncompressed planes only); input-bound blocks go at one word per cycle.

`include "ebpc_assert.svh"

module ebpc_dec_bpc import ebpc_pkg::*; #(
  parameter int DataWidth      = 8,
  parameter int BlockSize      = 8,
  parameter int PlanesPerCycle = 1,
  parameter int Words          = 1   // words per input beat (1, 2, 4, 8)
) (
  input  logic                                    clk_i,
  input  logic                                    rst_ni,
  input  logic                                    bpc_valid_i,
  output logic                                    bpc_ready_o,
  input  logic [Words*DataWidth-1:0]              bpc_data_i,
  input  logic [Words-1:0]                        bpc_last_i,
  output logic                                    blk_valid_o,
  input  logic                                    blk_ready_i,
  input  logic                                    blk_empty_i,
  output logic                                    blk_end_o,
  output logic [ErrBpcRunTooLong:ErrBpcTruncated] blk_err_o,
  output logic [DataWidth-1:0]                    blk_base_o,
  output logic [DataWidth*(BlockSize-1)-1:0]      blk_planes_o
);
  localparam int W       = DataWidth;
  localparam int N       = BlockSize;
  localparam int P       = PlanesPerCycle;
  localparam int LogN    = $clog2(N);
  localparam int LogW    = $clog2(W);
  localparam int PosW    = (LogN > 0) ? LogN : 1;
  // Longest plane symbol: `1` + DBX (N bits), `0001x` + position, `001` + run length.
  localparam int SymMax  = bpc_symbol_max_bits(W, N);
  // Bits one cycle may parse: a base and a symbol, or PlanesPerCycle symbols of which all
  // but the last are uncompressed planes (N bits each).
  // (Words > 1: the chain goes on behind a base.)
  localparam int WinA    = W + ((Words > 1) ? (P - 1) * N : 0) + SymMax;
  localparam int WinB    = (P - 1) * N + SymMax;
  localparam int Window  = (WinA > WinB) ? WinA : WinB;
  // The buffer takes a word while at most BufBits-W bits are in it (before this cycle's
  // take): with 2W-1 bits beyond the window, a cycle can both take a full window of
  // symbols and a word at any alignment (one window per cycle when input-bound).
  // Words >= 4: a beat is refused only with two windows in (a beat taken lands for the next
  // cycle, so the cycle after a full window still finds one); Words = 2 (a block per two or
  // more cycles): a beat at any alignment behind a window.
  localparam int BufBits = (Words >= 4) ? 2 * Window + Words * W : Window + (Words + 1) * W - 1;
  localparam int CntW    = $clog2(BufBits + 1);
  localparam int PlW     = $clog2(W + 2);      // plane index 0..W+1
  localparam int LenW    = $clog2(SymMax + 1);
  // Stages of the second chain (behind a shorter symbol; Lanes = 8 needs about a block per
  // cycle): half the first chain's at W = 8 (>= 0.96 of the bound), as many at W >= 16.
  localparam int P2      = (Words < 8) ? 0 : (W <= 8) ? (P + 1) / 2 : P;

  `EBPC_PARAM_CHECK(gen_bad_words, lanes_ok(Words),
                    $sformatf("ebpc_dec_bpc: Words=%0d is illegal: must be 1, 2, 4 or 8", Words),
                    ebpc_dec_bpc_ERROR_Words_must_be_1_2_4_or_8)

  typedef enum logic [1:0] {SBase, SPlanes, SFull, SDrain} state_e;
  state_e state_q, state_d;

  logic [PlW-1:0]     plane_q, plane_d;
  logic [N-2:0]       prev_q, prev_d;
  logic [W-1:0]       base_q, base_d;
  logic [W*(N-1)-1:0] rows_q, rows_d;
  logic               end_q, end_d;
  bpc_err_t           err_q, err_d;

  // Bit buffer.
  logic               drain, flush;
  logic [CntW-1:0]    take, cnt;
  logic [BufBits-1:0] win;
  logic               last_in;

  ebpc_dec_bitbuf #(
    .DataWidth(W),
    .BufBits  (BufBits),
    .CntWidth (CntW),
    .Words    (Words)
  ) u_buf (
    .clk_i,
    .rst_ni,
    .en_i     (1'b1),
    .drain_i  (drain),
    .flush_i  (flush),
    .take_i   (take),
    .valid_i  (bpc_valid_i),
    .ready_o  (bpc_ready_o),
    .data_i   (bpc_data_i),
    .last_i   (bpc_last_i),
    .win_o    (win),
    .cnt_o    (cnt),
    .last_in_o(last_in)
  );

  // One plane symbol. seg: the next SymMax stream bits, MSB first; left: planes left in the
  // block (W+1-k for a symbol starting at plane k); prev: DBP[k-1] (0 for k = 0), plane bit
  // N-2 being position 0 (d[1]).
  // Returns {err_pos, err_run, len, nplanes, dbp}: len its length in bits, nplanes 1 or r
  // (a run of all-zero DBX), dbp the DBP of every plane it covers; err_pos: single
  // position > N-2 or pair position > N-3; err_run: a run longer than the planes left.
  localparam int SymRes = 2 + LenW + PlW + (N - 1);
  function automatic logic [SymRes-1:0] dec_sym(logic [SymMax-1:0] seg, logic [PlW-1:0] left,
                                                logic [N-2:0] prev);
    logic [LenW-1:0] len;
    logic [PlW-1:0]  np;
    logic [N-2:0]    dbp, dbx;
    logic            ep, er;
    logic [PosW-1:0] pos;
    logic [LogW:0]   run;
    len = LenW'(N);
    np  = PlW'(1);
    dbp = prev;
    ep  = 1'b0;
    er  = 1'b0;
    pos = seg[SymMax-6 -: PosW];
    run = {1'b0, seg[SymMax-4 -: LogW]} + (LogW+1)'(2);
    dbx = '0;
    for (int i = 0; i < N - 1; i++) begin
      if (32'(pos) == i || (!seg[SymMax-5] && 32'(pos) + 1 == i)) dbx[N-2-i] = 1'b1;
    end
    if (seg[SymMax-1]) begin                // `1` + DBX
      dbp = seg[SymMax-2 -: N-1] ^ prev;
    end else if (seg[SymMax-2]) begin       // `01`: run of one all-zero DBX
      len = LenW'(2);
    end else if (seg[SymMax-3]) begin       // `001` + (r-2)
      len = LenW'(3 + LogW);
      np  = PlW'(run);
      er  = (32'(run) > 32'(left));
    end else if (!seg[SymMax-4]) begin      // `00000` DBX all ones / `00001` DBP zero
      len = LenW'(5);
      dbp = seg[SymMax-5] ? '0 : ~prev;
    end else begin                          // `00010` pair / `00011` single + position
      len = LenW'(5 + LogN);
      dbp = dbx ^ prev;
      ep  = seg[SymMax-5] ? (32'(pos) + 2 > N) : (32'(pos) + 3 > N);
    end
    return {ep, er, len, np, dbp};
  endfunction

  // A base is parsed when no block is held, also in the cycle a good block goes to an
  // empty block buffer (blk_empty_i: registered, keeps the buffer's control off this path).
  logic base_now, base_ok, planes_on;
  assign base_now  = (state_q == SBase) || (state_q == SFull && blk_empty_i && err_q == '0);
  // (Words >= 4: a block starts with a whole base-cycle window in, or with the stream's `last`
  // in: a block started on fewer bits takes a second cycle that the next base cannot use.)
  assign base_ok   = base_now && (cnt >= CntW'(W)) && (Words < 4 || last_in || cnt >= CntW'(WinA));
  assign planes_on = (state_q == SPlanes) || base_ok;

  // The PlanesPerCycle symbol decoders: stage s runs if all earlier stages decoded a
  // complete, legal, uncompressed plane and planes are left (complete: the block's last
  // symbol was decoded).
  logic               any_pos, any_run, progress;
  logic [PlW-1:0]     plane_end;
  logic [CntW-1:0]    take_sum;
  logic [N-2:0]       prev_end;
  logic [W*(N-1)-1:0] rows_new;

  // Bits in the buffer from a fixed stage start on (0 when the start is past them).
  function automatic logic [CntW-1:0] room(logic [CntW-1:0] c, logic [CntW-1:0] start);
    return (c >= start) ? c - start : '0;
  endfunction

  logic complete;
  always_comb begin : p_chain
    logic [SymRes-1:0]   res, res_b;
    logic [CntW-1:0]     off, start;
    logic [PlW-1:0]      pl, np, left;
    logic [LenW-1:0]     len, len_b;
    logic                stg_en, fit_ok, ok, fit, err, run2;
    logic [N-2:0]        dbp, prv;
    logic [CntW-1:0]     base2;
    logic [BufBits-1:0]  win2;
    res_b    = '0;
    len_b    = '0;
    any_pos  = 1'b0;
    any_run  = 1'b0;
    progress = 1'b0;
    complete = 1'b0;
    rows_new = rows_q;
    prv      = base_ok ? '0 : prev_q;
    off      = '0;
    pl       = base_ok ? '0 : plane_q;
    stg_en   = planes_on;
    run2     = 1'b0;
    base2    = '0;
    win2     = '0;
    for (int s = 0; s < P + P2; s++) begin
      if (s < P) begin
        // First chain. Every stage reads at a fixed place, so no shifter sits in front of a
        // decoder: stage 0 at the window top or behind a base (plane 0, no previous plane),
        // stage s > 0 at s*N, reached only while all earlier symbols of the cycle are
        // uncompressed planes (one plane each; Words > 1: also behind a base, at W + s*N).
        // Fit checks and planes left come from registers, beside the decoders.
        left = PlW'(W + 1 - s) - plane_q;
        res  = dec_sym(win[BufBits-1-s*N -: SymMax], left, prv);
        len  = res[N-1+PlW +: LenW];
        fit  = (CntW'(len) <= room(cnt, CntW'(s * N)));
        start = CntW'(s * N);
        if (Words > 1 && s > 0 && base_ok) begin
          left  = PlW'(W + 1 - s);
          res   = dec_sym(win[BufBits-1-W-s*N -: SymMax], left, prv);
          len   = res[N-1+PlW +: LenW];
          fit   = (CntW'(len) <= room(cnt, CntW'(W + s * N)));
          start = CntW'(W + s * N);
        end
        if (s == 0) begin
          res_b = dec_sym(win[BufBits-1-W -: SymMax], PlW'(W + 1), '0);
          len_b = res_b[N-1+PlW +: LenW];
          if (base_ok) begin
            res   = res_b;
            len   = len_b;
            fit   = (CntW'(len_b) <= room(cnt, CntW'(W)));
            left  = PlW'(W + 1);
            start = CntW'(W);
          end
        end
      end else begin
        // Second chain (Words = 8): behind the symbol the first chain stopped at, through
        // one shifter, P2 more stages at fixed places of the shifted window.
        if (s == P) begin
          base2  = off;
          win2   = win << off;
          stg_en = run2;
        end
        left  = PlW'(W + 1) - pl;
        res   = dec_sym(win2[BufBits-1-(s-P)*N -: SymMax], left, prv);
        len   = res[N-1+PlW +: LenW];
        start = base2 + CntW'((s - P) * N);
        fit   = (CntW'(len) <= room(cnt, start));
      end
      np      = res[N-1 +: PlW];
      dbp     = res[N-2:0];
      // (Separate names for the two steps: Verilator samples a process's expression
      // coverage with the variables' final values.)
      fit_ok  = stg_en && fit;
      err     = res[SymRes-1] || res[SymRes-2];
      any_pos = any_pos || (fit_ok && res[SymRes-1]);
      any_run = any_run || (fit_ok && res[SymRes-2]);
      ok      = fit_ok && !err;
      complete = complete || (ok && (np == left));
      // (The last first-chain stage that ran decoded a symbol and left planes: the second
      // chain goes on.)
      if (s < P && stg_en) run2 = ok && (np != left);
      if (ok) begin
        for (int r = 0; r < W; r++) begin
          if (32'(r) >= 32'(pl) && 32'(r) < 32'(pl) + 32'(np)) rows_new[r*(N-1) +: N-1] = dbp;
        end
        off      = start + CntW'(len);
        pl       = pl + np;
        prv      = dbp;
        progress = 1'b1;
      end
      // The next stage runs behind an uncompressed plane (it starts with `1` and covers one
      // plane; Words > 1: behind any symbol of N bits and one plane, e.g. a `0001x` +
      // position at N = 8, and not in a base cycle's single-word way).
      if (Words == 1) stg_en = ok && (np != left) && !base_ok && win[BufBits-1-s*N];
      else            stg_en = ok && (np != left) && 32'(len) == N && np == PlW'(1);
    end
    take_sum  = off;
    plane_end = pl;
    prev_end  = prv;
  end

  logic end_clean;
  // The word holding the block's final symbol carries `last`: fewer than W bits are left.
  assign end_clean = last_in && (cnt - take_sum < CntW'(W));

  // The finished block is offered from the registers (the cycle after its last symbol).
  assign blk_valid_o  = (state_q == SFull);
  assign blk_base_o   = base_q;
  assign blk_planes_o = rows_q;
  assign blk_end_o    = end_q;
  assign blk_err_o    = err_q;

  always_comb begin
    state_d = state_q;
    plane_d = plane_q;
    prev_d  = prev_q;
    base_d  = base_q;
    rows_d  = rows_q;
    end_d   = end_q;
    err_d   = err_q;
    drain   = 1'b0;
    flush   = 1'b0;
    take    = '0;
    if (base_now) begin
      state_d = SBase;
      err_d   = '0;
    end
    if (planes_on) begin
      if (base_ok) begin
        base_d  = win[BufBits-1 -: W];
        take    = CntW'(W);
        plane_d = '0;
        prev_d  = '0;
        state_d = SPlanes;
      end
      if (any_pos || any_run) begin
        err_d                    = '0;
        err_d[ErrBpcBadPosition] = any_pos;
        err_d[ErrBpcRunTooLong]  = any_run;
        end_d   = 1'b1;
        state_d = SFull;
      end else if (progress) begin
        take    = take_sum;
        plane_d = plane_end;
        prev_d  = prev_end;
        rows_d  = rows_new;
        if (complete) begin
          end_d   = end_clean;
          flush   = end_clean;
          state_d = SFull;
        end
      end else if (last_in) begin
        // `last` is in and the next symbol is not complete: a truncated block (bad, ends
        // the stream; SDrain then empties the buffer).
        err_d                  = '0;
        err_d[ErrBpcTruncated] = 1'b1;
        end_d   = 1'b1;
        state_d = SFull;
      end
    end else if (base_now) begin
      // Waiting for a base. (Never with the stream's `last` word in: a block that ends with
      // it in the buffer either ends the stream cleanly, which empties the buffer, or leaves
      // at least W bits; assertion base_before_last.)
    end else begin
      case (state_q)
        SFull: begin
          // Taken: after a bad block, discard the rest of its stream.
          if (blk_ready_i) begin
            if (err_q != '0) state_d = SDrain;
            else             state_d = SBase;
          end
        end
        SDrain: begin
          if (last_in) begin
            flush   = 1'b1;
            state_d = SBase;
          end else begin
            drain = 1'b1;
          end
        end
        /* verilator coverage_off */  // unreachable: SBase and SPlanes are handled above
        default: ;
        /* verilator coverage_on */
      endcase
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= SBase;
      end_q   <= 1'b0;
      err_q   <= '0;
    end else begin
      state_q <= state_d;
      end_q   <= end_d;
      err_q   <= err_d;
    end
  end

  // Data registers: no reset (every plane of a block is written before it is offered).
  always_ff @(posedge clk_i) begin
    plane_q <= plane_d;
    prev_q  <= prev_d;
    base_q  <= base_d;
    rows_q  <= rows_d;
  end
`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  // Assertions (simulation and formal, not synthesized; docs/verification.md). A
  // failure stops the simulation with "EBPC_ASSERT <module>.<name>", the time and the instance.
  // Block hand-over: an offered block stays, unchanged, until taken.
  `EBPC_ASSERT_HOLD(u_blk_hold, "ebpc_dec_bpc.blk_hold", 4 + W + W * (N - 1),
                    blk_valid_o, blk_ready_i, {blk_end_o, blk_err_o, blk_base_o, blk_planes_o})

  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // A bad block ends its stream; the plane index stays within the block.
    `EBPC_ASSERT("ebpc_dec_bpc.bad_block_end", !blk_valid_o || blk_err_o == '0 || blk_end_o)
    // (Invariants an unbounded proof needs: the error ends the stream in every state until
    // the next block's base clears it; a block being parsed has none.)
    `EBPC_ASSERT("ebpc_dec_bpc.error_ends_stream", err_q == '0 || end_q)
    `EBPC_ASSERT("ebpc_dec_bpc.parsing_clean", state_q != SPlanes || err_q == '0)
    // Between blocks (the stream's next one, or after a clean end the next stream's first,
    // none of whose bits is taken yet) with a `last` word in, a base's W bits at least are
    // left: the stronger form of base_before_last that induction needs.
    `EBPC_ASSERT_MSG("ebpc_dec_bpc.bits_between_blocks",
                     !(last_in && (state_q == SBase || (state_q == SFull && err_q == '0))) || cnt >= CntW'(W),
                     $sformatf("%0d bits left", cnt))
    `EBPC_ASSERT_MSG("ebpc_dec_bpc.plane_range", state_q != SPlanes || 32'(plane_q) <= W,
                     $sformatf("plane %0d", plane_q))
    // A block start never waits with the stream's `last` word in and no base left.
    `EBPC_ASSERT_MSG("ebpc_dec_bpc.base_before_last", !(base_now && !base_ok && last_in),
                     "fewer than W bits left before `last` at a block start")
`ifndef FORMAL
    // The parser's decisions are known (every decoder reads bits inside the buffer).
    `EBPC_ASSERT_MSG("ebpc_dec_bpc.decision_known",
                     !planes_on || (^{any_pos, any_run, progress, complete, take_sum}) !== 1'bx,
                     "X/Z in the symbol decoders' result")
`endif
    // The parser never takes more bits than the buffer holds.
    `EBPC_ASSERT_MSG("ebpc_dec_bpc.take_range", flush || drain || take <= cnt,
                     $sformatf("take %0d of %0d bits", take, cnt))
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif
endmodule
