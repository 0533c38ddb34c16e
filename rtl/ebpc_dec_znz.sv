// EBPC decoder: ZNZ stream parser (one symbol per cycle).
//
// Contract:
// - Takes the length L of the next transmission (len_valid_i/len_ready_o) when idle and
//   the length queue has room; L is forwarded to the output stage through lq_*.
// - Per cycle, parses either one zero-run symbol or up to NzRun consecutive `1` symbols
//   from its bit buffer and pushes one decision into the decision queue (dq_*):
//   {kind, value} with kind DecNz (value+1 non-zero words), DecRun (value+1 zero words)
//   or DecFill (error: the rest of the transmission is zeros). Parsing runs of `1`s at
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
  parameter int DecWidth   = 5    // 2 + max(log2(MaxZeroRun), log2(NzRun))
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
    dq_push_o   = 1'b0;
    dq_data_o   = {DecNz, {ValW{1'b0}}};
    case (state_q)
      ZIdle: ;
      ZRun: begin
        en = 1'b1;
        if (!dq_full_i) begin
          if (sym_complete) begin
            take      = sym_len;
            dq_push_o = 1'b1;
            if (sym_nz) begin
              dq_data_o = {DecNz, ValW'(nz_take - 1'b1)};
              rem_d     = rem_q - nz_take;
              nnz_d     = nnz_q + nz_take;
            end else if (run_len > rem_q) begin
              dq_data_o  = {DecFill, {ValW{1'b0}}};
              flags_d[0] = 1'b1;
              state_d    = ZDrain;
            end else begin
              dq_data_o = {DecRun, ValW'(run_field)};
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
            dq_push_o  = 1'b1;
            dq_data_o  = {DecFill, {ValW{1'b0}}};
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
      default: state_d = ZIdle;
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
