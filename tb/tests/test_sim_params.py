# SPDX-License-Identifier: Apache-2.0
"""Parameters beyond the sweep: illegal values must fail elaboration with a message naming the
parameter (both simulators); legal non-default coders and word counts must pass the encoder bench."""

import subprocess
import shutil

import pytest

from ebpc_tb.flow import runner

from ebpc_tb import spec
from ebpc_tb.flow.pytest_support import run_sim, sims, top_available

BAD = [
    ("DataWidth", (12, 8, 16)),
    ("MaxZeroRun", (8, 8, 24)),
    ("BlockSize", (8, 1, 16)),
    ("BlockSize", (8, 17, 16)),
]


@pytest.mark.parametrize("sim", sims())
@pytest.mark.parametrize("top", ["encoder", "decoder"])
@pytest.mark.parametrize("param,config", BAD, ids=[f"{p}-W{c[0]}N{c[1]}Z{c[2]}" for p, c in BAD])
def test_illegal_parameter_fails(sim, top, param, config):
    if not top_available(top):
        pytest.skip(f"{top} RTL not there yet")
    _expect_elaboration_error(sim, top, config, param, "_illegal")


def _expect_elaboration_error(sim: str, top: str, config, param: str, tag: str,
                              params: dict | None = None) -> None:
    """Building (and, under Icarus, starting) the top must stop with a message naming param."""
    bdir = runner.build_dir_for(sim, top, config, tag=tag)
    shutil.rmtree(bdir, ignore_errors=True)
    try:
        runner.build(sim, top, config, bdir=bdir, force=True, quiet=True, params=params)
    except runner.BuildError as exc:
        text = exc.log + str(exc)
        assert param in text, f"{sim} rejected {param} but the message does not name it:\n{text[-3000:]}"
        return
    # Built: the simulation itself must stop at time 0 with the message (Icarus $fatal in initial).
    if sim == "icarus":
        proc = subprocess.run(["vvp", "-n", str(bdir / "sim.vvp")], capture_output=True, text=True, timeout=60)
        text = proc.stdout + proc.stderr
        assert proc.returncode != 0 or "fatal" in text.lower() or "error" in text.lower(), \
            f"icarus accepted {param} in {config}:\n{text[-2000:]}"
        assert param in text, f"icarus message does not name {param}:\n{text[-2000:]}"
        return
    pytest.fail(f"{sim} elaborated {spec.TOPS[top][0]} with an illegal {param} ({config}, {params or {}})")


@pytest.mark.parametrize("sim", sims())
def test_encoder_planes_per_cycle(sim):
    """PlanesPerCycle=4 codes W+1=9 planes in 3 groups, the last one partly empty (the
    defaults: 2 planes per cycle at W=8, 5 groups; 3 at W=16/32)."""
    run_sim(sim, "encoder", (8, 8, 16), scale=0.3, extra_args=["--param", "PlanesPerCycle=4"])


@pytest.mark.parametrize("sim", sims())
def test_decoder_planes_per_cycle(sim):
    """PlanesPerCycle=4 at W=8: up to 4 plane symbols per cycle (a chain of uncompressed
    planes, then any symbol), besides the base cycle's one (the default is 1 at W=8)."""
    run_sim(sim, "decoder", (8, 8, 16), scale=0.3, extra_args=["--param", "PlanesPerCycle=4"])


BAD_EXTRA = [
    ("encoder", "EnableCounts", 2),
    ("encoder", "PlanesPerCycle", 10),
    ("decoder", "PlanesPerCycle", 10),
    ("decoder", "CountWidth", 7),
]


@pytest.mark.parametrize("sim", sims())
@pytest.mark.parametrize("top,param,value", BAD_EXTRA, ids=[f"{t}-{p}{v}" for t, p, v in BAD_EXTRA])
def test_illegal_extra_parameter_fails(sim, top, param, value):
    """Parameters beyond W/N/Z: an illegal value stops elaboration with a message naming it."""
    _expect_elaboration_error(sim, top, (8, 8, 16), param, f"_illegal_{param}", {param: value})


@pytest.mark.parametrize("sim", [s for s in sims() if s == "verilator"])
def test_encoder_word_counts(sim):
    """EnableCounts=1: znz_count_o/bpc_count_o carry each transmission's word counts (the
    default build ties them to 0, which the default runs check)."""
    run_sim(sim, "encoder", (8, 8, 16), scale=0.3, extra_args=["--param", "EnableCounts=1"])


@pytest.mark.parametrize("sim", [s for s in sims() if s == "verilator"])
def test_encoder_whole_block_coder(sim):
    """PlanesPerCycle=W+1: a whole block in one coder cycle (the largest, fastest coder)."""
    run_sim(sim, "encoder", (8, 8, 16), scale=0.3, extra_args=["--param", "PlanesPerCycle=9"])
