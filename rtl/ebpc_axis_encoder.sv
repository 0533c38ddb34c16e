// SPDX-License-Identifier: Apache-2.0
// EBPC stream encoder with AXI4-Stream ports (top).
//
// A thin wrapper over ebpc_encoder: no register of its own (with Lanes > 1 a few gates turn
// TKEEP into the core's one-hot last and back), so timing, latency and throughput are those
// of ebpc_encoder (see its header and docs/integration.md). The stream format is
// docs/ebpc-format.md.
//
// Contract:
// - s_axis_*: the input words, Lanes W-bit words per beat (word k of a packet in lane k mod
//   Lanes, bits [(k mod Lanes)*W +: W]), s_axis_tlast on the beat with the final word of a
//   transmission (a transmission is one AXI4-Stream packet of L >= 1 words). s_axis_tkeep
//   (one bit per byte, whole words): every beat is full except the final one, whose kept
//   words are the low lanes. With Lanes = 1, s_axis_tkeep is ignored (every beat a word).
// - m_axis_znz_* / m_axis_bpc_*: the packed words of the ZNZ and BPC streams of each
//   transmission, word for word those of ebpc_encoder, Lanes words per beat, tlast on the beat
//   with each stream's final word of the transmission and tkeep marking its words (all bytes
//   of every other beat). An all-zero transmission produces a ZNZ packet and no BPC beat.
// - done_o pulses once per transmission when both of its packets have been handed over;
//   with EnableCounts=1, znz_count_o / bpc_count_o are then its word counts (held until the
//   next done_o); with EnableCounts=0 (default, no counter area) they read 0.
// - Parameters are those of ebpc_encoder, with the same defaults, passed through unchanged.
// - Handshakes follow AXI4-Stream: a beat moves on a rising edge with tvalid and tready high;
//   m_axis_*_tvalid never depends on a tready. s_axis_tready depends combinationally on
//   m_axis_znz_tready only (not on m_axis_bpc_tready, s_axis_tvalid or tdata); the m_axis outputs
//   come from registers.
// - No TSTRB/TID/TDEST/TUSER.
// - rst_ni: asynchronous, active low (AXI's ARESETn, synchronised by the integrator).
`include "ebpc_assert.svh"

module ebpc_axis_encoder import ebpc_pkg::*; #(
  parameter int DataWidth      = 8,   // W: 8, 16 or 32
  parameter int BlockSize      = 8,   // N: 2 <= N <= 2W
  parameter int MaxZeroRun     = 16,  // Z: power of two, 2..256
  parameter int Lanes          = 1,   // words per beat: 1, 2, 4 or 8
  parameter int PlanesPerCycle = enc_planes_per_cycle(DataWidth, Lanes),  // bit-planes coded per cycle (1 .. W+1)
  parameter int CountWidth     = 16,  // width of znz_count_o / bpc_count_o (1..64)
  parameter int EnableCounts   = 0    // 1: znz_count_o / bpc_count_o carry the word counts
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // Input words.
  input  logic [Lanes*DataWidth-1:0]   s_axis_tdata,
  input  logic [Lanes*DataWidth/8-1:0] s_axis_tkeep,
  input  logic                  s_axis_tvalid,
  output logic                  s_axis_tready,
  input  logic                  s_axis_tlast,
  // ZNZ stream.
  output logic [Lanes*DataWidth-1:0]   m_axis_znz_tdata,
  output logic [Lanes*DataWidth/8-1:0] m_axis_znz_tkeep,
  output logic                  m_axis_znz_tvalid,
  input  logic                  m_axis_znz_tready,
  output logic                  m_axis_znz_tlast,
  // BPC stream.
  output logic [Lanes*DataWidth-1:0]   m_axis_bpc_tdata,
  output logic [Lanes*DataWidth/8-1:0] m_axis_bpc_tkeep,
  output logic                  m_axis_bpc_tvalid,
  input  logic                  m_axis_bpc_tready,
  output logic                  m_axis_bpc_tlast,
  // Per-transmission completion and word counts (for the descriptor of the stored streams).
  output logic                  done_o,
  output logic [CountWidth-1:0] znz_count_o,
  output logic [CountWidth-1:0] bpc_count_o
);

  localparam int WordBytes = DataWidth / 8;
  localparam int KeepWidth = Lanes * WordBytes;

  // TKEEP <-> the core's one-hot last (the lane of a packet's final word).
  logic [Lanes-1:0] in_last, znz_last, bpc_last;
  if (Lanes == 1) begin : gen_word
    logic unused_keep;
    assign unused_keep      = ^s_axis_tkeep;  // every beat is one whole word
    assign in_last          = s_axis_tlast;
    assign m_axis_znz_tlast = znz_last[0];
    assign m_axis_bpc_tlast = bpc_last[0];
    assign m_axis_znz_tkeep = '1;
    assign m_axis_bpc_tkeep = '1;
  end else begin : gen_lanes
    // ebpc_pkg: axis_last (TKEEP and TLAST -> one-hot last), axis_keep (one-hot last -> TKEEP).
    assign in_last          = Lanes'(axis_last(32'(s_axis_tkeep), s_axis_tlast, Lanes, WordBytes));
    assign m_axis_znz_tkeep = KeepWidth'(axis_keep(8'(znz_last), Lanes, WordBytes));
    assign m_axis_bpc_tkeep = KeepWidth'(axis_keep(8'(bpc_last), Lanes, WordBytes));
    assign m_axis_znz_tlast = |znz_last;
    assign m_axis_bpc_tlast = |bpc_last;
  end

  ebpc_encoder #(
    .DataWidth      (DataWidth),
    .BlockSize      (BlockSize),
    .MaxZeroRun     (MaxZeroRun),
    .Lanes          (Lanes),
    .PlanesPerCycle (PlanesPerCycle),
    .CountWidth     (CountWidth),
    .EnableCounts   (EnableCounts)
  ) u_encoder (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .in_valid_i  (s_axis_tvalid),
    .in_ready_o  (s_axis_tready),
    .in_data_i   (s_axis_tdata),
    .in_last_i   (in_last),
    .znz_valid_o (m_axis_znz_tvalid),
    .znz_ready_i (m_axis_znz_tready),
    .znz_data_o  (m_axis_znz_tdata),
    .znz_last_o  (znz_last),
    .bpc_valid_o (m_axis_bpc_tvalid),
    .bpc_ready_i (m_axis_bpc_tready),
    .bpc_data_o  (m_axis_bpc_tdata),
    .bpc_last_o  (bpc_last),
    .done_o      (done_o),
    .znz_count_o (znz_count_o),
    .bpc_count_o (bpc_count_o)
  );

`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  if (Lanes > 1) begin : gen_keep_checks
    // TKEEP: whole words; every beat full but a packet's final one, whose kept words are
    // the low lanes (docs/integration.md). Inputs: the upstream's side of the contract.
    `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
      `EBPC_ASSERT_KEEP("ebpc_axis_encoder.s_axis_tkeep", s_axis)
      `EBPC_ASSERT_KEEP("ebpc_axis_encoder.m_axis_znz_tkeep", m_axis_znz)
      `EBPC_ASSERT_KEEP("ebpc_axis_encoder.m_axis_bpc_tkeep", m_axis_bpc)
    `EBPC_ASSERT_BLOCK_END
  end
  /* verilator coverage_on */
`endif

endmodule
