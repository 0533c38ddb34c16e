# SPDX-License-Identifier: Apache-2.0
"""Conformance cases: expected packed words of both streams for given input words (JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Case", "load_cases", "save_cases", "bundled_cases", "CaseFileError", "BUNDLED_CASES"]

# A copy of shared/conformance/cases.json, shipped with the package so tests need nothing else.
BUNDLED_CASES = Path(__file__).parent / "data" / "conformance_cases.json"


class CaseFileError(ValueError):
    """A conformance/stimulus file that is missing or not in the expected format."""


@dataclass(frozen=True)
class Case:
    """One transmission with its expected streams (ebpc-format.md, last section)."""

    name: str
    w: int
    n: int
    z: int
    values: list[int]
    znz: list[int]
    bpc: list[int]


def load_cases(path: str | Path) -> list[Case]:
    """Read a JSON list of {name, w, n, z, values, znz, bpc}; raise CaseFileError if malformed."""
    try:
        raw = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise CaseFileError(f"{path}: no such file") from None
    except (OSError, json.JSONDecodeError) as error:
        raise CaseFileError(f"{path}: cannot read JSON ({error})") from None
    if not isinstance(raw, list):
        raise CaseFileError(f"{path}: expected a JSON list of cases")
    cases = []
    keys = ("name", "w", "n", "z", "values", "znz", "bpc")
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict) or any(k not in entry for k in keys):
            raise CaseFileError(f"{path}: case {index} lacks one of {', '.join(keys)}")
        try:
            cases.append(
                Case(
                    name=str(entry["name"]),
                    w=int(entry["w"]),
                    n=int(entry["n"]),
                    z=int(entry["z"]),
                    values=[int(v) for v in entry["values"]],
                    znz=[int(v) for v in entry["znz"]],
                    bpc=[int(v) for v in entry["bpc"]],
                )
            )
        except (TypeError, ValueError):
            raise CaseFileError(f"{path}: case {index} has a non-integer field") from None
    return cases


def save_cases(cases: list[Case], path: str | Path) -> None:
    Path(path).write_text(json.dumps([asdict(c) for c in cases], indent=None) + "\n")


def bundled_cases() -> list[Case]:
    """The conformance cases of the format contract, as shipped with this package."""
    return load_cases(BUNDLED_CASES)
