// SPDX-License-Identifier: Apache-2.0
// EBPC: a stream of InLanes-word beats into a stream of OutLanes-word beats, word for word
// (the lane layout of docs/integration.md on both sides: word k of a packet in lane k mod
// Lanes). Used by the loopback to join an encoder and a decoder of different Lanes.
//
// Contract:
// - in_*: beats of InLanes W-bit words, word j of the beat in in_data_i[j*W +: W]. Every beat
//   is full except a packet's final beat, which marks its final word with a one-hot in_last_i
//   (bit j: the final word is in lane j; the lanes above it are ignored). in_last_i is zero on
//   every other beat. InLanes = 1: single words, in_last_i on a packet's final word.
// - out_*: the same words in beats of OutLanes words, in order; a packet's final beat marks the
//   lane of its final word with a one-hot out_last_o, the lanes above it read zero.
// - InLanes == OutLanes: plain wiring (no state). Otherwise one word per cycle, through one or
//   two beat registers (gen_beat; InLanes > 1 and OutLanes > 1: this module twice, the beats
//   split into words (InLanes -> 1) and the words joined into beats (1 -> OutLanes)):
//   - split (InLanes > 1, OutLanes = 1): a beat's first word leaves the cycle after the beat
//     is taken; a new beat is taken in the cycle its predecessor's final word leaves. Area: one
//     beat register (InLanes*W + InLanes flops), an InLanes:1 word multiplexer, a lane counter;
//   - join (InLanes = 1, OutLanes > 1): a beat leaves the cycle after its final word came in;
//     the first word of the next beat goes in while a complete beat leaves. Area: one beat
//     register (OutLanes*W + OutLanes flops) and a lane counter.
//   A source-stable output: valid and payload come from registers and hold until taken.
//   in_ready_o depends combinationally on out_ready_i and on registers only. rst_ni
//   (asynchronous, active low) empties the beat registers.

