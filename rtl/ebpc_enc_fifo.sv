// EBPC encoder: small synchronous FIFO (registers).
//
// Contract: push_i writes data_i when not full (the caller guarantees it never pushes into a
// full FIFO; such a push would be dropped); pop_i removes the head when not empty; data_o shows
// the head (valid when !empty_o). Push and pop in the same cycle are allowed.
// Latency: a pushed entry is visible the next cycle. Throughput: one push and one pop per cycle.
module ebpc_enc_fifo #(
  parameter int Width = 32,
  parameter int Depth = 4   // power of two >= 2
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             push_i,
  input  logic [Width-1:0] data_i,
  input  logic             pop_i,
  output logic [Width-1:0] data_o,
  output logic             empty_o
);

  localparam int PtrWidth = $clog2(Depth);

  logic [Width-1:0]    mem_q [Depth];
  logic [PtrWidth-1:0] wptr_q, rptr_q;
  logic [PtrWidth:0]   cnt_q;
  logic                do_push, do_pop, full;

  assign empty_o = (cnt_q == '0);
  assign full    = (cnt_q == (PtrWidth+1)'(Depth));
  assign data_o  = mem_q[rptr_q];
  assign do_push = push_i && !full;
  assign do_pop  = pop_i && !empty_o;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q <= '0;
      rptr_q <= '0;
      cnt_q  <= '0;
      for (int i = 0; i < Depth; i++) mem_q[i] <= '0;
    end else begin
      if (do_push) begin
        mem_q[wptr_q] <= data_i;
        wptr_q        <= wptr_q + 1'b1;
      end
      if (do_pop) rptr_q <= rptr_q + 1'b1;
      if (do_push && !do_pop) cnt_q <= cnt_q + 1'b1;
      else if (do_pop && !do_push) cnt_q <= cnt_q - 1'b1;
    end
  end

endmodule
