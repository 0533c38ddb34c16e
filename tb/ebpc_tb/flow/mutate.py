# SPDX-License-Identifier: Apache-2.0
"""Mutation testing of the RTL (``make mutate``).

Seeds single-operator faults into the RTL, one at a time, and runs for each the part of the
regression that covers the mutated module. A mutant is *killed* when that run fails (a
scoreboard mismatch, a protocol or RTL assertion, a hang, a timeout), *survives* when every
run passes, and is *not compiling* when the simulator rejects it.

Operators (each mutant changes one token of one line):

- ``rel``: ``<`` <-> ``<=``, ``>`` <-> ``>=``, ``==`` <-> ``!=`` (a ``<=`` that is a
  non-blocking assignment is left alone)
- ``logic``: ``&&`` <-> ``||``
- ``neg``: a ``!`` or ``~`` dropped
- ``arith``: ``+`` <-> ``-``
- ``const``: ``1'b0`` <-> ``1'b1``, ``'0`` <-> ``'1``
- ``off1``: a decimal literal n -> n+1 (and n-1 for n > 0)

Only logic is mutated: comments, declarations, parameter checks and the ```ifndef SYNTHESIS``
assertion blocks are left alone. The mutants are enumerated per file and a deterministic
sample (``--seed``, ``--mutants``) is taken, spread over the files in proportion to their
mutant counts.

Each mutant runs in a scratch copy of the repository (the work tree is never touched), first
the fast stage (Icarus, default parameters, every test of the covering benches); a mutant
that survives it gets the broad stage (W/N/Z sets that hold every other sweep value, and the
knob settings that reach other code: ``PlanesPerCycle`` 1, 3 and W+1, ``EnableCounts=1``) before
it is called a survivor. Survivors that a waiver file (``tb/mutation_waivers.json``) explains as
equivalent are reported as waived.

Output: ``reports/mutation.json`` and ``reports/mutation.md`` (score, every survivor with
file:line and the change, not-compiling mutants).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from ..spec import REPO_DIR

RTL_DIR = REPO_DIR / "rtl"
WAIVERS = REPO_DIR / "tb" / "mutation_waivers.json"

# Benches covering each module (fast stage: Icarus at W=8, N=8, Z=16 with these parameters).
ENCODER_RUNS: list[tuple[str, tuple[str, ...]]] = [("encoder", ())]
DECODER_RUNS: list[tuple[str, tuple[str, ...]]] = [("decoder", ())]
COVERING: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "ebpc_fifo": [("encoder", ("EnableCounts=1",)), ("decoder", ()), ("loopback", ())],
    "ebpc_encoder": [("encoder", ("EnableCounts=1",))],
    "ebpc_enc_packer": [("encoder", ("EnableCounts=1",))],
    "ebpc_loopback": [("loopback", ())],
    "ebpc_axis_encoder": [("axis_encoder", ())],
    "ebpc_axis_decoder": [("axis_decoder", ())],
}
# Broad stage: W/N/Z sets holding every other value of the sweep (W 16, 32; N 16; Z 2, 64),
# then knobs at the default W/N/Z that reach other code (one plane per cycle, a whole block
# per cycle, three planes per cycle with the word counts).
BROAD_CONFIGS = [(8, 16, 2), (16, 8, 64), (32, 16, 16)]
ENCODER_KNOBS = [("PlanesPerCycle=1",), ("PlanesPerCycle=9",), ("PlanesPerCycle=3", "EnableCounts=1")]

DEFAULT_FILES = ("ebpc_fifo.sv", "ebpc_enc_znz.sv", "ebpc_enc_packer.sv", "ebpc_enc_collector.sv",
                 "ebpc_enc_bpc_coder.sv", "ebpc_encoder.sv", "ebpc_dec_*.sv", "ebpc_decoder.sv")


@dataclasses.dataclass(frozen=True)
class Mutant:
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


@dataclasses.dataclass
class Outcome:
    mutant: Mutant
    status: str            # killed | survived | not_compiling | waived
    stage: str = ""        # fast | broad
    by: str = ""           # the run that killed it
    seconds: float = 0.0
    waiver: str = ""

    def to_json(self) -> dict:
        return {**dataclasses.asdict(self.mutant), "id": self.mutant.ident, "status": self.status,
                "stage": self.stage, "by": self.by, "seconds": round(self.seconds, 1),
                "waiver": self.waiver}


# -- enumeration ---------------------------------------------------------------------------

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


def enumerate_mutants(files: Sequence[Path]) -> list[Mutant]:
    muts: list[Mutant] = []
    for path in files:
        for number, line in _code_lines(path.read_text()):
            muts.extend(_line_mutants(path.name, number, line))
    return muts


def apply(mutant: Mutant, text: str) -> str:
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


# -- running -------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Run:
    top: str
    config: tuple[int, int, int] = (8, 8, 16)
    params: tuple[str, ...] = ()

    def label(self) -> str:
        w, n, z = self.config
        extra = " " + " ".join(self.params) if self.params else ""
        return f"icarus {self.top} W={w} N={n} Z={z}{extra}"


def covering_runs(module: str) -> list[Run]:
    base = COVERING.get(module)
    if base is None:
        base = DECODER_RUNS if module.startswith("ebpc_dec") else ENCODER_RUNS
    return [Run(top, (8, 8, 16), params) for top, params in base]


def broad_runs(module: str) -> list[Run]:
    runs = []
    tops = sorted({r.top for r in covering_runs(module)})
    for top in tops:
        runs += [Run(top, cfg) for cfg in BROAD_CONFIGS]
        if top in ("encoder", "axis_encoder"):
            runs += [Run(top, (8, 8, 16), knob) for knob in ENCODER_KNOBS]
    return runs


class Workspace:
    """A scratch copy of the repository in which one mutant at a time is applied."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root or tempfile.mkdtemp(prefix="ebpc_mutate_"))
        for name in ("rtl", "tb", "model", "vectors", "docs"):
            src = REPO_DIR / name
            if src.exists():
                shutil.copytree(src, self.root / name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", "build"))
        for name in ("Bender.yml", "ebpc.core", "pyproject.toml"):
            if (REPO_DIR / name).exists():
                shutil.copy2(REPO_DIR / name, self.root / name)
        self.pristine = {p.name: p.read_text() for p in (self.root / "rtl").glob("*.sv")}

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(self.root / "tb"), str(self.root / "model")])
        for var in ("EBPC_CODE_COVERAGE", "EBPC_COVERAGE_DIR", "EBPC_JUNIT_DIR", "EBPC_INJECT_FAULT",
                    "PYTEST_CURRENT_TEST"):
            env.pop(var, None)
        return env

    def apply(self, mutant: Mutant | None) -> None:
        for name, text in self.pristine.items():
            path = self.root / "rtl" / name
            want = apply(mutant, text) if mutant is not None and mutant.file == name else text
            if path.read_text() != want:
                path.write_text(want)

    def run(self, run: Run, seed: int, scale: float, timeout: float) -> tuple[str, str]:
        """('pass' | 'fail' | 'build' | 'timeout', last output lines)."""
        w, n, z = run.config
        cmd = [sys.executable, "-m", "ebpc_tb.flow.run", "--sim", "icarus", "--top", run.top,
               "--w", str(w), "--n", str(n), "--z", str(z), "--seed", str(seed), "--scale", str(scale)]
        for p in run.params:
            cmd += ["--param", p]
        proc = subprocess.Popen(cmd, cwd=self.root, env=self.env(), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return "timeout", ""
        tail = "\n".join(out.splitlines()[-6:])
        if proc.returncode == 0:
            return "pass", tail
        if "build of" in out and "failed" in out and "tests=0" in out:
            return "build", tail
        return "fail", tail


def load_waivers(path: Path) -> list[dict]:
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    return data.get("waivers", []) if isinstance(data, dict) else []


def waiver_for(mutant: Mutant, waivers: Sequence[dict]) -> str:
    for w in waivers:
        if (w.get("file") == mutant.file and w.get("line_text") == mutant.text
                and w.get("old") == mutant.old and w.get("new") == mutant.new):
            return str(w.get("reason", ""))
    return ""


class Baseline:
    """Whether a run passes on the unmutated RTL (checked once per run, when first needed):
    a run that fails without a mutant cannot kill one and is left out."""

    def __init__(self, ws: Workspace, seed: int, scale: float, timeout: float):
        self.ws, self.seed, self.scale, self.timeout = ws, seed, scale, timeout
        self.known: dict[Run, bool] = {}

    def ok(self, run: Run) -> bool:
        if run not in self.known:
            self.ws.apply(None)
            status, tail = self.ws.run(run, self.seed, self.scale, self.timeout)
            self.known[run] = status == "pass"
            if status != "pass":
                print(f"mutate: {run.label()} fails on the unmutated RTL ({status}): left out\n{tail}",
                      flush=True)
        return self.known[run]

    def broken(self) -> list[str]:
        return [r.label() for r, good in self.known.items() if not good]


def evaluate(ws: Workspace, mutant: Mutant, seed: int, scale: float, timeout: float,
             broad: bool, waivers: Sequence[dict], baseline: Baseline) -> Outcome:
    t0 = time.monotonic()
    module = Path(mutant.file).stem
    out = Outcome(mutant, "survived")
    try:
        stages = [("fast", covering_runs(module))]
        if broad:
            stages.append(("broad", broad_runs(module)))
        for stage, runs in stages:
            for r in runs:
                if not baseline.ok(r):
                    continue
                ws.apply(mutant)
                status, _ = ws.run(r, seed, scale, timeout)
                if status == "build":
                    out.status, out.stage, out.by = "not_compiling", stage, r.label()
                    return out
                if status in ("fail", "timeout"):
                    out.status, out.stage = "killed", stage
                    out.by = r.label() + (" (timeout)" if status == "timeout" else "")
                    return out
        reason = waiver_for(mutant, waivers)
        if reason:
            out.status, out.waiver = "waived", reason
        return out
    finally:
        ws.apply(None)
        out.seconds = time.monotonic() - t0


# -- reports -------------------------------------------------------------------------------

@dataclasses.dataclass
class Summary:
    total: int
    killed: int
    survived: int
    waived: int
    not_compiling: int

    @property
    def compiling(self) -> int:
        return self.total - self.not_compiling

    @property
    def score(self) -> float:
        """Killed (and waived-equivalent) share of the compiling mutants."""
        return (self.killed + self.waived) / self.compiling if self.compiling else 0.0


def summarize(outcomes: Sequence[Outcome]) -> Summary:
    count = {s: sum(1 for o in outcomes if o.status == s)
             for s in ("killed", "survived", "waived", "not_compiling")}
    return Summary(len(outcomes), count["killed"], count["survived"], count["waived"],
                   count["not_compiling"])


def write_reports(outcomes: Sequence[Outcome], out_dir: Path, meta: dict) -> Summary:
    summ = summarize(outcomes)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "mutation.json").write_text(json.dumps(
        {"meta": meta, "summary": {**dataclasses.asdict(summ), "score": round(summ.score, 4)},
         "mutants": [o.to_json() for o in outcomes]}, indent=1) + "\n")
    lines = ["# Mutation score", "",
             f"`{meta['command']}` (seed {meta['seed']}, {meta['enumerated']} mutants enumerated in "
             f"{', '.join(meta['files'])}; {summ.total} run, {meta['minutes']:.1f} min)", "",
             "| mutants | compiling | killed | waived (equivalent) | survived | not compiling | score |",
             "| --- | --- | --- | --- | --- | --- | --- |",
             f"| {summ.total} | {summ.compiling} | {summ.killed} | {summ.waived} | {summ.survived} | "
             f"{summ.not_compiling} | {100 * summ.score:.1f} % |", "",
             "Score = (killed + waived) / compiling mutants.", ""]
    if meta.get("runs_left_out"):
        lines += ["Runs left out (they fail on the unmutated RTL): "
                  + "; ".join(meta["runs_left_out"]), ""]
    by_file: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_file.setdefault(o.mutant.file, []).append(o)
    lines += ["| file | mutants | killed | waived | survived | not compiling |", "| --- | --- | --- | --- | --- | --- |"]
    for fname, group in sorted(by_file.items()):
        s = summarize(group)
        lines.append(f"| {fname} | {s.total} | {s.killed} | {s.waived} | {s.survived} | {s.not_compiling} |")
    for title, status in (("Survivors", "survived"), ("Waived (equivalent)", "waived"),
                          ("Not compiling", "not_compiling")):
        group = [o for o in outcomes if o.status == status]
        if not group:
            continue
        lines += ["", f"## {title}", ""]
        for o in group:
            extra = f" - {o.waiver}" if o.waiver else (f" ({o.by})" if status == "not_compiling" else "")
            lines.append(f"- rtl/{o.mutant.file}:{o.mutant.line} [{o.mutant.op}] {o.mutant.change()}{extra}")
    (out_dir / "mutation.md").write_text("\n".join(lines) + "\n")
    return summ


