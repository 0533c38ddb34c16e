// SPDX-License-Identifier: Apache-2.0
// EBPC: a stream of InLanes-word beats into a stream of OutLanes-word beats, word for word
// (the lane layout of docs/integration.md on both sides). Wiring when InLanes == OutLanes;
// otherwise the beats are split into words (ebpc_beat_split) and the words joined into beats
// (ebpc_beat_join), one word per cycle.
//
// Contract: that of ebpc_beat_split on the input and of ebpc_beat_join on the output (a
// one-hot last on a packet's final beat marks the lane of its final word). Used by the
// loopback to join an encoder and a decoder of different Lanes.

module ebpc_beat_convert #(
  parameter int DataWidth = 8,
  parameter int InLanes   = 1,
  parameter int OutLanes  = 1
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

  if (InLanes == OutLanes) begin : gen_wire
    logic unused_clk;
    assign unused_clk  = clk_i ^ rst_ni;  // (no state: plain wiring)
    assign out_valid_o = in_valid_i;
    assign in_ready_o  = out_ready_i;
    assign out_data_o  = in_data_i;
    assign out_last_o  = in_last_i;
  end else begin : gen_convert
    logic                 word_valid, word_ready, word_last;
    logic [DataWidth-1:0] word_data;

    if (InLanes == 1) begin : gen_word_in
      assign word_valid = in_valid_i;
      assign in_ready_o = word_ready;
      assign word_data  = in_data_i;
      assign word_last  = in_last_i[0];
    end else begin : gen_split
      ebpc_beat_split #(
        .DataWidth (DataWidth),
        .Lanes     (InLanes)
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
    end

    if (OutLanes == 1) begin : gen_word_out
      assign out_valid_o = word_valid;
      assign word_ready  = out_ready_i;
      assign out_data_o  = word_data;
      assign out_last_o  = word_last;
    end else begin : gen_join
      ebpc_beat_join #(
        .DataWidth (DataWidth),
        .Lanes     (OutLanes)
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
    end
  end

endmodule
