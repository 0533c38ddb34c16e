# SPDX-License-Identifier: Apache-2.0
"""The one place that knows the parameter space and how a simulation run is configured.

Everything else asks this module: the flow (:mod:`ebpc_tb.flow`) turns a :class:`RunSpec`
into the environment of a simulation (:meth:`RunSpec.to_env`), the bench inside the
simulator (:mod:`ebpc_tb.bench`) reads it back (:meth:`RunSpec.from_env`) and checks the
parameters it relies on against the DUT; the knobs of ``make test`` are
:class:`FlowOptions`.  No other module reads an ``EBPC_*`` variable
(``tb/tests/test_spec.py`` holds the tree to that).

* the tops and their RTL modules, the default set, the sweep, the legal ranges
  (``rtl/ebpc_pkg.sv``), the RTL defaults of the further parameters (:func:`rtl_defaults`,
  held to the RTL itself by ``tb/tests/test_params_space.py``), sampled points of the
  whole space (:func:`sample_configs`);
* seeds: :func:`fresh_seed`, :func:`parse_seed`;
* :class:`RunSpec`: one run, frozen; every field has one environment variable
  (:data:`RUN_VARIABLES`);
* :class:`FlowOptions`: what the user sets for ``make test`` (``EBPC_SIMS``,
  ``EBPC_SWEEP`` ...), read once per process.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import random
import secrets
from pathlib import Path
from typing import Mapping, Sequence

import ebpc

TB_DIR = Path(__file__).resolve().parent.parent          # .../tb
REPO_DIR = TB_DIR.parent
# The format's conformance cases, as bundled with the golden model.
CONFORMANCE_FILE = ebpc.BUNDLED_CASES
# Slices of real feature maps captured from trained networks (vectors/README.md).
COMMITTED_VECTORS = REPO_DIR / "vectors" / "data" / "stimulus_cases.json"


# Base seeds are positive and below 2**31 (cocotb passes the seed on as a C int).
SEED_LIMIT = 2**31 - 1


def fresh_seed() -> int:
    """A new base seed from the operating system's entropy, in 1 .. 2**31-1."""
    return secrets.randbelow(SEED_LIMIT - 1) + 1


def parse_seed(raw: str, source: str = "seed") -> int:
    """A base seed from text (decimal or 0x..); ValueError with a one-line message if bad."""
    try:
        value = int(raw.strip(), 0)
    except ValueError:
        raise ValueError(f"{source}={raw!r} is not an integer") from None
    if not 0 <= value <= SEED_LIMIT:
        raise ValueError(f"{source}={raw!r} is outside 0..{SEED_LIMIT}")
    return value



# -- the parameter space (rtl/ebpc_pkg.sv; the headers of rtl/ebpc_encoder.sv, rtl/ebpc_decoder.sv) --

TOPS = {
    "encoder": ("ebpc_encoder", "test_encoder"),
    "decoder": ("ebpc_decoder", "test_decoder"),
    "loopback": ("ebpc_loopback", "test_loopback"),
    "axis_encoder": ("ebpc_axis_encoder", "test_axis_encoder"),
    "axis_decoder": ("ebpc_axis_decoder", "test_axis_decoder"),
}

DEFAULT_CONFIG = (8, 8, 16)
SWEEP_CONFIGS = [(w, n, z) for w in (8, 16, 32) for n in (8, 16) for z in (2, 16, 64)]
# Half of the sweep holding every pair of parameter values, (W, N), (W, Z) and (N, Z), at
# least once (a covering array of strength 2).
PAIRWISE_CONFIGS = [(8, 8, 2), (8, 16, 16), (8, 8, 64), (16, 16, 2), (16, 8, 16), (16, 16, 64),
                    (32, 8, 2), (32, 16, 16), (32, 16, 64)]


# -- the legal parameter space (rtl/ebpc_encoder.sv, rtl/ebpc_decoder.sv headers) ------------

