# SPDX-License-Identifier: Apache-2.0
"""Lanes > 1: the encoder, decoder and loopback with beats of Lanes words (tb/tests/test_sim_lanes.py).

Transmissions chosen to hit every lane coverage bin (:mod:`ebpc_tb.bench.lane_bins`), then
random ones (every length mod Lanes, one-word ones, all-zero, sparse, ReLU-like and dense
data) go in as beats under random gaps, come out under random backpressure, and every
word is checked against the golden model: the encoder's ZNZ and BPC streams word for word,
the decoder's and the loopback's output word for word. The loopback may join an encoder
and a decoder of different Lanes (``DecLanes``): a stream written with one lane count is
decoded with the other. ``lanes_decoder_malformed`` feeds the decoder malformed streams (one
directed case per error class, random corruptions) in beats: every word and error_o against
ebpc.decode_with_flags. ``lanes_throughput`` (``lanes_dec_throughput``) measures the
encoder's (decoder's) beats per cycle against the port bound on long packets, inputs always
valid, outputs always ready. The run's spec selects the test of the top being simulated
(``select``) and gives W, N, Z, the seed and the parameters; with a coverage file in the
spec, each test writes the lane points it sampled there.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import cocotb
import ebpc
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

from ebpc_tb.bench.lane_bins import lane_closure, lane_coverage_json, transmission_lane_bins
from ebpc_tb.bench.stimulus import throughput_values
from ebpc_tb.spec import RunSpec

SPEC = RunSpec.from_env()
LANES = SPEC.hdl_params.get("Lanes", 1)
DEC_LANES = SPEC.hdl_params.get("DecLanes", LANES)
W, N, Z = SPEC.width, SPEC.block, SPEC.max_zero_run
MASK = (1 << W) - 1
TRANSMISSIONS = SPEC.count(60)
# Lanes -> the streams whose beats the selected test scores (the lane points it samples).
GROUPS = {"encoder": {LANES: ("data", "znz", "bpc")}, "decoder": {LANES: ("data", "znz", "bpc")},
          "loopback": {LANES: ("data",), DEC_LANES: ("data",)}}.get(SPEC.select, {})


def beats(words: list[int], lanes: int) -> list[tuple[int, int]]:
    """A packet's words as (data, one-hot last) beats: word k in lane k mod lanes."""
    out = []
    for i in range(0, len(words), lanes):
        chunk = words[i:i + lanes]
        data = sum((int(v) & MASK) << (j * W) for j, v in enumerate(chunk))
        out.append((data, (1 << (len(chunk) - 1)) if i + lanes >= len(words) else 0))
    return out


def signed(word: int) -> int:
    return word - (1 << W) if word >> (W - 1) else word


def transmissions(rng: random.Random) -> list[list[int]]:
    lo, hi = -(1 << (W - 1)), (1 << (W - 1)) - 1
    lanes = max(LANES, DEC_LANES)
    out = [v for group, streams in GROUPS.items() for v in lane_closure(W, N, Z, group, rng, streams)]
    for _ in range(TRANSMISSIONS):
        length = rng.choice([1, 2, lanes - 1 or 1, lanes, lanes + 1, 2 * lanes + 1, N, N + 1,
                             rng.randint(1, 64), rng.randint(1, 300)])
        zeros = rng.choice([0.0, 0.5, 0.9, 1.0])
        out.append([0 if rng.random() < zeros else (rng.randint(lo, hi) or 1) for _ in range(length)])
    return out


def record_lane_coverage(txs: list[list[int]]) -> None:
    """Write the lane points the checked transmissions hit to the spec's coverage file."""
    if not SPEC.coverage or max(GROUPS, default=1) < 2:
        return
    samples = [s for v in txs for group, streams in GROUPS.items()
               for s in transmission_lane_bins(v, W, N, Z, group, streams)]
    config = {"w": W, "n": N, "z": Z, "seed": SPEC.seed, "top": SPEC.select}
    path = Path(SPEC.coverage)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(lane_coverage_json(config, GROUPS, samples))


