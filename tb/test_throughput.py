# SPDX-License-Identifier: Apache-2.0
"""Throughput measurement (used by ``python -m ebpc_tb.flow.perf``, not part of the regression).

Outputs always ready, inputs always valid; back-to-back transmissions of one stimulus kind.
Results are appended as JSON lines to the run spec's ``results`` file.
"""

from __future__ import annotations

import json
import random

import cocotb
import ebpc

from ebpc_tb.spec import RunSpec
from ebpc_tb.bench.env import DecoderBench, EncoderBench
from ebpc_tb.bench.stimulus import THROUGHPUT_KINDS, throughput_values

KINDS = THROUGHPUT_KINDS


_SPEC = RunSpec.from_env()


def _record(row: dict) -> None:
    if _SPEC.results:
        with open(_SPEC.results, "a") as f:
            f.write(json.dumps(row) + "\n")


def _first_cycle(monitors) -> list[int]:
    """A list that gets the cycle of the first word any of ``monitors`` sees."""
    cycles: list[int] = []
    for m in monitors:
        def cb(beat, _c=cycles):
            if not _c:
                _c.append(beat.cycle)
        m.add_callback(cb)
    return cycles


async def _measure(dut, kind: str, top: str) -> None:
    """Send `count` transmissions back to back; record cycles from the first input handshake
    to the last done_o against the bound sum(max(L, ZNZ words, BPC words))."""
    cfg = _SPEC
    length, count = cfg.words or 1024, cfg.transmissions or 4
    if top == "encoder":
        tb = EncoderBench(dut, cfg, f"bench_{kind}")
        inputs = [tb.in_mon]
    else:
        tb = DecoderBench(dut, cfg, f"bench_{kind}")
        inputs = [tb.len_mon, tb.znz_mon, tb.bpc_mon]
    await tb.start()
    rng = random.Random(f"{cfg.seed}:{kind}")
    first = _first_cycle(inputs)
    total = bound = 0
    for i in range(count):
        vals = throughput_values(kind, cfg.width, length, rng)
        enc = ebpc.encode(vals, cfg.width, cfg.block, cfg.max_zero_run)
        bound += max(len(vals), enc.znz.size, enc.bpc.size)
        total += len(vals)
        tb.send(vals, f"{kind}#{i}")
    await tb.finish(settle=5)
    cycles = tb.done_cycles[-1] - first[0] + 1
    _record({"top": top, "w": cfg.width, "n": cfg.block, "z": cfg.max_zero_run, "kind": kind,
             "words": total, "cycles": cycles, "bound_cycles": bound})


@cocotb.test(skip=(_SPEC.select or "encoder") != "encoder")
@cocotb.parametrize(kind=KINDS)
async def bench_encoder(dut, kind):
    await _measure(dut, kind, "encoder")


@cocotb.test(skip=(_SPEC.select or "encoder") != "decoder")
@cocotb.parametrize(kind=KINDS)
async def bench_decoder(dut, kind):
    await _measure(dut, kind, "decoder")
