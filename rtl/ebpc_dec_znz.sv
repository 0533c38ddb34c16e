// EBPC decoder: ZNZ stream parser (one symbol per cycle).
//
// Contract:
// - Takes the length L of the next transmission (len_valid_i/len_ready_o) when idle and
//   the length queue has room; L is forwarded to the output stage through lq_*.
// - Parses one ZNZ symbol per cycle from its bit buffer and pushes one decision per symbol
//   into the decision queue (dq_*): {kind, value} with kind DecNz (one non-zero word),
//   DecRun (value+1 zero words) or DecFill (error: the rest of the transmission is zeros).
// - Counts the non-zero symbols of the current transmission (nnz_o, live, for the BPC
//   parser) and raises fin_o once the transmission is accounted for (or failed) and its
//   ZNZ words are consumed through `last`; it then waits for ack_i (joint finish with the
//   BPC parser) before taking the next length. flags_o holds the ZNZ error flags
//   (bit0 run overflow, bit1 truncated, bit5 trailing, bit7 zero length); err_o is high
//   when bit0 or bit1 is set (the BPC stream is then drained without a trailing check).
// - ZNZ words are only accepted while a transmission with L >= 1 is being parsed.
module ebpc_dec_znz #(
  parameter int DataWidth  = 8,
  parameter int MaxZeroRun = 16,
  parameter int CountWidth = 32,
  parameter int DecWidth   = 6    // 2 + log2(MaxZeroRun)
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
  output logic                  fin_o,
  output logic                  err_o,
  output logic [7:0]            flags_o,
  input  logic                  ack_i
);
  localparam int LogZ     = $clog2(MaxZeroRun);
  localparam int SymBits  = 1 + LogZ;
  localparam int BufBits  = 2 * DataWidth + SymBits;
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

  assign sym_nz       = win[BufBits-1];
  assign run_field    = win[BufBits-2 -: LogZ];
  assign run_len      = CountWidth'(run_field) + 1'b1;
  assign sym_len      = sym_nz ? BufCntW'(1) : BufCntW'(SymBits);
  assign sym_complete = (cnt >= sym_len);
  assign cnt_after    = cnt - sym_len;

  assign nnz_o   = nnz_q;
  assign fin_o   = (state_q == ZFin);
  assign flags_o = flags_q;
  assign err_o   = flags_q[0] || flags_q[1];
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
    dq_push_o   = 1'b0;
    dq_data_o   = {DecNz, {LogZ{1'b0}}};
    case (state_q)
      ZIdle: begin
        len_ready_o = !lq_full_i;
        if (len_valid_i && !lq_full_i) begin
          lq_push_o = 1'b1;
          rem_d     = len_data_i;
          if (len_data_i == '0) begin
            flags_d[7] = 1'b1;
            state_d    = ZFin;
          end else begin
            state_d = ZRun;
          end
        end
      end
      ZRun: begin
        en = 1'b1;
        if (!dq_full_i) begin
          if (sym_complete) begin
            take      = sym_len;
            dq_push_o = 1'b1;
            if (sym_nz) begin
              dq_data_o = {DecNz, {LogZ{1'b0}}};
              rem_d     = rem_q - 1'b1;
              nnz_d     = nnz_q + 1'b1;
            end else if (run_len > rem_q) begin
              dq_data_o  = {DecFill, {LogZ{1'b0}}};
              flags_d[0] = 1'b1;
              state_d    = ZDrain;
            end else begin
              dq_data_o = {DecRun, run_field};
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
            dq_data_o  = {DecFill, {LogZ{1'b0}}};
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
        if (ack_i) begin
          nnz_d   = '0;
          flags_d = '0;
          state_d = ZIdle;
        end
      end
      default: state_d = ZIdle;
    endcase
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