async def start(dut) -> None:
    cocotb.start_soon(Clock(dut.clk_i, 10, "ns").start())
    dut.rst_ni.value = 0
    await ClockCycles(dut.clk_i, 3)
    dut.rst_ni.value = 1
    await RisingEdge(dut.clk_i)


async def send(dut, prefix: str, items: list, rng: random.Random, with_last: bool = True) -> None:
    """Offer each item (a beat, or a plain word) after a random gap, hold it until taken."""
    valid, ready = getattr(dut, f"{prefix}_valid_i"), getattr(dut, f"{prefix}_ready_o")
    data = getattr(dut, f"{prefix}_data_i")
    last = getattr(dut, f"{prefix}_last_i") if with_last else None
    for item in items:
        while rng.random() < 0.25:
            valid.value = 0
            await RisingEdge(dut.clk_i)
        valid.value = 1
        if last is None:
            data.value = item
        else:
            data.value, last.value = item
        while True:
            await ReadOnly()
            taken = int(ready.value) == 1
            await RisingEdge(dut.clk_i)
            if taken:
                break
    valid.value = 0


async def receive(dut, prefix: str, lanes: int, packets: list, count: int, rng: random.Random,
                  ready_prob: float = 0.75) -> None:
    """Take beats under random backpressure, unpack them into packets of words."""
    valid, ready = getattr(dut, f"{prefix}_valid_o"), getattr(dut, f"{prefix}_ready_i")
    data, last = getattr(dut, f"{prefix}_data_o"), getattr(dut, f"{prefix}_last_o")
    words: list[int] = []
    while len(packets) < count:
        ready.value = 1 if rng.random() < ready_prob else 0
        await ReadOnly()
        if int(valid.value) and int(ready.value):
            beat, one_hot = int(data.value), int(last.value)
            assert one_hot & (one_hot - 1) == 0, f"{prefix}: last {one_hot:b} is not one-hot"
            used = one_hot.bit_length() if one_hot else lanes
            assert beat >> (used * W) == 0, f"{prefix}: lanes above the final word are not zero"
            words += [(beat >> (j * W)) & MASK for j in range(used)]
            if one_hot:
                packets.append(words)
                words = []
        await RisingEdge(dut.clk_i)


async def wait_for(dut, done, limit: int = 400_000) -> None:
    for _ in range(limit):
        if done():
            return
        await RisingEdge(dut.clk_i)
    raise AssertionError(f"no progress after {limit} cycles (seed {SPEC.seed})")


def check_widths(dut, ports: dict[str, int]) -> None:
    for port, width in ports.items():
        got = len(getattr(dut, port))
        assert got == width, f"{port} is {got} bits, the run's Lanes={LANES}, W={W} need {width}"


@cocotb.test(skip=SPEC.select != "encoder")
async def lanes_encoder(dut):
    """Every ZNZ and BPC word of an encoder with Lanes words per beat, against the model."""
    check_widths(dut, {"in_data_i": LANES * W, "in_last_i": LANES, "znz_last_o": LANES})
    rng = random.Random(SPEC.test_seed("lanes_encoder"))
    dut.in_valid_i.value = 0
    dut.znz_ready_i.value = dut.bpc_ready_i.value = 0
    await start(dut)
    txs = transmissions(rng)
    encoded = [ebpc.encode(v, W, N, Z) for v in txs]
    znz, bpc = [], []
    cocotb.start_soon(receive(dut, "znz", LANES, znz, len(txs), random.Random(rng.random())))
    cocotb.start_soon(receive(dut, "bpc", LANES, bpc, sum(e.bpc.size > 0 for e in encoded),
                              random.Random(rng.random())))
    await send(dut, "in", [b for v in txs for b in beats(v, LANES)], random.Random(rng.random()))
    await wait_for(dut, lambda: len(znz) == len(txs) and len(bpc) == sum(e.bpc.size > 0 for e in encoded))
    nonempty = iter(bpc)
    for i, (values, enc) in enumerate(zip(txs, encoded)):
        assert znz[i] == enc.znz.tolist(), f"transmission {i} ({len(values)} words): ZNZ differs"
        if enc.bpc.size:
            assert next(nonempty) == enc.bpc.tolist(), f"transmission {i} ({len(values)} words): BPC differs"
    record_lane_coverage(txs)
    dut._log.info("lanes_encoder: %d transmissions, %d words, every ZNZ/BPC word checked (seed %d)",
                  len(txs), sum(map(len, txs)), SPEC.seed)


