# SPDX-License-Identifier: Apache-2.0
"""Verilator code coverage data summed as the items' results arrive.

Every item sends back its ``coverage_*.dat`` (about 0.7 MB of text at W=8: 40 items of a
regression made 29 MB). The client does not keep one file per item: it sums the counts of each
coverage point per build (one bench at one parameter set, whose points are the same lines in
every run of it) and writes one ``<sim>_<top>_W<w>_N<n>_Z<z>.dat`` per build at the end, in
Verilator's own format (``# SystemC::Coverage-3``, then ``C '<point>' <count>`` lines), which
:mod:`ebpc_tb.reports.codecov` merges over builds as before. A point's count is the sum over
the items, so a point is hit in the sum when any item hit it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Iterable

__all__ = ["HEADER", "CoverageSums", "sum_files"]

HEADER = b"# SystemC::Coverage-3"
_POINT = re.compile(rb"^C '(.*)' (\d+)\s*$")


class CoverageSums:
    """Per build name, each point's count summed over the data added."""

    def __init__(self) -> None:
        self.builds: dict[str, dict[bytes, int]] = defaultdict(dict)
        self.runs: dict[str, int] = defaultdict(int)

    def add(self, build: str, data: bytes) -> None:
        """One run's .dat contents (lines that are no coverage point are skipped)."""
        counts = self.builds[build]
        for line in data.splitlines():
            m = _POINT.match(line)
            if m:
                counts[m.group(1)] = counts.get(m.group(1), 0) + int(m.group(2))
        self.runs[build] += 1

    def text(self, build: str) -> bytes:
        lines = [HEADER] + [b"C '" + point + b"' " + str(n).encode() for point, n in self.builds[build].items()]
        return b"\n".join(lines) + b"\n"

    def write(self, folder: Path) -> list[Path]:
        """One ``<build>.dat`` per build into ``folder``; the files written."""
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for build in self.builds:
            path = folder / f"{build}.dat"
            path.write_bytes(self.text(build))
            out.append(path)
        return out


def sum_files(groups: Iterable[tuple[str, Path]], folder: Path) -> list[Path]:
    """Files of several shards summed by name (``groups``: (build name, file)) into ``folder``."""
    sums = CoverageSums()
    for build, path in groups:
        sums.add(build, path.read_bytes())
    return sums.write(folder)
