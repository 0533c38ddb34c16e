"""cocotb tests of ebpc_decoder: model streams in, original values out; malformed streams.

Parameters come from the environment (see ebpc_tb.config).  Run through
``python -m ebpc_tb.run --top decoder``.
"""

from __future__ import annotations


from cocotb.triggers import ClockCycles

from ebpc_tb import malformed, suites
from ebpc_tb.env import DecoderBench, random_backpressure, random_gaps
from ebpc_tb.stream import BackpressureConfig, GapConfig
from ebpc_tb.testing import ebpc_test

TOP = "decoder"


def _random_traffic(tb):
    rng = tb.rng
    tb.set_traffic(len_gaps=random_gaps(rng), znz_gaps=random_gaps(rng), bpc_gaps=random_gaps(rng),
                   out_bp=random_backpressure(rng))


@ebpc_test(TOP)
async def test_conformance(dut, cfg):
    """Every conformance case's streams decode to its values (free flow, then random traffic)."""
    cases = suites.conformance(cfg)
    tb = DecoderBench(dut, cfg, "test_conformance")
    await tb.start()
    if not cases:
        tb.log.warning("no conformance case for %s: sending the corner set instead", cfg.describe())
        for t in suites.corners(cfg)[:10]:
            tb.send(t.values, t.name)
    for t, znz, bpc in cases:
        tb.send(t.values, t.name, znz, bpc)
    await tb.wait_all()
    tb.set_traffic(len_gaps=GapConfig(prob=0.5, max_gap=8), znz_gaps=GapConfig(prob=0.3, max_gap=4),
                   bpc_gaps=GapConfig(prob=0.3, max_gap=4), out_bp=BackpressureConfig(ready_prob=0.5))
    for t, znz, bpc in cases:
        tb.send(t.values, t.name + " (traffic)", znz, bpc)
    await tb.finish()


@ebpc_test(TOP)
async def test_vectors(dut, cfg):
    """Extra vectors (EBPC_VECTORS) matching these parameters, with random traffic."""
    cases = suites.vectors(cfg)
    tb = DecoderBench(dut, cfg, "test_vectors")
    await tb.start()
    assert cases, f"{cfg.vectors or 'the committed vectors'}: no case usable for {cfg.describe()}"
    for i, (t, znz, bpc) in enumerate(cases):
        if i % 4 == 0:
            _random_traffic(tb)
        tb.send(t.values, t.name, znz, bpc)
    await tb.finish()


@ebpc_test(TOP)
async def test_random(dut, cfg):
    """Random transmissions from the model with random gaps on every input and backpressure."""
    tb = DecoderBench(dut, cfg, "test_random")
    await tb.start()
    for i, t in enumerate(suites.randoms(cfg, tb.rng, cfg.count(300, minimum=20))):
        if i % 10 == 0:
            _random_traffic(tb)
            if i % 50 == 0:
                await tb.wait_all()
        tb.send(t.values, t.name)
    await tb.finish()


@ebpc_test(TOP)
async def test_corners(dut, cfg):
    """Directed corner cases, free flow then heavy traffic."""
    tb = DecoderBench(dut, cfg, "test_corners")
    await tb.start()
    corners = suites.corners(cfg)
    for t in corners:
        tb.send(t.values, t.name)
    await tb.wait_all()
    heavy = cfg.scale >= 1 or cfg.full
    tb.set_traffic(len_gaps=GapConfig(prob=0.5, max_gap=3), znz_gaps=GapConfig(prob=0.5, max_gap=3),
                   bpc_gaps=GapConfig(prob=0.5, max_gap=3), out_bp=random_backpressure(tb.rng, heavy=heavy))
    for t in corners if heavy else corners[::4]:    # the sweep replays a quarter
        tb.send(t.values, t.name + " (traffic)")
    await tb.finish()