@cocotb.test(skip=SPEC.select != "decoder")
async def lanes_decoder(dut):
    """Every output word of a decoder with Lanes words per beat, against the input."""
    check_widths(dut, {"znz_data_i": LANES * W, "bpc_last_i": LANES, "out_data_o": LANES * W})
    rng = random.Random(SPEC.test_seed("lanes_decoder"))
    for prefix in ("len", "znz", "bpc"):
        getattr(dut, f"{prefix}_valid_i").value = 0
    dut.out_ready_i.value = 0
    await start(dut)
    txs = transmissions(rng)
    encoded = [ebpc.encode(v, W, N, Z) for v in txs]
    out: list[list[int]] = []
    cocotb.start_soon(send(dut, "len", [len(v) for v in txs], random.Random(rng.random()), with_last=False))
    cocotb.start_soon(send(dut, "znz", [b for e in encoded for b in beats(e.znz.tolist(), LANES)],
                           random.Random(rng.random())))
    cocotb.start_soon(send(dut, "bpc", [b for e in encoded if e.bpc.size for b in beats(e.bpc.tolist(), LANES)],
                           random.Random(rng.random())))
    cocotb.start_soon(receive(dut, "out", LANES, out, len(txs), random.Random(rng.random())))
    await wait_for(dut, lambda: len(out) == len(txs))
    for i, values in enumerate(txs):
        assert [signed(w) for w in out[i]] == values, f"transmission {i} ({len(values)} words) differs"
    record_lane_coverage(txs)
    dut._log.info("lanes_decoder: %d transmissions, every output word checked (seed %d)", len(txs), SPEC.seed)


@cocotb.test(skip=SPEC.select != "decoder")
async def lanes_decoder_malformed(dut):
    """Malformed streams (one directed case per error class, random corruptions), each followed
    by a clean transmission, in beats of Lanes words: every output word and the whole error_o
    equal ebpc.decode_with_flags; no hang."""
    from ebpc_tb.bench import malformed  # noqa: PLC0415

    rng = random.Random(SPEC.test_seed("lanes_decoder_malformed"))
    for prefix in ("len", "znz", "bpc"):
        getattr(dut, f"{prefix}_valid_i").value = 0
    dut.out_ready_i.value = 0
    await start(dut)
    cases = [malformed.exact(c, W, N, Z) for c in malformed.directed_cases(W, N, Z, rng)]
    cases += [malformed.fuzz_case(v, W, N, Z, rng, i) for i, v in enumerate(transmissions(rng)[:30]) if v]
    seq = []  # (name, L, znz, bpc, expected words, expected flags)
    for case in cases:
        seq.append((case.name, case.length, case.znz, case.bpc, case.expected, case.error | case.allowed))
        clean = transmissions(rng)[0]
        enc = ebpc.encode(clean, W, N, Z)
        seq.append(("clean", len(clean), enc.znz.tolist(), enc.bpc.tolist(), clean, 0))
    for name, length, znz, bpc, words, flags in seq:
        got = ebpc.decode_with_flags(znz, bpc, length, W, N, Z)
        assert got.flags == flags and [int(v) for v in got.words] == list(words), f"{name}: case not exact"
    flags_seen: list[int] = []

    async def watch_done() -> None:
        while True:
            await ReadOnly()
            if int(dut.done_o.value):
                flags_seen.append(int(dut.error_o.value))
            await RisingEdge(dut.clk_i)

    out: list[list[int]] = []
    with_words = sum(1 for item in seq if item[1] > 0)
    cocotb.start_soon(watch_done())
    cocotb.start_soon(send(dut, "len", [item[1] for item in seq], random.Random(rng.random()), with_last=False))
    cocotb.start_soon(send(dut, "znz", [b for item in seq for b in beats(item[2], LANES)], random.Random(rng.random())))
    cocotb.start_soon(send(dut, "bpc", [b for item in seq for b in beats(item[3], LANES)], random.Random(rng.random())))
    cocotb.start_soon(receive(dut, "out", LANES, out, with_words, random.Random(rng.random())))
    await wait_for(dut, lambda: len(out) == with_words and len(flags_seen) == len(seq))
    packets = iter(out)
    for i, (name, length, _, _, words, flags) in enumerate(seq):
        got = [signed(v) for v in next(packets)] if length > 0 else []
        assert got == list(words), f"#{i} {name} (L={length}): output words differ (seed {SPEC.seed})"
        assert flags_seen[i] == flags, (f"#{i} {name} (L={length}): error_o {flags_seen[i]:#04x}, the model "
                                        f"{flags:#04x} (seed {SPEC.seed})")
    dut._log.info("lanes_decoder_malformed: %d cases and clean ones, every word and error_o checked (seed %d)",
                  len(cases), SPEC.seed)


