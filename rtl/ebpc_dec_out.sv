// SPDX-License-Identifier: Apache-2.0
// EBPC decoder: output stage (word rebuild, block buffer, output register, done/error).
//
// Contract:
// - Per transmission: pops L from the length queue, then produces exactly L words
//   (out_last_o on the last one) from the decision queue: DecNz takes the next value+1
//   words of the block buffer, DecRun emits value+1 zeros, DecFill (ZNZ error) turns every
//   remaining word into 0. A `bad` block (BPC error) makes every later non-zero word 0.
// - Block buffer: one decoded block (base + planes 0..W-1 of the deltas); words are
//   rebuilt one per cycle (b[0] = base, b[i] = b[i-1] + d[i] mod 2^W). It is freed after
//   N words, after a bad block is met, or at the end of the transmission that used it,
//   and can be refilled in the cycle it is freed (no bubble between blocks); when it is
//   empty, the base of the block at the queue head goes out in the cycle it is loaded.
// - Output register: out_valid_o/out_data_o/out_last_o are registered; one word per
//   cycle while out_ready_i is high (AXI-stream style, data held while not ready).
// - done_o pulses (with error_o = the transmission's flags from the record queue) in the
//   cycle the final word is handed over (or later, once the parsers have drained the
//   inputs). L = 0: no word, only the done pulse. The next transmission's words are
//   loaded right behind the final word; its own final word waits for the previous done.
module ebpc_dec_out #(
  parameter int DataWidth  = 8,
  parameter int BlockSize  = 8,
  parameter int CountWidth = 32,
  parameter int DecWidth   = 34   // 2 + CountWidth: kind + count - 1
) (
  input  logic                               clk_i,
  input  logic                               rst_ni,
  input  logic                               lq_empty_i,
  input  logic [CountWidth-1:0]              lq_head_i,
  output logic                               lq_pop_o,
  input  logic                               dq_empty_i,
  input  logic [DecWidth-1:0]                dq_head_i,
  output logic                               dq_pop_o,
  input  logic                               rq_empty_i,
  input  logic [7:0]                         rq_head_i,
  output logic                               rq_pop_o,
  input  logic                               blk_valid_i,
  output logic                               blk_ready_o,
  input  logic                               blk_bad_i,
  input  logic [DataWidth-1:0]               blk_base_i,
  input  logic [DataWidth*(BlockSize-1)-1:0] blk_planes_i,
  output logic                               out_valid_o,
  input  logic                               out_ready_i,
  output logic [DataWidth-1:0]               out_data_o,
  output logic                               out_last_o,
  output logic                               done_o,
  output logic [7:0]                         error_o
);
  localparam int W     = DataWidth;
  localparam int N     = BlockSize;
  localparam int ValW  = DecWidth - 2;
  localparam int PopsW = $clog2(N + 1);

  localparam logic [1:0] DecNz  = 2'd0;
  localparam logic [1:0] DecRun = 2'd1;

  // Transmission being loaded into the output register (rem_q words left) and the one
  // waiting for its done pulse (all words loaded; handed_q: its final word handed over).
  logic                  active_q, active_d, pend_q, pend_d, handed_q, handed_d;
  logic [CountWidth-1:0] rem_q, rem_d;
  logic [ValW-1:0]       zrun_q, zrun_d;
  logic [ValW-1:0]       nzrun_q, nzrun_d;
  logic                  nz_ok, take_nz, direct, take_direct, end_now;
  logic [W-1:0]          nz_word;
  logic                  fill_q, fill_d, zmode_q, zmode_d;
  logic                  out_valid_q, out_valid_d, out_last_q, out_last_d;
  logic [W-1:0]          out_data_q, out_data_d;

  logic                  ob_valid_q, ob_valid_d, ob_bad_q, ob_bad_d, ob_first_q, ob_first_d;
  logic [W-1:0]          ob_acc_q, ob_acc_d, ob_word, ob_d_head;
  logic [W*(N-1)-1:0]    ob_dl_q, ob_dl_d, blk_deltas;
  logic [PopsW-1:0]      ob_pops_q, ob_pops_d;
  logic                  ob_pop, ob_free, ob_free_now;

  logic                  load_en, produce, final_hs, done_now, is_final, final_ok;
  logic [W-1:0]          word;
  logic [1:0]            dq_kind;
  logic [ValW-1:0]       dq_val;

  assign dq_kind = dq_head_i[DecWidth-1 -: 2];
  assign dq_val  = dq_head_i[ValW-1:0];

  // Deltas d[1..N-1] (low W bits) from the bit-planes: entry e holds d[e+1], whose bit k
  // is position e of plane k (position 0 = plane bit N-2).
  for (genvar e = 0; e < N - 1; e++) begin : g_delta
    for (genvar k = 0; k < W; k++) begin : g_bit
      assign blk_deltas[e*W + k] = blk_planes_i[k*(N-1) + (N-2-e)];
    end
  end

  assign ob_d_head   = ob_dl_q[W-1:0];
  assign ob_word     = ob_first_q ? ob_acc_q : ob_acc_q + ob_d_head;
  assign ob_free_now = ob_free || (ob_pop && ob_pops_q == PopsW'(N - 1));
  assign blk_ready_o = !ob_valid_q || ob_free_now;

  assign out_valid_o = out_valid_q;
  assign out_data_o  = out_data_q;
  assign out_last_o  = out_last_q;

  // Done pulse of the pending transmission: its final word handed over (now or earlier)
  // and its record available.
  assign final_hs = out_valid_q && out_ready_i && out_last_q;
  assign done_now = pend_q && (handed_q || final_hs) && !rq_empty_i;
  assign done_o   = done_now;
  assign error_o  = done_now ? rq_head_i : '0;
  assign rq_pop_o = done_now;

  // A non-zero word can be produced: after a bad block (0) or from a valid block buffer.
  // With the block buffer empty, the base of the block at the queue head (its first word)
  // goes out directly in the cycle the block is loaded.
  assign direct  = !ob_valid_q && blk_valid_i;
  assign nz_ok   = zmode_q || ob_valid_q || blk_valid_i;
  assign nz_word = zmode_q    ? '0 :
                   ob_valid_q ? (ob_bad_q ? '0 : ob_word) :
                                (blk_bad_i ? '0 : blk_base_i);

  // The final word of a transmission is only loaded once the previous one is done.
  assign is_final = (rem_q == CountWidth'(1));
  assign final_ok = !pend_q || done_now;

  always_comb begin
    active_d    = active_q;
    pend_d      = pend_q;
    handed_d    = handed_q;
    rem_d       = rem_q;
    zrun_d      = zrun_q;
    nzrun_d     = nzrun_q;
    fill_d      = fill_q;
    zmode_d     = zmode_q;
    out_valid_d = out_valid_q;
    out_data_d  = out_data_q;
    out_last_d  = out_last_q;
    lq_pop_o    = 1'b0;
    dq_pop_o    = 1'b0;
    end_now     = 1'b0;
    ob_pop      = 1'b0;
    ob_free     = 1'b0;
    produce     = 1'b0;
    take_nz     = 1'b0;
    take_direct = 1'b0;
    word        = '0;
    load_en     = !out_valid_q || out_ready_i;

    if (out_valid_q && out_ready_i) out_valid_d = 1'b0;
    if (done_now) begin
      pend_d   = 1'b0;
      handed_d = 1'b0;
    end else if (pend_q && final_hs) begin
      handed_d = 1'b1;
    end

    if (active_q && load_en && (!is_final || final_ok)) begin
      if (fill_q) begin
        produce = 1'b1;
      end else if (zrun_q != '0) begin
        produce = 1'b1;
        zrun_d  = zrun_q - 1'b1;
      end else if (nzrun_q != '0) begin
        if (nz_ok) begin
          produce = 1'b1;
          take_nz = 1'b1;
          word    = nz_word;
          nzrun_d = nzrun_q - 1'b1;
        end
      end else if (!dq_empty_i) begin
        if (dq_kind == DecNz) begin
          if (nz_ok) begin
            dq_pop_o = 1'b1;
            produce  = 1'b1;
            take_nz  = 1'b1;
            word     = nz_word;
            nzrun_d  = dq_val;
          end
        end else if (dq_kind == DecRun) begin
          dq_pop_o = 1'b1;
          produce  = 1'b1;
          zrun_d   = dq_val;
        end else begin
          dq_pop_o = 1'b1;
          produce  = 1'b1;
          fill_d   = 1'b1;
        end
      end
      // Taking a non-zero word: 0 after a bad block, else the next block-buffer word.
      if (take_nz && !zmode_q) begin
        if (direct) begin
          take_direct = 1'b1;
          if (blk_bad_i) zmode_d = 1'b1;
        end else if (ob_bad_q) begin
          zmode_d = 1'b1;
          ob_free = 1'b1;
        end else begin
          ob_pop = 1'b1;
        end
      end
    end

    end_now = produce && is_final;
    if (produce) begin
      out_valid_d = 1'b1;
      out_data_d  = word;
      out_last_d  = is_final;
      rem_d       = rem_q - 1'b1;
      if (is_final) begin
        // End of this transmission: it now waits for its done pulse; reset the per-
        // transmission state and free the block buffer if this transmission used it.
        active_d = 1'b0;
        pend_d   = 1'b1;
        handed_d = 1'b0;
        fill_d   = 1'b0;
        zmode_d  = 1'b0;
        zrun_d   = '0;
        nzrun_d  = '0;
        // (A block nothing was taken from belongs to the next transmission: it may have
        // arrived early, e.g. while this one ended in zero runs or after a ZNZ error. A
        // bad block of this transmission is always met, and freed, by a non-zero word.)
        if (ob_valid_q && (ob_pops_q != '0 || ob_pop)) ob_free = 1'b1;
      end
    end

    // Take the next length: a non-zero one as soon as the previous transmission has
    // loaded its final word (no bubble), L = 0 once no transmission is pending.
    if (!lq_empty_i) begin
      if (lq_head_i != '0) begin
        if (!active_q || (produce && is_final)) begin
          lq_pop_o = 1'b1;
          active_d = 1'b1;
          rem_d    = lq_head_i;
        end
      end else if (!active_q && final_ok) begin
        lq_pop_o = 1'b1;
        pend_d   = 1'b1;
        handed_d = 1'b1;
      end
    end
  end

  // Block buffer.
  always_comb begin
    ob_valid_d = ob_valid_q;
    ob_bad_d   = ob_bad_q;
    ob_first_d = ob_first_q;
    ob_acc_d   = ob_acc_q;
    ob_dl_d    = ob_dl_q;
    ob_pops_d  = ob_pops_q;
    if (ob_pop) begin
      ob_acc_d   = ob_word;
      ob_first_d = 1'b0;
      ob_pops_d  = ob_pops_q + 1'b1;
      if (!ob_first_q) ob_dl_d = ob_dl_q >> W;
    end
    if (ob_free_now) ob_valid_d = 1'b0;
    if (blk_valid_i && blk_ready_o) begin
      ob_valid_d = 1'b1;
      ob_bad_d   = blk_bad_i;
      ob_first_d = 1'b1;
      ob_acc_d   = blk_base_i;
      ob_dl_d    = blk_deltas;
      ob_pops_d  = '0;
      if (take_direct) begin
        // Its base went out this cycle; a bad block, or one whose transmission ends with
        // this word, is not kept.
        ob_first_d = 1'b0;
        ob_pops_d  = PopsW'(1);
        if (blk_bad_i || end_now) ob_valid_d = 1'b0;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      active_q    <= 1'b0;
      pend_q      <= 1'b0;
      handed_q    <= 1'b0;
      rem_q       <= '0;
      zrun_q      <= '0;
      nzrun_q     <= '0;
      fill_q      <= 1'b0;
      zmode_q     <= 1'b0;
      out_valid_q <= 1'b0;
      out_data_q  <= '0;
      out_last_q  <= 1'b0;
      ob_valid_q  <= 1'b0;
      ob_bad_q    <= 1'b0;
      ob_first_q  <= 1'b0;
      ob_acc_q    <= '0;
      ob_dl_q     <= '0;
      ob_pops_q   <= '0;
    end else begin
      active_q    <= active_d;
      pend_q      <= pend_d;
      handed_q    <= handed_d;
      rem_q       <= rem_d;
      zrun_q      <= zrun_d;
      nzrun_q     <= nzrun_d;
      fill_q      <= fill_d;
      zmode_q     <= zmode_d;
      out_valid_q <= out_valid_d;
      out_data_q  <= out_data_d;
      out_last_q  <= out_last_d;
      ob_valid_q  <= ob_valid_d;
      ob_bad_q    <= ob_bad_d;
      ob_first_q  <= ob_first_d;
      ob_acc_q    <= ob_acc_d;
      ob_dl_q     <= ob_dl_d;
      ob_pops_q   <= ob_pops_d;
    end
  end
endmodule
