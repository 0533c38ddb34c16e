// SPDX-License-Identifier: Apache-2.0
// EBPC decoder: BPC stream parser (base + up to PlanesPerCycle plane symbols per cycle).
//
// Contract:
// - Block j of the current transmission is parsed only once the ZNZ parser has counted
//   more than j*N of its non-zero words: the live count nnz_i while the ZNZ parser is
//   still on this transmission, the final count from the finish queue (fq_*) once it has
//   finished it. BPC words are accepted only while that count is >= 1, so a transmission
//   without non-zero words consumes nothing here.
// - Per cycle: the base (W bits, first cycle of a block) plus up to PlanesPerCycle chained
//   plane symbols that are completely in the bit buffer; a block never shares a cycle
//   with the next one. A finished block (base + DBP planes 0..W-1; plane W does not
//   affect the W-bit words) is offered on blk_* (valid/ready) in the cycle its last
//   symbol is decoded (from registers later if the block queue is full then); the next
//   block starts in the following cycle. The end-of-stream check runs in the same cycle.
// - Errors (rec_data_o): bit2 truncated (stream `last` consumed before the needed blocks),
//   bit3 bad single/pair position, bit4 zero run longer than the planes left, bit6 whole
//   words left after the final block (checked only when the ZNZ side had no error).
//   On bit2/3/4 a `bad` block is handed over instead (the output stage then emits zeros),
//   then the stream is drained through `last`.
// - Finish: once this side is done with the transmission (drained) and the ZNZ side has
//   finished it (finish queue not empty), the finish entry is popped and the record
//   (ZNZ flags | BPC flags) pushed into the record queue (rec_*); then the next
//   transmission starts. Blocks go to a block queue (blk_valid_o/blk_ready_i).
module ebpc_dec_bpc #(
  parameter int DataWidth      = 8,
  parameter int BlockSize      = 8,
  parameter int PlanesPerCycle = 2,
  parameter int CountWidth     = 32
) (
  input  logic                           clk_i,
  input  logic                           rst_ni,
  input  logic                           bpc_valid_i,
  output logic                           bpc_ready_o,
  input  logic [DataWidth-1:0]           bpc_data_i,
  input  logic                           bpc_last_i,
  input  logic [CountWidth-1:0]          nnz_i,
  input  logic                           nz_seen_i,
  input  logic                           fq_empty_i,
  input  logic [CountWidth+7:0]          fq_head_i,
  output logic                           fq_pop_o,
  output logic                           rec_push_o,
  output logic [7:0]                     rec_data_o,
  input  logic                           rec_full_i,
  output logic                           blk_valid_o,
  input  logic                           blk_ready_i,
  output logic                           blk_bad_o,
  output logic [DataWidth-1:0]           blk_base_o,
  output logic [DataWidth*(BlockSize-1)-1:0] blk_planes_o
);
  localparam int W       = DataWidth;
  localparam int N       = BlockSize;
  localparam int P       = PlanesPerCycle;
  localparam int LogN    = $clog2(N);
  localparam int LogW    = $clog2(W);
  localparam int PosW    = (LogN > 0) ? LogN : 1;
  localparam int SymA    = (N > 5 + LogN) ? N : 5 + LogN;
  localparam int SymMax  = (SymA > 3 + LogW) ? SymA : 3 + LogW;
  localparam int BufBits = W + P * SymMax + 2 * W;
  localparam int CntW    = $clog2(BufBits + 1);

  typedef enum logic [2:0] {BAct, BFull, BBad, BDrain, BDone} bstate_e;
  bstate_e state_q, state_d;

  logic                      base_pend_q, base_pend_d;
  logic [7:0]                plane_q, plane_d;
  logic [N-2:0]              prev_q, prev_d;
  logic [W*(N-1)-1:0]        dbp_q, dbp_d;
  logic [W-1:0]              base_q, base_d;
  logic [CountWidth-1:0]     jn_q, jn_d;
  logic [7:0]                flags_q, flags_d;

  // Bit buffer.
  logic               en, drain, flush;
  logic [CntW-1:0]    take, cnt;
  logic [BufBits-1:0] win;
  logic               last_in;

  ebpc_dec_bitbuf #(
    .DataWidth(W),
    .BufBits  (BufBits),
    .CntWidth (CntW)
  ) i_buf (
    .clk_i,
    .rst_ni,
    .en_i     (en),
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

  // Decoder of one plane symbol. seg: the next SymMax stream bits, MSB first (bits past
  // the avail real ones read 0); k: plane the symbol starts at (0..W); prev: DBP[k-1]
  // (0 for k = 0), plane bit N-2 being position 0 (d[1]). Returns
  // {complete, err_pos, err_run, len[7:0], nplanes[7:0], dbp[N-2:0]}: complete when the
  // whole symbol is within avail; nplanes 1 or r (run of all-zero DBX); dbp the DBP of
  // every plane covered; err_pos: single position > N-2 or pair position > N-3; err_run:
  // run longer than the W+1-k planes left.
  localparam int SymRes = 3 + 8 + 8 + (N - 1);
  function automatic logic [SymRes-1:0] dec_sym(logic [SymMax-1:0] seg, logic [CntW-1:0] avail,
                                                logic [7:0] k, logic [N-2:0] prev);
    logic [7:0]   len, np, run;
    logic [N-2:0] dbp, dbx;
    logic         ep, er;
    int unsigned  pos;
    len = 8'(N);
    np  = 8'd1;
    dbp = prev;
    ep  = 1'b0;
    er  = 1'b0;
    pos = 32'(seg[SymMax-6 -: PosW]);
    run = 8'(seg[SymMax-4 -: LogW]) + 8'd2;
    dbx = '0;
    for (int i = 0; i < N - 1; i++) begin
      if (pos == i || (seg[SymMax-4] == 1'b1 && seg[SymMax-5] == 1'b0 && pos + 1 == i)) begin
        dbx[N-2-i] = 1'b1;
      end
    end
    if (seg[SymMax-1]) begin                // `1` + DBX
      len = 8'(N);
      dbp = seg[SymMax-2 -: N-1] ^ prev;
    end else if (seg[SymMax-2]) begin       // `01`: run of one all-zero DBX
      len = 8'd2;
    end else if (seg[SymMax-3]) begin       // `001` + (r-2)
      len = 8'(3 + LogW);
      np  = run;
      er  = (run > 8'(W + 1) - k);
    end else if (!seg[SymMax-4]) begin      // `00000` DBX all ones / `00001` DBP zero
      len = 8'd5;
      dbp = seg[SymMax-5] ? '0 : ~prev;
    end else begin                          // `00010` pair / `00011` single + position
      len = 8'(5 + LogN);
      dbp = dbx ^ prev;
      ep  = seg[SymMax-5] ? (pos + 2 > N) : (pos + 3 > N);
    end
    return {(CntW'(len) <= avail), ep, er, len, np, dbp};
  endfunction

  logic                  needed, active, base_ok, zfin, zerr, fetch;
  logic [CountWidth-1:0] cur_nnz;
  logic [7:0]            zflags;

  // Non-zero count of the transmission this parser is on.
  assign zfin    = !fq_empty_i;
  assign zflags  = fq_head_i[CountWidth +: 8];
  assign zerr    = zfin && (zflags[0] || zflags[1]);
  assign cur_nnz = zfin ? fq_head_i[CountWidth-1:0] : nnz_i;
  assign needed  = (cur_nnz > jn_q);
  // BPC words may be fetched: the transmission has a non-zero word (known one cycle
  // early from the ZNZ parser while it is still on this transmission).
  assign fetch   = (cur_nnz != '0) || (!zfin && nz_seen_i);
  assign active  = (state_q == BAct) && (!base_pend_q || needed);
  assign base_ok = !base_pend_q || (cnt >= CntW'(W));

  logic [W-1:0] win_base;
  assign win_base   = win[BufBits-1 -: W];
  assign rec_data_o = flags_q | zflags;

  logic               any_err, err_pos_any, err_run_any, progress;
  logic [7:0]         plane_end;
  logic [CntW-1:0]    take_sum;
  logic [N-2:0]       prev_end;
  logic [W*(N-1)-1:0] dbp_new;

  // The chain of PlanesPerCycle symbol decoders, in one process (one evaluation per
  // cycle in event-driven simulators): stage s starts where stage s-1 ended and runs if
  // all earlier stages decoded a complete, legal symbol and planes are left.
  // Written as `always @*` on purpose: Icarus 11 evaluates an always_comb version of this
  // process about twice as slowly (it is the hottest process of the decoder). It is
  // purely combinational (reads only its inputs, assigns every output).
  always @* begin : p_chain
    // Only the top SymMax bits of the shifted window feed a stage.
    /* verilator lint_off UNUSEDSIGNAL */
    logic [BufBits-1:0] shifted;
    /* verilator lint_on UNUSEDSIGNAL */
    logic [SymRes-1:0]  res;
    logic [CntW-1:0]    off;
    logic [7:0]         pl, np;
    logic               stg_en, ok, ep_any, er_any, prog;
    logic [N-2:0]       dbp, prv;
    logic [W*(N-1)-1:0] mask, planes;
    ep_any = 1'b0;
    er_any = 1'b0;
    planes = dbp_q;
    prv    = prev_q;
    off    = base_pend_q ? CntW'(W) : '0;
    pl     = plane_q;
    stg_en = active && base_ok;
    prog   = stg_en && base_pend_q;
    mask   = '0;
    for (int s = 0; s < P; s++) begin
      shifted = win << off;
      res     = dec_sym(shifted[BufBits-1 -: SymMax], (cnt > off) ? cnt - off : '0, pl, prv);
      ok      = stg_en && res[SymRes-1] && !res[SymRes-2] && !res[SymRes-3];
      ep_any  = ep_any || (stg_en && res[SymRes-1] && res[SymRes-2]);
      er_any  = er_any || (stg_en && res[SymRes-1] && res[SymRes-3]);
      np      = res[N-1 +: 8];
      dbp     = res[N-2:0];
      if (ok) begin
        // Planes pl .. pl+np-1 take dbp (whole-vector masking: cheap to simulate).
        mask   = ~({(W*(N-1)){1'b1}} << (32'(np) * (N - 1))) << (32'(pl) * (N - 1));
        planes = (planes & ~mask) | ({W{dbp}} & mask);
        off    = off + CntW'(res[N+7 +: 8]);
        pl     = pl + np;
        prv    = dbp;
        prog   = 1'b1;
      end
      stg_en = ok && (pl <= 8'(W));
    end
    err_pos_any = ep_any;
    err_run_any = er_any;
    any_err     = ep_any || er_any;
    progress    = prog;
    take_sum    = off;
    plane_end   = pl;
    prev_end    = prv;
    dbp_new     = planes;
  end

  // Block hand-over: straight from the stage results in the cycle a block completes
  // (BAct), or from the registers when the block queue was full then (BFull) or for the
  // marker of a failed block (BBad).
  logic            complete_now, push_now, at_end, end_clean;
  logic [CntW-1:0] cnt_next;
  logic [CountWidth-1:0] jn_next;

  assign complete_now = (state_q == BAct) && !(base_pend_q && !needed) && !any_err &&
                        progress && (plane_end == 8'(W + 1));
  assign blk_valid_o  = complete_now || (state_q == BFull) || (state_q == BBad);
  assign blk_bad_o    = (state_q == BBad);
  assign blk_base_o   = (state_q != BAct) ? base_q : (base_pend_q ? win_base : base_q);
  assign blk_planes_o = (state_q != BAct) ? dbp_q : dbp_new;
  assign push_now     = blk_valid_o && blk_ready_i && (state_q != BBad);

  // After handing over block j: is the transmission over (no block j+1), and is the
  // stream then cleanly finished (the word holding the final symbol carries `last`)?
  assign jn_next   = jn_q + CountWidth'(N);
  assign cnt_next  = (state_q == BAct) ? cnt - take_sum : cnt;
  assign at_end    = zfin && !(cur_nnz > jn_next);
  assign end_clean = last_in && (cnt_next < CntW'(W));

  always_comb begin
    state_d     = state_q;
    base_pend_d = base_pend_q;
    plane_d     = plane_q;
    prev_d      = prev_q;
    dbp_d       = dbp_q;
    base_d      = base_q;
    jn_d        = jn_q;
    flags_d     = flags_q;
    en          = 1'b0;
    drain       = 1'b0;
    flush       = 1'b0;
    take        = '0;
    fq_pop_o    = 1'b0;

    case (state_q)
      BAct: begin
        en = fetch;
        if (base_pend_q && !needed) begin
          if (zfin) begin
            // All needed blocks decoded (or none needed): end of this BPC stream.
            if (jn_q == '0) begin
              state_d = BDone;               // no non-zero word: nothing was consumed
            end else if (zerr) begin
              state_d = BDrain;
            end else if (last_in && cnt < CntW'(W)) begin
              flush   = 1'b1;
              state_d = BDone;
            end else begin
              flags_d[6] = 1'b1;
              state_d    = BDrain;
            end
          end
        end else if (any_err) begin
          flags_d[3] = err_pos_any;
          flags_d[4] = err_run_any;
          state_d    = BBad;
        end else if (progress) begin
          take        = take_sum;
          if (base_pend_q) base_d = win_base;
          base_pend_d = 1'b0;
          plane_d     = plane_end;
          prev_d      = prev_end;
          dbp_d       = dbp_new;
          if (complete_now && !push_now) state_d = BFull;
        end else if (last_in) begin
          flags_d[2] = 1'b1;
          state_d    = BBad;
        end
      end
      BFull: begin
        en = fetch;
      end
      BBad: begin
        if (blk_ready_i) state_d = BDrain;
      end
      BDrain: begin
        if (last_in) begin
          flush   = 1'b1;
          state_d = BDone;
        end else begin
          drain = 1'b1;
        end
      end
      BDone: ;
      /* verilator coverage_off */  // unreachable: each bstate_e value state_q can hold has an arm
      default: state_d = BAct;
      /* verilator coverage_on */
    endcase

    // A block was handed over: start the next one, or end the transmission right away.
    if (push_now) begin
      base_pend_d = 1'b1;
      plane_d     = '0;
      prev_d      = '0;
      jn_d        = jn_next;
      state_d     = BAct;
      if (at_end) begin
        if (zerr) begin
          state_d = BDrain;
        end else if (end_clean) begin
          flush   = 1'b1;
          state_d = BDone;
        end else begin
          flags_d[6] = 1'b1;
          state_d    = BDrain;
        end
      end
    end

    // Finish: record pushed, finish entry popped, next transmission starts (also in the
    // cycle this side got done, when the record queue has room).
    if ((state_d == BDone) && zfin && !rec_full_i) begin
      fq_pop_o    = 1'b1;
      base_pend_d = 1'b1;
      plane_d     = '0;
      prev_d      = '0;
      jn_d        = '0;
      flags_d     = '0;
      state_d     = BAct;
    end
  end
  assign rec_push_o = fq_pop_o;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= BAct;
      base_pend_q <= 1'b1;
      plane_q     <= '0;
      prev_q      <= '0;
      dbp_q       <= '0;
      base_q      <= '0;
      jn_q        <= '0;
      flags_q     <= '0;
    end else begin
      state_q     <= state_d;
      base_pend_q <= base_pend_d;
      plane_q     <= plane_d;
      prev_q      <= prev_d;
      dbp_q       <= dbp_d;
      base_q      <= base_d;
      jn_q        <= jn_d;
      flags_q     <= flags_d;
    end
  end
endmodule
