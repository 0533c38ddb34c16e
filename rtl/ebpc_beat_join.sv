// SPDX-License-Identifier: Apache-2.0
// EBPC: a stream of single words into a stream of Lanes-word beats (the lane layout of
// docs/integration.md: word k of a packet in lane k mod Lanes).
//
// Contract:
// - in_*: W-bit words, one per handshake, in_last_i on a packet's final word.
// - out_*: beats of Lanes words, word j of the beat in out_data_o[j*W +: W]. Every beat is
//   full except a packet's final beat, whose one-hot out_last_o marks the lane of the final
//   word; the lanes above it read zero. out_last_o is zero on every other beat. A source-stable stream: valid and payload come from registers and hold
//   until taken.
// - Throughput: one word per cycle (the first word of the next beat goes in while a complete
//   beat leaves). Latency: a beat leaves the cycle after its final word came in.
// - in_ready_o depends combinationally on out_ready_i and on registers only.
// - Area: one beat register (Lanes*W + Lanes flops) and a lane counter. rst_ni
//   (asynchronous, active low) empties it.

`include "ebpc_assert.svh"

module ebpc_beat_join import ebpc_pkg::*; #(
  parameter int DataWidth = 8,  // W
  parameter int Lanes     = 2   // words per beat: 2, 4 or 8
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         in_valid_i,
  output logic                         in_ready_o,
  input  logic [DataWidth-1:0]         in_data_i,
  input  logic                         in_last_i,
  output logic                         out_valid_o,
  input  logic                         out_ready_i,
  output logic [Lanes*DataWidth-1:0]   out_data_o,
  output logic [Lanes-1:0]             out_last_o
);

  localparam int LaneWidth = (Lanes > 1) ? $clog2(Lanes) : 1;

  `EBPC_PARAM_CHECK(gen_bad_lanes, Lanes > 1 && lanes_ok(Lanes),
                    $sformatf("ebpc_beat_join: Lanes=%0d is illegal: must be 2, 4 or 8", Lanes),
                    ebpc_beat_join_ERROR_Lanes_must_be_2_4_or_8)

  logic [Lanes*DataWidth-1:0] beat_q, beat_d;
  logic [Lanes-1:0]           last_q, last_d;
  logic [LaneWidth-1:0]       lane_q, lane_d;   // the lane the next word goes to
  logic                       valid_q, valid_d; // a complete beat waits
  logic                       in_fire, out_fire, closes;

  assign out_valid_o = valid_q;
  assign out_data_o  = beat_q;
  assign out_last_o  = last_q;
  assign out_fire    = valid_q && out_ready_i;
  // A word goes in while no complete beat waits, or while the waiting one leaves.
  assign in_ready_o  = !valid_q || out_ready_i;
  assign in_fire     = in_valid_i && in_ready_o;
  assign closes      = in_fire && (in_last_i || lane_q == LaneWidth'(Lanes - 1));

  // The word goes to its lane; a packet's final word clears the lanes above it.
  function automatic logic [Lanes*DataWidth-1:0] put_word(
    input logic [Lanes*DataWidth-1:0] beat,
    input logic                       en,
    input logic                       last,
    input logic [LaneWidth-1:0]       lane,
    input logic [DataWidth-1:0]       word
  );
    logic [Lanes*DataWidth-1:0] res;
    res = beat;
    for (int j = 0; j < Lanes; j++) begin
      if (en && lane == LaneWidth'(j)) res[j*DataWidth +: DataWidth] = word;
      if (en && last && LaneWidth'(j) > lane) res[j*DataWidth +: DataWidth] = '0;
    end
    return res;
  endfunction

  assign beat_d  = put_word(beat_q, in_fire, in_last_i, lane_q, in_data_i);
  assign last_d  = closes ? ((in_last_i ? Lanes'(1) : '0) << lane_q) : (out_fire ? '0 : last_q);
  assign lane_d  = closes ? '0 : (in_fire ? lane_q + 1'b1 : lane_q);
  assign valid_d = closes || (valid_q && !out_fire);

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
  `EBPC_ASSERT_HOLD(u_out_hold, "ebpc_beat_join.out_hold", Lanes * DataWidth + Lanes,
                    out_valid_o, out_ready_i, {out_last_o, out_data_o})

  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // A waiting beat's last is one-hot or zero.
    `EBPC_ASSERT_MSG("ebpc_beat_join.last_onehot", !valid_q || $onehot0(last_q),
                     $sformatf("last = %b", last_q))
`ifndef FORMAL
    `EBPC_ASSERT_MSG("ebpc_beat_join.ctrl_known", (^{in_valid_i, out_ready_i}) !== 1'bx,
                     "X/Z on a valid or ready")
`endif
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif

endmodule
