// SPDX-License-Identifier: Apache-2.0
// EBPC: assertion and parameter-check macros. Every assertion and every parameter check of
// rtl/*.sv is written with them (`include "ebpc_assert.svh"; include directory rtl/).
//
// Contract:
// - Clocked checks: immediate assertions in one checker process per module, sampled at every
//   rising clk edge out of reset; nothing is checked while the reset is low or X:
//
//     `EBPC_ASSERT_BLOCK_BEGIN(clk_i, rst_ni)
//       `EBPC_ASSERT("ebpc_fifo.push_full", !(push_i && full_o))
//       `EBPC_ASSERT_MSG("ebpc_fifo.fill_range", 32'(fill_q) <= Depth,
//                        $sformatf("fill %0d > %0d", fill_q, Depth))
//     `EBPC_ASSERT_BLOCK_END
//
//   EBPC_ASSERT_BLOCK_BEGIN(clk, rst_n) / EBPC_ASSERT_BLOCK_END open and close the process
//   (always @(posedge clk or negedge rst_n)); between them:
//     EBPC_ASSERT(name, prop)           assert (prop), failure message without detail;
//     EBPC_ASSERT_MSG(name, prop, msg)  the same with a detail: msg is a string, a string
//                                       parameter or one $sformatf(...) expression (SV 2012
//                                       has no variadic macros; the commas inside the call's
//                                       parentheses stay in the one argument). It is only
//                                       evaluated when the assertion fails.
//   name is "<module>.<check>" (a string literal or parameter). A failure stops the
//   simulation: $fatal(1, "EBPC_ASSERT <name> at <time> in <instance>[: <msg>]"), the format
//   the benches and tb/tests/test_assertions.py match. Any statement may sit between the
//   macros too (the X/Z checks go in an `ifndef FORMAL there).
// - Where: in the `ifndef SYNTHESIS block of the module, between a `/* verilator coverage_off */`
//   and a `coverage_on` (the failure branches are unreachable in a passing run). Under SYNTHESIS
//   the assertion macros are also empty. Icarus 11 has no concurrent assertions: these are
//   procedural immediate assertions in every tool. Under formal (SymbiYosys, yosys-slang,
//   -D FORMAL) each one is a proof obligation; the message is not used there.
// - Parameter checks: EBPC_PARAM_CHECK(gen_name, legal, msg, rule_module), at module level
//   (a generate construct): when the constant expression legal is false, elaboration stops.
//   msg names the module, the parameter, its value and the rule (a string or one constant
//   $sformatf(...) expression), e.g. "ebpc_encoder: DataWidth=12 is illegal: must be 8, 16
//   or 32"; it is the $fatal message of slang, yosys-slang and Verilator. rule_module is a
//   module that does not exist, named after the rule (<module>_ERROR_<rule>): its instance
//   u_param_error in the generate block gen_name stops Icarus 11, which has no
//   elaboration-time $fatal, and Verilator, whose $fatal is a USERFATAL warning that
//   -Wno-fatal would let pass.
// - TKEEP checks: EBPC_ASSERT_KEEP(name, port) between the block macros of an AXI4-Stream top
//   (one line per data stream; the rule is ebpc_pkg::keep_legal).
// - Handshake checks: EBPC_ASSERT_HOLD(inst, name, width, valid, ready, payload), in the
//   `ifndef SYNTHESIS block of a module with clk_i and rst_ni: an ebpc_hold_check instance inst
//   that fails "EBPC_ASSERT <name>" when a payload (width bits; a concatenation is one
//   argument) offered with valid and not taken (ready low) is not offered again unchanged at
//   the next edge.
// - Mutation testing (tb/ebpc_tb/flow/mutate.py) leaves alone the lines that start with a macro
//   call or `$` or name a rule module: a parameter check over several lines keeps legal on
//   the macro's line, msg on a line of its own and rule_module on the last, so that no line
//   of it is mutated (the assertions sit in `ifndef SYNTHESIS blocks, which it skips).

`ifndef EBPC_ASSERT_SVH
`define EBPC_ASSERT_SVH

// -----------------------------------------------------------------------------------------
// Clocked immediate assertions.
// -----------------------------------------------------------------------------------------
`ifndef SYNTHESIS

`define EBPC_ASSERT_BLOCK_BEGIN(__clk, __rst_n) \
  always @(posedge __clk or negedge __rst_n) begin \
    if (!(__rst_n)) begin \
    end else if (__rst_n) begin

`define EBPC_ASSERT_BLOCK_END \
    end \
  end

`define EBPC_ASSERT(__name, __prop) \
  assert (__prop) \
    else $fatal(1, "EBPC_ASSERT %0s at %0t in %m", __name, $time);

`define EBPC_ASSERT_MSG(__name, __prop, __msg) \
  assert (__prop) \
    else $fatal(1, "EBPC_ASSERT %0s at %0t in %m: %0s", __name, $time, __msg);

`else  // SYNTHESIS

