# SPDX-License-Identifier: Apache-2.0
"""Random traffic: source gaps, sink backpressure and random levels on single inputs.

:class:`GapConfig`
    Random idle cycles a :class:`~ebpc_tb.bench.stream.StreamSource` inserts before a word.
:class:`BackpressureConfig`
    The random ``ready`` pattern of a :class:`~ebpc_tb.bench.stream.StreamSink`: per cycle,
    a stall of ``1..max_stall`` cycles starts with ``stall_prob``, else ``ready`` is high
    with ``ready_prob``.
:class:`LevelDriver`
    Drives a 1-bit signal with such a pattern, drawn a run at a time (:class:`ReadyRuns`).
:class:`RandomLevel`
    A 1-bit DUT input held high at random (the loopback's link stalls).
:func:`random_backpressure`, :func:`random_gaps`
    The regression's random mixes of the above.
"""

from __future__ import annotations

import dataclasses
import math
import random
from typing import Any, Callable, Optional

from .engine import CycleEngine
from .signals import Writer

__all__ = ["GapConfig", "BackpressureConfig", "ReadyRuns", "LevelDriver", "RandomLevel",
           "random_backpressure", "random_gaps"]


@dataclasses.dataclass
class GapConfig:
    """Random idle cycles before each word of a source.

    ``prob``: chance of a gap before a word, its length uniform in ``1..max_gap``;
    ``long_prob``/``long_max``: occasional long gaps of ``1..long_max`` cycles.
    """

    prob: float = 0.0
    max_gap: int = 3
    long_prob: float = 0.0
    long_max: int = 100

    def draw(self, rng: random.Random) -> int:
        """Idle cycles before the next word."""
        if self.long_prob and rng.random() < self.long_prob:
            return rng.randint(1, self.long_max)
        if self.prob and rng.random() < self.prob:
            return rng.randint(1, self.max_gap)
        return 0

    @property
    def active(self) -> bool:
        return bool(self.prob or self.long_prob)

    @property
    def longest(self) -> int:
        """The longest gap a long draw can make (0 without long gaps): the watchdog's margin."""
        return self.long_max if self.long_prob else 0


@dataclasses.dataclass
class BackpressureConfig:
    """Random ``ready`` pattern: each cycle high with ``ready_prob``; with ``stall_prob`` a
    stall of ``1..max_stall`` cycles (``ready`` low throughout) starts instead."""

    ready_prob: float = 1.0
    stall_prob: float = 0.0
    max_stall: int = 200

    @classmethod
    def always_ready(cls) -> "BackpressureConfig":
        return cls()

    @property
    def always(self) -> bool:
        return self.ready_prob >= 1.0 and not self.stall_prob

    @property
    def longest(self) -> int:
        """The longest stall (0 without stalls): the watchdog's margin."""
        return self.max_stall if self.stall_prob else 0


class ReadyRuns:
    """The level pattern of a :class:`BackpressureConfig`, drawn a run at a time.

    Per cycle, independently: with ``stall_prob`` a stall of ``1..max_stall`` low cycles
    starts, else the level is high with ``ready_prob``. The high cycles before the next low
    one are geometric, so one draw gives the whole run: the same pattern distribution as a
    draw per cycle, at a fraction of the Python work (the drivers run every cycle).
    """

    __slots__ = ("rng", "stall_prob", "max_stall", "_low_share", "_log_keep")

    def __init__(self, cfg: BackpressureConfig, rng: random.Random) -> None:
        self.rng = rng
        self.stall_prob = cfg.stall_prob
        self.max_stall = cfg.max_stall
        s = cfg.stall_prob
        # chance a cycle is not plainly high (> 0: only a random pattern gets here)
        q = s + (1.0 - s) * (1.0 - cfg.ready_prob)
        self._low_share = s / q                               # of those, the share starting a stall
        self._log_keep = math.log1p(-q) if q < 1.0 else 0.0   # 0.0: no high cycle at all

    def draw(self) -> tuple[int, int]:
        """(high cycles, then low cycles >= 1) of the next run."""
        rng = self.rng
        lk = self._log_keep
        high = 0 if lk == 0.0 else int(math.log(1.0 - rng.random()) / lk)
        if self.stall_prob and rng.random() < self._low_share:
            return high, rng.randint(1, self.max_stall)
        return high, 1


