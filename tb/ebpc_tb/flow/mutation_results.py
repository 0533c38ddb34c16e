# SPDX-License-Identifier: Apache-2.0
"""Results of mutation testing: each mutant's outcome, the waivers that explain survivors as
equivalent, the score, and the reports ``mutation.json`` and ``mutation.md``.

Everything here is pure but :func:`load_waivers` and :func:`write_reports` (which read and
write the files).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Mapping, Sequence

from .mutants import Mutant

__all__ = ["Outcome", "Summary", "load_waivers", "waiver_for", "with_waiver", "summarize", "format_markdown",
           "report_json", "write_reports"]

STATUSES = ("killed", "survived", "waived", "not_compiling")


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What became of one mutant."""

    mutant: Mutant
    status: str            # killed | survived | not_compiling | waived
    stage: str = ""        # fast | broad
    by: str = ""           # the run that killed it
    seconds: float = 0.0
    waiver: str = ""

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self.mutant), "id": self.mutant.ident, "status": self.status,
                "stage": self.stage, "by": self.by, "seconds": round(self.seconds, 1),
                "waiver": self.waiver}

    @classmethod
    def from_json(cls, entry: Mapping[str, Any]) -> "Outcome":
        """An outcome as :meth:`to_json` wrote it (a ``mutation.json`` entry)."""
        fields = {f.name for f in dataclasses.fields(Mutant)}
        mutant = Mutant(**{k: v for k, v in entry.items() if k in fields})
        return cls(mutant, entry["status"], entry.get("stage", ""), entry.get("by", ""),
                   float(entry.get("seconds", 0.0)), entry.get("waiver", ""))


# -- waivers -----------------------------------------------------------------------------------

def load_waivers(path: Path) -> list[dict]:
    """The waivers of a waiver file (none when there is no file)."""
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    return data.get("waivers", []) if isinstance(data, dict) else []


def waiver_for(mutant: Mutant, waivers: Sequence[dict]) -> str:
    """The reason of the waiver naming this mutant's file, line text and change ("" if none)."""
    for w in waivers:
        if (w.get("file") == mutant.file and w.get("line_text") == mutant.text
                and w.get("old") == mutant.old and w.get("new") == mutant.new):
            return str(w.get("reason", ""))
    return ""


def with_waiver(outcome: Outcome, waivers: Sequence[dict]) -> Outcome:
    """A survivor (or a mutant waived before) classified again: waived with the reason when a
    waiver explains it as equivalent, else survived. Other outcomes are kept."""
    if outcome.status not in ("survived", "waived"):
        return outcome
    reason = waiver_for(outcome.mutant, waivers)
    return dataclasses.replace(outcome, status="waived" if reason else "survived", waiver=reason)


# -- score and reports -------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
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

    def line(self) -> str:
        """The one-line result the command line prints."""
        return (f"mutate: {self.killed} killed, {self.waived} waived, {self.survived} survived, "
                f"{self.not_compiling} not compiling of {self.total}: score {100 * self.score:.1f} %")


def summarize(outcomes: Sequence[Outcome]) -> Summary:
    count = {s: sum(1 for o in outcomes if o.status == s) for s in STATUSES}
    return Summary(len(outcomes), count["killed"], count["survived"], count["waived"], count["not_compiling"])


def report_json(outcomes: Sequence[Outcome], meta: Mapping[str, Any]) -> dict[str, Any]:
    """``mutation.json``: the run's meta data, the summary and every mutant's outcome."""
    summ = summarize(outcomes)
    return {"meta": dict(meta), "summary": {**dataclasses.asdict(summ), "score": round(summ.score, 4)},
            "mutants": [o.to_json() for o in outcomes]}


def format_markdown(outcomes: Sequence[Outcome], meta: Mapping[str, Any]) -> str:
    """``mutation.md``: the score, the counts per file, every survivor with file:line and the
    change, the waived and the not-compiling mutants."""
    summ = summarize(outcomes)
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
    return "\n".join(lines)


def write_reports(outcomes: Sequence[Outcome], out_dir: Path, meta: Mapping[str, Any]) -> Summary:
    """``<out_dir>/mutation.json`` and ``mutation.md``; the summary."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "mutation.json").write_text(json.dumps(report_json(outcomes, meta), indent=1) + "\n")
    (out_dir / "mutation.md").write_text(format_markdown(outcomes, meta) + "\n")
    return summarize(outcomes)
