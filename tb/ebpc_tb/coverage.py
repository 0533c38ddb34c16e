"""Functional coverage (cocotb-coverage), enabled by ``EBPC_COVERAGE=path.json``.

Sampled when the scoreboard completes a transmission (what was actually checked), from
the golden model's symbol trace, and from the stream components' traffic counters:

=========================== ====================================================
``ebpc.bpc.kind``            BPC symbol kinds (base, all_ones, dbp_zero, pair,
                             single, uncompressed, zero_planes)
``ebpc.bpc.single_pos``      single-one positions 0..N-2
``ebpc.bpc.pair_pos``        pair positions 0..N-3
``ebpc.bpc.zero_run``        zero-DBX run lengths 1..W+1
``ebpc.bpc.padding``         padding words of the last block 0..N-1
``ebpc.znz.run``             ZNZ zero-run lengths 1..Z
``ebpc.tx.length``           transmission length classes
``ebpc.znz.split``            whole zero runs: shorter than Z, exactly Z, Z+1..2Z-1,
                             a multiple of Z >= 2Z, longer with a remainder
``ebpc.{znz,bpc}.straddle``  bit offsets at which a symbol crosses a word boundary
                             (every offset a symbol of that stream can cross from)
``ebpc.{znz,bpc}.final_pad`` zero bits padding the final word, 0..W-1
``ebpc.traffic``             input gaps, output stalls, long stalls, link stalls,
                             reset in the middle of a transmission
``ebpc.decoder.error``       decoder error classes flagged (plus ``none``)
=========================== ====================================================

The JSON file holds, per cover point: size, covered bins, percentage and the hits of
every bin; it is rewritten (cumulatively) at the end of every test.
"""

from __future__ import annotations

import json
from pathlib import Path

import ebpc
from cocotb_coverage.coverage import CoverPoint, coverage_db

from .scoreboard import ERROR_NAMES

__all__ = ["Coverage"]

_KINDS = ["base", "all_ones", "dbp_zero", "pair", "single", "uncompressed", "zero_planes"]
_LEN_BINS = ["1", "2..N-1", "N..4N", "4N+1..256", ">256"]
_SPLIT_BINS = ["<Z", "=Z", "Z+1..2Z-1", "k*Z", ">2Z"]
_TRAFFIC = ["input_gap", "output_stall", "output_long_stall", "link_stall", "reset_mid_transmission"]


def _point(name: str, bins: list):
    """A cover point sampled by calling the returned function with the value."""

    @CoverPoint(name, xf=lambda v: v, bins=bins)
    def sample(v):
        return None

    return sample


def _zero_runs(values: list[int]) -> list[int]:
    """Lengths of the maximal runs of zero words."""
    runs, current = [], 0
    for v in values:
        if v == 0:
            current += 1
        elif current:
            runs.append(current)
            current = 0
    if current:
        runs.append(current)
    return runs


