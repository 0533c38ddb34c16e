// EBPC decoder: one BPC plane-symbol decoder (combinational), chained PlanesPerCycle
// times inside ebpc_dec_bpc.
//
// Contract:
// - seg_i holds the next SegBits stream bits, MSB first (bits past the available ones
//   read as 0); avail_i says how many of them are real. plane_i is the index k of the
//   plane this symbol starts at (0..W), prev_i is DBP[k-1] (0 for k = 0), bit N-2 of a
//   plane is position 0 (d[1]).
// - complete_o: the whole symbol is within the available bits (all other outputs are
//   only meaningful then). len_o: symbol length in bits. nplanes_o: planes it covers
//   (1, or r for a run of all-zero DBX). dbp_o: DBP value of every plane it covers.
// - err_pos_o: single-one position > N-2 or pair position > N-3;
//   err_run_o: the run covers more planes than are left in the block (W+1-k).
module ebpc_dec_plane #(
  parameter int DataWidth = 8,   // W
  parameter int BlockSize = 8,   // N
  parameter int SegBits   = 8,   // >= max symbol length
  parameter int LenWidth  = 8    // width of len_o / avail_i
) (
  input  logic [SegBits-1:0]   seg_i,
  input  logic [LenWidth-1:0]  avail_i,
  input  logic [7:0]           plane_i,
  input  logic [BlockSize-2:0] prev_i,
  output logic                 complete_o,
  output logic [LenWidth-1:0]  len_o,
  output logic [7:0]           nplanes_o,
  output logic [BlockSize-2:0] dbp_o,
  output logic                 err_pos_o,
  output logic                 err_run_o
);
  localparam int LogN = $clog2(BlockSize);
  localparam int LogW = $clog2(DataWidth);
  localparam int PosW = (LogN > 0) ? LogN : 1;

  logic [PosW-1:0]      pos;
  logic [LogW-1:0]      run_field;
  logic [7:0]           run_len, planes_left;
  logic [BlockSize-2:0] dbx_pos;
  logic                 is_pair, b0, b1, b2, b3, b4;
  logic [BlockSize-2:0] raw;

  assign pos       = seg_i[SegBits-6 -: PosW];
  assign run_field = seg_i[SegBits-4 -: LogW];
  assign run_len   = 8'(run_field) + 8'd2;
  assign planes_left = 8'(DataWidth + 1) - plane_i;
  assign is_pair   = (seg_i[SegBits-1 -: 5] == 5'b00010);

  // DBX of a single one / adjacent pair at position pos (position 0 = bit N-2).
  for (genvar i = 0; i < BlockSize - 1; i++) begin : g_dbx
    assign dbx_pos[BlockSize-2-i] = (32'(pos) == i) || (is_pair && (32'(pos) + 1 == i));
  end

  assign b0  = seg_i[SegBits-1];
  assign b1  = seg_i[SegBits-2];
  assign b2  = seg_i[SegBits-3];
  assign b3  = seg_i[SegBits-4];
  assign b4  = seg_i[SegBits-5];
  assign raw = seg_i[SegBits-2 -: BlockSize-1];

  always_comb begin
    len_o     = LenWidth'(BlockSize);
    nplanes_o = 8'd1;
    dbp_o     = prev_i;
    err_pos_o = 1'b0;
    err_run_o = 1'b0;
    if (b0) begin
      // `1` + DBX, uncompressed.
      len_o = LenWidth'(BlockSize);
      dbp_o = raw ^ prev_i;
    end else if (b1) begin
      // `01`: run of one all-zero DBX.
      len_o = LenWidth'(2);
    end else if (b2) begin
      // `001` + (r-2): run of r all-zero DBX.
      len_o     = LenWidth'(3 + LogW);
      nplanes_o = run_len;
      err_run_o = (run_len > planes_left);
    end else if (!b3) begin
      len_o = LenWidth'(5);
      if (!b4) begin
        dbp_o = ~prev_i;          // `00000`: DBX all ones
      end else begin
        dbp_o = '0;               // `00001`: DBP all zero
      end
    end else begin
      // `00010` pair / `00011` single + position.
      len_o = LenWidth'(5 + LogN);
      dbp_o = dbx_pos ^ prev_i;
      if (is_pair) err_pos_o = (32'(pos) + 3 > BlockSize);
      else         err_pos_o = (32'(pos) + 2 > BlockSize);
    end
  end

  assign complete_o = (len_o <= avail_i);
endmodule