@ebpc_test(TOP)
async def test_back_to_back(dut, cfg):
    """Many short transmissions queued at once on all three inputs."""
    tb = DecoderBench(dut, cfg, "test_back_to_back")
    await tb.start()
    rng = tb.rng
    n = cfg.block
    lo, hi = -(1 << (cfg.width - 1)), (1 << (cfg.width - 1)) - 1
    for i in range(cfg.count(150, minimum=30)):
        length = rng.choice([1, 1, 2, 3, n - 1, n, n + 1, 2 * n, rng.randint(1, 4 * n)])
        r = rng.random()
        if r < 0.2:
            vals = [0] * length
        else:
            vals = [0 if rng.random() < 0.4 else rng.randint(lo, hi) for _ in range(length)]
        tb.send(vals, f"b2b#{i}[L={length}]")
    await tb.finish()


@ebpc_test(TOP)
async def test_output_backpressure(dut, cfg):
    """Long stalls and random ready on the output."""
    tb = DecoderBench(dut, cfg, "test_output_backpressure",
                      out_bp=BackpressureConfig(ready_prob=0.6, stall_prob=0.02,
                                                max_stall=suites.long_stall(cfg)))
    await tb.start()
    for t in suites.randoms(cfg, tb.rng, cfg.count(40, minimum=10)):
        tb.send(t.values, t.name)
    await tb.finish()


@ebpc_test(TOP)
async def test_input_gaps(dut, cfg):
    """Random and long gaps on the length, ZNZ and BPC inputs, independently."""
    long = suites.long_stall(cfg) // 2
    g = GapConfig(prob=0.4, max_gap=5, long_prob=0.01, long_max=long)
    tb = DecoderBench(dut, cfg, "test_input_gaps", len_gaps=GapConfig(prob=0.5, max_gap=20),
                      znz_gaps=g, bpc_gaps=GapConfig(prob=0.6, max_gap=3, long_prob=0.01, long_max=long))
    await tb.start()
    for t in suites.randoms(cfg, tb.rng, cfg.count(40, minimum=10)):
        tb.send(t.values, t.name)
    await tb.finish()


@ebpc_test(TOP)
async def test_reset_mid_transmission(dut, cfg):
    """Reset at a random point, then clean transmissions decode exactly."""
    tb = DecoderBench(dut, cfg, "test_reset_mid_transmission")
    await tb.start()
    rng = tb.rng
    for rep in range(cfg.count(6, minimum=3)):
        _random_traffic(tb)
        for t in suites.randoms(cfg, rng, 2):
            tb.send(t.values + [rng.randint(1, 9)] * (3 * cfg.block), "victim " + t.name)
        await ClockCycles(dut.clk_i, rng.randint(1, 120))
        await tb.reset_now(cycles=rng.randint(1, 4))
        for t in suites.randoms(cfg, rng, 3):
            tb.send(t.values, f"after reset {rep}: " + t.name)
        await tb.wait_all()
    await tb.finish()


@ebpc_test(TOP)
async def test_malformed(dut, cfg):
    """Each error class: flag set, exactly L words, done_o, no hang, next clean one decodes."""
    tb = DecoderBench(dut, cfg, "test_malformed")
    await tb.start()
    rng = tb.rng
    cases = malformed.directed_cases(cfg.width, cfg.block, cfg.max_zero_run, rng)
    for rnd in range(2):
        if rnd == 1:
            _random_traffic(tb)
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
    clean = suites.randoms(cfg, rng, 1)[0]
    tb.send(clean.values, "final clean " + clean.name)
    await tb.finish()
    seen = set(tb.sb.errors_seen)
    missing = set(malformed_names()) - seen
    assert not missing, f"error classes never flagged: {sorted(missing)}"


def malformed_names():
    from ebpc_tb.scoreboard import ERROR_NAMES
    return ERROR_NAMES


@ebpc_test(TOP)
async def test_malformed_fuzz(dut, cfg):
    """Randomly corrupted streams: the DUT agrees with ebpc.decode (values or error stream)."""
    tb = DecoderBench(dut, cfg, "test_malformed_fuzz")
    await tb.start()
    rng = tb.rng
    for i, t in enumerate(suites.randoms(cfg, rng, cfg.count(120, minimum=20))):
        if i % 10 == 0:
            _random_traffic(tb)
        case = malformed.fuzz_case(t.values, cfg.width, cfg.block, cfg.max_zero_run, rng, i)
        tb.send_malformed(case)
        if rng.random() < 0.3:
            clean = suites.randoms(cfg, rng, 1)[0]
            tb.send(clean.values, "clean " + clean.name)
    await tb.finish()
