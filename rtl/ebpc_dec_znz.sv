// SPDX-License-Identifier: Apache-2.0
// EBPC decoder: ZNZ stream front end (bit buffer + the first Lanes symbols at its head).
//
// Contract:
// - Words (Lanes = 1) or beats of Lanes words (one-hot last; ebpc_dec_bitbuf) are accepted while en_i is high (the output stage is parsing a
//   transmission's symbols) and until the word/beat carrying `last` is in the buffer.
// - Symbol j (0 = the head) of the buffer, j < Lanes: sym_valid_o[j] (complete, and every
//   symbol before it complete), sym_nz_o[j] (a non-zero word) or a zero run of
//   sym_run_o[j] + 1 words; sym_clean_o[j]: with it as the transmission's final symbol the
//   stream ends cleanly (its word carries `last`; the buffer then drops the padding);
//   sym_trunc_o[j]: `last` is in and symbol j is not complete. Not valid while discarding
//   (busy_o).
// - ntake_i symbols (0..Lanes, all valid) are removed per cycle; with final_i the last of
//   them is the transmission's final symbol: a clean end drops the padding, otherwise the
//   rest of the stream is discarded through `last` (busy_o meanwhile). drain_i: discard the
//   rest of the stream through `last` (after a ZNZ error; wins over ntake_i; with
//   sym_trunc_o the buffer is emptied at once).
// - Throughput: one word/beat per cycle in, up to Lanes symbols per cycle out.
// - Area: a buffer of (SymBits > W) ? SymBits + W : 2*W bits at Lanes = 1, Lanes*(SymBits + W)
//   bits at Lanes > 1, and a chain of Lanes symbol decoders, each reading at the offset the
//   earlier symbols' lengths give (1 or 1 + log2 MaxZeroRun bits). At Lanes = 1 the chain is
//   the head symbol alone (offset 0, ntake_i one bit).