WIDTHS = (8, 16, 32)
ZERO_RUNS = tuple(1 << k for k in range(1, 9))        # Z: powers of two 2..256
COUNT_WIDTH_MIN = 8      # the decoder's minimum (the encoder's is 1; the loopback shares one)
COUNT_WIDTH_MAX = 32     # the decoder's maximum (the encoder's is 64)
LANES = (1, 2, 4, 8)     # words per beat (every core's Lanes; the loopback's DecLanes)


def enc_planes_per_cycle(width: int, lanes: int = 1) -> int:
    """The encoder's default PlanesPerCycle (rtl/ebpc_pkg.sv: enc_planes_per_cycle)."""
    if lanes <= 1:
        return 2 if width == 8 else 3
    cycles = (11 if width == 32 else 8) // lanes
    if width <= 16 and cycles >= 4:
        cycles -= 1
    cycles = max(1, cycles)
    return (width + cycles) // cycles


def dec_planes_per_cycle(width: int, lanes: int = 1) -> int:
    """The decoder's default PlanesPerCycle (rtl/ebpc_pkg.sv: dec_planes_per_cycle_lanes)."""
    if lanes <= 1:
        return 1 if width <= 8 else 2
    if lanes >= 8 or (lanes == 4 and width > 8):
        return width + 1
    return (width + 2) // 2 if lanes == 4 else (width + 4) // 4


def rtl_defaults(top: str, width: int, lanes: int = 1, dec_lanes: int | None = None) -> dict[str, int]:
    """The RTL's default values of the parameters beyond W/N/Z for one top (held to the RTL's
    own defaults by tb/tests/test_params_space.py); ``dec_lanes``: the loopback's DecLanes
    (default ``lanes``), which sets its decoder's PlanesPerCycle."""
    dec_lanes = lanes if dec_lanes is None else dec_lanes
    enc_ppc = enc_planes_per_cycle(width, lanes)
    dec_ppc = dec_planes_per_cycle(width, lanes if top != "loopback" else dec_lanes)
    if top in ("encoder", "axis_encoder"):
        return {"PlanesPerCycle": enc_ppc, "CountWidth": 16, "EnableCounts": 0, "Lanes": lanes}
    if top in ("decoder", "axis_decoder"):
        return {"PlanesPerCycle": dec_ppc, "CountWidth": 16, "Lanes": lanes}
    return {"PlanesPerCycle": dec_ppc, "EncPlanesPerCycle": enc_ppc, "CountWidth": 16, "Lanes": lanes,
            "DecLanes": dec_lanes}


@dataclasses.dataclass(frozen=True)
class SampledConfig:
    """One point drawn from the whole legal space: W, N, Z, both cores' PlanesPerCycle,
    CountWidth (shared, as in the loopback), the encoder's EnableCounts and the words per
    beat: ``lanes`` of the encoder (and the loopback's), ``dec_lanes`` of the decoder (the
    loopback's DecLanes)."""

    config: tuple[int, int, int]
    enc_planes: int
    dec_planes: int
    count_width: int
    enable_counts: int
    enc_count_width: int     # the encoder's own: count_width with EnableCounts=1, else 1..64
    lanes: int = 1
    dec_lanes: int = 1

    def params(self, top: str) -> dict[str, int]:
        """The HDL parameters of ``top`` at this point (besides W/N/Z)."""
        # (Lanes only where it is not 1: the single-lane builds keep their names)
        if top in ("encoder", "axis_encoder"):
            return {"PlanesPerCycle": self.enc_planes, "CountWidth": self.enc_count_width,
                    "EnableCounts": self.enable_counts, **({"Lanes": self.lanes} if self.lanes > 1 else {})}
        if top in ("decoder", "axis_decoder"):
            return {"PlanesPerCycle": self.dec_planes, "CountWidth": self.count_width,
                    **({"Lanes": self.dec_lanes} if self.dec_lanes > 1 else {})}
        lanes = {"Lanes": self.lanes, "DecLanes": self.dec_lanes} if max(self.lanes, self.dec_lanes) > 1 else {}
        return {"PlanesPerCycle": self.dec_planes, "EncPlanesPerCycle": self.enc_planes,
                "CountWidth": self.count_width, **lanes}

    def describe(self) -> str:
        w, n, z = self.config
        return (f"W={w} N={n} Z={z} enc PlanesPerCycle={self.enc_planes} dec PlanesPerCycle="
                f"{self.dec_planes} CountWidth={self.count_width} EnableCounts={self.enable_counts}"
                f" (encoder alone: CountWidth={self.enc_count_width}) Lanes={self.lanes}"
                f" DecLanes={self.dec_lanes} (decoder alone: Lanes={self.dec_lanes})")