class LevelDriver:
    """Drives a 1-bit signal with a :class:`ReadyRuns` pattern; ``high`` is the signal's level
    in the pattern's high runs. A ``None``/always-high config holds one level.

    While a random pattern runs, the driver is one of the engine's per-cycle drivers: a
    count-down per cycle costs less than scheduling each change, since random ``ready``
    patterns change level every cycle or two. :attr:`level` is the level driven in the
    current cycle: a monitor of the stream reads it instead of the signal (a DUT input
    carries exactly what was written), and :attr:`on_change` (if set) is called with each
    new level.
    """

    __slots__ = ("_out", "_high", "_runs", "_left", "_low_next", "_engine", "level", "on_change")

    def __init__(self, handle: Any, high: int, engine: CycleEngine) -> None:
        self._out = Writer(handle, 0)
        self.level = 0
        self.on_change: Optional[Callable[[int], None]] = None
        self._high = high
        self._runs: Optional[ReadyRuns] = None
        self._left = 0          # cycles the current level still holds
        self._low_next = 0      # the low run after the current high run (0: none pending)
        self._engine = engine

    def _set(self, level: int) -> None:
        if level != self.level:
            self.level = level
            self._out(level)
            if self.on_change is not None:
                self.on_change(level)

    def configure(self, cfg: BackpressureConfig | None, rng: random.Random, level: int) -> None:
        """A new pattern from the next edge on (``None``/always-high: hold ``level`` from now on)."""
        self._runs = ReadyRuns(cfg, rng) if cfg is not None and not cfg.always else None
        self._left = self._low_next = 0
        self._set(level)
        # in the engine's per-cycle list only while there is a pattern to drive
        if self._runs is None:
            self._engine.remove(drive=self.drive)
        elif self.drive not in self._engine.drivers:
            self._engine.add(drive=self.drive)

    def drive(self) -> None:
        """After a rising edge: count the current run down, or start the next one."""
        if self._left:
            self._left -= 1
            return
        if self._low_next:                  # the high run is over: its low run
            self._left = self._low_next - 1
            self._low_next = 0
            self._set(1 - self._high)
            return
        high, low = self._runs.draw()
        if high:
            self._left, self._low_next = high - 1, low
            self._set(self._high)
        else:
            self._left = low - 1
            self._set(1 - self._high)


class RandomLevel:
    """A 1-bit DUT input driven high at random (e.g. the loopback's link stalls).

    ``cfg.ready_prob`` is the chance of a low cycle; ``stall_prob`` starts a run of
    ``1..max_stall`` high cycles. ``None`` or an always-ready config holds it low.
    """

    def __init__(self, handle: Any, engine: CycleEngine, cfg: BackpressureConfig | None = None,
                 rng: random.Random | None = None) -> None:
        self._level = LevelDriver(handle, 0, engine)
        self.configure(cfg, rng or random.Random(0))

    def configure(self, cfg: BackpressureConfig | None, rng: random.Random) -> None:
        self._level.configure(cfg, rng, 0)

    @property
    def level(self) -> int:
        """The level driven in the current cycle."""
        return self._level.level


def random_backpressure(rng: random.Random, heavy: bool = False) -> BackpressureConfig:
    """A random ready pattern: always ready, mild, heavy, or with long stalls
    (``heavy``: heavy with stalls)."""
    if heavy:
        return BackpressureConfig(ready_prob=rng.choice([0.1, 0.3, 0.5]),
                                  stall_prob=0.01, max_stall=rng.choice([50, 200]))
    kind = rng.choice(["always", "mild", "mild", "heavy", "stalls"])
    if kind == "always":
        return BackpressureConfig()
    if kind == "mild":
        return BackpressureConfig(ready_prob=rng.choice([0.6, 0.8, 0.95]))
    if kind == "heavy":
        return BackpressureConfig(ready_prob=rng.choice([0.1, 0.25, 0.4]))
    return BackpressureConfig(ready_prob=0.9, stall_prob=0.005, max_stall=rng.choice([40, 150]))


def random_gaps(rng: random.Random) -> GapConfig:
    """A random gap pattern: none, some, many, or with long gaps."""
    kind = rng.choice(["none", "none", "some", "many", "long"])
    if kind == "none":
        return GapConfig()
    if kind == "some":
        return GapConfig(prob=0.2, max_gap=3)
    if kind == "many":
        return GapConfig(prob=0.6, max_gap=6)
    return GapConfig(prob=0.1, max_gap=3, long_prob=0.005, long_max=120)
