# SPDX-License-Identifier: Apache-2.0
"""Functional coverage (cocotb-coverage), enabled by ``EBPC_COVERAGE=path.json``.

The cover points and their bins are defined in :mod:`ebpc_tb.bench.bins`. Sampling:

* data points, when the scoreboard completes a transmission (what was actually checked),
  from the golden model's symbol trace of its values;
* ``<top>.traffic``, every cycle, from the stream monitors' per-cycle handshake view
  (:class:`StreamActivity`): stalls while a word is held, mid-frame gaps, back-to-back
  frames, and from the bench (reset in flight, the loopback's internal links);
* ``ebpc.decoder.error``, from ``error_o`` with each ``done_o``;
* with ``Lanes > 1``, the lane points of :mod:`ebpc_tb.bench.lane_bins` (``ebpc.lanes<L>.*``:
  where packets, zero runs and blocks fall on the beats), with the data points, per stream
  the bench scores (encoder, decoder: data, ZNZ, BPC; loopback: the data at Lanes and at
  DecLanes).

The JSON file holds the parameters and, per cover point, size, covered bins, percentage and
the hits of every bin; it is rewritten (cumulatively) at the end of every test.
"""

from __future__ import annotations

import json
from pathlib import Path

from cocotb.simtime import get_sim_time
from cocotb_coverage.coverage import CoverPoint, coverage_db

from .bins import ERROR_BINS, JOINT_BINS, TRAFFIC_BINS, data_bins, transmission_bins
from .lane_bins import lane_bins, transmission_lane_bins

__all__ = ["Coverage", "StreamActivity"]

STALL_LONG = 16     # cycles in a row for the s.stall_16 bins


def _point(name: str, bins: list):
    """A cover point sampled by calling the returned function with the value."""

    @CoverPoint(name, xf=lambda v: v, bins=bins)
    def sample(v):
        return None

    return sample


class StreamActivity:
    """Turns one stream's per-cycle (valid, ready, last) into traffic events.

    Register :meth:`cycle` as a :class:`~ebpc_tb.bench.stream.StreamMonitor` ``on_cycle``
    callback (called in every cycle's ReadOnly phase). ``emit(event)`` receives ``<name>.<event>`` for the events this stream
    takes part in (``output``: stalls; ``input``: backpressure and gaps).
    """

    def __init__(self, name: str, emit, *, output: bool, framed: bool = True):
        self.name = name
        self.emit = emit
        self.output = output
        self.framed = framed
        self.in_frame = False       # a frame's first word went, its last not yet
        self.last_beat_was_end = False
        self.stall_run = 0

    def reset(self) -> None:
        self.in_frame = False
        self.last_beat_was_end = False
        self.stall_run = 0

    def cycle(self, valid: int, ready: int, last: int, in_reset: bool = False) -> None:
        if in_reset:
            self.reset()
            return
        beat = bool(valid and ready)
        if valid and not ready:
            if self.output:
                self.stall_run += 1
                self.emit(f"{self.name}.stall_with_data")
                if self.stall_run == STALL_LONG:
                    self.emit(f"{self.name}.stall_16")
            else:
                self.emit(f"{self.name}.backpressured")
        else:
            self.stall_run = 0
        if not self.framed:
            return
        if not valid and self.in_frame:
            self.emit(f"{self.name}.gap_mid_frame")
        if valid and not self.in_frame and self.last_beat_was_end:
            # the next frame's first word is offered right after the previous last word went
            self.emit(f"{self.name}.back_to_back")
        if beat:
            self.in_frame = not last
            self.last_beat_was_end = bool(last)
        else:
            self.last_beat_was_end = False


def lane_groups(top: str, params: dict[str, int]) -> dict[int, tuple[str, ...]]:
    """Lanes -> the streams whose lane points a bench of ``top`` samples (none at one lane)."""
    lanes = params.get("Lanes", 1)
    if top == "loopback":
        groups = {lanes: ("data",), params.get("DecLanes", lanes): ("data",)}
    else:
        groups = {lanes: ("data", "znz", "bpc")}
    return {k: v for k, v in groups.items() if k > 1}


