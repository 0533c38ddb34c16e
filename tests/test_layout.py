# SPDX-License-Identifier: Apache-2.0
"""The tree keeps the shape docs/architecture.md draws: each top folder has its one job, and
no Python file grows past what one reader holds in mind (500 lines: split it by job)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MAX_LINES = 500
SOURCE_DIRS = ("model", "tb", "vectors", "rtl", "tests", ".ci")


def _python_files() -> list[Path]:
    return sorted(p for d in SOURCE_DIRS for p in (REPO / d).rglob("*.py")
                  if "__pycache__" not in p.parts and ".venv" not in p.parts)


def test_the_tree_has_python_files_to_measure() -> None:
    files = _python_files()
    assert len(files) > 50 and REPO / "tb" / "ebpc_tb" / "spec.py" in files


def test_no_python_file_is_over_500_lines() -> None:
    long = [f"{p.relative_to(REPO)}: {n} lines" for p in _python_files()
            if (n := len(p.read_text(errors="replace").splitlines())) > MAX_LINES]
    assert not long, f"split these by job (at most {MAX_LINES} lines a file):\n" + "\n".join(long)


def test_each_tb_layer_is_a_package() -> None:
    package = REPO / "tb" / "ebpc_tb"
    layers = sorted(p.name for p in package.iterdir() if (p / "__init__.py").is_file())
    assert layers == ["bench", "flow", "reports"]
    loose = sorted(p.name for p in package.glob("*.py") if p.name not in ("__init__.py", "spec.py"))
    assert not loose, f"modules outside the layers: {loose}"
