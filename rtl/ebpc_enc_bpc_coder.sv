// SPDX-License-Identifier: Apache-2.0
// EBPC encoder: bit-plane coder for one block.
//
// Contract:
// - Block input (blk_valid_i/blk_ready_o): BlockSize words (word i in blk_data_i[i*W +: W],
//   padding slots already zero), blk_last_i = last block of the transmission, blk_empty_i = no
//   block at all (all-zero transmission token). The block is stored on load. The deltas are
//   computed bit-serially, P bit-planes per cycle: the stored words shift right (sign
//   extended) by P bits per chunk and one borrow per delta is kept between chunks, so the
//   coder holds N-1 P-bit subtractors instead of N-1 (W+1)-bit ones and no plane multiplexer.
//   A block loads when the coder is idle (idle_o, a register) or in the cycle its final
//   chunk is taken. A block loaded without blk_last_i holds its final chunk back until
//   blk_end_i (it is the last block: end_ack_o acknowledges) or blk_more_i (it is not).
// - Chunk output (chk_valid_o/chk_ready_i): one chunk per cycle, ceil((W+1)/PlanesPerCycle)
//   chunks per block. Chunk g holds the codes of planes g*P .. g*P+P-1 (group 0 starts with the
//   W-bit base), including the code of every all-zero-DBX run that ends inside the group (a run
//   ends at the next non-zero DBX or at plane W). chk_bits_o is right-aligned, MSB-first, clean
//   above chk_len_o; at most ChunkWidth bits. chk_last_o on the final chunk of the last block;
//   an empty token gives one chunk with chk_len_o = 0, chk_last_o = chk_empty_o = 1.
// - Latency: the first chunk of a block is offered the cycle after the block is loaded.
// - Throughput: one block per ceil((W+1)/PlanesPerCycle) cycles when chunks are taken at once.