class Coverage:
    _instance: "Coverage | None" = None

    def __init__(self, cfg):
        self.cfg = cfg
        w, n, z = cfg.width, cfg.block, cfg.max_zero_run
        self.path = Path(cfg.coverage)
        self.kind = _point("ebpc.bpc.kind", _KINDS)
        self.single = _point("ebpc.bpc.single_pos", list(range(max(1, n - 1))))
        self.pair = _point("ebpc.bpc.pair_pos", list(range(max(1, n - 2))))
        self.zrun = _point("ebpc.bpc.zero_run", list(range(1, w + 2)))
        self.padding = _point("ebpc.bpc.padding", list(range(n)))
        self.znz_run = _point("ebpc.znz.run", list(range(1, z + 1)))
        self.length = _point("ebpc.tx.length", _LEN_BINS)
        self.split = _point("ebpc.znz.split", _SPLIT_BINS)
        # A symbol starting at bit offset o of a word crosses into the next one when
        # o + its length > W: ZNZ symbols are at most 1 + log2(Z) bits long, BPC codes up to
        # max(W, N, 3 + log2(W), 5 + ceil(log2(N))) bits.
        znz_longest = 1 + (z.bit_length() - 1)
        bpc_longest = max(w, n, 3 + (w.bit_length() - 1), 5 + (n - 1).bit_length())
        self.znz_straddle = _point("ebpc.znz.straddle", list(range(max(0, w - znz_longest + 1), w)))
        self.bpc_straddle = _point("ebpc.bpc.straddle", list(range(max(0, w - bpc_longest + 1), w)))
        self.znz_pad = _point("ebpc.znz.final_pad", list(range(w)))
        self.bpc_pad = _point("ebpc.bpc.final_pad", list(range(w)))
        self.traffic = None
        self.error = None
        self.benches: list = []
        self.is_decoder = False
        self._traffic_seen: set[str] = set()

    @classmethod
    def get(cls, cfg) -> "Coverage":
        if cls._instance is None:
            cls._instance = cls(cfg)
        return cls._instance

    # -- hooks used by the benches ------------------------------------------------
    def _traffic_point(self, bins: list[str]) -> None:
        if self.traffic is None:
            self.traffic = _point("ebpc.traffic", bins)
            self._traffic_bins = set(bins)

    def attach_encoder(self, bench) -> None:
        self._traffic_point([t for t in _TRAFFIC if t != "link_stall"])
        self.benches.append(bench)

    def attach_decoder(self, bench) -> None:
        self._traffic_point([t for t in _TRAFFIC if t != "link_stall"])
        if self.error is None:
            self.error = _point("ebpc.decoder.error", ERROR_NAMES + ["none"])
        self.benches.append(bench)

    def attach_loopback(self, bench) -> None:
        self._traffic_point(list(_TRAFFIC))
        self.benches.append(bench)

    def sample_event(self, name: str) -> None:
        if self.traffic is not None and name in self._traffic_bins:
            self.traffic(name)

    def sample_error(self, err: int) -> None:
        if self.error is None:
            return
        if err == 0:
            self.error("none")
        for i, nm in enumerate(ERROR_NAMES):
            if err >> i & 1:
                self.error(nm)

    def sample_transmission(self, values: list[int]) -> None:
        """Symbol-level coverage of one checked transmission (from the model's trace)."""
        c = self.cfg
        w, n, z = c.width, c.block, c.max_zero_run
        L = len(values)
        self.length("1" if L == 1 else "2..N-1" if L < n else "N..4N" if L <= 4 * n
                    else "4N+1..256" if L <= 256 else ">256")
        nnz = sum(1 for v in values if v)
        if nnz:
            self.padding((-nnz) % n)
        for run in _zero_runs(values):
            self.split("<Z" if run < z else "=Z" if run == z else "Z+1..2Z-1" if run < 2 * z
                       else "k*Z" if run % z == 0 else ">2Z")
        encoded = ebpc.encode(values, w, n, z)
        self.znz_pad((-encoded.znz_bits) % w)
        if encoded.bpc_bits:
            self.bpc_pad((-encoded.bpc_bits) % w)
        pbits = max(1, (n - 1).bit_length())
        rbits = max(1, (w - 1).bit_length())
        for s in ebpc.symbol_trace(values, w, n, z):
            offset = s.bit_offset % w
            if offset + len(s.bits) > w:
                (self.znz_straddle if s.stream == "znz" else self.bpc_straddle)(offset)
            if s.stream == "znz":
                if s.kind == "zero_run":
                    self.znz_run(s.plane)
                continue
            self.kind(s.kind)
            if s.kind == "single":
                self.single(int(s.bits[5:5 + pbits], 2))
            elif s.kind == "pair":
                self.pair(int(s.bits[5:5 + pbits], 2))
            elif s.kind == "zero_planes":
                self.zrun(1 if s.bits == "01" else int(s.bits[3:3 + rbits], 2) + 2)

    def _traffic_from_benches(self) -> None:
        for b in self.benches:
            events = set()
            for name in ("src", "len_src", "znz_src", "bpc_src"):
                s = getattr(b, name, None)
                if s is not None and s.gap_cycles:
                    events.add("input_gap")
            for name in ("znz_sink", "bpc_sink", "out_sink"):
                s = getattr(b, name, None)
                if s is not None and (s.stall_cycles or not s.backpressure.always):
                    events.add("output_stall")
                if s is not None and s.long_stalls:
                    events.add("output_long_stall")
            if getattr(b, "_stall_tasks", None):
                events.add("link_stall")
            for e in events - self._traffic_seen:
                self.sample_event(e)
            self._traffic_seen |= events

    # -- output -------------------------------------------------------------------
    def report(self) -> dict:
        out = {}
        for name in sorted(coverage_db):
            item = coverage_db[name]
            entry = {"size": item.size, "covered": item.coverage,
                     "percent": round(item.cover_percentage, 2)}
            if hasattr(item, "detailed_coverage") and type(item).__name__ == "CoverPoint":
                entry["bins"] = {str(k): v for k, v in item.detailed_coverage.items()}
            out[name] = entry
        return out

    def save(self) -> None:
        self._traffic_from_benches()
        data = {"config": {"w": self.cfg.width, "n": self.cfg.block, "z": self.cfg.max_zero_run,
                           "seed": self.cfg.seed},
                "coverage": self.report()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(data, indent=1))
