// EBPC stream decoder (top).
//
// Decodes one transmission at a time: its length L (len_*), its ZNZ stream (znz_*) and its
// BPC stream (bpc_*), each stream W-bit words MSB-first with `last` on its final word, as
// specified in docs/ebpc-format (shared/ebpc-format.md). Produces exactly L words on out_*
// (`last` on the final one) and pulses done_o with error_o.
//
// Parameters (checked at elaboration):
//   DataWidth W in {8, 16, 32}; BlockSize N in 2..2W; MaxZeroRun Z a power of two in
//   2..256; PlanesPerCycle 1..W+1 (plane symbols decoded per cycle; default 2 / 3 / 4 for
//   W = 8 / 16 / 32); CountWidth 8..32 (width of L).
//
// Handshakes: all ports are valid/ready (AXI-stream style): a word moves when valid and
// ready are both high at a rising edge; out_data_o/out_last_o are held while out_valid_o
// is high and out_ready_i is low. ready outputs do not depend combinationally on the
// valid inputs. The next L may be presented at any time (it is taken once the previous
// length has been taken and the ZNZ parser is idle); transmissions are decoded back to
// back without idle cycles in between.
//
// Architecture: ZNZ parser (1 symbol/cycle) -> decision queue (4N entries) -> output
// stage; BPC parser (base + PlanesPerCycle plane symbols/cycle, parses a block as soon as
// the ZNZ parser has seen its first non-zero word) -> one-block buffer in the output stage
// (double buffering: the next block is parsed while the current one is emitted) ->
// output register. Latency: about 6-10 cycles from the first input words to the first
// output word, depending on the block's code length.
// Throughput: one output word per cycle whenever the inputs keep up (the BPC parser needs
// at most 1 + ceil((W+1)/PlanesPerCycle) cycles per block); the BPC input accepts one
// word per cycle.
//
// Error flags (error_o, valid with done_o; 0 = clean transmission):
//   bit0 ZNZ_RUN_OVERFLOW  a zero run would pass L
//   bit1 ZNZ_TRUNCATED     ZNZ `last` word consumed before L words were accounted for
//   bit2 BPC_TRUNCATED     BPC `last` consumed before ceil(nnz/N) blocks were decoded
//   bit3 BPC_BAD_POSITION  single-one position > N-2 or pair position > N-3
//   bit4 BPC_RUN_TOO_LONG  all-zero DBX run longer than the planes left in its block
//   bit5 ZNZ_TRAILING      the ZNZ word holding the final symbol does not carry `last`
//   bit6 BPC_TRAILING      same for BPC (only checked when bits 0/1 are clear)
//   bit7 ZERO_LENGTH       L = 0
// Error behaviour:
// - The output always carries exactly L words (L >= 1) with `last` on the final one.
// - Words before the position of the first error carry the decoded values; from that
//   position on every word is 0: after a ZNZ error (bit0/1) all words from the failing
//   symbol on; after a BPC error (bit2/3/4) every non-zero word of the failing block and
//   of later blocks (zero-run words are 0 anyway). Trailing words (bit5/6) do not change
//   any output word.
// - After an error (and for trailing words) the input stream concerned is consumed and
//   discarded through its `last` word; after a ZNZ error the BPC stream is drained too,
//   unless no non-zero word was decoded. BPC words are only consumed for a transmission
//   in which at least one non-zero ZNZ symbol was decoded (an all-zero transmission has
//   an empty BPC stream and takes nothing from bpc_*).
// - L = 0: flags ZERO_LENGTH, emits no word, takes nothing from znz_*/bpc_*, pulses done_o.
// - done_o pulses when the final word has been handed over and both input streams of the
//   transmission have been consumed/drained. A malformed stream never hangs the decoder as
//   long as each input stream eventually delivers its `last` word. rst_ni (async, active
//   low) returns to idle at any time.
module ebpc_decoder #(
  parameter int DataWidth      = 8,
  parameter int BlockSize      = 8,
  parameter int MaxZeroRun     = 16,
  parameter int PlanesPerCycle = (DataWidth <= 8) ? 2 : (DataWidth <= 16) ? 3 : 4,
  parameter int CountWidth     = 32
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  len_valid_i,
  output logic                  len_ready_o,
  input  logic [CountWidth-1:0] len_data_i,
  input  logic                  znz_valid_i,
  output logic                  znz_ready_o,
  input  logic [DataWidth-1:0]  znz_data_i,
  input  logic                  znz_last_i,
  input  logic                  bpc_valid_i,
  output logic                  bpc_ready_o,
  input  logic [DataWidth-1:0]  bpc_data_i,
  input  logic                  bpc_last_i,
  output logic                  out_valid_o,
  input  logic                  out_ready_i,
  output logic [DataWidth-1:0]  out_data_o,
  output logic                  out_last_o,
  output logic                  done_o,
  output logic [7:0]            error_o
);
  localparam int W        = DataWidth;
  localparam int N        = BlockSize;
  localparam int LogZ     = $clog2(MaxZeroRun);
  localparam int DecWidth = 2 + LogZ;
  localparam int DqDepth  = (4 * N < 16) ? 16 : 1 << $clog2(4 * N);

  // Parameter checks (elaboration error in Verilator, time-0 fatal in Icarus 11, which
  // has no elaboration-time $error).
  if (!(W == 8 || W == 16 || W == 32) || N < 2 || N > 2 * W ||
      MaxZeroRun < 2 || MaxZeroRun > 256 || (MaxZeroRun & (MaxZeroRun - 1)) != 0 ||
      PlanesPerCycle < 1 || PlanesPerCycle > W + 1 || CountWidth < 8 || CountWidth > 32)
  begin : g_param_error