`include "ebpc_assert.svh"

module ebpc_enc_bpc_coder #(
  parameter int DataWidth      = 8,
  parameter int BlockSize      = 8,
  parameter int PlanesPerCycle = 9,
  parameter int ChunkWidth     = 24  // >= max(W, 3+log2 W) + P * max(N, 5+ceil(log2 N), 3+log2 W)
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,
  input  logic                            blk_valid_i,
  output logic                            blk_ready_o,
  output logic                            idle_o,       // !busy: blk_ready_o from a register
  input  logic [BlockSize*DataWidth-1:0]  blk_data_i,
  input  logic                            blk_last_i,
  input  logic                            blk_empty_i,
  input  logic                            blk_more_i,
  input  logic                            blk_end_i,
  output logic                            end_ack_o,
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
  localparam int RunWidth  = $clog2(DataWidth + 2);
  localparam int GrpWidth  = (Groups > 1) ? $clog2(Groups) : 1;
  localparam int LenWidth  = $clog2(ChunkWidth + 1);

  logic                   busy_q, busy_d;
  logic [GrpWidth-1:0]    grp_q, grp_d;
  logic                   first_q, first_d, final_q, final_d;
  logic [BlockSize*W-1:0] blk_q, blk_d;      // the words, shifted right by P per chunk
  logic [P*Np-1:0]        planes_q, planes_d; // this chunk's delta bit-planes
  logic [Np-1:0]          borrow_q, borrow_d; // borrow out of this chunk's highest plane
  logic [Np-1:0]          prev_q, prev_d;     // the plane below this chunk (zero for chunk 0)
  logic [RunWidth-1:0]    run_q, run_d;
  logic                   last_q, last_d, empty_q, empty_d;
  logic                   chk_fire, final_grp, load;

  // ---------------------------------------------------------------------------------------
  // This chunk's P delta bit-planes (plane j at planes[j*Np +: Np], delta d[i] at bit Np-i,
  // so d[1] is the plane's MSB = position 0): d[i] = b[i] - b[i-1] with a borrow chain
  // through the P bits. Bit j of a shifted word is bit grp*P+j of the sign-extended word.
  // Combinational logic lives in functions with automatic locals and single assignments:
  // Icarus 11 can loop forever on always_comb blocks that assign a variable twice.
  // ---------------------------------------------------------------------------------------
  localparam int SubWidth = P * Np + Np;  // planes, then the borrows out

  function automatic logic [SubWidth-1:0] subtract(input logic [BlockSize*W-1:0] blk,
                                                   input logic [Np-1:0]          borrow_in);
    logic [P*Np-1:0] planes;
    logic [Np-1:0]   borrow;
    logic            x, y, b;
    int              bit_idx;
    planes = '0;
    borrow = borrow_in;
    for (int j = 0; j < P; j++) begin
      bit_idx = (j < W) ? j : W - 1;  // beyond the word: its sign
      for (int i = 1; i < BlockSize; i++) begin
        x = blk[i*W + bit_idx];
        y = blk[(i-1)*W + bit_idx];
        b = borrow[Np-i];
        planes[j*Np + (Np-i)] = x ^ y ^ b;
        borrow[Np-i]          = (!x && y) || (!(x ^ y) && b);
      end
    end
    return {borrow, planes};
  endfunction

  // The words shifted right by P bits, sign extended.
  function automatic logic [BlockSize*W-1:0] shift_words(input logic [BlockSize*W-1:0] blk);
    logic [BlockSize*W-1:0] res;
    for (int i = 0; i < BlockSize; i++) begin
      for (int b = 0; b < W; b++) begin
        res[i*W + b] = blk[i*W + ((b + P < W) ? b + P : W - 1)];
      end
    end
    return res;
  endfunction

  // The planes are computed one chunk ahead and registered (planes_q), which keeps the
  // subtractors off the path from the block register to the packer: at a load from the new
  // block, at an advance from the next P bits of the stored words.
  logic            advance;
  logic [P*Np-1:0] next_planes;
  logic [Np-1:0]   next_borrow;

  assign {next_borrow, next_planes} = load ? subtract(blk_data_i, '0)
                                           : subtract(shift_words(blk_q), borrow_q);

  // ---------------------------------------------------------------------------------------
  // Code one group of planes. Returns {open run length, length, bits}.
  // ---------------------------------------------------------------------------------------
  localparam int ResWidth   = RunWidth + LenWidth + ChunkWidth;
  localparam int LastPlanes = W + 1 - (Groups - 1) * P;  // planes of the last group

  function automatic logic [ResWidth-1:0] code_group(
    input logic [P*Np-1:0]     planes,   // the group's planes, first at the LSBs
    input logic [Np-1:0]       prev_in,  // plane before the group (unused for group 0)
    input logic [RunWidth-1:0] run_in,   // all-zero DBX run open before the group
    input logic                is_first, // group 0: starts with the base
    input logic                is_final, // the last group: planes up to W only
    input logic [W-1:0]        base
  );
    logic [ChunkWidth-1:0] acc;
    logic [LenWidth-1:0]   len;
    logic [RunWidth-1:0]   run;
    logic [Np-1:0]         prv, pl, dbx, two;
    logic [LogN-1:0]       pos;
    logic                  is_single, is_pair, emit_run;
    acc = '0;
    len = '0;
    run = run_in;
    prv = prev_in;
    if (is_first) begin
      acc = ChunkWidth'(base);
      len = LenWidth'(W);
    end
    for (int i = 0; i < P; i++) begin
      if (!is_final || i < LastPlanes) begin
        pl  = planes[i*Np +: Np];
        dbx = pl ^ prv;  // prev_in is zero in group 0: DBX[0] = DBP[0]
        prv = pl;
        if (dbx == '0) run = run + 1'b1;
        // A run ends at a non-zero DBX (its code precedes that symbol) or at the block's end.
        emit_run = (dbx != '0) ? (run != '0) : (is_final && i == LastPlanes - 1);
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

  assign {run, len, acc} = code_group(planes_q, prev_q, run_q, first_q, final_q, blk_q[W-1:0]);

  // ---------------------------------------------------------------------------------------
  // Handshakes and state.
  // ---------------------------------------------------------------------------------------
  // The final chunk of a block loaded without blk_last_i waits until the collector knows
  // whether the block is the transmission's last (blk_end_i) or not (blk_more_i).
  logic known;

  assign final_grp   = empty_q || final_q;
  assign known       = last_q || blk_end_i || blk_more_i;
  assign chk_valid_o = busy_q && (!final_grp || known);
  assign chk_bits_o  = empty_q ? '0 : acc;
  assign chk_len_o   = empty_q ? '0 : len;
  assign chk_last_o  = final_grp && (last_q || blk_end_i);
  assign chk_empty_o = empty_q;
  assign chk_fire    = chk_valid_o && chk_ready_i;
  assign end_ack_o   = chk_fire && final_grp && !last_q && blk_end_i;
  // A block loads when the coder is idle or in the cycle its final chunk is taken (no gap
  // in the chunk stream, which the packer's output would see as a bubble).
  assign blk_ready_o = !busy_q || (final_grp && known && chk_ready_i);
  assign idle_o      = !busy_q;
  assign load        = blk_valid_i && blk_ready_o;

  // Next state.
  assign busy_d   = load || (busy_q && !(chk_fire && final_grp));
  // Group flags as registers (first_q, final_q): decoding them from grp_q would sit at the
  // head of the coder's longest path.
  assign grp_d    = load ? '0 : (advance ? grp_q + 1'b1 : grp_q);
  assign first_d  = load ? 1'b1 : (advance ? 1'b0 : first_q);
  assign final_d  = load ? (Groups == 1) : (advance ? (grp_q == GrpWidth'(Groups - 2)) : final_q);
  assign blk_d    = load ? blk_data_i : (advance ? shift_words(blk_q) : blk_q);
  assign advance  = chk_fire && !final_grp;
  assign planes_d = (load || advance) ? next_planes : planes_q;
  assign borrow_d = (load || advance) ? next_borrow : borrow_q;
  assign prev_d   = load ? '0 : (advance ? planes_q[(P-1)*Np +: Np] : prev_q);
  assign run_d    = load ? '0 : (advance ? run : run_q);
  assign last_d   = load ? blk_last_i : last_q;
  assign empty_d  = load ? blk_empty_i : empty_q;

  // The block registers need no reset: they are only read while busy_q, after a load.
  always_ff @(posedge clk_i) begin
    blk_q    <= blk_d;
    planes_q <= planes_d;
    borrow_q <= borrow_d;
    prev_q   <= prev_d;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q   <= 1'b0;
      grp_q    <= '0;
      first_q  <= 1'b0;
      final_q  <= 1'b0;
      run_q    <= '0;
      last_q   <= 1'b0;
      empty_q  <= 1'b0;
    end else begin
      busy_q   <= busy_d;
      grp_q    <= grp_d;
      first_q  <= first_d;
      final_q  <= final_d;
      run_q    <= run_d;
      last_q   <= last_d;
      empty_q  <= empty_d;
    end
  end

`ifndef SYNTHESIS
  /* verilator coverage_off */  // unreachable in a passing run: the assertions' failure branches
  // Assertions (simulation and formal, not synthesized; docs/verification.md).
  // Chunk handshake: a waiting chunk holds valid and its payload until taken.
  `EBPC_ASSERT_HOLD(u_chk_hold, "ebpc_enc_bpc_coder.chk_hold", ChunkWidth + LenWidth + 2,
                    chk_valid_o, chk_ready_i, {chk_last_o, chk_empty_o, chk_len_o, chk_bits_o})

  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    // A chunk holds at most ChunkWidth bits, clean above its length; a token none.
    `EBPC_ASSERT_MSG("ebpc_enc_bpc_coder.chk_bits",
                     !chk_valid_o || (32'(chk_len_o) <= ChunkWidth && (chk_bits_o >> chk_len_o) == '0),
                     $sformatf("%0d bits, or bits above the length", chk_len_o))
    `EBPC_ASSERT("ebpc_enc_bpc_coder.empty_token", !(chk_valid_o && chk_empty_o) || (chk_len_o == '0 && chk_last_o))
    // Group counter and run length in range while a block is coded.
    `EBPC_ASSERT_MSG("ebpc_enc_bpc_coder.group_range",
                     !busy_q || (32'(grp_q) < Groups && 32'(run_q) <= DataWidth + 1),
                     $sformatf("group %0d, run %0d", grp_q, run_q))
    `EBPC_ASSERT_MSG("ebpc_enc_bpc_coder.group_flags",
                     !busy_q || (first_q == (grp_q == '0) && final_q == (32'(grp_q) == Groups - 1)),
                     $sformatf("first/final flags disagree with group %0d", grp_q))
    // Invariants of the stored block that an unbounded proof needs (k-induction does not
    // derive them from reset): an empty token is its transmission's last block; group 0 carries no run
    // and no plane in; an open run spans at most the planes coded so far.
    `EBPC_ASSERT("ebpc_enc_bpc_coder.empty_is_last", !empty_q || last_q)
    `EBPC_ASSERT("ebpc_enc_bpc_coder.first_group_clean", !(busy_q && first_q) || (run_q == '0 && prev_q == '0))
    `EBPC_ASSERT("ebpc_enc_bpc_coder.run_span", !busy_q || 32'(run_q) <= 32'(grp_q) * P)
    // The collector never says both "more words" and "last block".
    `EBPC_ASSERT("ebpc_enc_bpc_coder.more_and_end", !(blk_more_i && blk_end_i))
`ifndef FORMAL
    `EBPC_ASSERT_MSG("ebpc_enc_bpc_coder.ctrl_known",
                     (^{blk_valid_i, chk_ready_i, blk_ready_o, chk_valid_o, end_ack_o}) !== 1'bx,
                     "X/Z on a handshake")
    `EBPC_ASSERT_MSG("ebpc_enc_bpc_coder.blk_known",
                     !blk_valid_i || ((^{blk_last_i, blk_empty_i, blk_data_i}) !== 1'bx),
                     "X/Z on a block while blk_valid_i")
    `EBPC_ASSERT_MSG("ebpc_enc_bpc_coder.chk_known",
                     !chk_valid_o || ((^{chk_last_o, chk_empty_o, chk_len_o, chk_bits_o}) !== 1'bx),
                     "X/Z on a chunk while chk_valid_o")
`endif
  `EBPC_ASSERT_BLOCK_END
  /* verilator coverage_on */
`endif

endmodule