`include "ebpc_assert.svh"

module ebpc_beat_convert import ebpc_pkg::*; #(
  parameter int DataWidth = 8,  // W
  parameter int InLanes   = 1,  // words per input beat: 1, 2, 4 or 8
  parameter int OutLanes  = 1   // words per output beat: 1, 2, 4 or 8
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic                          in_valid_i,
  output logic                          in_ready_o,
  input  logic [InLanes*DataWidth-1:0]  in_data_i,
  input  logic [InLanes-1:0]            in_last_i,
  output logic                          out_valid_o,
  input  logic                          out_ready_i,
  output logic [OutLanes*DataWidth-1:0] out_data_o,
  output logic [OutLanes-1:0]           out_last_o
);

  // The beat side of a split or a join: its lanes, and the lane counter's width.
  localparam int Lanes     = (InLanes > OutLanes) ? InLanes : OutLanes;
  localparam int LaneWidth = (Lanes > 1) ? $clog2(Lanes) : 1;

  `EBPC_PARAM_CHECK(gen_bad_lanes, lanes_ok(InLanes) && lanes_ok(OutLanes),
                    $sformatf("ebpc_beat_convert: InLanes=%0d, OutLanes=%0d are illegal: must be 1, 2, 4 or 8",
                              InLanes, OutLanes),
                    ebpc_beat_convert_ERROR_Lanes_must_be_1_2_4_or_8)

  if (InLanes == OutLanes) begin : gen_wire
    logic unused_clk;
    assign unused_clk  = clk_i ^ rst_ni;  // (no state: plain wiring)
    assign out_valid_o = in_valid_i;
    assign in_ready_o  = out_ready_i;
    assign out_data_o  = in_data_i;
    assign out_last_o  = in_last_i;
  end else if (InLanes > 1 && OutLanes > 1) begin : gen_via_words
    logic                 word_valid, word_ready, word_last;
    logic [DataWidth-1:0] word_data;

    ebpc_beat_convert #(
      .DataWidth (DataWidth),
      .InLanes   (InLanes),
      .OutLanes  (1)
    ) u_split (
      .clk_i,
      .rst_ni,
      .in_valid_i,
      .in_ready_o,
      .in_data_i,
      .in_last_i,
      .out_valid_o (word_valid),
      .out_ready_i (word_ready),
      .out_data_o  (word_data),
      .out_last_o  (word_last)
    );

    ebpc_beat_convert #(
      .DataWidth (DataWidth),
      .InLanes   (1),
      .OutLanes  (OutLanes)
    ) u_join (
      .clk_i,
      .rst_ni,
      .in_valid_i  (word_valid),
      .in_ready_o  (word_ready),
      .in_data_i   (word_data),
      .in_last_i   (word_last),
      .out_valid_o,
      .out_ready_i,
      .out_data_o,
      .out_last_o
    );
  end else begin : gen_beat
    // One beat register of Lanes words: the input beat (split) or the output beat (join).
    logic [Lanes*DataWidth-1:0] beat_q, beat_d;
    logic [Lanes-1:0]           last_q, last_d;
    logic [LaneWidth-1:0]       lane_q, lane_d;   // split: the lane leaving; join: the lane filled next
    logic                       valid_q, valid_d; // a beat waits
    logic                       in_fire, out_fire;

    assign out_valid_o = valid_q;
    assign out_fire    = valid_q && out_ready_i;
    assign in_fire     = in_valid_i && in_ready_o;

    if (OutLanes == 1) begin : gen_split
      logic beat_done;

      // The beat's final word: the lane its one-hot last marks, or the top lane of a full beat.
      assign beat_done     = out_fire && (last_q[lane_q] || lane_q == LaneWidth'(Lanes - 1));
      assign out_data_o    = beat_q[lane_q*DataWidth +: DataWidth];
      assign out_last_o[0] = last_q[lane_q];
      assign in_ready_o    = !valid_q || beat_done;

      assign beat_d  = in_fire ? in_data_i : beat_q;
      assign last_d  = in_fire ? in_last_i : last_q;
      assign lane_d  = in_fire ? '0 : (out_fire ? lane_q + 1'b1 : lane_q);
      assign valid_d = in_fire || (valid_q && !beat_done);
    end else begin : gen_join
      logic closes;

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

      assign out_data_o = beat_q;
      assign out_last_o = last_q;
      // A word goes in while no complete beat waits, or while the waiting one leaves.
      assign in_ready_o = !valid_q || out_ready_i;
      assign closes     = in_fire && (in_last_i[0] || lane_q == LaneWidth'(Lanes - 1));

      assign beat_d  = put_word(beat_q, in_fire, in_last_i[0], lane_q, in_data_i);
      assign last_d  = closes ? ((in_last_i[0] ? Lanes'(1) : '0) << lane_q) : (out_fire ? '0 : last_q);
      assign lane_d  = closes ? '0 : (in_fire ? lane_q + 1'b1 : lane_q);
      assign valid_d = closes || (valid_q && !out_fire);
    end

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
    if (OutLanes == 1) begin : gen_in_hold
      `EBPC_ASSERT_HOLD(u_in_hold, "ebpc_beat_convert.in_hold", InLanes * DataWidth + InLanes,
                        in_valid_i, in_ready_o, {in_last_i, in_data_i})
    end
    `EBPC_ASSERT_HOLD(u_out_hold, "ebpc_beat_convert.out_hold", OutLanes * DataWidth + OutLanes,
                      out_valid_o, out_ready_i, {out_last_o, out_data_o})

    `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
      // A beat's last is one-hot or zero: the one offered, the one waiting.
      `EBPC_ASSERT_MSG("ebpc_beat_convert.in_last_onehot", !in_valid_i || $onehot0(in_last_i),
                       $sformatf("in_last_i = %b", in_last_i))
      `EBPC_ASSERT_MSG("ebpc_beat_convert.last_onehot", !valid_q || $onehot0(last_q),
                       $sformatf("last = %b", last_q))
`ifndef FORMAL
      `EBPC_ASSERT_MSG("ebpc_beat_convert.ctrl_known", (^{in_valid_i, out_ready_i}) !== 1'bx,
                       "X/Z on a valid or ready")
`endif
    `EBPC_ASSERT_BLOCK_END
    /* verilator coverage_on */
`endif
  end

endmodule
