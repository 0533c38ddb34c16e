# SPDX-License-Identifier: Apache-2.0
"""Mutant generation for mutation testing (pure): which tokens of the RTL are mutated, into
what, how one mutant is applied to a file's text, and the deterministic sample that is run.

Operators (each mutant changes one token of one line):

- ``rel``: ``<`` <-> ``<=``, ``>`` <-> ``>=``, ``==`` <-> ``!=`` (a ``<=`` that is a
  non-blocking assignment is left alone)
- ``logic``: ``&&`` <-> ``||``
- ``neg``: a ``!`` or ``~`` dropped
- ``arith``: ``+`` <-> ``-``
- ``const``: ``1'b0`` <-> ``1'b1``, ``'0`` <-> ``'1``
- ``off1``: a decimal literal n -> n+1 (and n-1 for n > 0)

Only logic is mutated: comments, declarations, parameter checks and the ```ifndef SYNTHESIS``
assertion blocks are left alone. The sample (:func:`sample`) is spread over the files in
proportion to their mutant counts.
"""

from __future__ import annotations

import dataclasses
import random
import re
from pathlib import Path
from typing import Sequence

__all__ = ["Mutant", "mutants_of", "enumerate_mutants", "apply", "sample"]


@dataclasses.dataclass(frozen=True)
class Mutant:
    """One token of one RTL line replaced."""

    file: str          # file name in rtl/
    line: int          # 1-based
    col: int           # 0-based column of the token
    op: str            # operator class
    old: str           # token replaced
    new: str           # replacement
    text: str          # the original line (stripped)

    @property
    def ident(self) -> str:
        return f"{self.file}:{self.line}:{self.col}:{self.old}->{self.new}"

    def change(self) -> str:
        return f"`{self.old}` -> `{self.new}` in `{self.text}`"


_TOKEN = re.compile(r"===|!==|==|!=|<<<|>>>|<<|>>|<=|>=|&&|\|\||\+:|-:|\+\+|--|"
                    r"\d+'[bBdDhH][0-9a-fA-F_xXzZ]+|'[01]|\d+|[A-Za-z_$][A-Za-z0-9_$]*|\S")
_SKIP_LINE = re.compile(r"^\s*(logic|input|output|inout|localparam|parameter|module|endmodule|"
                        r"function|endfunction|int\s|typedef|`|\$|import|package)")
# Parameter checks (elaboration errors): a mutant there only breaks elaboration.
_PARAM_CHECK = re.compile(r"\$fatal|\$error|_ERROR_|\bgen_(bad_|param_error)")
# Parameter connections of instances (the structure, not the logic) and reset branches.
_SKIP_CONN = re.compile(r"^\s*\.(Depth|Width|DataWidth|BlockSize|MaxZeroRun|PlanesPerCycle|"
                        r"ChunkWidth|CountWidth|CountWords|MaxLen|Slack|EnableCounts)\b")


def _code_lines(text: str) -> list[tuple[int, str]]:
    """(line number, code without comment) of the lines that may be mutated."""
    out = []
    guard: list[bool] = []       # `ifdef stack: True where the branch holds assertions
    block_comment = False
    continued = False
    lines = text.splitlines()
    for number, raw in enumerate(lines, 1):
        line = raw
        if block_comment:
            if "*/" not in line:
                continue
            line = line.split("*/", 1)[1]
            block_comment = False
        line = re.sub(r"/\*.*?\*/", "", line)
        if "/*" in line:
            line, block_comment = line.split("/*", 1)[0], True
        line = line.split("//", 1)[0]
        stripped = line.strip()
        if stripped.startswith("`ifndef SYNTHESIS"):
            guard.append(True)
            continue
        if stripped.startswith(("`ifdef", "`ifndef")):
            guard.append(False)
            continue
        if stripped.startswith("`endif") and guard:
            guard.pop()
            continue
        if continued:                 # the rest of a declaration or parameter check
            continued = not stripped.endswith((";", "begin")) and "begin :" not in stripped
            continue
        if any(guard) or not stripped:
            continue
        if _PARAM_CHECK.search(line):
            continued = bool(re.search(r"\$(fatal|error)", line)) and not stripped.endswith(";")
            continue
        if _SKIP_LINE.match(line) or _SKIP_CONN.match(line) or "rst_ni" in line:
            continued = not stripped.endswith((";", ",", "(")) and not _SKIP_CONN.match(line)
            continue
        if stripped.startswith("if") and number < len(lines) and _PARAM_CHECK.search(lines[number]):
            continued = "begin" not in stripped
            continue
        out.append((number, line))
    return out


