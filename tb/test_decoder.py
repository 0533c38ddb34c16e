# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of ebpc_decoder: model streams in, original values out; malformed streams.

Parameters come from the environment (see ebpc_tb.spec).  Run through
``python -m ebpc_tb.flow.run --top decoder``.
"""

from __future__ import annotations


from ebpc_tb.bench import malformed, scenarios, suites
from ebpc_tb.bench.env import DecoderBench
from ebpc_tb.bench.traffic import BackpressureConfig, GapConfig
from ebpc_tb.bench.testing import ebpc_test

TOP = "decoder"


COUNTS = scenarios.Counts(random=(300, 20), back_to_back=(150, 30), resets=(6, 3))
# The shared scenarios (ebpc_tb.bench.scenarios) as this module's tests: test_conformance,
# test_vectors, test_random, test_corners, test_coverage_closure, test_back_to_back and
# test_reset_mid_transmission.
globals().update(scenarios.shared_tests(TOP, DecoderBench, __name__, COUNTS))


@ebpc_test(TOP)
async def test_output_backpressure(dut, cfg):
    """Long stalls and random ready on the output."""
    out_bp = BackpressureConfig(ready_prob=0.6, stall_prob=0.02, max_stall=suites.long_stall(cfg))
    await scenarios.steady_traffic(DecoderBench(dut, cfg, "test_output_backpressure", out_bp=out_bp),
                                   cfg.count(40, minimum=10))


@ebpc_test(TOP)
async def test_input_gaps(dut, cfg):
    """Random and long gaps on the length, ZNZ and BPC inputs, independently."""
    long = suites.long_stall(cfg) // 2
    g = GapConfig(prob=0.4, max_gap=5, long_prob=0.01, long_max=long)
    tb = DecoderBench(dut, cfg, "test_input_gaps", len_gaps=GapConfig(prob=0.5, max_gap=20),
                      znz_gaps=g, bpc_gaps=GapConfig(prob=0.6, max_gap=3, long_prob=0.01, long_max=long))
    await scenarios.steady_traffic(tb, cfg.count(40, minimum=10))


@ebpc_test(TOP)
async def test_malformed(dut, cfg):
    """Each error class and flags together: every output word and the whole 8-bit error_o equal
    ebpc.decode_with_flags (the documented error behaviour); done_o, no hang, next clean one
    decodes."""
    tb = DecoderBench(dut, cfg, "test_malformed")
    await tb.start()
    rng = tb.rng
    cases = malformed.directed_cases(cfg.width, cfg.block, cfg.max_zero_run, rng)
    for rnd in range(2):
        if rnd == 1:
            tb.random_traffic()
        for case in cases:
            tb.send_malformed(case)
            clean = suites.randoms(cfg, rng, 1)[0]
            tb.send(clean.values, f"clean after {case.name}: {clean.name}")
            if rnd == 0:
                await tb.wait_all()     # one at a time first: a hang points at the case
    await tb.wait_all()
    # every ordered pair of malformed cases back to back (state left over by an error)
    for a in cases:
        for b in rng.sample(cases, min(2 if cfg.quick else 4, len(cases))):
            tb.send_malformed(a)
            tb.send_malformed(b)
    # L = 0 right behind every case, while that case's last output word may still wait on
    # the backpressured output (the length queue then holds an L = 0 behind a pending end).
    zero = next(c for c in cases if c.length == 0)
    # (input gaps: the streams' drains after an error also meet cycles with no word)
    tb.set_traffic(len_gaps=GapConfig(), znz_gaps=GapConfig(prob=0.5, max_gap=3),
                   bpc_gaps=GapConfig(prob=0.5, max_gap=3), out_bp=BackpressureConfig(ready_prob=0.25))
    for a in cases:
        tb.send_malformed(a)
        tb.send_malformed(zero)
    await tb.wait_all()
    tb.random_traffic()
    clean = suites.randoms(cfg, rng, 1)[0]
    tb.send(clean.values, "final clean " + clean.name)
    await tb.finish()
    seen = set(tb.sb.errors_seen)
    missing = set(malformed_names()) - seen
    assert not missing, f"error classes never flagged: {sorted(missing)}"


def malformed_names():
    from ebpc_tb.bench.scoreboard import ERROR_NAMES
    return ERROR_NAMES


@ebpc_test(TOP)
async def test_malformed_fuzz(dut, cfg):
    """Randomly corrupted streams (one or two corruptions each): every output word and the whole
    error_o equal ebpc.decode_with_flags."""
    tb = DecoderBench(dut, cfg, "test_malformed_fuzz")
    await tb.start()
    rng = tb.rng
    for i, t in enumerate(suites.randoms(cfg, rng, cfg.count(120, minimum=20))):
        if i % 10 == 0:
            tb.random_traffic()
        case = malformed.fuzz_case(t.values, cfg.width, cfg.block, cfg.max_zero_run, rng, i)
        tb.send_malformed(case)
        if rng.random() < 0.3:
            clean = suites.randoms(cfg, rng, 1)[0]
            tb.send(clean.values, "clean " + clean.name)
    await tb.finish()