`ifdef __ICARUS__
    initial $fatal(1, {"ebpc_decoder: illegal parameters DataWidth=%0d (8/16/32) BlockSize=%0d ",
                       "(2..2W) MaxZeroRun=%0d (power of two 2..256) PlanesPerCycle=%0d (1..W+1) ",
                       "CountWidth=%0d (8..32)"},
                   W, N, MaxZeroRun, PlanesPerCycle, CountWidth);
`else
    $error({"ebpc_decoder: illegal parameters DataWidth=%0d (8/16/32) BlockSize=%0d ",
            "(2..2W) MaxZeroRun=%0d (power of two 2..256) PlanesPerCycle=%0d (1..W+1) ",
            "CountWidth=%0d (8..32)"},
           W, N, MaxZeroRun, PlanesPerCycle, CountWidth);
`endif
  end

  // Length queue (ZNZ parser -> output stage).
  logic                  lq_push, lq_pop, lq_empty, lq_full;
  logic [CountWidth-1:0] lq_wdata, lq_head;
  // Decision queue.
  logic                  dq_push, dq_pop, dq_empty, dq_full;
  logic [DecWidth-1:0]   dq_wdata, dq_head;
  // Record queue (error flags of finished transmissions).
  logic                  rq_pop, rq_empty, rq_full;
  logic [7:0]            rq_head, rq_wdata;
  // ZNZ <-> BPC.
  logic [CountWidth-1:0] nnz;
  logic                  zfin, zerr, ack;
  logic [7:0]            zflags, bflags;
  // Blocks.
  logic                  blk_valid, blk_ready, blk_bad;
  logic [W-1:0]          blk_base;
  logic [W*(N-1)-1:0]    blk_planes;

  ebpc_dec_znz #(
    .DataWidth (W),
    .MaxZeroRun(MaxZeroRun),
    .CountWidth(CountWidth),
    .DecWidth  (DecWidth)
  ) i_znz (
    .clk_i,
    .rst_ni,
    .len_valid_i,
    .len_ready_o,
    .len_data_i,
    .znz_valid_i,
    .znz_ready_o,
    .znz_data_i,
    .znz_last_i,
    .lq_push_o(lq_push),
    .lq_data_o(lq_wdata),
    .lq_full_i(lq_full),
    .dq_push_o(dq_push),
    .dq_data_o(dq_wdata),
    .dq_full_i(dq_full),
    .nnz_o    (nnz),
    .fin_o    (zfin),
    .err_o    (zerr),
    .flags_o  (zflags),
    .ack_i    (ack)
  );

  ebpc_dec_bpc #(
    .DataWidth     (W),
    .BlockSize     (N),
    .PlanesPerCycle(PlanesPerCycle),
    .CountWidth    (CountWidth)
  ) i_bpc (
    .clk_i,
    .rst_ni,
    .bpc_valid_i,
    .bpc_ready_o,
    .bpc_data_i,
    .bpc_last_i,
    .nnz_i       (nnz),
    .zfin_i      (zfin),
    .zerr_i      (zerr),
    .ack_o       (ack),
    .rec_full_i  (rq_full),
    .flags_o     (bflags),
    .blk_valid_o (blk_valid),
    .blk_ready_i (blk_ready),
    .blk_bad_o   (blk_bad),
    .blk_base_o  (blk_base),
    .blk_planes_o(blk_planes)
  );

  assign rq_wdata = zflags | bflags;

  ebpc_dec_fifo #(.Width(CountWidth), .Depth(2)) i_len_q (
    .clk_i, .rst_ni,
    .push_i(lq_push), .data_i(lq_wdata), .pop_i(lq_pop),
    .head_o(lq_head), .empty_o(lq_empty), .full_o(lq_full)
  );

  ebpc_dec_fifo #(.Width(DecWidth), .Depth(DqDepth)) i_dec_q (
    .clk_i, .rst_ni,
    .push_i(dq_push), .data_i(dq_wdata), .pop_i(dq_pop),
    .head_o(dq_head), .empty_o(dq_empty), .full_o(dq_full)
  );

  ebpc_dec_fifo #(.Width(8), .Depth(2)) i_rec_q (
    .clk_i, .rst_ni,
    .push_i(ack), .data_i(rq_wdata), .pop_i(rq_pop),
    .head_o(rq_head), .empty_o(rq_empty), .full_o(rq_full)
  );

  ebpc_dec_out #(
    .DataWidth (W),
    .BlockSize (N),
    .MaxZeroRun(MaxZeroRun),
    .CountWidth(CountWidth),
    .DecWidth  (DecWidth)
  ) i_out (
    .clk_i,
    .rst_ni,
    .lq_empty_i  (lq_empty),
    .lq_head_i   (lq_head),
    .lq_pop_o    (lq_pop),
    .dq_empty_i  (dq_empty),
    .dq_head_i   (dq_head),
    .dq_pop_o    (dq_pop),
    .rq_empty_i  (rq_empty),
    .rq_head_i   (rq_head),
    .rq_pop_o    (rq_pop),
    .blk_valid_i (blk_valid),
    .blk_ready_o (blk_ready),
    .blk_bad_i   (blk_bad),
    .blk_base_i  (blk_base),
    .blk_planes_i(blk_planes),
    .out_valid_o,
    .out_ready_i,
    .out_data_o,
    .out_last_o,
    .done_o,
    .error_o
  );
endmodule
