// EBPC encoder: bit-plane coder for one block.
//
// Contract:
// - Block input (blk_valid_i/blk_ready_o): BlockSize words (word i in blk_data_i[i*W +: W],
//   padding slots already zero), blk_last_i = last block of the transmission, blk_empty_i = no
//   block at all (all-zero transmission token). The block is stored on load; its (W+1)-bit
//   deltas and their bit-planes are derived combinationally from that register. blk_ready_o is
//   high when idle or when the current block's final chunk is taken this cycle (the next block
//   loads with no gap).
// - Chunk output (chk_valid_o/chk_ready_i): one chunk per cycle, ceil((W+1)/PlanesPerCycle)
//   chunks per block. Chunk g holds the codes of planes g*P .. g*P+P-1 (group 0 starts with the
//   W-bit base), including the code of every all-zero-DBX run that ends inside the group (a run
//   ends at the next non-zero DBX or at plane W). chk_bits_o is right-aligned, MSB-first, clean
//   above chk_len_o; at most ChunkWidth bits. chk_last_o on the final chunk of the last block;
//   an empty token gives one chunk with chk_len_o = 0, chk_last_o = chk_empty_o = 1.
// - Latency: the first chunk of a block is offered the cycle after the block is loaded.
// - Throughput: one block per ceil((W+1)/PlanesPerCycle) cycles when chunks are taken at once.
module ebpc_enc_bpc_coder #(
  parameter int DataWidth      = 8,
  parameter int BlockSize      = 8,
  parameter int PlanesPerCycle = 9,
  parameter int ChunkWidth     = 86  // >= W + (3+log2 W) + P * max(N, 5+ceil(log2 N), 3+log2 W)
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,
  input  logic                            blk_valid_i,
  output logic                            blk_ready_o,
  input  logic [BlockSize*DataWidth-1:0]  blk_data_i,
  input  logic                            blk_last_i,
  input  logic                            blk_empty_i,
  output logic                            chk_valid_o,
  input  logic                            chk_ready_i,
  output logic [ChunkWidth-1:0]           chk_bits_o,
  output logic [$clog2(ChunkWidth+1)-1:0] chk_len_o,
  output logic                            chk_last_o,
  output logic                            chk_empty_o
);

  localparam int W         = DataWidth;
  localparam int P         = PlanesPerCycle;
  localparam int Np        = BlockSize - 1;                 // bits per plane
  localparam int LogN      = $clog2(BlockSize);             // position field
  localparam int LogW      = $clog2(DataWidth);             // run length field
  localparam int Groups    = (DataWidth + PlanesPerCycle) / PlanesPerCycle;
  localparam int PlanesW   = Groups * PlanesPerCycle * Np;  // plane store incl. unused tail
  localparam int RunWidth  = $clog2(DataWidth + 2);
  localparam int GrpWidth  = (Groups > 1) ? $clog2(Groups) : 1;
  localparam int LenWidth  = $clog2(ChunkWidth + 1);

  logic                  busy_q, busy_d;
  logic [GrpWidth-1:0]   grp_q, grp_d;
  logic [BlockSize*W-1:0] blk_q, blk_d;
  logic [PlanesW-1:0]    blk_planes;
  logic [RunWidth-1:0]   run_q, run_d;
  logic                  last_q, last_d, empty_q, empty_d;
  logic                  chk_fire, final_grp, load;

  // ---------------------------------------------------------------------------------------
  // Deltas and their transposition into bit-planes (plane k at blk_planes[k*Np +: Np], delta
  // d[1] at the plane's MSB = position 0), from the stored block: evaluated once per block.
  // Combinational logic lives in functions with automatic locals and single assignments:
  // Icarus 11 can loop forever on always_comb blocks that assign a variable twice.
  // ---------------------------------------------------------------------------------------
  function automatic logic [PlanesW-1:0] transpose(input logic [BlockSize*W-1:0] blk);
    logic [PlanesW-1:0] res;
    logic [W:0]         delta;
    res = '0;
    for (int i = 1; i < BlockSize; i++) begin
      delta = {blk[i*W + W-1], blk[i*W +: W]} - {blk[(i-1)*W + W-1], blk[(i-1)*W +: W]};
      for (int k = 0; k <= W; k++) res[k*Np + (Np-i)] = delta[k];
    end
    return res;
  endfunction

  assign blk_planes = transpose(blk_q);

  // The current group's planes with the plane before them (a zero plane for group 0) below.
  localparam int WinW = (P + 1) * Np;
  logic [PlanesW+Np-1:0] planes_ext;
  logic [WinW-1:0]       window;

  assign planes_ext = {blk_planes, {Np{1'b0}}};
  assign window     = planes_ext[int'(grp_q) * P * Np +: WinW];

  // ---------------------------------------------------------------------------------------
  // Code one group of planes. Returns {open run length, length, bits}.
  // ---------------------------------------------------------------------------------------
  localparam int ResWidth = RunWidth + LenWidth + ChunkWidth;

  function automatic logic [ResWidth-1:0] code_group(
    input logic [P*Np-1:0]     planes,   // the group's planes, first at the LSBs
    input logic [Np-1:0]       prev_in,  // plane before the group (unused for group 0)
    input logic [RunWidth-1:0] run_in,   // all-zero DBX run open before the group
    input logic [GrpWidth-1:0] grp,
    input logic [W-1:0]        base
  );
    logic [ChunkWidth-1:0] acc;
    logic [LenWidth-1:0]   len;
    logic [RunWidth-1:0]   run;
    logic [Np-1:0]         prv, pl, dbx, two;
    logic [LogN-1:0]       pos;
    logic                  is_single, is_pair, emit_run;
    int                    k;
    acc = '0;
    len = '0;
    run = run_in;
    prv = prev_in;
    if (grp == '0) begin
      acc = ChunkWidth'(base);
      len = LenWidth'(W);
    end
    for (int i = 0; i < P; i++) begin
      k = int'(grp) * P + i;
      if (k <= W) begin
        pl  = planes[i*Np +: Np];
        dbx = (k == 0) ? pl : (pl ^ prv);
        prv = pl;
        if (dbx == '0) run = run + 1'b1;
        // A run ends at a non-zero DBX (its code precedes that symbol) or at the block's end.
        emit_run = (dbx != '0) ? (run != '0) : (k == W);
        if (emit_run) begin
          if (run == RunWidth'(1)) begin
            acc = (acc << 2) | ChunkWidth'(2'b01);
            len = len + LenWidth'(2);
          end else begin
            acc = (acc << (3 + LogW)) | ChunkWidth'({3'b001, LogW'(run - 2'd2)});
            len = len + LenWidth'(3 + LogW);
          end
        end
        if (dbx != '0) begin
          run = '0;
          // Classify the non-zero DBX (first matching rule wins). Positions count from the
          // plane's MSB (d[1]); the pair's left one is one above the single bit of `two`.
          two       = dbx & (dbx >> 1);
          is_single = ((dbx & (dbx - 1'b1)) == '0);
          is_pair   = (two != '0) && ((two & (two - 1'b1)) == '0) &&
                      (dbx == (two | (two << 1)));
          pos = '0;
          for (int j = 0; j < Np; j++) begin
            if (is_single && dbx[j]) pos = LogN'(Np - 1 - j);
            if (is_pair && two[j])   pos = LogN'(Np - 2 - j);
          end
          if (dbx == '1) begin
            acc = acc << 5;                                       // 00000
            len = len + LenWidth'(5);
          end else if (pl == '0) begin
            acc = (acc << 5) | ChunkWidth'(5'b00001);
            len = len + LenWidth'(5);
          end else if (is_pair) begin
            acc = (acc << (5 + LogN)) | ChunkWidth'({5'b00010, pos});
            len = len + LenWidth'(5 + LogN);
          end else if (is_single) begin
            acc = (acc << (5 + LogN)) | ChunkWidth'({5'b00011, pos});
            len = len + LenWidth'(5 + LogN);
          end else begin
            acc = (acc << BlockSize) | ChunkWidth'({1'b1, dbx});
            len = len + LenWidth'(BlockSize);
          end
        end
      end
    end
    return {run, len, acc};
  endfunction

  logic [ChunkWidth-1:0] acc;
  logic [LenWidth-1:0]   len;
  logic [RunWidth-1:0]   run;

  assign {run, len, acc} = code_group(window[WinW-1:Np], window[Np-1:0], run_q, grp_q,
                                      blk_q[W-1:0]);

  // ---------------------------------------------------------------------------------------
  // Handshakes and state.
  // ---------------------------------------------------------------------------------------
  assign chk_valid_o = busy_q;
  assign chk_bits_o  = empty_q ? '0 : acc;
  assign chk_len_o   = empty_q ? '0 : len;
  assign final_grp   = empty_q || (grp_q == GrpWidth'(Groups - 1));
  assign chk_last_o  = last_q && final_grp;
  assign chk_empty_o = empty_q;
  assign chk_fire    = chk_valid_o && chk_ready_i;
  assign blk_ready_o = !busy_q || (chk_fire && final_grp);
  assign load        = blk_valid_i && blk_ready_o;

  // Next state: a load (the next block) wins over finishing the current one.
  assign busy_d   = load || (busy_q && !(chk_fire && final_grp));
  assign grp_d    = load ? '0 : ((chk_fire && !final_grp) ? grp_q + 1'b1 : grp_q);
  assign blk_d    = load ? blk_data_i : blk_q;
  assign run_d    = load ? '0 : ((chk_fire && !final_grp) ? run : run_q);
  assign last_d   = load ? blk_last_i : last_q;
  assign empty_d  = load ? blk_empty_i : empty_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q   <= 1'b0;
      grp_q    <= '0;
      blk_q    <= '0;
      run_q    <= '0;
      last_q   <= 1'b0;
      empty_q  <= 1'b0;
    end else begin
      busy_q   <= busy_d;
      grp_q    <= grp_d;
      blk_q    <= blk_d;
      run_q    <= run_d;
      last_q   <= last_d;
      empty_q  <= empty_d;
    end
  end

endmodule
