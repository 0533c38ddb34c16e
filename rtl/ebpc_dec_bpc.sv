// EBPC decoder: BPC stream parser (base + up to PlanesPerCycle plane symbols per cycle).
//
// Contract:
// - Block j of the current transmission is parsed only once the ZNZ parser has counted
//   more than j*N non-zero words (nnz_i); BPC words are accepted only while nnz_i >= 1,
//   so a transmission without non-zero words consumes nothing here.
// - Per cycle: the base (W bits, first cycle of a block) plus up to PlanesPerCycle chained
//   plane symbols that are completely in the bit buffer; a block never shares a cycle
//   with the next one. A finished block (base + DBP planes 0..W-1; plane W does not
//   affect the W-bit words) is offered on blk_* (valid/ready); the next block starts the
//   cycle after the hand-over.
// - Errors (flags_o): bit2 truncated (stream `last` consumed before the needed blocks),
//   bit3 bad single/pair position, bit4 zero run longer than the planes left, bit6 whole
//   words left after the final block (checked only when the ZNZ side had no error).
//   On bit2/3/4 a `bad` block is handed over instead (the output stage then emits zeros),
//   then the stream is drained through `last`.
// - Joint finish: once this side is done with the transmission (drained) and the ZNZ
//   side reports fin (zfin_i), ack_o pulses (when the record queue has room); both
//   parsers then start the next transmission.
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
  input  logic                           zfin_i,
  input  logic                           zerr_i,
  output logic                           ack_o,
  input  logic                           rec_full_i,
  output logic [7:0]                     flags_o,
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

  // Chain of plane-symbol decoders.
  logic            needed, active, base_ok;
  // Stage chain (element s = stage s). Declared as nets: several continuous assignments
  // drive parts of each vector, which Icarus 11 only handles well for nets.
  wire [P:0][CntW-1:0]   off;
  wire [P:0][7:0]        plane;
  wire [P:0][N-2:0]      prev;
  wire [P:0]             en_s;
  wire [P-1:0]           valid_s, errp_s, errr_s;
  wire [P-1:0][CntW-1:0] len_s;
  wire [P-1:0][7:0]      np_s;
  wire [P-1:0][N-2:0]    dbp_s;

  assign needed  = (nnz_i > jn_q);
  assign active  = (state_q == BAct) && (!base_pend_q || needed);
  assign base_ok = !base_pend_q || (cnt >= CntW'(W));

  assign off[0]   = base_pend_q ? CntW'(W) : '0;
  assign plane[0] = plane_q;
  assign prev[0]  = prev_q;
  assign en_s[0]  = active && base_ok;

  for (genvar s = 0; s < P; s++) begin : g_stage
    // Only the top SymMax bits of the shifted window feed the stage.
    /* verilator lint_off UNUSEDSIGNAL */
    logic [BufBits-1:0] shifted;
    /* verilator lint_on UNUSEDSIGNAL */
    logic [CntW-1:0]    avail;
    logic               complete, err_pos, err_run;

    assign shifted = win << off[s];
    assign avail   = (cnt > off[s]) ? cnt - off[s] : '0;

    ebpc_dec_plane #(
      .DataWidth(W),
      .BlockSize(N),
      .SegBits  (SymMax),
      .LenWidth (CntW)
    ) i_plane (
      .seg_i     (shifted[BufBits-1 -: SymMax]),
      .avail_i   (avail),
      .plane_i   (plane[s]),
      .prev_i    (prev[s]),
      .complete_o(complete),
      .len_o     (len_s[s]),
      .nplanes_o (np_s[s]),
      .dbp_o     (dbp_s[s]),
      .err_pos_o (err_pos),
      .err_run_o (err_run)
    );

    assign errp_s[s]  = en_s[s] && complete && err_pos;
    assign errr_s[s]  = en_s[s] && complete && err_run;
    assign valid_s[s] = en_s[s] && complete && !err_pos && !err_run;
    assign off[s+1]   = off[s] + len_s[s];
    assign plane[s+1] = plane[s] + np_s[s];
    assign prev[s+1]  = dbp_s[s];
    assign en_s[s+1]  = valid_s[s] && (plane[s+1] <= 8'(W));
  end

  assign win_base     = win[BufBits-1 -: W];
  assign flags_o      = flags_q;
  assign blk_valid_o  = (state_q == BFull) || (state_q == BBad);
  assign blk_bad_o    = (state_q == BBad);
  assign blk_base_o   = base_q;
  assign blk_planes_o = dbp_q;
  assign ack_o        = (state_q == BDone) && zfin_i && !rec_full_i;

  logic               any_err, err_pos_any, err_run_any, progress;
  logic [7:0]         plane_end;
  logic [CntW-1:0]    take_sum;
  logic [N-2:0]       prev_end;
  logic [W*(N-1)-1:0] dbp_new;
  logic [W-1:0]       win_base;

  // Combine the stage results: bits taken, last plane reached, errors.
  always_comb begin
    err_pos_any = 1'b0;
    err_run_any = 1'b0;
    plane_end   = plane_q;
    prev_end    = prev_q;
    take_sum    = (en_s[0] && base_pend_q) ? CntW'(W) : '0;
    for (int s = 0; s < P; s++) begin
      err_pos_any = err_pos_any || errp_s[s];
      err_run_any = err_run_any || errr_s[s];
      if (valid_s[s]) begin
        plane_end = plane[s+1];
        prev_end  = prev[s+1];
        take_sum  = off[s+1];
      end
    end
    any_err  = err_pos_any || err_run_any;
    progress = en_s[0] && (base_pend_q || valid_s[0]);
  end

  // Plane k takes the DBP of the (last) valid stage covering it this cycle.
  for (genvar k = 0; k < W; k++) begin : g_plane_wr
    logic [N-2:0] cur, val;
    assign cur = dbp_q[k*(N-1) +: N-1];
    always_comb begin
      val = cur;
      for (int s = 0; s < P; s++) begin
        if (valid_s[s] && 8'(k) >= plane[s] && 8'(k) < plane[s+1]) val = dbp_s[s];
      end
    end
    assign dbp_new[k*(N-1) +: N-1] = val;
  end

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

    case (state_q)
      BAct: begin
        en = (nnz_i != '0);
        if (base_pend_q && !needed) begin
          if (zfin_i) begin
            // All needed blocks decoded: end of this transmission's BPC stream.
            if (jn_q == '0) begin
              state_d = BDone;               // no non-zero word: nothing was consumed
            end else if (zerr_i) begin
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
          if (plane_end == 8'(W + 1)) state_d = BFull;
        end else if (last_in) begin
          flags_d[2] = 1'b1;
          state_d    = BBad;
        end
      end
      BFull: begin
        en = (nnz_i != '0);
        if (blk_ready_i) begin
          base_pend_d = 1'b1;
          plane_d     = '0;
          prev_d      = '0;
          jn_d        = jn_q + CountWidth'(N);
          state_d     = BAct;
        end
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
      BDone: begin
        if (ack_o) begin
          base_pend_d = 1'b1;
          plane_d     = '0;
          prev_d      = '0;
          jn_d        = '0;
          flags_d     = '0;
          state_d     = BAct;
        end
      end
      default: state_d = BAct;
    endcase
  end

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
