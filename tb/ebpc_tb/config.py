# SPDX-License-Identifier: Apache-2.0
"""Bench configuration read from the environment (set by :mod:`ebpc_tb.runner`).

=============== ===========================================================
``EBPC_W``       DataWidth (default 8)
``EBPC_N``       BlockSize (default 8)
``EBPC_Z``       MaxZeroRun (default 16)
``EBPC_SEED``    base random seed; every test derives its own from it and its name
                 (:meth:`TbConfig.test_seed`). The runner always sets it: ``make test``
                 draws a fresh one per regression unless ``SEED=`` is given
                 (:func:`ebpc_tb.pytest_support.session_seed`), ``make regress`` runs
                 several; a bench started by hand without it uses 1
``EBPC_VECTORS`` real-data vectors (conformance-case JSON; default: vectors/data/stimulus_cases.json)
``EBPC_SCALE``   multiplier on the number of random transmissions (float)
``EBPC_FULL``    ``1``: the large run (10x transmissions, longer streams)
``EBPC_COVERAGE`` path of a JSON file to write functional coverage to
``EBPC_MAX_LENGTH`` longest transmission to send (0 or unset: the bench's own limits); the
                 runner sets it for builds with a small ``CountWidth`` (L and the stream
                 word counts must fit it)
``EBPC_VECTORS_EXACT`` ``1``: test_vectors sends only the cases of EBPC_VECTORS stored for
                 this W, N, Z, with their streams (``make sim VECTORS=f`` runs each
                 parameter set of the file so), instead of adding narrower cases replayed
``EBPC_INJECT_FAULT`` bench self-test: corrupt one expected word of the third
                 transmission (``znz``, ``bpc`` or ``out``); the run must then fail
=============== ===========================================================
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import random
import secrets
from pathlib import Path

import ebpc

TB_DIR = Path(__file__).resolve().parent.parent          # .../tb
REPO_DIR = TB_DIR.parent
# The format's conformance cases, as bundled with the golden model.
CONFORMANCE_FILE = ebpc.BUNDLED_CASES
# Slices of real feature maps captured from trained networks (vectors/README.md).
COMMITTED_VECTORS = REPO_DIR / "vectors" / "data" / "stimulus_cases.json"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    if raw.strip() == "":
        return default
    try:
        return int(raw, 0)
    except ValueError as exc:
        raise ValueError(f"environment variable {name}={raw!r} is not an integer") from exc


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


def _env_bool(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclasses.dataclass(frozen=True)
class TbConfig:
    width: int = 8
    block: int = 8
    max_zero_run: int = 16
    seed: int = 1
    vectors: str | None = None
    full: bool = False
    scale: float = 1.0
    coverage: str | None = None
    inject_fault: str | None = None
    max_length: int = 0
    vectors_exact: bool = False

    @classmethod
    def from_env(cls) -> "TbConfig":
        scale = float(os.environ.get("EBPC_SCALE", "") or 1.0)
        return cls(
            width=_env_int("EBPC_W", 8),
            block=_env_int("EBPC_N", 8),
            max_zero_run=_env_int("EBPC_Z", 16),
            seed=_env_int("EBPC_SEED", 1),
            vectors=os.environ.get("EBPC_VECTORS") or None,
            full=_env_bool("EBPC_FULL"),
            scale=scale,
            coverage=os.environ.get("EBPC_COVERAGE") or None,
            inject_fault=os.environ.get("EBPC_INJECT_FAULT") or None,
            max_length=_env_int("EBPC_MAX_LENGTH", 0),
            vectors_exact=_env_bool("EBPC_VECTORS_EXACT"),
        )

    @property
    def quick(self) -> bool:
        """A reduced run (sweep configs): shorter streams and stalls, fewer replays."""
        return self.scale < 1 and not self.full

    @property
    def is_default(self) -> bool:
        return (self.width, self.block, self.max_zero_run) == (8, 8, 16)

    def fits(self, length: int) -> bool:
        """Whether a transmission of ``length`` words may be sent (see EBPC_MAX_LENGTH)."""
        return self.max_length <= 0 or length <= self.max_length

    def count(self, base: int, minimum: int = 1) -> int:
        """Scale a number of random transmissions (``EBPC_FULL`` x10, ``EBPC_SCALE``)."""
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

    def reproduce_hint(self, top: str, test_name: str) -> str:
        sim = ""
        try:
            import cocotb  # noqa: PLC0415
            name = (getattr(cocotb, "SIM_NAME", "") or "").lower()
            sim = "verilator" if "verilator" in name else "icarus" if "icarus" in name else ""
        except ImportError:
            pass
        return (f"reproduce: python -m ebpc_tb.run{' --sim ' + sim if sim else ''} --top {top} "
                f"--w {self.width} --n {self.block} "
                f"--z {self.max_zero_run} --seed {self.seed} --testcase {test_name}"
                + (f" --vectors {self.vectors}" if self.vectors else "")
                + (" --full" if self.full else "")
                + (f" --scale {self.scale}" if self.scale != 1 else ""))