# make test's budget for a sampled set: the encoder's PlanesPerCycle x BlockSize, which sets
# the size of its BPC coder and so the Verilator build time, grows it faster than linearly
# (measured: 16 x 32 = 512 builds in 18 s, 30 x 56 = 1680 in 101 s, and the loopback builds
# it again). FULL=1 and make regress draw from the whole space.
QUICK_ENCODER_PLANE_BITS = 512


def sample_configs(seed: int, count: int, max_encoder_plane_bits: int | None = None) -> list[SampledConfig]:
    """``count`` points of the legal space drawn from ``seed`` (the same seed, the same points).

    W uniform over 8/16/32, N uniform over 2..2W, Z over the eight powers of two, each
    PlanesPerCycle uniform over 1..W+1, CountWidth uniform over its minimum .. 32
    (COUNT_WIDTH_MIN: the bench then keeps every transmission and stream within it), and
    EnableCounts 0/1; the encoder alone gets its own CountWidth, 1..64, when it does not count;
    Lanes and DecLanes each uniform over 1/2/4/8 (every PlanesPerCycle is legal at every Lanes:
    rtl/ebpc_encoder.sv checks 1..W+1 only).
    With ``max_encoder_plane_bits``, a draw whose encoder PlanesPerCycle x N exceeds it is
    drawn again (from the same seeded stream): the legal space less its slowest builds.
    """
    import random  # noqa: PLC0415

    rng = random.Random(f"ebpc-sampled-configs:{seed}")
    out = []
    while len(out) < count:
        w = rng.choice(WIDTHS)
        config = (w, rng.randint(2, 2 * w), rng.choice(ZERO_RUNS))
        enc_planes, dec_planes = rng.randint(1, w + 1), rng.randint(1, w + 1)
        count_width, enable_counts = rng.randint(COUNT_WIDTH_MIN, COUNT_WIDTH_MAX), rng.randint(0, 1)
        enc_count_width = count_width if enable_counts else rng.randint(1, 64)
        lanes, dec_lanes = rng.choice(LANES), rng.choice(LANES)
        if max_encoder_plane_bits is not None and enc_planes * config[1] > max_encoder_plane_bits:
            continue
        out.append(SampledConfig(config, enc_planes, dec_planes, count_width, enable_counts,
                                 enc_count_width, lanes, dec_lanes))
    return out


def max_length_for(top: str, params: Mapping[str, object] | None) -> int:
    """Longest transmission the bench may send to this build (0: no limit below the bench's).

    With CountWidth set: L must fit it (decoder, loopback), and so must the word counts of
    each stream when the encoder counts them (EnableCounts=1, and always in the loopback):
    a stream has at most 1.7 words per input word (N=2), so L is kept to half the range.
    """
    if not params or "CountWidth" not in params:
        return 0
    limit = (1 << int(params["CountWidth"])) - 1
    if top in ("encoder", "axis_encoder"):
        return limit // 2 if int(params.get("EnableCounts", 0) or 0) == 1 else 0
    return limit // 2 if top == "loopback" else limit




# -- one run: the flow writes it into the simulation's environment, the bench reads it -------

def _text_to(kind: type, name: str, raw: str):
    """One environment value as the field's type; ValueError naming the variable if bad."""
    try:
        if kind is bool:
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if kind is int:
            return int(raw, 0)
        if kind is float:
            return float(raw)
        if kind is tuple:           # HDL parameters: "Name=value,Name=value"
            return tuple(sorted((k.strip(), int(v, 0)) for k, v in
                                (item.split("=", 1) for item in raw.split(",") if item.strip())))
    except ValueError:
        raise ValueError(f"environment variable {name}={raw!r} is not a valid {kind.__name__}") from None
    return raw


