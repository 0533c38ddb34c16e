"""Helpers for the pytest wrappers in tb/tests: run one simulation in a subprocess.

Environment knobs for the regression:
    EBPC_SEED            base seed (default 1, fixed so the regression is reproducible)
    EBPC_FULL=1          the large run
    EBPC_SIMS            simulators to run (default "icarus,verilator")
    EBPC_SWEEP           "1" (default): include the parameter sweep; "0": default config only
    EBPC_SWEEP_SCALE     scale of random transmissions in sweep configs (default 0.15)
    EBPC_SWEEP_ICARUS    tops swept under Icarus (default "encoder,decoder"; "all")
    EBPC_SWEEP_VERILATOR tops swept under Verilator (default "loopback": one build covers
                         encoder and decoder; "all" for every top)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from . import runner
from .config import REPO_DIR, TB_DIR

TOPS = list(runner.TOPS)


def sims() -> list[str]:
    raw = os.environ.get("EBPC_SIMS", "icarus,verilator")
    return [s for s in (x.strip() for x in raw.split(",")) if s]


def top_available(top: str) -> bool:
    module = runner.TOPS[top][0]
    return any(runner.RTL_DIR.glob(f"{module}.sv")) or any(runner.RTL_DIR.glob(f"{module}.v"))


def sim_matrix(top: str) -> list[tuple[str, tuple[int, int, int], float | None]]:
    """(sim, config, scale) runs for one top: the default config fully, then the sweep."""
    out = []
    for sim in sims():
        out.append((sim, runner.DEFAULT_CONFIG, None))
    if os.environ.get("EBPC_SWEEP", "1") != "0":
        scale = float(os.environ.get("EBPC_SWEEP_SCALE", "0.15"))
        swept = {"icarus": os.environ.get("EBPC_SWEEP_ICARUS", "encoder,decoder"),
                 "verilator": os.environ.get("EBPC_SWEEP_VERILATOR", "loopback")}
        for sim in sims():
            tops = swept.get(sim, "all")
            if tops != "all" and top not in tops.split(","):
                continue
            for cfg in runner.SWEEP_CONFIGS:
                if cfg != runner.DEFAULT_CONFIG:
                    out.append((sim, cfg, scale))
    return out


def matrix_id(item) -> str:
    sim, (w, n, z), scale = item
    return f"{sim}-W{w}N{n}Z{z}" + ("" if scale is None else "-sweep")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTEST_CURRENT_TEST", None)
    paths = [str(TB_DIR), str(REPO_DIR / "model")]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def run_sim(sim: str, top: str, config, scale: float | None = None, timeout: float = 3600,
            extra_args: list[str] | None = None) -> runner.RunResult:
    """Run ``python -m ebpc_tb.run`` for one (sim, top, config); fail the pytest test on any problem."""
    import pytest  # noqa: PLC0415

    if not top_available(top):
        pytest.fail(f"rtl/{runner.TOPS[top][0]}.sv does not exist")
    w, n, z = config
    seed = os.environ.get("EBPC_SEED", "1")
    cmd = [sys.executable, "-m", "ebpc_tb.run", "--sim", sim, "--top", top, "--w", str(w), "--n", str(n),
           "--z", str(z), "--seed", seed]
    if scale is not None:
        cmd += ["--scale", str(scale)]
    if os.environ.get("EBPC_FULL") == "1":
        cmd += ["--full"]
    cmd += extra_args or []
    proc = subprocess.run(cmd, cwd=REPO_DIR, env=_env(), capture_output=True, text=True, timeout=timeout)
    out = proc.stdout + proc.stderr
    xml = runner.build_dir_for(sim, top, config) / f"results_{runner.TOPS[top][1]}.xml"
    res = runner.RunResult(sim, top, tuple(config))
    if xml.exists():
        res.tests, res.failures, res.skipped, res.failed_tests = runner.parse_junit(xml)
        res.xml = xml
    problems = []
    if proc.returncode != 0:
        problems.append(f"exit status {proc.returncode}")
    if res.tests - res.skipped <= 0:
        problems.append("no test ran (nothing scored)")
    if res.failures:
        problems.append(f"{res.failures} failing test(s): {', '.join(res.failed_tests)}")
    if problems:
        pytest.fail(f"{sim} {top} W={w} N={n} Z={z} seed={seed}: {'; '.join(problems)}\n"
                    f"command: {' '.join(cmd)}\n--- output (tail) ---\n{_tail(out)}", pytrace=False)
    return res


def _tail(text: str, lines: int = 120) -> str:
    """The failure report (ERROR lines and what follows) or the tail of the output."""
    rows = text.splitlines()
    idx = next((i for i, r in enumerate(rows) if " ERROR " in r or "Error" in r), None)
    if idx is not None:
        return "\n".join(rows[max(0, idx - 5):idx + lines])
    return "\n".join(rows[-lines:])


def build_log_text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
