# SPDX-License-Identifier: Apache-2.0
"""pytest wrapper: K parameter sets drawn from the whole legal space, from the regression's seed.

Each regression draws K sets (EBPC_SAMPLED, default 2; EBPC_FULL=1: 8) with
:func:`ebpc_tb.flow.spec.sample_configs`: W in {8, 16, 32}, N in 2..2W, Z a power of two in
2..256, each core's PlanesPerCycle in 1..W+1, CountWidth from its minimum (8) to 32,
EnableCounts 0/1, Lanes (encoder, loopback) and DecLanes (decoder, loopback) in 1/2/4/8. Each set's encoder, decoder and loopback run test_random, test_corners and
test_coverage_closure with transmissions of at most 512 words (and, for the build time, an
encoder PlanesPerCycle x N of at most spec.QUICK_ENCODER_PLANE_BITS) under the simulator that
finishes them sooner (:func:`ebpc_tb.flow.runner.quicker_sim`: Icarus up to W*N = 256, Verilator
above; EBPC_FULL=1: every simulator, the bench's own lengths). The drawn set is
printed (``sampled set i of seed S: ...``); ``python -m ebpc_tb.flow.run --sample K --sample-index i
--seed S`` replays it. Functional coverage goes to a ``sampled/`` folder: the coverage report
lists these sets and the parameter values they reached, without gating on their bins.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ebpc_tb import spec
from ebpc_tb.flow.pytest_support import options, run_many, sampled_count, session_seed, sims

K = sampled_count()
MAX_LENGTH = 512


def test_sampled_sets_are_legal_and_seeded():
    """The drawn sets lie in the legal space and depend on the seed only."""
    seed = session_seed()
    points = spec.sample_configs(seed, max(K, 16))
    assert points == spec.sample_configs(seed, max(K, 16))
    # make test's budget skips the draws over it and keeps the others, in order
    budget = spec.QUICK_ENCODER_PLANE_BITS
    quick = spec.sample_configs(seed, max(K, 16), budget)
    within = [p for p in points if p.enc_planes * p.config[1] <= budget]
    assert all(p.enc_planes * p.config[1] <= budget for p in quick)
    assert quick[: len(within)] == within
    for p in points:
        w, n, z = p.config
        assert w in (8, 16, 32) and 2 <= n <= 2 * w and z in spec.ZERO_RUNS
        assert 1 <= p.enc_planes <= w + 1 and 1 <= p.dec_planes <= w + 1
        assert spec.COUNT_WIDTH_MIN <= p.count_width <= spec.COUNT_WIDTH_MAX
        assert 1 <= p.enc_count_width <= 64 and p.enable_counts in (0, 1)
        # every PlanesPerCycle is legal at every Lanes (rtl/ebpc_encoder.sv checks 1..W+1)
        assert p.lanes in spec.LANES and p.dec_lanes in spec.LANES


@pytest.mark.parametrize("index", range(K), ids=[f"set{i}" for i in range(K)])
def test_sampled_parameter_set(index):
    opts = options()
    full = opts.full
    # the default regression: the quicker simulator for the set, transmissions of at most
    # MAX_LENGTH words; FULL=1: every simulator, the bench's own lengths
    sim = ",".join(sims()) if full else "auto"
    args = ["--sim", sim, "--top", "encoder,decoder,loopback", "--sample", str(K),
            "--sample-index", str(index), "--scale", str(opts.sweep_scale)]
    if not full:
        args += ["--max-length", str(MAX_LENGTH), "--sample-budget", str(spec.QUICK_ENCODER_PLANE_BITS)]
    if opts.coverage_dir:
        cov = Path(opts.coverage_dir) / "sampled" / f"set{index}.json"
        cov.parent.mkdir(parents=True, exist_ok=True)
        args += ["--coverage", str(cov)]
    out = run_many(args, f"sampled{index}", code_coverage=full)
    assert f"sampled set {index} of seed" in out and "all " in out, out[-3000:]
