# SPDX-License-Identifier: Apache-2.0
"""Licence: LICENSE holds the Apache-2.0 text that pyproject.toml declares, and every source
file carries an SPDX line (first line, or second after a shebang or FuseSoC's `CAPI=2:`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ebpc_tb.spec import REPO_DIR

SPDX = "SPDX-License-Identifier: Apache-2.0"
SOURCE_SUFFIXES = (".py", ".sv", ".v", ".svh", ".sh", ".core", ".yml", ".yaml", ".toml")
SOURCE_NAMES = ("Makefile", "run")


def _source_files() -> list[Path]:
    """Tracked and new (not ignored) files of the repository that are source code."""
    listing = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO_DIR,
                             capture_output=True, text=True, check=True).stdout.split("\n")
    files = []
    for name in sorted(set(filter(None, listing))):
        path = REPO_DIR / name
        if path.is_file() and (path.suffix in SOURCE_SUFFIXES or path.name in SOURCE_NAMES):
            files.append(path)
    return files


def test_license_file_is_apache_2():
    text = (REPO_DIR / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert 'license = { text = "Apache-2.0" }' in (REPO_DIR / "pyproject.toml").read_text()


def test_every_source_file_has_an_spdx_line():
    files = _source_files()
    assert len(files) > 50, "git listed too few source files"
    missing = []
    for path in files:
        lines = path.read_text(errors="replace").splitlines()[:2]
        head = lines[1:2] if lines and lines[0].startswith(("#!", "CAPI=")) else lines[:1]
        if not head or SPDX not in head[0]:
            missing.append(str(path.relative_to(REPO_DIR)))
    assert not missing, (f"{len(missing)} source files lack '{SPDX}' as their first line "
                         f"(after a shebang): {missing}")
