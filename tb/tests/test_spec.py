# SPDX-License-Identifier: Apache-2.0
"""The spec is the one place that knows how a run is configured, and the layers import downward.

* a :class:`RunSpec` turns into a simulation's environment and back unchanged;
* a bad value in that environment is one line naming the variable;
* no module of the bench, the flow or the reports (nor a cocotb test module) names an
  ``EBPC_*`` variable: they ask the spec;
* ``spec <- bench <- flow <- reports``: a module imports only its own layer and the ones
  below it, and the golden model imports none of them.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ebpc_tb import spec
from ebpc_tb.spec import FlowOptions, RunSpec

TB_DIR = spec.TB_DIR
PACKAGE = TB_DIR / "ebpc_tb"
LAYERS = {"spec": 0, "bench": 1, "flow": 2, "reports": 3}

_names = st.sampled_from(["PlanesPerCycle", "CountWidth", "EnableCounts", "EncPlanesPerCycle"])
_paths = st.one_of(st.none(), st.text("abc/_.-0123456789", min_size=1, max_size=20))
specs = st.builds(
    RunSpec,
    width=st.sampled_from(spec.WIDTHS), block=st.integers(2, 64), max_zero_run=st.sampled_from(spec.ZERO_RUNS),
    params=st.dictionaries(_names, st.integers(0, 64), max_size=3).map(lambda d: tuple(sorted(d.items()))),
    seed=st.integers(0, spec.SEED_LIMIT), full=st.booleans(),
    scale=st.floats(0.01, 10, allow_nan=False).map(lambda x: round(x, 3)),
    vectors=_paths, vectors_exact=st.booleans(), coverage=_paths, max_length=st.integers(0, 1 << 20),
    inject_fault=st.sampled_from([None, "znz", "bpc", "out"]),
    select=st.sampled_from([None, "encoder", "decoder", "loopback"]),
    words=st.integers(0, 10**7), transmissions=st.integers(0, 100), corrupt=st.integers(0, 1000), results=_paths)


@settings(max_examples=200, deadline=None)
@given(specs)
def test_a_run_spec_survives_the_environment(run_spec: RunSpec) -> None:
    env = run_spec.to_env()
    assert all(name.startswith("EBPC_") and isinstance(value, str) for name, value in env.items())
    assert RunSpec.from_env(env) == run_spec


def test_every_field_has_its_own_variable() -> None:
    fields = [f.name for f in dataclasses.fields(RunSpec)]
    assert sorted(spec.RUN_VARIABLES) == sorted(fields)
    assert len(set(spec.RUN_VARIABLES.values())) == len(fields)


def test_an_empty_environment_is_the_default_spec() -> None:
    assert RunSpec.from_env({}) == RunSpec()
    assert RunSpec.from_env({}).config == spec.DEFAULT_CONFIG


@pytest.mark.parametrize("name,raw", [("EBPC_W", "eight"), ("EBPC_SCALE", "fast"),
                                      ("EBPC_PARAMS", "PlanesPerCycle=two"), ("EBPC_MAX_LENGTH", "1.5")])
def test_a_bad_value_names_its_variable(name: str, raw: str) -> None:
    with pytest.raises(ValueError) as info:
        RunSpec.from_env({name: raw})
    message = str(info.value)
    assert name in message and raw in message and "\n" not in message


def test_flow_options_follow_full() -> None:
    quick, full = FlowOptions.from_env({}), FlowOptions.from_env({"EBPC_FULL": "1"})
    assert (quick.sampled, full.sampled) == (2, 8)
    assert quick.sweep_pairwise == ("encoder", "decoder") and full.sweep_pairwise == ()
    assert (quick.sweep_icarus, full.sweep_icarus) == (spec.DEFAULT_ICARUS_SWEEP, "all")
    assert FlowOptions.from_env({"EBPC_SIMS": "verilator", "EBPC_SWEEP": "0"}).sims == ("verilator",)
    with pytest.raises(ValueError, match="EBPC_SAMPLED"):
        FlowOptions.from_env({"EBPC_SAMPLED": "many"})


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py")) + sorted(TB_DIR.glob("test_*.py"))


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def test_only_the_spec_names_an_environment_variable() -> None:
    variable = re.compile(r"^EBPC_[A-Z_]+$")
    found = []
    for path in _modules():
        if path == PACKAGE / "spec.py":
            continue
        tree = ast.parse(path.read_text())
        docs = _docstrings(tree)
        found += [f"{path.relative_to(TB_DIR)}:{node.lineno}: {node.value}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in docs and variable.match(node.value)]
    assert not found, "read or set these through ebpc_tb.spec:\n" + "\n".join(found)


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "ebpc_tb" or len(parts) < 2:
        return None
    return LAYERS.get(parts[1])


def _imports(source: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import of a module of ``package``."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[:len(parts) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # "from ebpc_tb import spec" / "from .. import bench": the names are modules
            if module in ("ebpc_tb", "ebpc_tb.bench", "ebpc_tb.flow", "ebpc_tb.reports"):
                out += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
            else:
                out.append((node.lineno, module))
    return out


def _package_imports(path: Path) -> list[tuple[int, str]]:
    return _imports(path.read_text(), ".".join(path.relative_to(TB_DIR).parts[:-1]))


def test_imports_go_only_downward() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = _layer(".".join(path.relative_to(TB_DIR).with_suffix("").parts))
        if own is None:
            continue
        for line, module in _package_imports(path):
            theirs = _layer(module)
            if theirs is not None and theirs > own:
                wrong.append(f"{path.relative_to(TB_DIR)}:{line} imports {module}")
    assert not wrong, "imports must go down (spec <- bench <- flow <- reports):\n" + "\n".join(wrong)


def test_the_layer_check_resolves_relative_and_absolute_imports() -> None:
    """The check above must be able to fail: it sees what a bench module imports, however written."""
    source = "from ..flow import runner\nfrom ebpc_tb.reports import dashboard\nfrom .. import spec\nfrom . import stream\n"
    modules = [m for _, m in _imports(source, "ebpc_tb.bench")]
    assert modules == ["ebpc_tb.flow.runner", "ebpc_tb.reports.dashboard", "ebpc_tb.spec", "ebpc_tb.bench.stream"]
    assert [_layer(m) for m in modules] == [2, 3, 0, 1]


def test_the_model_imports_nothing_of_the_bench() -> None:
    offenders = []
    for path in sorted((spec.REPO_DIR / "model" / "ebpc").rglob("*.py")):
        offenders += [f"{path.name}:{line}: {m}" for line, m in _imports(path.read_text(), "ebpc")
                      if m.split(".")[0] in ("ebpc_tb", "ebpc_vectors")]
    assert not offenders, offenders