@cocotb.test(skip=SPEC.select != "loopback")
async def lanes_loopback(dut):
    """Encoder of Lanes words per beat into a decoder of DecLanes: every output word checked."""
    check_widths(dut, {"in_data_i": LANES * W, "out_data_o": DEC_LANES * W})
    rng = random.Random(SPEC.test_seed("lanes_loopback"))
    dut.in_valid_i.value = dut.len_valid_i.value = 0
    dut.out_ready_i.value = 0
    dut.znz_stall_i.value = dut.bpc_stall_i.value = 0
    await start(dut)
    txs = transmissions(rng)
    out: list[list[int]] = []
    cocotb.start_soon(send(dut, "len", [len(v) for v in txs], random.Random(rng.random()), with_last=False))
    cocotb.start_soon(send(dut, "in", [b for v in txs for b in beats(v, LANES)], random.Random(rng.random())))
    cocotb.start_soon(receive(dut, "out", DEC_LANES, out, len(txs), random.Random(rng.random())))
    await wait_for(dut, lambda: len(out) == len(txs))
    for i, values in enumerate(txs):
        assert [signed(w) for w in out[i]] == values, f"transmission {i} ({len(values)} words) differs"
    record_lane_coverage(txs)
    dut._log.info("lanes_loopback: %d transmissions, Lanes=%d into DecLanes=%d, every word checked (seed %d)",
                  len(txs), LANES, DEC_LANES, SPEC.seed)


# lanes_throughput's kinds (the names its results rows carry) -> the shared stimulus kinds
LANES_KINDS = {"relu": "relu_50", "smooth": "dense_smooth", "dense": "random_dense"}


