"""cocotb tests of ebpc_encoder against the golden model (``ebpc.encode``).

Parameters come from the environment (see ebpc_tb.config): EBPC_W/N/Z, EBPC_SEED,
EBPC_VECTORS, EBPC_FULL, EBPC_SCALE.  Run through ``python -m ebpc_tb.run --top encoder``.
"""

from __future__ import annotations


from cocotb.triggers import ClockCycles

from ebpc_tb import suites
from ebpc_tb.env import EncoderBench, random_backpressure, random_gaps
from ebpc_tb.stream import BackpressureConfig, GapConfig
from ebpc_tb.testing import ebpc_test

TOP = "encoder"


@ebpc_test(TOP)
async def test_conformance(dut, cfg):
    """Every conformance case for these parameters: exact words from cases.json."""
    cases = suites.conformance(cfg)
    tb = EncoderBench(dut, cfg, "test_conformance")
    await tb.start()
    if not cases:
        tb.log.warning("no conformance case for %s: sending the corner set instead", cfg.describe())
        for t in suites.corners(cfg)[:10]:
            tb.send(t.values, t.name)
    for t, znz, bpc in cases:
        tb.send(t.values, t.name, znz, bpc)
    await tb.wait_all()
    # the same cases again under random backpressure and gaps
    tb.set_traffic(gaps=GapConfig(prob=0.3, max_gap=4),
                   znz_bp=BackpressureConfig(ready_prob=0.5), bpc_bp=BackpressureConfig(ready_prob=0.4))
    for t, znz, bpc in cases:
        tb.send(t.values, t.name + " (backpressure)", znz, bpc)
    await tb.finish()


@ebpc_test(TOP)
async def test_vectors(dut, cfg):
    """Extra vectors (EBPC_VECTORS) matching these parameters, with random traffic."""
    cases = suites.vectors(cfg)
    tb = EncoderBench(dut, cfg, "test_vectors")
    await tb.start()
    assert cases, f"{cfg.vectors or 'the committed vectors'}: no case usable for {cfg.describe()}"
    for i, (t, znz, bpc) in enumerate(cases):
        if i % 4 == 0:
            tb.set_traffic(gaps=random_gaps(tb.rng), znz_bp=random_backpressure(tb.rng),
                           bpc_bp=random_backpressure(tb.rng))
        tb.send(t.values, t.name, znz, bpc)
    await tb.finish()


@ebpc_test(TOP)
async def test_random(dut, cfg):
    """Random transmissions (length, sparsity, value distributions) with changing traffic."""
    tb = EncoderBench(dut, cfg, "test_random")
    await tb.start()
    txs = suites.randoms(cfg, tb.rng, cfg.count(300, minimum=20))
    for i, t in enumerate(txs):
        if i % 10 == 0:
            tb.set_traffic(gaps=random_gaps(tb.rng), znz_bp=random_backpressure(tb.rng),
                           bpc_bp=random_backpressure(tb.rng))
            if i % 50 == 0:
                await tb.wait_all()
        tb.send(t.values, t.name)
    await tb.finish()


@ebpc_test(TOP)
async def test_corners(dut, cfg):
    """Directed corner cases, back to back, first with free flow then with heavy backpressure."""
    tb = EncoderBench(dut, cfg, "test_corners")
    await tb.start()
    corners = suites.corners(cfg)
    for t in corners:
        tb.send(t.values, t.name)
    await tb.wait_all()
    heavy = cfg.scale >= 1 or cfg.full
    tb.set_traffic(gaps=GapConfig(prob=0.5, max_gap=3),
                   znz_bp=random_backpressure(tb.rng, heavy=heavy),
                   bpc_bp=random_backpressure(tb.rng, heavy=heavy))
    for t in corners if heavy else corners[::4]:    # the sweep replays a quarter
        tb.send(t.values, t.name + " (backpressure)")
    await tb.finish()


@ebpc_test(TOP)
async def test_back_to_back(dut, cfg):
    """Many short transmissions queued at once: no idle cycle between them."""
    tb = EncoderBench(dut, cfg, "test_back_to_back")
    await tb.start()
    rng = tb.rng
    n = cfg.block
    for i in range(cfg.count(150, minimum=30)):
        length = rng.choice([1, 1, 2, 3, n - 1, n, n + 1, 2 * n, rng.randint(1, 4 * n)])
        kind = rng.random()
        if kind < 0.2:
            vals = [0] * length
        elif kind < 0.4:
            vals = [rng.randint(1, 5) for _ in range(length)]
        else:
            lo, hi = -(1 << (cfg.width - 1)), (1 << (cfg.width - 1)) - 1
            vals = [0 if rng.random() < 0.4 else rng.randint(lo, hi) for _ in range(length)]
        tb.send(vals, f"b2b#{i}[L={length}]")
    await tb.finish()


async def _backpressure(dut, cfg, name, znz_bp, bpc_bp):
    tb = EncoderBench(dut, cfg, name, znz_bp=znz_bp, bpc_bp=bpc_bp)
    await tb.start()
    for t in suites.randoms(cfg, tb.rng, cfg.count(40, minimum=10)):
        tb.send(t.values, t.name)
    await tb.finish()


def _long_stalls(cfg):
    return BackpressureConfig(ready_prob=0.7, stall_prob=0.02, max_stall=suites.long_stall(cfg))


@ebpc_test(TOP)
async def test_backpressure_znz(dut, cfg):
    """Long stalls on the ZNZ output only."""
    await _backpressure(dut, cfg, "test_backpressure_znz", _long_stalls(cfg), None)


@ebpc_test(TOP)
async def test_backpressure_bpc(dut, cfg):
    """Long stalls on the BPC output only."""
    await _backpressure(dut, cfg, "test_backpressure_bpc", None, _long_stalls(cfg))


@ebpc_test(TOP)
async def test_backpressure_both(dut, cfg):
    """Independent long stalls and random ready on both outputs."""
    await _backpressure(dut, cfg, "test_backpressure_both", _long_stalls(cfg),
                        BackpressureConfig(ready_prob=0.3, stall_prob=0.01, max_stall=suites.long_stall(cfg)))


@ebpc_test(TOP)
async def test_input_gaps(dut, cfg):
    """Random and long idle gaps on the input stream."""
    tb = EncoderBench(dut, cfg, "test_input_gaps",
                      gaps=GapConfig(prob=0.4, max_gap=5, long_prob=0.01, long_max=suites.long_stall(cfg) // 2))
    await tb.start()
    for t in suites.randoms(cfg, tb.rng, cfg.count(40, minimum=10)):
        tb.send(t.values, t.name)
    await tb.finish()


@ebpc_test(TOP)
async def test_reset_mid_transmission(dut, cfg):
    """Reset at a random point of a transmission, then a clean transmission must be exact."""
    tb = EncoderBench(dut, cfg, "test_reset_mid_transmission")
    await tb.start()
    rng = tb.rng
    for rep in range(cfg.count(6, minimum=3)):
        tb.set_traffic(gaps=random_gaps(rng), znz_bp=random_backpressure(rng), bpc_bp=random_backpressure(rng))
        for t in suites.randoms(cfg, rng, 2):
            tb.send(t.values + [rng.randint(1, 9)] * (3 * cfg.block), "victim " + t.name)
        await ClockCycles(dut.clk_i, rng.randint(1, 120))
        await tb.reset_now(cycles=rng.randint(1, 4))
        for t in suites.randoms(cfg, rng, 3):
            tb.send(t.values, f"after reset {rep}: " + t.name)
        await tb.wait_all()
    await tb.finish()
