# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of ebpc_loopback (encoder -> internal link -> decoder): output == input.

Random backpressure everywhere: input gaps, length-stream gaps, output backpressure and
random stalls of the internal ZNZ/BPC links (znz_stall_i/bpc_stall_i).  Parameters from
the environment (see ebpc_tb.spec).  Run through ``python -m ebpc_tb.flow.run --top loopback``.
"""

from __future__ import annotations


from cocotb.triggers import ClockCycles

from ebpc_tb.bench import scenarios, suites
from ebpc_tb.bench.env import LoopbackBench
from ebpc_tb.bench.signals import bit_reader
from ebpc_tb.bench.testing import ebpc_test
from ebpc_tb.bench.traffic import BackpressureConfig

TOP = "loopback"


COUNTS = scenarios.Counts(random=(200, 20), back_to_back=(100, 30), resets=(5, 3), reset_delay=150)
# The shared scenarios (ebpc_tb.bench.scenarios) as this module's tests: test_conformance,
# test_vectors, test_random, test_corners, test_coverage_closure, test_back_to_back and
# test_reset_mid_transmission.
globals().update(scenarios.shared_tests(TOP, LoopbackBench, __name__, COUNTS))


@ebpc_test(TOP)
async def test_link_stalls(dut, cfg):
    """Long stalls on one internal link at a time, then on both."""
    tb = LoopbackBench(dut, cfg, "test_link_stalls")
    await tb.start()
    long = BackpressureConfig(ready_prob=0.8, stall_prob=0.02, max_stall=suites.long_stall(cfg))
    for znz, bpc in ((long, None), (None, long), (long, long)):
        tb.set_stalls(znz, bpc)
        for t in suites.randoms(cfg, tb.rng, cfg.count(20, minimum=5)):
            tb.send(t.values, t.name)
        await tb.wait_all()
    await tb.finish()


def _high_counter(sig, counts: dict, phase: list):
    """An engine sampler counting the cycles ``sig`` is 1, per phase name (``phase[0]``)."""
    read = bit_reader(sig)

    def sample(in_reset: bool) -> None:
        if not in_reset and read() == "1":
            counts[phase[0]] = counts.get(phase[0], 0) + 1

    return sample


@ebpc_test(TOP)
async def test_bpc_link_full(dut, cfg):
    """The BPC link FIFO between encoder and decoder fills up (bf_full), on every seed.

    Dense data (every word non-zero, random: the most BPC words per ZNZ symbol) while the
    decoder is held back, in three ways: its output stalled long; the ZNZ link stalled long
    while the BPC link flows; the BPC link stalled, then released into a stalled decoder.
    Every round trip is still checked; the test fails unless the FIFO was full at least once.
    """
    tb = LoopbackBench(dut, cfg, "test_bpc_link_full")
    await tb.start()
    full = getattr(dut, "bf_full", None)
    assert full is not None, "ebpc_loopback has no bf_full (the BPC link FIFO's full flag)"
    counts: dict[str, int] = {}
    phase = ["start"]
    watcher = _high_counter(full, counts, phase)
    tb.engine.add(sample=watcher)
    rng = tb.rng
    lo, hi = -(1 << (cfg.width - 1)), (1 << (cfg.width - 1)) - 1
    per_phase = 2 if cfg.quick else 3
    # Enough dense words per phase to overfill the FIFO (ebpc_loopback's default BpcFifoDepth,
    # in words: it grows with the larger of Lanes and DecLanes) and the decoder's own
    # read-ahead (a block being parsed, one finished, one in its buffer).
    lanes = max(tb.lanes, tb.dec_lanes)
    fifo_depth = 1 << ((lanes * cfg.width // cfg.block + 2) * (cfg.block + 2) + 8 * lanes - 1).bit_length()
    length = max((8 if cfg.quick else 16) * cfg.block + 3,
                 (fifo_depth + 4 * (cfg.block + 2)) // per_phase + cfg.block)
    length = min(length, cfg.max_length or 1 << 30)

    def dense(i: int) -> list[int]:
        return [rng.choice([lo, hi, rng.randint(lo, hi) or 1]) for _ in range(length)]

    held = BackpressureConfig(ready_prob=0.0, stall_prob=0.0)
    free = BackpressureConfig()
    link_held = BackpressureConfig(ready_prob=0.0)      # ready_prob: the no-stall chance
    for name, out_bp, znz, bpc in (("output held", held, None, None),
                                   ("ZNZ link held", free, link_held, None),
                                   ("BPC link held, output held", held, None, link_held)):
        phase[0] = name
        tb.set_traffic(out_bp=out_bp)
        tb.set_stalls(znz, bpc)
        for i in range(per_phase):
            tb.send(dense(i), f"dense {name} #{i}")
        await ClockCycles(tb.clk, 12 * length)
        if bpc is not None:
            tb.set_stalls(None, None)                  # release the BPC link into a held decoder
            await ClockCycles(tb.clk, 6 * length)
        tb.set_stalls(None, None)
        tb.set_traffic(out_bp=free)
        await tb.wait_all()
    tb.engine.remove(sample=watcher)
    tb.log.info("BPC link FIFO full (cycles per phase): %s", counts)
    await tb.finish()
    assert sum(counts.values()) > 0, f"the BPC link FIFO never filled ({cfg.describe()}; per phase {counts})"