def long_packets(rng: random.Random):
    """The throughput tests' packets of SPEC.words (default 4096) words: (kind, values, their
    encoding, the port bound: the most beats any stream needs)."""
    for kind, shared_kind in LANES_KINDS.items():
        values = throughput_values(shared_kind, W, SPEC.words or 4096, rng)
        enc = ebpc.encode(values, W, N, Z)
        yield kind, values, enc, max(-(-n // LANES) for n in (len(values), enc.znz.size, enc.bpc.size))


@cocotb.test(skip=SPEC.select != "throughput")
async def lanes_throughput(dut):
    """Encoder beats per cycle on long packets, outputs always ready, against the port bound
    (the most beats any stream needs); one JSON line per kind to the spec's results file."""
    rng = random.Random(SPEC.seed)
    dut.in_valid_i.value = 0
    dut.znz_ready_i.value = dut.bpc_ready_i.value = 1
    await start(dut)
    for kind, values, enc, bound in long_packets(rng):
        length = len(values)
        queue = beats(values, LANES)
        cycle, first, taken, ends = 0, None, 0, {}
        while len(ends) < 2:
            if taken < len(queue):
                dut.in_valid_i.value = 1
                dut.in_data_i.value, dut.in_last_i.value = queue[taken]
            else:
                dut.in_valid_i.value = 0
            await ReadOnly()
            if taken < len(queue) and int(dut.in_ready_o.value):
                first = cycle if first is None else first
                taken += 1
            for stream in ("znz", "bpc"):
                if int(getattr(dut, f"{stream}_valid_o").value) and int(getattr(dut, f"{stream}_last_o").value):
                    ends.setdefault(stream, cycle)
            await RisingEdge(dut.clk_i)
            cycle += 1
        cycles = max(ends.values()) - first + 1
        row = {"top": "encoder", "w": W, "n": N, "z": Z, "lanes": LANES, "kind": kind, "words": length,
               "cycles": cycles, "bound_cycles": bound}
        dut._log.info("lanes_throughput %s", json.dumps(row))
        if SPEC.results:
            with open(SPEC.results, "a") as f:
                f.write(json.dumps(row) + "\n")
        await ClockCycles(dut.clk_i, 5)


@cocotb.test(skip=SPEC.select != "dec_throughput")
async def lanes_dec_throughput(dut):
    """Decoder beats per cycle on long packets, inputs always valid, output always ready,
    against the port bound (the most beats any of its streams needs: ZNZ in, BPC in, output);
    cycles from the first input handshake to done_o or the final beat, whichever is later; one
    JSON line per kind to the results."""
    rng = random.Random(SPEC.seed)
    for prefix in ("len", "znz", "bpc"):
        getattr(dut, f"{prefix}_valid_i").value = 0
    dut.out_ready_i.value = 1
    await start(dut)
    for kind, values, enc, bound in long_packets(rng):
        length = len(values)
        queues = {"znz": beats(enc.znz.tolist(), LANES), "bpc": beats(enc.bpc.tolist(), LANES)}
        taken = {"len": 0, "znz": 0, "bpc": 0}
        words: list[int] = []
        cycle, first, done, ended = 0, None, None, None
        while done is None or ended is None:
            assert cycle < 40 * length + 1000, f"{kind}: no done_o after {cycle} cycles (seed {SPEC.seed})"
            dut.len_valid_i.value = int(taken["len"] == 0)
            dut.len_data_i.value = length
            for s, q in queues.items():
                getattr(dut, f"{s}_valid_i").value = int(taken[s] < len(q))
                if taken[s] < len(q):
                    getattr(dut, f"{s}_data_i").value, getattr(dut, f"{s}_last_i").value = q[taken[s]]
            await ReadOnly()
            for s in ("len", "znz", "bpc"):
                if int(getattr(dut, f"{s}_valid_i").value) and int(getattr(dut, f"{s}_ready_o").value):
                    first = cycle if first is None else first
                    taken[s] += 1
            if int(dut.out_valid_o.value):
                beat, one_hot = int(dut.out_data_o.value), int(dut.out_last_o.value)
                used = one_hot.bit_length() if one_hot else LANES
                words += [(beat >> (j * W)) & MASK for j in range(used)]
                ended = cycle if one_hot else ended
            if int(dut.done_o.value):
                done = cycle
                assert int(dut.error_o.value) == 0, f"{kind}: error flags {int(dut.error_o.value):#x}"
            await RisingEdge(dut.clk_i)
            cycle += 1
        for s in ("len", "znz", "bpc"):
            getattr(dut, f"{s}_valid_i").value = 0
        got = [signed(v) for v in words]
        bad = next((i for i, (a, b) in enumerate(zip(got, values)) if a != b), min(len(got), len(values)))
        assert got == values, (f"{kind}: decoded words differ from word {bad} on ({len(got)} words, "
                               f"{len(values)} expected; seed {SPEC.seed})")
        row = {"top": "decoder", "w": W, "n": N, "z": Z, "lanes": LANES, "kind": kind, "words": length,
               "cycles": max(done, ended) - first + 1, "bound_cycles": bound}
        dut._log.info("lanes_dec_throughput %s", json.dumps(row))
        if SPEC.results:
            with open(SPEC.results, "a") as f:
                f.write(json.dumps(row) + "\n")
        await ClockCycles(dut.clk_i, 5)
