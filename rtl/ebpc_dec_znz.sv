// SPDX-License-Identifier: Apache-2.0
// EBPC decoder: ZNZ stream parser (one symbol per cycle).
//
// Contract:
// - Takes the length L of the next transmission (len_valid_i/len_ready_o) when idle and
//   the length queue has room; L is forwarded to the output stage through lq_*.
// - Per cycle, parses either one zero-run symbol or up to NzRun consecutive `1` symbols
//   from its bit buffer and pushes one decision into the decision queue (dq_*):
//   {kind, value} with kind DecNz (value+1 non-zero words), DecRun (value+1 zero words)
//   or DecFill (error: the rest of the transmission is zeros). A staging register in
//   front of the queue merges consecutive zero-run decisions of one transmission while
//   the queue is not empty, so the queue holds alternating runs and non-zero groups: a
//   long stretch of zeros never fills it while the output waits for a BPC block (which,
//   with the encoder feeding this decoder directly, arrives only after N more non-zero
//   words). Values are counts - 1 in DecWidth-2 >= CountWidth bits. Parsing runs of `1`s at
//   once lets this parser run ahead of the output (one word per cycle), so the BPC parser
//   learns early which blocks are needed.
// - Counts the non-zero symbols of the current transmission (nnz_o, live, for the BPC
//   parser). Once the transmission is accounted for (or failed) and its ZNZ words are
//   consumed through `last`, it pushes {flags, nnz} into the finish queue (fq_*) and
//   takes the next length (it may run ahead of the BPC parser by the depth of that
//   queue). ZNZ flags: bit0 run overflow, bit1 truncated, bit5 trailing, bit7 zero length.
// - ZNZ words are only accepted while a transmission with L >= 1 is being parsed (the
//   first one already in the cycle its length is taken).
module ebpc_dec_znz #(
  parameter int DataWidth  = 8,
  parameter int MaxZeroRun = 16,
  parameter int CountWidth = 32,
  parameter int NzRun      = 8,   // most non-zero symbols per decision (power of two)
  parameter int DecWidth   = 34   // 2 + CountWidth (>= 2 + max(log2(MaxZeroRun), log2(NzRun)))
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  len_valid_i,
  output logic                  len_ready_o,
  input  logic [CountWidth-1:0] len_data_i,
  input  logic                  znz_valid_i,
  output logic                  znz_ready_o,
  input  logic [DataWidth-1:0]  znz_data_i,
  input  logic                  znz_last_i,
  output logic                  lq_push_o,
  output logic [CountWidth-1:0] lq_data_o,
  input  logic                  lq_full_i,
  output logic                  dq_push_o,
  output logic [DecWidth-1:0]   dq_data_o,
  input  logic                  dq_full_i,
  input  logic                  dq_empty_i,
  output logic [CountWidth-1:0] nnz_o,
  output logic                  nz_seen_o,
  output logic                  fq_push_o,
  output logic [CountWidth+7:0] fq_data_o,
  input  logic                  fq_full_i
);
  localparam int LogZ     = $clog2(MaxZeroRun);
  localparam int ValW     = DecWidth - 2;
  localparam int SymBits  = 1 + LogZ;
  localparam int BufBits  = 2 * DataWidth + ((SymBits > NzRun) ? SymBits : NzRun);
  localparam int BufCntW  = $clog2(BufBits + 1);

  localparam logic [1:0] DecNz   = 2'd0;
  localparam logic [1:0] DecRun  = 2'd1;
  localparam logic [1:0] DecFill = 2'd2;

  typedef enum logic [1:0] {ZIdle, ZRun, ZDrain, ZFin} zstate_e;
  zstate_e state_q, state_d;

  logic [CountWidth-1:0] rem_q, rem_d, nnz_q, nnz_d;
  logic [7:0]            flags_q, flags_d;

  // Parser decision (to the staging register) and the staging register itself.
  logic                  dec_push, dec_is_run, dec_open;
  logic [DecWidth-1:0]   dec_data;
  logic                  stg_valid_q, stg_valid_d, stg_open_q, stg_open_d;
  logic [DecWidth-1:0]   stg_data_q, stg_data_d;
  logic                  stg_open_run, stg_push, stg_merge, room_any, room_run;

  // Bit buffer.
  logic                en, drain, flush;
  logic [BufCntW-1:0]  take, cnt;
  logic [BufBits-1:0]  win;
  logic                last_in;

  ebpc_dec_bitbuf #(
    .DataWidth(DataWidth),
    .BufBits  (BufBits),
    .CntWidth (BufCntW)
  ) i_buf (
    .clk_i,
    .rst_ni,
    .en_i     (en),
    .drain_i  (drain),
    .flush_i  (flush),
    .take_i   (take),
    .valid_i  (znz_valid_i),
    .ready_o  (znz_ready_o),
    .data_i   (znz_data_i),
    .last_i   (znz_last_i),
    .win_o    (win),
    .cnt_o    (cnt),
    .last_in_o(last_in)
  );

  // Symbol at the head of the buffer.
  logic                  sym_nz, sym_complete;
  logic [LogZ-1:0]       run_field;
  logic [CountWidth-1:0] run_len;
  logic [BufCntW-1:0]    sym_len, cnt_after;

  // Leading `1` symbols (bits past the valid ones read 0), at most NzRun and the words
  // left.
  logic [NzRun-1:0]      head;
  logic [7:0]            ones;
  logic [CountWidth-1:0] nz_take;
  assign head = win[BufBits-1 -: NzRun];
  function automatic logic [7:0] lead_ones(logic [NzRun-1:0] v);
    logic [7:0] n;
    logic       stop;
    n    = '0;
    stop = 1'b0;
    for (int i = NzRun - 1; i >= 0; i--) begin
      if (!v[i]) stop = 1'b1;
      if (!stop) n = n + 1'b1;
    end
    return n;
  endfunction
  assign ones = lead_ones(head);
  assign nz_take = (CountWidth'(ones) > rem_q) ? rem_q : CountWidth'(ones);

  assign sym_nz       = win[BufBits-1];
  assign run_field    = win[BufBits-2 -: LogZ];
  assign run_len      = CountWidth'(run_field) + 1'b1;
  assign sym_len      = sym_nz ? BufCntW'(nz_take) : BufCntW'(SymBits);
  assign sym_complete = (cnt >= sym_len);
  assign cnt_after    = cnt - sym_len;

  assign nnz_o     = nnz_q;
  assign fq_data_o = {flags_q, nnz_q};
  assign lq_data_o = len_data_i;

  always_comb begin
    state_d     = state_q;
    rem_d       = rem_q;
    nnz_d       = nnz_q;
    flags_d     = flags_q;
    en          = 1'b0;
    drain       = 1'b0;
    flush       = 1'b0;
    take        = '0;
    len_ready_o = 1'b0;
    lq_push_o   = 1'b0;
    fq_push_o   = 1'b0;
    dec_push    = 1'b0;
    dec_data    = {DecNz, {ValW{1'b0}}};
    case (state_q)
      ZIdle: ;
      ZRun: begin
        en = 1'b1;
        // A zero run that stays inside L may merge into the staging register; anything
        // else needs the staging register free (or about to be pushed).
        if (sym_complete ? ((!sym_nz && run_len <= rem_q) ? room_run : room_any) : room_any) begin
          if (sym_complete) begin
            take      = sym_len;
            dec_push = 1'b1;
            if (sym_nz) begin
              dec_data = {DecNz, ValW'(nz_take - 1'b1)};
              rem_d     = rem_q - nz_take;
              nnz_d     = nnz_q + nz_take;
            end else if (run_len > rem_q) begin
              dec_data  = {DecFill, {ValW{1'b0}}};
              flags_d[0] = 1'b1;
              state_d    = ZDrain;
            end else begin
              dec_data = {DecRun, ValW'(run_field)};
              rem_d     = rem_q - run_len;
            end
            if (state_d == ZRun && rem_d == '0) begin
              // Final symbol consumed: the word holding it must carry `last`.
              if (last_in && cnt_after < BufCntW'(DataWidth)) begin
                flush   = 1'b1;
                state_d = ZFin;
              end else begin
                flags_d[5] = 1'b1;
                state_d    = ZDrain;
              end
            end
          end else if (last_in) begin
            // The stream ended before L words were accounted for.
            dec_push  = 1'b1;
            dec_data  = {DecFill, {ValW{1'b0}}};
            flags_d[1] = 1'b1;
            state_d    = ZDrain;
          end
        end
      end
      ZDrain: begin
        if (last_in) begin
          flush   = 1'b1;
          state_d = ZFin;
        end else begin
          drain = 1'b1;
        end
      end
      ZFin: begin
        // Hand {flags, nnz} to the BPC side, then take the next length (same cycle).
        fq_push_o = !fq_full_i;
        if (!fq_full_i) begin
          nnz_d   = '0;
          flags_d = '0;
          state_d = ZIdle;
        end
      end
      /* verilator coverage_off */  // unreachable: all four 2-bit zstate_e codes have an arm
      default: state_d = ZIdle;
      /* verilator coverage_on */
    endcase

    // Next length. The first ZNZ word of a transmission with L >= 1 is accepted in the
    // cycle its length is (so znz_ready_o depends on len_valid_i and len_data_i).
    if (state_q == ZIdle || (state_q == ZFin && !fq_full_i)) begin
      len_ready_o = !lq_full_i;
      if (len_valid_i && !lq_full_i) begin
        lq_push_o = 1'b1;
        rem_d     = len_data_i;
        if (len_data_i == '0) begin
          flags_d[7] = 1'b1;
          state_d    = ZFin;
        end else begin
          en      = 1'b1;
          state_d = ZRun;
        end
      end
    end
  end

  // A non-zero symbol of the current transmission has been (or is being) parsed: lets the
  // BPC side start fetching one cycle earlier.
  assign nz_seen_o = (nnz_d != '0);

  // Staging register. An open run (a zero run of the transmission being parsed, not its
  // final symbol) waits there to absorb the next run while the queue still has work for
  // the output; it goes to the queue when the queue runs empty or a non-run decision
  // follows. Everything else is pushed as soon as the queue has room.
  assign dec_is_run   = dec_data[DecWidth-1 -: 2] == DecRun;
  assign dec_open     = dec_is_run && (rem_d != '0) && (state_d == ZRun);
  assign stg_open_run = stg_valid_q && stg_open_q;
  assign room_any     = !stg_valid_q || !dq_full_i;
  assign room_run     = room_any || stg_open_run;
  assign stg_push     = stg_valid_q && !dq_full_i &&
                        (!stg_open_run || dq_empty_i || (dec_push && !dec_is_run));
  assign stg_merge    = dec_push && dec_is_run && stg_open_run && !stg_push;
  assign dq_push_o    = stg_push;
  assign dq_data_o    = stg_data_q;

  always_comb begin
    stg_valid_d = stg_valid_q && !stg_push;
    stg_open_d  = stg_open_q;
    stg_data_d  = stg_data_q;
    if (stg_merge) begin
      // Counts are stored minus one: (a + 1) + (b + 1) - 1.
      stg_data_d = {DecRun, ValW'(stg_data_q[ValW-1:0] + dec_data[ValW-1:0] + 1'b1)};
      stg_open_d = dec_open;
    end else if (dec_push) begin
      stg_valid_d = 1'b1;
      stg_open_d  = dec_open;
      stg_data_d  = dec_data;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      stg_valid_q <= 1'b0;
      stg_open_q  <= 1'b0;
      stg_data_q  <= '0;
    end else begin
      stg_valid_q <= stg_valid_d;
      stg_open_q  <= stg_open_d;
      stg_data_q  <= stg_data_d;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= ZIdle;
      rem_q   <= '0;
      nnz_q   <= '0;
      flags_q <= '0;
    end else begin
      state_q <= state_d;
      rem_q   <= rem_d;
      nnz_q   <= nnz_d;
      flags_q <= flags_d;
    end
  end
endmodule
