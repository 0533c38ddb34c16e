# SPDX-License-Identifier: Apache-2.0
"""The model works with the lowest numpy that pyproject.toml declares.

A venv with exactly that numpy (from PyPI, nothing else installed) is built once under
build/numpy-floor/ and reused; the model (model/ on PYTHONPATH, not installed) then runs
every bundled conformance case (encode and decode), a random round trip, the worst-case
sizes and the command line's encode/decode there. Building the venv takes about 15 s the
first time (pip download of one wheel); later runs take a few seconds.

EBPC_SKIP_NUMPY_FLOOR=1 skips it (e.g. offline); nothing else does: without PyPI it fails.
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = REPO / "pyproject.toml"

CHECK = r"""
import sys, tempfile, pathlib
import numpy as np
want = sys.argv[1]
assert np.__version__ == want, f"numpy {np.__version__} in the venv, expected {want}"
import ebpc
from ebpc.cli import main
cases = ebpc.bundled_cases()
for c in cases:
    enc = ebpc.encode(c.values, c.w, c.n, c.z)
    assert [int(x) for x in enc.znz] == c.znz and [int(x) for x in enc.bpc] == c.bpc, c.name
    assert ebpc.decode(c.znz, c.bpc, len(c.values), c.w, c.n, c.z).tolist() == c.values, c.name
rng = np.random.default_rng(5)
words = np.where(rng.random(5000) < 0.5, 0, rng.integers(-2**15, 2**15, 5000))
enc = ebpc.encode(words, 16, 16, 64)
assert (ebpc.decode(enc.znz, enc.bpc, words.size, 16, 16, 64) == words).all()
assert enc.znz.size <= ebpc.worst_case_words(words.size, 16, 16, 64).znz_words
ebpc.compare(words, 16, 16, 64)
with tempfile.TemporaryDirectory() as tmp:
    maps = words.reshape(2, 50, 50).astype(np.int16)
    np.save(f"{tmp}/m.npy", maps)
    assert main(["encode", f"{tmp}/m.npy", "-o", f"{tmp}/m.npz", "-w", "16"]) == 0
    assert main(["decode", f"{tmp}/m.npz", "-o", f"{tmp}/b.npy"]) == 0
    assert (np.load(f"{tmp}/b.npy") == maps).all()
print(f"model OK under numpy {np.__version__}: {len(cases)} conformance cases")
"""


def declared_numpy_floor(pyproject: Path = PYPROJECT) -> str:
    """The version of `numpy>=X` in [project] dependencies."""
    text = pyproject.read_text()
    deps = re.search(r"^dependencies\s*=\s*\[(.*?)\]", text, re.S | re.M)
    assert deps, "pyproject.toml has no [project] dependencies list"
    match = re.search(r'"numpy\s*>=\s*([0-9][0-9.]*)', deps.group(1))
    assert match, "pyproject.toml declares no numpy floor (numpy>=X)"
    return match.group(1)


def _exact(version: str) -> str:
    """numpy's own spelling of a release: 2.0 -> 2.0.0."""
    parts = version.split(".")
    return ".".join(parts + ["0"] * (3 - len(parts)))


def _venv_python(floor: str) -> Path:
    tag = f"numpy-{floor}-py{sys.version_info.major}{sys.version_info.minor}"
    venv = REPO / "build" / "numpy-floor" / tag
    python = venv / "bin" / "python"
    ready = venv / ".ready"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f".{tag}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)      # parallel pytest workers build it once
        if not ready.exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, timeout=300)
            pip = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                                  "--only-binary=:all:", f"numpy=={floor}"],
                                 capture_output=True, text=True, timeout=600)
            if pip.returncode != 0:
                pytest.fail(f"cannot install numpy=={floor} into {venv} (PyPI needed; "
                            f"EBPC_SKIP_NUMPY_FLOOR=1 skips this test):\n{pip.stderr[-2000:]}")
            ready.write_text(floor + "\n")
    return python


def test_declared_floor_is_numpy_2() -> None:
    """np.bitwise_count (model/ebpc/codec.py) first appeared in numpy 2.0."""
    floor = tuple(int(x) for x in declared_numpy_floor().split("."))
    assert floor >= (2, 0)


def test_model_runs_under_the_lowest_declared_numpy() -> None:
    if os.environ.get("EBPC_SKIP_NUMPY_FLOOR") == "1":
        pytest.skip("EBPC_SKIP_NUMPY_FLOOR=1")
    floor = declared_numpy_floor()
    python = _venv_python(floor)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PYTHONPATH"] = str(REPO / "model")
    env["PYTHONNOUSERSITE"] = "1"
    done = subprocess.run([str(python), "-c", CHECK, _exact(floor)], cwd=REPO / "build",
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, f"the model fails under numpy {floor}:\n{done.stdout}{done.stderr[-3000:]}"
    assert "model OK" in done.stdout