# -- command line --------------------------------------------------------------------------

def rewaive(report: Path, waiver_file: Path, out_dir: Path) -> int:
    """Re-classify the survivors of an earlier run with the current waiver file."""
    try:
        data = json.loads(report.read_text())
        waivers = load_waivers(waiver_file)
    except (OSError, json.JSONDecodeError) as exc:
        print(f"mutate: cannot read {exc}", file=sys.stderr)
        return 2
    fields = {f.name for f in dataclasses.fields(Mutant)}
    outcomes = []
    for entry in data.get("mutants", []):
        mutant = Mutant(**{k: v for k, v in entry.items() if k in fields})
        out = Outcome(mutant, entry["status"], entry.get("stage", ""), entry.get("by", ""),
                      float(entry.get("seconds", 0.0)), entry.get("waiver", ""))
        if out.status in ("survived", "waived"):
            reason = waiver_for(mutant, waivers)
            out.status, out.waiver = ("waived", reason) if reason else ("survived", "")
        outcomes.append(out)
    summ = write_reports(outcomes, out_dir, data.get("meta", {}))
    print(f"mutate: {summ.killed} killed, {summ.waived} waived, {summ.survived} survived, "
          f"{summ.not_compiling} not compiling of {summ.total}: score {100 * summ.score:.1f} %")
    return 0 if summ.survived == 0 else 1


