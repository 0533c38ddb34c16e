// SPDX-License-Identifier: Apache-2.0
// EBPC stream decoder with AXI4-Stream ports (top).
//
// A thin wrapper over ebpc_decoder: no register of its own (with Lanes > 1 a few gates turn
// TKEEP into the core's one-hot last and back), so timing, latency, throughput and error
// behaviour are those of ebpc_decoder (see its header and docs/integration.md). The stream
// format is docs/ebpc-format.md.
//
// Contract:
// - s_axis_len_*: one beat per transmission, its word count L (CountWidth bits, unsigned).
// - s_axis_znz_* / s_axis_bpc_*: the packed ZNZ and BPC words of each transmission, in the
//   same order as the lengths, Lanes words per beat (word k of a packet in lane k mod Lanes),
//   tlast on the beat with each stream's final word and tkeep (one bit per byte, whole words)
//   marking its words: every beat is full except the final one, whose kept words are the low
//   lanes (ignored with Lanes = 1). An all-zero transmission has no BPC beat.
// - m_axis_*: exactly L decoded W-bit words per transmission, Lanes per beat, tlast and tkeep
//   on the final beat as above (one AXI4-Stream packet per transmission).
// - done_o pulses once per transmission with error_o (eight flags, see ebpc_decoder; 0 for a
//   clean transmission). A malformed transmission still yields exactly L words and never
//   hangs the decoder as long as each input stream delivers its tlast.
// - Handshakes follow AXI4-Stream: a beat moves on a rising edge with tvalid and tready high;
//   m_axis_tvalid/tdata/tlast come from registers and never depend on m_axis_tready. No
//   tready depends on its own port's tvalid/tdata; s_axis_znz_tready depends combinationally
//   on s_axis_len_tvalid/tdata (the first ZNZ word is taken in the cycle its L is).
// - No TSTRB/TID/TDEST/TUSER.
// - rst_ni: asynchronous, active low (AXI's ARESETn, synchronised by the integrator).
`include "ebpc_assert.svh"

module ebpc_axis_decoder import ebpc_pkg::*; #(
  parameter int DataWidth      = 8,   // W: 8, 16 or 32
  parameter int BlockSize      = 8,   // N: 2 <= N <= 2W
  parameter int MaxZeroRun     = 16,  // Z: power of two, 2..256
  parameter int Lanes          = 1,   // words per beat: 1, 2, 4 or 8
  parameter int PlanesPerCycle = dec_planes_per_cycle_lanes(DataWidth, Lanes),
  parameter int CountWidth     = 16
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // Transmission lengths L.
  input  logic [CountWidth-1:0]    s_axis_len_tdata,
  input  logic                     s_axis_len_tvalid,
  output logic                     s_axis_len_tready,
  // ZNZ stream.
  input  logic [Lanes*DataWidth-1:0]   s_axis_znz_tdata,
  input  logic [Lanes*DataWidth/8-1:0] s_axis_znz_tkeep,
  input  logic                     s_axis_znz_tvalid,
  output logic                     s_axis_znz_tready,
  input  logic                     s_axis_znz_tlast,
  // BPC stream.
  input  logic [Lanes*DataWidth-1:0]   s_axis_bpc_tdata,
  input  logic [Lanes*DataWidth/8-1:0] s_axis_bpc_tkeep,
  input  logic                     s_axis_bpc_tvalid,
  output logic                     s_axis_bpc_tready,
  input  logic                     s_axis_bpc_tlast,
  // Decoded words.
  output logic [Lanes*DataWidth-1:0]   m_axis_tdata,
  output logic [Lanes*DataWidth/8-1:0] m_axis_tkeep,
  output logic                     m_axis_tvalid,
  input  logic                     m_axis_tready,
  output logic                     m_axis_tlast,
  // Per-transmission completion and error flags.
  output logic                     done_o,
  output logic [ErrFlagsWidth-1:0] error_o
);

  localparam int WordBytes = DataWidth / 8;
  localparam int KeepWidth = Lanes * WordBytes;

  // TKEEP <-> the core's one-hot last (the lane of a packet's final word).
  logic [Lanes-1:0] znz_last, bpc_last, out_last;
  if (Lanes == 1) begin : gen_word
    logic unused_keep;
    assign unused_keep  = ^{s_axis_znz_tkeep, s_axis_bpc_tkeep};  // every beat is one whole word
    assign znz_last     = s_axis_znz_tlast;
    assign bpc_last     = s_axis_bpc_tlast;
    assign m_axis_tlast = out_last[0];
    assign m_axis_tkeep = '1;
  end else begin : gen_lanes
    // ebpc_pkg: axis_last (TKEEP and TLAST -> one-hot last), axis_keep (one-hot last -> TKEEP).
    assign znz_last     = Lanes'(axis_last(32'(s_axis_znz_tkeep), s_axis_znz_tlast, Lanes, WordBytes));
    assign bpc_last     = Lanes'(axis_last(32'(s_axis_bpc_tkeep), s_axis_bpc_tlast, Lanes, WordBytes));
    assign m_axis_tkeep = KeepWidth'(axis_keep(8'(out_last), Lanes, WordBytes));
    assign m_axis_tlast = |out_last;
  end

  ebpc_decoder #(
    .DataWidth      (DataWidth),
    .BlockSize      (BlockSize),
    .MaxZeroRun     (MaxZeroRun),
    .Lanes          (Lanes),
    .PlanesPerCycle (PlanesPerCycle),
    .CountWidth     (CountWidth)
  ) u_decoder (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .len_valid_i (s_axis_len_tvalid),
    .len_ready_o (s_axis_len_tready),
    .len_data_i  (s_axis_len_tdata),
    .znz_valid_i (s_axis_znz_tvalid),
    .znz_ready_o (s_axis_znz_tready),
    .znz_data_i  (s_axis_znz_tdata),
    .znz_last_i  (znz_last),
    .bpc_valid_i (s_axis_bpc_tvalid),
    .bpc_ready_o (s_axis_bpc_tready),
    .bpc_data_i  (s_axis_bpc_tdata),
    .bpc_last_i  (bpc_last),
    .out_valid_o (m_axis_tvalid),
    .out_ready_i (m_axis_tready),
    .out_data_o  (m_axis_tdata),
    .out_last_o  (out_last),
    .done_o      (done_o),
    .error_o     (error_o)
  );

`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  if (Lanes > 1) begin : gen_keep_checks
    // TKEEP: whole words; every beat full but a packet's final one, whose kept words are
    // the low lanes (docs/integration.md). Inputs: the upstream's side of the contract.
    `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
      `EBPC_ASSERT_KEEP("ebpc_axis_decoder.s_axis_znz_tkeep", s_axis_znz)
      `EBPC_ASSERT_KEEP("ebpc_axis_decoder.s_axis_bpc_tkeep", s_axis_bpc)
      `EBPC_ASSERT_KEEP("ebpc_axis_decoder.m_axis_tkeep", m_axis)
    `EBPC_ASSERT_BLOCK_END
  end
  /* verilator coverage_on */
`endif

endmodule
