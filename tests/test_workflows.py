# SPDX-License-Identifier: Apache-2.0
"""The GitHub workflows: actionlint finds nothing in them (and does find a broken one), every
push runs the README's two commands, and the nightly regression is a matrix of shards x
simulators whose results are merged into one dashboard artifact."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"


def _actionlint() -> str:
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    if not found:
        pytest.fail("actionlint is not installed (make setup installs it with the dev extra)")
    return found


def _lint(*files: Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_actionlint(), "-no-color", *map(str, files)], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


def _load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the key "on" as True
    data["on"] = data.pop(True, data.get("on"))
    return data


def _runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def test_actionlint_passes_every_workflow() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"ci.yml", "nightly.yml"}
    done = _lint(*files)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_finds_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n"
                      "      - run: echo ${{ matrix.nothing }}\n      - uses: actions/checkout@v4\n        with: 3\n")
    done = _lint(broken, cwd=tmp_path)
    assert done.returncode != 0 and "broken.yml" in done.stdout


def _readme_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", (REPO / "README.md").read_text(), re.S)
    assert block, "README.md has no sh block with its commands"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_every_push_runs_the_readmes_two_commands() -> None:
    ci = _load("ci.yml")
    assert "push" in ci["on"]
    commands = _readme_commands()
    assert commands == ["make setup", "make test"]
    (job,) = ci["jobs"].values()
    runs = [r.strip() for r in _runs(job)]
    assert [r for r in runs if r in commands] == commands, runs


def test_the_nightly_matrix_is_merged_into_one_dashboard() -> None:
    from ebpc_tb.flow.runner import SIMS

    nightly = _load("nightly.yml")
    assert "schedule" in nightly["on"]
    jobs = nightly["jobs"]
    matrix = jobs["regress"]["strategy"]["matrix"]
    shards = int(nightly["env"]["SHARDS"])
    assert matrix["shard"] == list(range(1, shards + 1)) and shards > 1
    assert set(matrix["sim"]) == set(SIMS)
    regress_runs = " ".join(_runs(jobs["regress"]))
    assert "make regress" in regress_runs and 'SHARD="$SHARD"' in regress_runs
    assert jobs["regress"]["steps"][-1]["with"]["path"] == "build/regress/"
    merge = jobs["merge"]
    assert "regress" in merge["needs"] and merge["if"] == "always()"
    assert any("make regress-merge" in r for r in _runs(merge))
    uploads = [s for s in merge["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert [u["with"]["name"] for u in uploads] == ["regress-dashboard"] and uploads[0]["with"]["path"] == "reports/"