`include "ebpc_assert.svh"

module ebpc_dec_znz import ebpc_pkg::*; #(
  parameter int DataWidth  = 8,
  parameter int MaxZeroRun = 16,
  // Words per beat and symbols per cycle: 1, 2, 4 or 8.
  parameter int Lanes      = 1,
  localparam int LogZ      = $clog2(MaxZeroRun),
  localparam int TakeW     = $clog2(Lanes + 1)
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         en_i,
  input  logic                         znz_valid_i,
  output logic                         znz_ready_o,
  input  logic [Lanes*DataWidth-1:0]   znz_data_i,
  input  logic [Lanes-1:0]             znz_last_i,
  output logic [Lanes-1:0]             sym_valid_o,
  output logic [Lanes-1:0]             sym_nz_o,
  output logic [Lanes*LogZ-1:0]        sym_run_o,   // symbol j's at [j*LogZ +: LogZ]
  output logic [Lanes-1:0]             sym_clean_o,
  output logic [Lanes-1:0]             sym_trunc_o,
  input  logic [TakeW-1:0]             ntake_i,
  input  logic                         final_i,
  input  logic                         drain_i,
  output logic                         busy_o
);
  localparam int W       = DataWidth;
  localparam int SymBits = znz_run_bits(MaxZeroRun);
  localparam int BufBits = (Lanes > 1) ? Lanes * (SymBits + W) :
                           (SymBits > W) ? SymBits + W : 2 * W;
  localparam int CntW    = $clog2(BufBits + 1);
  localparam int IdxW    = (Lanes > 1) ? $clog2(Lanes) : 1;

  `EBPC_PARAM_CHECK(gen_bad_lanes, lanes_ok(Lanes),
                    $sformatf("ebpc_dec_znz: Lanes=%0d is illegal: must be 1, 2, 4 or 8", Lanes),
                    ebpc_dec_znz_ERROR_Lanes_must_be_1_2_4_or_8)

  logic               busy_q, busy_d;
  logic               drain, flush;
  logic [CntW-1:0]    take, cnt;
  logic [BufBits-1:0] win;
  logic               last_in;
  // off[j]: bit offset of symbol j; off[Lanes]: behind the last one.
  logic [(Lanes+1)*CntW-1:0] off;   // (flat: Icarus 11)
  logic [IdxW-1:0]    tlast;   // the last symbol taken (with ntake_i != 0)
  logic [TakeW-1:0]   tend;    // symbols up to and with it (= ntake_i)
  // (At Lanes = 1 a take is the head symbol: constants, so no index logic is built.)
  assign tlast = (Lanes == 1) ? '0 : IdxW'(ntake_i - 1'b1);
  assign tend  = (Lanes == 1) ? TakeW'(1) : ntake_i;

  ebpc_dec_bitbuf #(
    .DataWidth(W),
    .BufBits  (BufBits),
    .CntWidth (CntW),
    .Words    (Lanes)
  ) u_buf (
    .clk_i,
    .rst_ni,
    .en_i     (en_i),
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

  if (Lanes == 1) begin : gen_word
    // The head symbol only (as the loop below at Lanes = 1, without the loop and the shifter,
    // which Icarus would run every cycle).
    logic [CntW-1:0] len;
    assign sym_nz_o    = win[BufBits-1];
    assign sym_run_o   = win[BufBits-2 -: LogZ];
    assign len         = sym_nz_o ? CntW'(1) : CntW'(SymBits);
    assign sym_valid_o = !busy_q && (cnt >= len);
    assign sym_trunc_o = !busy_q && last_in && (cnt < len);
    assign sym_clean_o = last_in && (cnt - len < CntW'(W));
    assign off         = {len, CntW'(0)};
  end else begin : gen_beat
    always_comb begin : p_syms
      logic [BufBits-1:0]        seg;
      logic [CntW-1:0]           len, at, fin;
      logic [(Lanes+1)*CntW-1:0] o;
      at = '0;
      o  = '0;
      for (int j = 0; j < Lanes; j++) begin
        // Symbol j starts at `at` <= j * SymBits, inside the buffer.
        o[j*CntW +: CntW] = at;
        seg            = win << at;
        sym_nz_o[j]    = seg[BufBits-1];
        sym_run_o[j*LogZ +: LogZ] = seg[BufBits-2 -: LogZ];
        len            = seg[BufBits-1] ? CntW'(1) : CntW'(SymBits);
        fin            = at + len;
        sym_valid_o[j] = !busy_q && (cnt >= fin);
        sym_trunc_o[j] = !busy_q && last_in && (cnt < fin);
        sym_clean_o[j] = last_in && (cnt - fin < CntW'(W));
        at             = fin;
      end
      o[Lanes*CntW +: CntW] = at;
      off = o;
    end
  end

  assign busy_o = busy_q;

  always_comb begin
    busy_d = busy_q;
    take   = '0;
    drain  = 1'b0;
    flush  = 1'b0;
    if (busy_q) begin
      if (last_in) begin
        flush  = 1'b1;
        busy_d = 1'b0;
      end else begin
        drain = 1'b1;
      end
    end else if (drain_i) begin
      busy_d = 1'b1;
    end else if (ntake_i != '0) begin
      take = off[tend*CntW +: CntW];
      if (final_i) begin
        if (sym_clean_o[tlast]) flush = 1'b1;
        else busy_d = 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) busy_q <= 1'b0;
    else         busy_q <= busy_d;
  end
`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  // Assertions (simulation and formal, not synthesized; docs/verification.md). A
  // failure stops the simulation with "EBPC_ASSERT <module>.<name>", the time and the instance.
  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // Symbols are taken only when complete, never while discarding, never with a drain.
    `EBPC_ASSERT("ebpc_dec_znz.take_invalid",
                 ntake_i == '0 || (sym_valid_o[tlast] && !drain_i && !busy_q))
    `EBPC_ASSERT("ebpc_dec_znz.drain_twice", !drain_i || !busy_q)
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif
endmodule