class Coverage:
    """The coverage model of one simulation run (one top, one parameter set)."""

    _instance: "Coverage | None" = None

    def __init__(self, cfg):
        self.cfg = cfg
        self.path = Path(cfg.coverage)
        self.data_points = {name: _point(name, bins)
                            for name, bins in data_bins(cfg.width, cfg.block, cfg.max_zero_run).items()}
        self.traffic = None
        self.traffic_bins: set[str] = set()
        self.error = None
        self.top = None
        self._joints: list[tuple[str, str, str]] = []
        self._event_time: dict[str, int] = {}
        self.lane_groups: dict[int, tuple[str, ...]] = {}    # Lanes -> streams sampled
        self.lane_points: dict[str, object] = {}

    @classmethod
    def get(cls, cfg) -> "Coverage":
        """The run's single model (cocotb-coverage keeps its points in a global database)."""
        if cls._instance is None:
            cls._instance = cls(cfg)
        return cls._instance

    # -- hooks used by the benches ------------------------------------------------
    def attach(self, top: str) -> None:
        if self.traffic is None:
            self.top = top
            self.traffic_bins = set(TRAFFIC_BINS[top])
            self.traffic = _point(f"{top}.traffic", TRAFFIC_BINS[top])
            self._joints = JOINT_BINS[top]
        if top == "decoder" and self.error is None:
            self.error = _point("ebpc.decoder.error", ERROR_BINS)
        if not self.lane_points:
            self.lane_groups = lane_groups(top, self.cfg.hdl_params)
            for lanes, streams in self.lane_groups.items():
                for name, bins in lane_bins(lanes, streams).items():
                    self.lane_points[name] = _point(name, bins)

    def event(self, name: str) -> None:
        """A traffic event (ignored if it is not a bin of this top)."""
        if self.traffic is None or name not in self.traffic_bins:
            return
        self.traffic(name)
        if self._joints:
            now = get_sim_time()
            self._event_time[name] = now
            for a, b, joint in self._joints:
                if name in (a, b) and self._event_time.get(a) == now and self._event_time.get(b) == now:
                    self.traffic(joint)

    def activity(self, name: str, *, output: bool, framed: bool = True) -> StreamActivity:
        return StreamActivity(name, self.event, output=output, framed=framed)

    def sample_error(self, err: int) -> None:
        if self.error is None:
            return
        if err == 0:
            self.error("none")
        for i, name in enumerate(ERROR_BINS[:-1]):
            if err >> i & 1:
                self.error(name)

    def sample_transmission(self, values: list[int]) -> None:
        """Data coverage of one checked transmission (from the model's symbol trace)."""
        c = self.cfg
        for point, value in transmission_bins(values, c.width, c.block, c.max_zero_run):
            self.data_points[point](value)
        for lanes, streams in self.lane_groups.items():
            for point, value in transmission_lane_bins(values, c.width, c.block, c.max_zero_run, lanes, streams):
                self.lane_points[point](value)

    # -- output -------------------------------------------------------------------
    def report(self) -> dict:
        out = {}
        for name in sorted(coverage_db):
            item = coverage_db[name]
            if type(item).__name__ != "CoverPoint":
                continue
            out[name] = {"size": item.size, "covered": item.coverage,
                         "percent": round(item.cover_percentage, 2),
                         "bins": {str(k): v for k, v in item.detailed_coverage.items()}}
        return out

    def save(self) -> None:
        data = {"config": {"w": self.cfg.width, "n": self.cfg.block, "z": self.cfg.max_zero_run,
                           "seed": self.cfg.seed, "top": self.top},
                "coverage": self.report()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(data, indent=1))