`define EBPC_ASSERT_BLOCK_BEGIN(__clk, __rst_n)
`define EBPC_ASSERT_BLOCK_END
`define EBPC_ASSERT(__name, __prop)
`define EBPC_ASSERT_MSG(__name, __prop, __msg)

`endif  // SYNTHESIS

// The TKEEP rule of an AXI4-Stream port (ebpc_pkg::keep_legal), between the block macros of
// a module with the parameter Lanes and the localparam WordBytes: EBPC_ASSERT_KEEP(name,
// prefix) checks <prefix>_tkeep with <prefix>_tvalid and <prefix>_tlast.
`define EBPC_ASSERT_KEEP(__name, __port) \
  `EBPC_ASSERT_MSG(__name, !__port``_tvalid || keep_legal(32'(__port``_tkeep), __port``_tlast, Lanes, WordBytes), \
                   $sformatf("tkeep %b with tlast %b", __port``_tkeep, __port``_tlast))

// No X/Z on a beat's kept words and its last (a word stream at Lanes = 1): true when known.
// (At Lanes = 1 no function is called: Icarus evaluates these checks every cycle.)
`define EBPC_BEAT_KNOWN(__data, __last, __width, __lanes) \
  (((__lanes) == 1) ? ((^{__last, __data}) !== 1'bx) \
                    : ((^{__last, beat_words(256'(__data), 8'(__last), __width, __lanes)}) !== 1'bx))

// -----------------------------------------------------------------------------------------
// Handshake checks (instances of ebpc_hold_check; the callers keep them out of synthesis).
// -----------------------------------------------------------------------------------------
`define EBPC_ASSERT_HOLD(__inst, __name, __width, __valid, __ready, __payload) \
  ebpc_hold_check #( \
    .Width(__width), \
    .Name (__name) \
  ) __inst ( \
    .clk_i, \
    .rst_ni, \
    .valid_i  (__valid), \
    .ready_i  (__ready), \
    .payload_i(__payload) \
  );

// -----------------------------------------------------------------------------------------
// Parameter checks (elaboration errors).
// -----------------------------------------------------------------------------------------
`ifdef __ICARUS__
  `define EBPC_PARAM_FATAL_(__msg)
  `define EBPC_PARAM_MISSING_(__rule_module) __rule_module u_param_error ();
`elsif VERILATOR
  `define EBPC_PARAM_FATAL_(__msg) $fatal(1, "%0s", __msg);
  `define EBPC_PARAM_MISSING_(__rule_module) __rule_module u_param_error ();
`else
  `define EBPC_PARAM_FATAL_(__msg) $fatal(1, "%0s", __msg);
  `define EBPC_PARAM_MISSING_(__rule_module)
`endif

`define EBPC_PARAM_CHECK(__gen, __legal, __msg, __rule_module) \
  if (!(__legal)) begin : __gen \
    `EBPC_PARAM_FATAL_(__msg) \
    `EBPC_PARAM_MISSING_(__rule_module) \
  end

// The four parameters every codec core shares (ebpc_pkg's predicates), checked alike in
// ebpc_encoder and ebpc_decoder: EBPC_CODEC_PARAM_CHECKS(module, W, N, Z, PlanesPerCycle).
`define EBPC_CODEC_PARAM_CHECKS(__module, __w, __n, __z, __ppc) \
  `EBPC_PARAM_CHECK(gen_bad_data_width, data_width_ok(__w), \
                    $sformatf("%0s: DataWidth=%0d is illegal: must be 8, 16 or 32", `"__module`", __w), \
                    __module``_ERROR_DataWidth_must_be_8_16_or_32) \
  `EBPC_PARAM_CHECK(gen_bad_block_size, block_size_ok(__n, __w), \
                    $sformatf("%0s: BlockSize=%0d is illegal: must be 2 .. 2*DataWidth (%0d)", \
                              `"__module`", __n, 2 * (__w)), \
                    __module``_ERROR_BlockSize_must_be_2_to_2xDataWidth) \
  `EBPC_PARAM_CHECK(gen_bad_max_zero_run, max_zero_run_ok(__z), \
                    $sformatf("%0s: MaxZeroRun=%0d is illegal: must be a power of two in 2 .. 256", \
                              `"__module`", __z), \
                    __module``_ERROR_MaxZeroRun_must_be_power_of_two_2_to_256) \
  `EBPC_PARAM_CHECK(gen_bad_planes_per_cycle, planes_per_cycle_ok(__ppc, __w), \
                    $sformatf("%0s: PlanesPerCycle=%0d is illegal: must be 1 .. DataWidth+1 (%0d)", \
                              `"__module`", __ppc, (__w) + 1), \
                    __module``_ERROR_PlanesPerCycle_must_be_1_to_DataWidth_plus_1)

`endif  // EBPC_ASSERT_SVH
