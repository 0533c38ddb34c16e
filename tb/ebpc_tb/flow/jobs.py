# SPDX-License-Identifier: Apache-2.0
"""The items of a multi-seed regression and the outcomes of their tests (pure).

An item (:class:`Job`) is one simulation: a seed x a simulator x a bench x a parameter set x a
group of its tests. :func:`plan_jobs` lists every item of a regression, :func:`shard` picks one
CI shard of them, and :func:`outcomes_from_junit` turns an item's cocotb results file into one
:class:`TestOutcome` per test, each with the command that reproduces it.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import random
import shlex
import xml.etree.ElementTree as ET
from typing import Any, Callable, ClassVar, Collection, Mapping, Sequence, TypeVar

from .. import spec
from ..spec import TB_DIR

__all__ = ["Config", "RANDOM_TESTS", "DEFAULT_SCALE", "JsonRow", "Job", "TestOutcome", "plan_jobs", "shard",
           "parse_shard", "bench_tests", "outcomes_from_junit", "progress_line"]

Config = tuple[int, int, int]

# The seed-dependent tests every bench has (tb/test_<top>.py).
RANDOM_TESTS = ("test_random", "test_corners", "test_coverage_closure", "test_vectors")
DEFAULT_SCALE = 0.15

_Row = TypeVar("_Row", bound="JsonRow")


class JsonRow:
    """A dataclass as a JSON object and back: its tuple fields (``json_tuples``: field -> the
    type of an element) are lists in JSON; keys that are no field are ignored on the way back."""

    json_tuples: ClassVar[dict[str, Callable[[Any], Any]]] = {}

    def to_json(self) -> dict[str, Any]:
        return dict(dataclasses.asdict(self), **{name: list(getattr(self, name)) for name in self.json_tuples})

    @classmethod
    def from_json(cls: type[_Row], row: Mapping[str, Any]) -> _Row:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in row.items() if k in names}
        values.update({name: tuple(map(kind, values[name])) for name, kind in cls.json_tuples.items()
                       if name in values})
        return cls(**values)


@dataclasses.dataclass(frozen=True)
class Job(JsonRow):
    """One item: a bench at one parameter set with one base seed, some of its tests (a group)."""

    seed: int
    sim: str
    top: str
    config: Config
    tests: tuple[str, ...]
    scale: float | None = None      # None: the default number of random transmissions
    full: bool = False
    group: str = ""                 # the test group's name when a bench's tests are split
    json_tuples = {"config": int, "tests": str}

    @property
    def name(self) -> str:
        w, n, z = self.config
        return f"s{self.seed}_{self.sim}_{self.top}_W{w}_N{n}_Z{z}" + (f"_{self.group}" if self.group else "")

    @property
    def build_key(self) -> tuple[str, str, Config]:
        """The build directory an item uses: items with one key share a build (and its files)."""
        return (self.sim, self.top, self.config)

    @property
    def sampled(self) -> bool:
        return self.scale is not None

    def command(self, tests: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> str:
        """The shell command running this job (or only ``tests`` of it) from the repository root."""
        w, n, z = self.config
        args = ["python", "-m", "ebpc_tb.flow.run", "--sim", self.sim, "--top", self.top, "--w", str(w),
                "--n", str(n), "--z", str(z), "--seed", str(self.seed),
                "--testcase", ",".join(tests if tests is not None else self.tests)]
        if self.scale is not None:
            args += ["--scale", str(self.scale)]
        if self.full:
            args.append("--full")
        prefix = [f"{k}={shlex.quote(v)}" for k, v in sorted((env or {}).items())]
        return " ".join(prefix + [shlex.quote(a) for a in args])


@dataclasses.dataclass(frozen=True)
class TestOutcome(JsonRow):
    """One cocotb test of one job."""

    seed: int
    sim: str
    top: str
    config: Config
    sampled: bool
    test: str
    status: str                     # "pass", "fail", "skip" or "error" (no result: build/crash/timeout)
    message: str                    # the failure message ("" when passed)
    reproduce: str
    seconds: float = 0.0
    json_tuples = {"config": int}

    @property
    def first_line(self) -> str:
        return self.message.strip().splitlines()[0] if self.message.strip() else ""

    @property
    def failed(self) -> bool:
        return self.status in ("fail", "error")


# -- planning ----------------------------------------------------------------------------------

def plan_jobs(seeds: Sequence[int], sims: Sequence[str], tops: Sequence[str],
              tests: Sequence[str] = RANDOM_TESTS, sample: int = 1, scale: float = DEFAULT_SCALE,
              full: bool = False, sweep: Sequence[Config] = tuple(spec.SWEEP_CONFIGS),
              default: Config = spec.DEFAULT_CONFIG,
              available: Mapping[str, Collection[str]] | None = None, split: bool = False) -> list[Job]:
    """Every job of the regression: per seed, each (sim, top) at the default parameters, then
    at ``sample`` parameter sets of the sweep drawn with that seed (the same for every bench).

    ``available`` (top -> the tests its bench has) narrows ``tests`` per bench; a bench with
    none of them is left out. ``split``: one item per test instead of one per bench run.
    """
    others = [c for c in sweep if tuple(c) != tuple(default)]
    jobs = []
    for seed in seeds:
        drawn = random.Random(f"regress:{seed}").sample(others, min(sample, len(others)))
        for sim in sims:
            for top in tops:
                mine = tuple(t for t in tests if available is None or t in available.get(top, ()))
                if not mine:
                    continue
                groups = [((t,), t) for t in mine] if split else [(mine, "")]
                for config, run_scale in [(tuple(default), None), *((tuple(c), scale) for c in drawn)]:
                    jobs += [Job(seed, sim, top, config, group, run_scale, full, name) for group, name in groups]
    return jobs


def parse_shard(raw: str) -> tuple[int, int]:
    """``I/N`` (1 <= I <= N) as (I, N); ValueError (one line) otherwise."""
    index, sep, count = raw.partition("/")
    if not sep or not index.strip().isdigit() or not count.strip().isdigit() or not 1 <= int(index) <= int(count):
        raise ValueError(f"--shard {raw!r}: I/N with 1 <= I <= N, e.g. 2/4")
    return int(index), int(count)


def shard(jobs: Sequence[Job], index: int, count: int) -> list[Job]:
    """Shard ``index`` of ``count`` (1-based): every count-th item, so each shard gets its share
    of every seed, bench and parameter set."""
    return [j for i, j in enumerate(jobs) if i % count == index - 1]


def bench_tests(top: str) -> set[str]:
    """The cocotb tests of the bench module of ``top`` (tb/<module>.py), as cocotb finds them:
    the tests in the module's namespace once imported (written out, or made by
    :func:`ebpc_tb.bench.scenarios.shared_tests`)."""
    from cocotb.regression import Test, TestGenerator  # noqa: PLC0415 (only where asked)

    path = TB_DIR / f"{spec.TOPS[top][1]}.py"
    if not path.is_file():
        return set()
    module_spec = importlib.util.spec_from_file_location(f"_ebpc_bench_{top}", path)
    assert module_spec is not None and module_spec.loader is not None, path
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return {name for name, obj in vars(module).items() if isinstance(obj, (Test, TestGenerator))}


def outcomes_from_junit(job: Job, xml_text: str | None, error: str = "", seconds: float = 0.0,
                        env: Mapping[str, str] | None = None) -> list[TestOutcome]:
    """The outcome of each test of ``job`` from its cocotb JUnit XML (None: no results file).

    A test of the job missing from the file (the simulation stopped, or the bench has no such
    test) is an error with ``error`` as its message.
    """
    found: dict[str, tuple[str, str]] = {}
    if xml_text:
        try:
            root = ET.fromstring(xml_text)
        except ET.ParseError as exc:
            error = f"bad results file: {exc}" + (f"; {error}" if error else "")
            root = None
        for case in root.iter("testcase") if root is not None else ():
            name = case.get("name", "?")
            bad = case.find("failure")
            if bad is None:
                bad = case.find("error")
            if bad is not None:
                found[name] = ("fail", bad.get("message") or (bad.text or "").strip() or "failed")
            elif case.find("skipped") is not None:
                found[name] = ("skip", "")
            else:
                found[name] = ("pass", "")
    out = []
    for test in job.tests:
        status, message = found.get(test, ("error", error or "no result (simulation stopped before this test?)"))
        out.append(TestOutcome(job.seed, job.sim, job.top, job.config, job.sampled, test, status, message,
                               job.command([test], env), seconds))
    return out


def progress_line(outcome: TestOutcome) -> str:
    """The line printed as each test's result comes in."""
    w, n, z = outcome.config
    mark = "FAIL" if outcome.failed else "ok  "
    return (f"[regress] {mark} seed {outcome.seed} {outcome.sim} {outcome.top} W{w}N{n}Z{z} {outcome.test}"
            + (f": {outcome.first_line}" if outcome.first_line else ""))