# Token -> (operator class, replacement); `<=` is handled apart (it may be an assignment).
_SWAPS: dict[str, tuple[str, str]] = {
    "<": ("rel", "<="), ">": ("rel", ">="), ">=": ("rel", ">"), "==": ("rel", "!="), "!=": ("rel", "=="),
    "&&": ("logic", "||"), "||": ("logic", "&&"), "!": ("neg", ""), "~": ("neg", ""),
    "+": ("arith", "-"), "-": ("arith", "+"),
    "1'b0": ("const", "1'b1"), "1'b1": ("const", "1'b0"), "'0": ("const", "'1"), "'1": ("const", "'0"),
}


def _line_mutants(fname: str, number: int, line: str) -> list[Mutant]:
    muts = []
    depth = 0
    seen_assign = False
    text = line.strip()
    for m in _TOKEN.finditer(line):
        tok, col = m.group(0), m.start()

        def add(op: str, new: str) -> None:
            muts.append(Mutant(fname, number, col, op, tok, new, text))

        if tok in "([{":
            depth += 1
        elif tok in ")]}":
            depth -= 1
        elif tok in ("=", "?"):
            seen_assign = True
        elif tok == "<=":
            if depth > 0 or seen_assign:
                add("rel", "<")
            else:
                seen_assign = True          # non-blocking assignment
        elif tok in _SWAPS:
            add(*_SWAPS[tok])
        elif tok.isdigit():
            after = line[m.end():m.end() + 1]
            if after == "'":          # a width or a cast size: not a value
                continue
            n = int(tok)
            add("off1", str(n + 1))
            if n > 0:
                add("off1", str(n - 1))
    return muts


def mutants_of(name: str, text: str) -> list[Mutant]:
    """Every mutant of the RTL file ``name`` whose source is ``text``, in file order."""
    return [m for number, line in _code_lines(text) for m in _line_mutants(name, number, line)]


def enumerate_mutants(files: Sequence[Path]) -> list[Mutant]:
    """Every mutant of the RTL files, file by file (reads them)."""
    return [m for path in files for m in mutants_of(path.name, path.read_text())]


def apply(mutant: Mutant, text: str) -> str:
    """``text`` (the mutant's file) with the mutant's token replaced; ValueError if it is not there."""
    lines = text.splitlines(keepends=True)
    line = lines[mutant.line - 1]
    if line[mutant.col:mutant.col + len(mutant.old)] != mutant.old:
        raise ValueError(f"{mutant.ident}: the token is not at its place")
    lines[mutant.line - 1] = line[:mutant.col] + mutant.new + line[mutant.col + len(mutant.old):]
    return "".join(lines)


def sample(muts: Sequence[Mutant], count: int, seed: int) -> list[Mutant]:
    """A deterministic sample of ``count`` mutants, spread over the files in proportion."""
    if count >= len(muts):
        return list(muts)
    rng = random.Random(seed)
    by_file: dict[str, list[Mutant]] = {}
    for m in muts:
        by_file.setdefault(m.file, []).append(m)
    chosen: list[Mutant] = []
    for fname in sorted(by_file):
        group = by_file[fname]
        share = max(1, round(count * len(group) / len(muts)))
        chosen.extend(rng.sample(group, min(share, len(group))))
    rng.shuffle(chosen)
    return sorted(chosen[:count], key=lambda m: (m.file, m.line, m.col, m.new))

