// SPDX-License-Identifier: Apache-2.0
// EBPC: a stream of Lanes-word beats into a stream of single words (the lane layout of
// docs/integration.md: word k of a packet in lane k mod Lanes).
//
// Contract:
// - in_*: beats of Lanes W-bit words, word j of the beat in in_data_i[j*W +: W]. Every beat is
//   full except a packet's final beat, which marks its final word with a one-hot in_last_i
//   (bit j: the final word is in lane j; the lanes above it are ignored). in_last_i is zero on
//   every other beat.
// - out_*: the same words one per handshake, in order, out_last_o on the packet's final word.
//   A source-stable stream: valid and payload come from registers and hold until taken.
// - Throughput: one word per cycle (a new beat is taken in the cycle its predecessor's final
//   word leaves). Latency: a beat's first word leaves the cycle after the beat is taken.
// - in_ready_o depends combinationally on out_ready_i and on registers only.
// - Area: one beat register (Lanes*W + Lanes flops), a Lanes:1 word multiplexer and a lane
//   counter. rst_ni (asynchronous, active low) empties it.

`include "ebpc_assert.svh"

module ebpc_beat_split import ebpc_pkg::*; #(
  parameter int DataWidth = 8,  // W
  parameter int Lanes     = 2   // words per beat: 2, 4 or 8
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         in_valid_i,
  output logic                         in_ready_o,
  input  logic [Lanes*DataWidth-1:0]   in_data_i,
  input  logic [Lanes-1:0]             in_last_i,
  output logic                         out_valid_o,
  input  logic                         out_ready_i,
  output logic [DataWidth-1:0]         out_data_o,
  output logic                         out_last_o
);

  localparam int LaneWidth = (Lanes > 1) ? $clog2(Lanes) : 1;

  `EBPC_PARAM_CHECK(gen_bad_lanes, Lanes > 1 && lanes_ok(Lanes),
                    $sformatf("ebpc_beat_split: Lanes=%0d is illegal: must be 2, 4 or 8", Lanes),
                    ebpc_beat_split_ERROR_Lanes_must_be_2_4_or_8)

  logic [Lanes*DataWidth-1:0] beat_q, beat_d;
  logic [Lanes-1:0]           last_q, last_d;
  logic [LaneWidth-1:0]       lane_q, lane_d;
  logic                       valid_q, valid_d;
  logic                       out_fire, beat_done, in_fire;

  // The beat's final word: the lane its one-hot last marks, or the top lane of a full beat.
  assign beat_done  = out_fire && (last_q[lane_q] || lane_q == LaneWidth'(Lanes - 1));
  assign out_valid_o = valid_q;
  assign out_data_o  = beat_q[lane_q*DataWidth +: DataWidth];
  assign out_last_o  = last_q[lane_q];
  assign out_fire    = valid_q && out_ready_i;
  assign in_ready_o  = !valid_q || beat_done;
  assign in_fire     = in_valid_i && in_ready_o;

  assign beat_d  = in_fire ? in_data_i : beat_q;
  assign last_d  = in_fire ? in_last_i : last_q;
  assign lane_d  = in_fire ? '0 : (out_fire ? lane_q + 1'b1 : lane_q);
  assign valid_d = in_fire || (valid_q && !beat_done);

  // The beat's words: no reset (read only while valid).
  always_ff @(posedge clk_i) begin
    beat_q <= beat_d;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      last_q  <= '0;
      lane_q  <= '0;
      valid_q <= 1'b0;
    end else begin
      last_q  <= last_d;
      lane_q  <= lane_d;
      valid_q <= valid_d;
    end
  end

`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  `EBPC_ASSERT_HOLD(u_in_hold, "ebpc_beat_split.in_hold", Lanes * DataWidth + Lanes,
                    in_valid_i, in_ready_o, {in_last_i, in_data_i})
  `EBPC_ASSERT_HOLD(u_out_hold, "ebpc_beat_split.out_hold", DataWidth + 1,
                    out_valid_o, out_ready_i, {out_last_o, out_data_o})

  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // A beat's last is one-hot or zero.
    `EBPC_ASSERT_MSG("ebpc_beat_split.last_onehot", !in_valid_i || $onehot0(in_last_i),
                     $sformatf("in_last_i = %b", in_last_i))
`ifndef FORMAL
    `EBPC_ASSERT_MSG("ebpc_beat_split.ctrl_known", (^{in_valid_i, out_ready_i}) !== 1'bx,
                     "X/Z on a valid or ready")
`endif
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif

endmodule