def _to_text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ",".join(f"{k}={v}" for k, v in value)
    return str(value)


@dataclasses.dataclass(frozen=True)
class RunSpec:
    """One simulation run: the build's parameters and what the bench does with them.

    The flow builds one (:func:`ebpc_tb.flow.runner.run`), :meth:`to_env` writes it into the
    simulation's environment and the bench reads it back with :meth:`from_env`: the same
    value, field for field (``RunSpec.from_env(s.to_env()) == s``).
    """

    width: int = 8                  # DataWidth
    block: int = 8                  # BlockSize
    max_zero_run: int = 16          # MaxZeroRun
    params: tuple[tuple[str, int], ...] = ()    # the build's further HDL parameters, sorted
    seed: int = 1                   # base seed; a test's own: test_seed(name)
    full: bool = False              # the large run (10x transmissions, longer streams)
    scale: float = 1.0              # multiplier on the number of random transmissions
    vectors: str | None = None      # real-data case file (default: vectors/data/stimulus_cases.json)
    vectors_exact: bool = False     # test_vectors: only (and all) the file's cases of this set
    coverage: str | None = None     # functional coverage JSON to write
    max_length: int = 0             # longest transmission to send (0: the bench's own limits)
    inject_fault: str | None = None  # bench self-test: corrupt an expected word (znz, bpc, out)
    select: str | None = None       # soak and throughput modules: the top whose test runs
    words: int = 0                  # soak: input words per run; throughput: words per transmission
    transmissions: int = 0          # throughput: back-to-back transmissions
    corrupt: int = 0                # soak: corrupted decoder transmissions
    results: str | None = None      # JSON-lines file the soak and throughput tests append to
    netlist: str | None = None      # the DUT is this gate-level netlist (ebpc_tb.flow.gls), not the RTL

    @classmethod
    def of(cls, config: Sequence[int], params: Mapping[str, object] | None = None, **fields) -> "RunSpec":
        """A spec for the parameter set ``config`` = (W, N, Z) and further HDL parameters."""
        w, n, z = (int(x) for x in config)
        return cls(w, n, z, tuple(sorted((k, int(v)) for k, v in (params or {}).items())), **fields)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "RunSpec":
        """The spec of the running simulation (its environment); unset variables: defaults."""
        environ = os.environ if environ is None else environ
        values = {}
        for field in dataclasses.fields(cls):
            raw = environ.get(RUN_VARIABLES[field.name], "")
            if raw.strip():
                values[field.name] = _text_to(_FIELD_TYPES[field.name], RUN_VARIABLES[field.name], raw)
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The environment variables of this spec (every field that is set)."""
        return {RUN_VARIABLES[f.name]: _to_text(getattr(self, f.name)) for f in dataclasses.fields(self)
                if getattr(self, f.name) not in (None, "")}

    @property
    def config(self) -> tuple[int, int, int]:
        return (self.width, self.block, self.max_zero_run)

    @property
    def hdl_params(self) -> dict[str, int]:
        return dict(self.params)

    @property
    def quick(self) -> bool:
        """A reduced run (sweep configs): shorter streams and stalls, fewer replays."""
        return self.scale < 1 and not self.full

    @property
    def is_default(self) -> bool:
        return self.config == DEFAULT_CONFIG

    def fits(self, length: int) -> bool:
        """Whether a transmission of ``length`` words may be sent (see ``max_length``)."""
        return self.max_length <= 0 or length <= self.max_length

    def count(self, base: int, minimum: int = 1) -> int:
        """Scale a number of random transmissions (``full`` x10, ``scale``)."""
        n = base * (10 if self.full else 1) * self.scale
        return max(minimum, int(round(n)))

    def rng(self, test_name: str) -> random.Random:
        """A :class:`random.Random` seeded from the base seed and the test name."""
        return random.Random(self.test_seed(test_name))

    def test_seed(self, test_name: str) -> int:
        digest = hashlib.sha256(f"{self.seed}:{test_name}".encode()).digest()
        return int.from_bytes(digest[:8], "little")

    def describe(self) -> str:
        return (f"W={self.width} N={self.block} Z={self.max_zero_run} seed={self.seed}"
                f"{' FULL' if self.full else ''}{f' scale={self.scale}' if self.scale != 1 else ''}")

    def reproduce_hint(self, top: str, test_name: str, sim: str = "") -> str:
        """The command that re-runs one test of this spec."""
        return (f"reproduce: python -m ebpc_tb.flow.run{' --sim ' + sim if sim else ''} --top {top} "
                f"--w {self.width} --n {self.block} --z {self.max_zero_run} --seed {self.seed} "
                f"--testcase {test_name}"
                + "".join(f" --param {k}={v}" for k, v in self.params)
                + (f" --vectors {self.vectors}" if self.vectors else "")
                + (f" --netlist {self.netlist}" if self.netlist else "")
                + (" --full" if self.full else "")
                + (f" --scale {self.scale}" if self.scale != 1 else ""))


# Each field's environment variable (the names are part of the documented interface:
# docs/verification.md).
RUN_VARIABLES = {
    "width": "EBPC_W", "block": "EBPC_N", "max_zero_run": "EBPC_Z", "params": "EBPC_PARAMS",
    "seed": "EBPC_SEED", "full": "EBPC_FULL", "scale": "EBPC_SCALE", "vectors": "EBPC_VECTORS",
    "vectors_exact": "EBPC_VECTORS_EXACT", "coverage": "EBPC_COVERAGE", "max_length": "EBPC_MAX_LENGTH",
    "inject_fault": "EBPC_INJECT_FAULT", "select": "EBPC_SELECT", "words": "EBPC_WORDS",
    "transmissions": "EBPC_TRANSMISSIONS", "corrupt": "EBPC_CORRUPT", "results": "EBPC_RESULTS",
    "netlist": "EBPC_NETLIST",
}
_FIELD_TYPES = {"width": int, "block": int, "max_zero_run": int, "params": tuple, "seed": int, "full": bool,
                "scale": float, "vectors": str, "vectors_exact": bool, "coverage": str, "max_length": int,
                "inject_fault": str, "select": str, "words": int, "transmissions": int, "corrupt": int,
                "results": str, "netlist": str}


# -- the knobs of make test (pytest and its simulations) ----------------------------------------

# The default regression's sweep (EBPC_FULL=1: every bench, both simulators, all 18 sets):
# the loopback (it holds encoder and decoder, instrumented for code coverage) over all 18 sets
# under Verilator; encoder and decoder over all 18 under Icarus and over the 9 pairwise sets
# under Verilator. That keeps `make test` under 15 minutes on two cores.
# The Lanes part of the sweep (tb/tests/test_sim_cores.py): (top, sim, (W, N, Z), Lanes, DecLanes)
# runs of the native benches at the sweep's scale; EBPC_FULL=1: every W x Lanes 2/4/8 for
# each top (lanes_sweep). Verilator for 8 lanes and W=32 (Icarus is slowest there).
# (The decoder with more lanes than block words, N = 4 at Lanes = 8, finishes two blocks in one
# cycle: code coverage needs that run, whatever the seed.)
SWEEP_LANES = [("encoder", "verilator", (8, 8, 16), 8, 8), ("encoder", "icarus", (16, 8, 16), 2, 2),
               ("decoder", "icarus", (8, 8, 16), 4, 4), ("decoder", "verilator", (16, 16, 16), 8, 8),
               ("decoder", "verilator", (8, 4, 16), 8, 8),
               ("loopback", "icarus", (8, 8, 16), 2, 4), ("loopback", "verilator", (16, 8, 2), 8, 8)]


def lanes_sweep(full: bool) -> list[tuple[str, str, tuple[int, int, int], int, int]]:
    """The Lanes runs of the regression's sweep: :data:`SWEEP_LANES`, or with ``full`` every
    (W, Lanes) of WIDTHS x (2, 4, 8) for the encoder, decoder and loopback (DecLanes = Lanes)."""
    if not full:
        return list(SWEEP_LANES)
    return [(top, "verilator" if lanes == 8 or w == 32 else "icarus", (w, 8, 16), lanes, lanes)
            for top in ("encoder", "decoder", "loopback") for w in WIDTHS for lanes in LANES[1:]]


DEFAULT_ICARUS_SWEEP = "encoder,decoder"
DEFAULT_PAIRWISE = "encoder,decoder"


@dataclasses.dataclass(frozen=True)
class FlowOptions:
    """What the user sets for a regression (``make test``, ``FULL=1``), from the environment.

    =========================== ========================================================
    ``EBPC_SEED``               base seed of every simulation (unset: a fresh one per regression)
    ``EBPC_FULL=1``             the large run
    ``EBPC_SIMS``               simulators (default ``icarus,verilator``)
    ``EBPC_SWEEP``              ``0``: the default parameter set only
    ``EBPC_SWEEP_SCALE``        random transmissions at sweep sets (default 0.15)
    ``EBPC_SWEEP_ICARUS``       tops swept under Icarus (default encoder,decoder; all with FULL)
    ``EBPC_SWEEP_VERILATOR``    tops swept under Verilator (default all)
    ``EBPC_SWEEP_PAIRWISE``     tops whose Verilator sweep is the pairwise half (none with FULL)
    ``EBPC_CODE_COVERAGE=1``    Verilator builds instrumented for code coverage
    ``EBPC_COVERAGE_DIR``       every run writes its functional coverage JSON here
    ``EBPC_JUNIT_DIR``          every run's cocotb JUnit XML is copied here
    ``EBPC_SAMPLED``            parameter sets drawn from the whole space (default 2; 8 with FULL)
    =========================== ========================================================
    """

    seed: str = ""
    full: bool = False
    sims: tuple[str, ...] = ("icarus", "verilator")
    sweep: bool = True
    sweep_scale: float = 0.15
    sweep_icarus: str = DEFAULT_ICARUS_SWEEP
    sweep_verilator: str = "all"
    sweep_pairwise: tuple[str, ...] = tuple(DEFAULT_PAIRWISE.split(","))
    code_coverage: bool = False
    coverage_dir: str = ""
    junit_dir: str = ""
    sampled: int = 2

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "FlowOptions":
        env = os.environ if environ is None else environ

        def get(name: str, default: str) -> str:
            raw = env.get(name, "")
            return raw.strip() if raw.strip() else default

        full = get("EBPC_FULL", "0") == "1"
        try:
            scale = float(get("EBPC_SWEEP_SCALE", "0.15"))
            sampled = max(0, int(get("EBPC_SAMPLED", "8" if full else "2")))
        except ValueError as exc:
            raise ValueError(f"EBPC_SWEEP_SCALE / EBPC_SAMPLED: {exc}") from None
        return cls(seed=get("EBPC_SEED", ""), full=full,
                   sims=tuple(s.strip() for s in get("EBPC_SIMS", "icarus,verilator").split(",") if s.strip()),
                   sweep=get("EBPC_SWEEP", "1") != "0", sweep_scale=scale,
                   sweep_icarus=get("EBPC_SWEEP_ICARUS", "all" if full else DEFAULT_ICARUS_SWEEP),
                   sweep_verilator=get("EBPC_SWEEP_VERILATOR", "all"),
                   sweep_pairwise=tuple(x for x in env.get("EBPC_SWEEP_PAIRWISE",
                                                           "" if full else DEFAULT_PAIRWISE).split(",") if x),
                   code_coverage=get("EBPC_CODE_COVERAGE", "0") == "1",
                   coverage_dir=get("EBPC_COVERAGE_DIR", ""), junit_dir=get("EBPC_JUNIT_DIR", ""),
                   sampled=sampled)


SEED_VARIABLE = RUN_VARIABLES["seed"]
# An environment update that keeps a run's build out of code coverage (provoked failures,
# builds whose code another build already covers).
NO_CODE_COVERAGE = {"EBPC_CODE_COVERAGE": "0"}
# The variables through which a regression collects what its runs write: a run that must not
# add to the regression's reports (a mutant's) clears them, and the fault injection with them.
FLOW_OUTPUT_VARIABLES = ("EBPC_CODE_COVERAGE", "EBPC_COVERAGE_DIR", "EBPC_JUNIT_DIR", "EBPC_INJECT_FAULT")
