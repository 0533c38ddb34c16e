// SPDX-License-Identifier: Apache-2.0
// EBPC: simulation and formal checker of one valid/ready handshake (never synthesized: every
// instance sits in an `ifndef SYNTHESIS` block of the module whose port or internal
// handshake it watches, and under SYNTHESIS the module is empty).
//
// Contract:
// - Checks the rule every EBPC stream follows: a payload offered with valid_i high and not
//   taken (ready_i low) at a clock edge is offered again at the next edge, with the same
//   payload_i (data, last, or a whole block), until it is taken.
// - Nothing is checked in reset or at the first edge after it. A violation stops the run
//   with "EBPC_ASSERT <Name> at <time> in <instance>" (docs/verification.md); under
//   formal (SymbiYosys, -D FORMAL) it is a proof obligation like every other assertion.
// - Cost: 2 + Width flops of simulation state; no logic in the checked design.

`include "ebpc_assert.svh"

/* verilator coverage_off */  // unreachable in a passing run: checker logic (ports: in the parent)
module ebpc_hold_check #(
  parameter int Width = 1,                 // payload bits, >= 1
  // "<module>.<check>", as in the failure message (untyped: Icarus 11 has no string parameter)
  parameter     Name  = "ebpc_hold_check"
) (
  input logic             clk_i,
  input logic             rst_ni,
  input logic             valid_i,
  input logic             ready_i,
  input logic [Width-1:0] payload_i
);

`ifndef SYNTHESIS
  // Illegal parameters stop elaboration (rtl/ebpc_assert.svh).
  `EBPC_PARAM_CHECK(gen_param_error, Width >= 1,
                    $sformatf("ebpc_hold_check (%0s): Width=%0d is illegal: must be >= 1", Name, Width),
                    ebpc_hold_check_ERROR_Width_ge_1)

  logic             live_q;     // the previous clock edge was out of reset
  logic             stall_q;    // a payload waited at the previous edge
  logic [Width-1:0] payload_q;  // the payload offered at the previous edge

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      live_q    <= 1'b0;
      stall_q   <= 1'b0;
      payload_q <= '0;
    end else begin
      live_q    <= 1'b1;
      stall_q   <= valid_i && !ready_i;
      payload_q <= payload_i;
    end
  end

  `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
    `EBPC_ASSERT_MSG(Name, !(live_q && stall_q) || (valid_i && payload_i == payload_q),
                     "valid dropped or the payload changed before ready")
  `EBPC_ASSERT_BLOCK_END
`endif

endmodule
/* verilator coverage_on */