def _select_files(patterns: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for pat in patterns:
        found = sorted(RTL_DIR.glob(pat))
        files += [f for f in found if f not in files]
    return files


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ebpc_tb.flow.mutate", description=__doc__.splitlines()[0])
    ap.add_argument("--files", default=",".join(DEFAULT_FILES),
                    help="comma list of rtl/ file names or globs (default: encoder, decoder, FIFO)")
    ap.add_argument("--mutants", type=int, default=int(os.environ.get("MUTANTS", "") or 120),
                    help="mutants to run, sampled from the enumeration (default 120; MUTANTS=n)")
    ap.add_argument("--seed", type=int, default=1, help="sampling and stimulus seed (default 1)")
    ap.add_argument("--scale", type=float, default=0.5, help="stimulus scale of each run (default 0.5)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per simulation run")
    ap.add_argument("--no-broad", action="store_true", help="fast stage only")
    ap.add_argument("--list", action="store_true", help="only list the sampled mutants")
    ap.add_argument("--out", default=str(REPO_DIR / "reports"), help="report directory")
    ap.add_argument("--waivers", default=str(WAIVERS))
    ap.add_argument("--rewaive", metavar="JSON", default=None,
                    help="no run: re-apply the waiver file to a mutation.json and rewrite the reports")
    args = ap.parse_args(argv)
    if args.rewaive:
        return rewaive(Path(args.rewaive), Path(args.waivers), Path(args.out))

    files = _select_files([p.strip() for p in args.files.split(",") if p.strip()])
    if not files:
        print(f"mutate: no RTL file matches {args.files!r}", file=sys.stderr)
        return 2
    if args.mutants < 1:
        print("mutate: --mutants must be >= 1", file=sys.stderr)
        return 2
    try:
        waivers = load_waivers(Path(args.waivers))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"mutate: cannot read the waiver file {args.waivers}: {exc}", file=sys.stderr)
        return 2
    everything = enumerate_mutants(files)
    chosen = sample(everything, args.mutants, args.seed)
    if args.list:
        for m in chosen:
            print(f"{m.ident}  [{m.op}]  {m.text}")
        print(f"{len(chosen)} of {len(everything)} mutants")
        return 0

    ws = Workspace()
    t0 = time.monotonic()
    print(f"mutate: {len(chosen)} of {len(everything)} mutants of {', '.join(f.name for f in files)} "
          f"(seed {args.seed}), scratch copy {ws.root}", flush=True)
    baseline = Baseline(ws, args.seed, args.scale, args.timeout)
    outcomes = []
    try:
        for i, m in enumerate(chosen, 1):
            o = evaluate(ws, m, args.seed, args.scale, args.timeout, not args.no_broad, waivers, baseline)
            outcomes.append(o)
            print(f"[{i}/{len(chosen)}] {o.status:13s} {o.seconds:5.1f}s rtl/{m.file}:{m.line} "
                  f"[{m.op}] {m.old!r}->{m.new!r} {o.by}", flush=True)
    finally:
        shutil.rmtree(ws.root, ignore_errors=True)
    meta = {"command": "python -m ebpc_tb.flow.mutate " + " ".join(argv if argv is not None else sys.argv[1:]),
            "seed": args.seed, "scale": args.scale, "files": [f.name for f in files],
            "enumerated": len(everything), "minutes": (time.monotonic() - t0) / 60,
            "runs_left_out": baseline.broken()}
    if not outcomes:
        print("mutate: no mutant was run", file=sys.stderr)
        return 1
    summ = write_reports(outcomes, Path(args.out), meta)
    print(f"mutate: {summ.killed} killed, {summ.waived} waived, {summ.survived} survived, "
          f"{summ.not_compiling} not compiling of {summ.total}: score {100 * summ.score:.1f} % "
          f"({args.out}/mutation.md)")
    return 0 if summ.survived == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
