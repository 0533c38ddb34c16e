// SPDX-License-Identifier: Apache-2.0
// EBPC stream decoder with AXI4-Stream ports (top).
//
// A thin wrapper over ebpc_decoder: pure wiring, no logic and no register of its own, so
// timing, latency, throughput and error behaviour are those of ebpc_decoder (see its header
// and docs/integration.md). The stream format is docs/ebpc-format.md.
//
// Contract:
// - s_axis_len_*: one beat per transmission, its word count L (CountWidth bits, unsigned).
// - s_axis_znz_* / s_axis_bpc_*: the packed ZNZ and BPC words of each transmission, in the
//   same order as the lengths, tlast on each stream's final word of the transmission. An
//   all-zero transmission has no BPC beat (the decoder takes none for it).
// - m_axis_*: exactly L decoded W-bit words per transmission, tlast on the final one (one
//   AXI4-Stream packet per transmission).
// - done_o pulses once per transmission with error_o (eight flags, see ebpc_decoder; 0 for a
//   clean transmission). A malformed transmission still yields exactly L words and never
//   hangs the decoder as long as each input stream delivers its tlast.
// - Handshakes follow AXI4-Stream: a beat moves on a rising edge with tvalid and tready high;
//   m_axis_tvalid/tdata/tlast come from registers and never depend on m_axis_tready. No
//   tready depends on its own port's tvalid/tdata; s_axis_znz_tready depends combinationally
//   on s_axis_len_tvalid/tdata (the first ZNZ word is taken in the cycle its L is).
// - No TKEEP/TSTRB/TID/TDEST/TUSER: every beat is a whole word.
// - rst_ni: asynchronous, active low (AXI's ARESETn, synchronised by the integrator).
module ebpc_axis_decoder import ebpc_pkg::*; #(
  parameter int DataWidth      = 8,   // W: 8, 16 or 32
  parameter int BlockSize      = 8,   // N: 2 <= N <= 2W
  parameter int MaxZeroRun     = 16,  // Z: power of two, 2..256
  parameter int PlanesPerCycle = dec_planes_per_cycle(DataWidth),
  parameter int CountWidth     = 16
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // Transmission lengths L.
  input  logic [CountWidth-1:0]    s_axis_len_tdata,
  input  logic                     s_axis_len_tvalid,
  output logic                     s_axis_len_tready,
  // ZNZ stream.
  input  logic [DataWidth-1:0]     s_axis_znz_tdata,
  input  logic                     s_axis_znz_tvalid,
  output logic                     s_axis_znz_tready,
  input  logic                     s_axis_znz_tlast,
  // BPC stream.
  input  logic [DataWidth-1:0]     s_axis_bpc_tdata,
  input  logic                     s_axis_bpc_tvalid,
  output logic                     s_axis_bpc_tready,
  input  logic                     s_axis_bpc_tlast,
  // Decoded words.
  output logic [DataWidth-1:0]     m_axis_tdata,
  output logic                     m_axis_tvalid,
  input  logic                     m_axis_tready,
  output logic                     m_axis_tlast,
  // Per-transmission completion and error flags.
  output logic                     done_o,
  output logic [ErrFlagsWidth-1:0] error_o
);

  ebpc_decoder #(
    .DataWidth      (DataWidth),
    .BlockSize      (BlockSize),
    .MaxZeroRun     (MaxZeroRun),
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
    .znz_last_i  (s_axis_znz_tlast),
    .bpc_valid_i (s_axis_bpc_tvalid),
    .bpc_ready_o (s_axis_bpc_tready),
    .bpc_data_i  (s_axis_bpc_tdata),
    .bpc_last_i  (s_axis_bpc_tlast),
    .out_valid_o (m_axis_tvalid),
    .out_ready_i (m_axis_tready),
    .out_data_o  (m_axis_tdata),
    .out_last_o  (m_axis_tlast),
    .done_o      (done_o),
    .error_o     (error_o)
  );

endmodule
