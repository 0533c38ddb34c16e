// EBPC encoder: block collector.
//
// Gathers the non-zero input words of a transmission into blocks of BlockSize words
// (word i of the block in blk_data_o[i*W +: W]; unfilled slots are zero, which is exactly the
// format's zero padding of the last block) and hands each block to the plane coder.
//
// Contract:
// - in_fire_i: a word is consumed this cycle (the caller honours in_ready_o). Zero words are not
//   stored; in_last_i closes the transmission.
// - A full block is held until the transmission continues with a non-zero word (then it is handed
//   over as "not last" in that cycle and the new word starts the next block) or the transmission
//   ends (then it is handed over as the last block). This is how the last block of a
//   transmission is known without look-ahead.
// - A closed transmission (blk_last_o) is handed over as soon as the coder takes it; an all-zero
//   transmission is handed over as an empty token (blk_empty_o, no data).
// - in_ready_o is conservative (does not look at the word): when the collector is full or closed
//   it requires the coder to take a block this cycle. It never depends on in_valid.
// - Latency: a block handed over with a word is offered in that word's cycle; a closed block
//   (after in_last_i) is offered from the next cycle.
// - Throughput: one word per cycle as long as the coder takes a block within BlockSize cycles.
module ebpc_enc_collector #(
  parameter int DataWidth = 8,
  parameter int BlockSize = 8
) (
  input  logic                           clk_i,
  input  logic                           rst_ni,
  output logic                           in_ready_o,
  input  logic                           in_fire_i,
  input  logic [DataWidth-1:0]           in_data_i,
  input  logic                           in_last_i,
  output logic                           blk_valid_o,
  input  logic                           blk_ready_i,
  output logic [BlockSize*DataWidth-1:0] blk_data_o,
  output logic                           blk_last_o,
  output logic                           blk_empty_o
);

  localparam int CntWidth = $clog2(BlockSize + 1);

  logic [BlockSize*DataWidth-1:0] blk_q, blk_d;
  logic [CntWidth-1:0]            cnt_q, cnt_d;
  logic                           closed_q, closed_d;
  logic                           full, nonzero, handoff;

  assign full       = (cnt_q == CntWidth'(BlockSize));
  assign nonzero    = (in_data_i != '0);
  assign in_ready_o = !(closed_q || full) || blk_ready_i;

  assign blk_valid_o = closed_q || (full && in_fire_i && nonzero);
  assign blk_data_o  = blk_q;
  assign blk_last_o  = closed_q;
  assign blk_empty_o = closed_q && (cnt_q == '0);
  assign handoff     = blk_valid_o && blk_ready_i;

  // State after a hand-off, before this cycle's word is added. Combinational logic is written
  // as single assignments / functions: Icarus 11 can re-trigger an always_comb block endlessly.
  logic [BlockSize*DataWidth-1:0] blk_keep;
  logic [CntWidth-1:0]            cnt_keep;
  logic                           store;

  function automatic logic [BlockSize*DataWidth-1:0] put_word(
    input logic [BlockSize*DataWidth-1:0] blk,
    input logic                           en,
    input logic [CntWidth-1:0]            slot,
    input logic [DataWidth-1:0]           word
  );
    logic [BlockSize*DataWidth-1:0] res;
    res = blk;
    for (int i = 0; i < BlockSize; i++) begin
      if (en && slot == CntWidth'(i)) res[i*DataWidth +: DataWidth] = word;
    end
    return res;
  endfunction

  assign blk_keep = handoff ? '0 : blk_q;
  assign cnt_keep = handoff ? '0 : cnt_q;
  assign store    = in_fire_i && nonzero;
  assign blk_d    = put_word(blk_keep, store, cnt_keep, in_data_i);
  assign cnt_d    = cnt_keep + CntWidth'(store);
  assign closed_d = (closed_q && !handoff) || (in_fire_i && in_last_i);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      blk_q    <= '0;
      cnt_q    <= '0;
      closed_q <= 1'b0;
    end else begin
      blk_q    <= blk_d;
      cnt_q    <= cnt_d;
      closed_q <= closed_d;
    end
  end

endmodule
