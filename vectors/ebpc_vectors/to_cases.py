# SPDX-License-Identifier: Apache-2.0
"""Convert captured maps into the benches' stimulus format.

    python -m ebpc_vectors.to_cases --data vectors/data --select 'resnet20-fixed8/*' \
        --max-maps 6 --max-words 2048 -o stimulus.json

Output: a JSON list of ``{name, w, n, z, values, znz, bpc, source}`` — the
conformance-case format (``ebpc.load_cases`` reads it; ``source`` is extra) with
the expected streams computed by the golden model ``ebpc.encode``.  ``values``
are the signed W-bit words (float patterns reinterpreted as int16), in stored
NCHW order, the window ``[offset, offset + max_words)`` of the map.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
from pathlib import Path

import numpy as np

from . import VectorsError, report_errors
import ebpc
from .store import VectorSet, find_sets

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data"


def select_maps(sets: list[VectorSet], patterns: list[str] | None, kinds: list[str] | None,
                max_maps: int | None) -> list[tuple[VectorSet, dict]]:
    """Maps whose ``<set>/<key>`` matches a pattern; ``max_maps`` picks evenly spaced ones."""
    found = []
    for s in sets:
        for e in s.entries:
            ident = f"{s.manifest['set']}/{e['key']}"
            if patterns and not any(fnmatch.fnmatchcase(ident, p) for p in patterns):
                continue
            if kinds and e["kind"] not in kinds:
                continue
            found.append((s, e))
    if max_maps is not None and len(found) > max_maps:
        idx = np.unique(np.linspace(0, len(found) - 1, max_maps).round().astype(int))
        found = [found[i] for i in idx]
    return found


def make_case(s: VectorSet, e: dict, block: int, max_zero_run: int,
              max_words: int | None, window: str = "first") -> dict:
    words = s.words(e)
    start = 0
    if max_words is not None and words.size > max_words:
        start = 0 if window == "first" else (words.size - max_words) // 2
        words = words[start:start + max_words]
    w = s.width
    enc = ebpc.encode(words, w, block, max_zero_run)
    end = start + words.size
    return {
        "name": f"{s.manifest['set']}/{e['image']}/{e['layer']}/{e['kind']}[{start}:{end}]",
        "w": w, "n": block, "z": max_zero_run,
        "values": [int(v) for v in words],
        "znz": [int(v) for v in enc.znz],
        "bpc": [int(v) for v in enc.bpc],
        "source": {"set": s.manifest["set"], "key": e["key"], "network": s.manifest["network"],
                   "quant": s.manifest["quant"]["name"], "weights": s.manifest["weights"],
                   "shape": e["shape"], "offset": start, "words": int(words.size),
                   "zeros": int(np.count_nonzero(words == 0)),
                   "coded_bits": int(enc.coded_bits)},
    }


def build_cases(sets, patterns=None, kinds=None, max_maps=None, max_words=None,
                block=8, max_zero_run=16, window="first") -> list[dict]:
    chosen = select_maps(sets, patterns, kinds, max_maps)
    if not chosen:
        raise VectorsError("no map matches the selection")
    try:
        return [make_case(s, e, block, max_zero_run, max_words, window) for s, e in chosen]
    except ValueError as err:  # ebpc.ParameterError / WordRangeError
        raise VectorsError(f"cannot encode: {err}") from None


def write_cases(cases: list[dict], path: Path) -> None:
    # one case per line: diff-friendly and still plain JSON
    body = ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases)
    Path(path).write_text("[\n" + body + "\n]\n")


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise VectorsError(message)


def main(argv: list[str] | None = None, prog: str = "python -m ebpc_vectors.to_cases") -> int:
    p = _Parser(prog=prog, description="Turn captured maps into bench stimulus cases (JSON).")
    p.add_argument("--data", default=str(DEFAULT_DATA),
                   help="folder of vector sets or one manifest (default vectors/data)")
    p.add_argument("--select", action="append",
                   help="glob on '<set>/<key>' e.g. 'resnet20-fixed8/chelsea__layer1*' (repeatable)")
    p.add_argument("--kind", action="append", choices=("act", "grad"), help="only these kinds")
    p.add_argument("--max-maps", type=int, help="at most this many maps (evenly spaced)")
    p.add_argument("--max-words", type=int, default=4096, help="truncate each map (default 4096)")
    p.add_argument("--window", choices=("first", "middle"), default="first",
                   help="which words of a long map to keep (default the first)")
    p.add_argument("--block", type=int, default=8, help="N (default 8)")
    p.add_argument("--max-zero-run", type=int, default=16, help="Z (default 16)")
    p.add_argument("-o", "--output", required=True, help="output JSON file")
    def body() -> int:
        a = p.parse_args(argv)
        if a.max_words is not None and a.max_words < 1:
            raise VectorsError("--max-words must be at least 1")
        if a.max_maps is not None and a.max_maps < 1:
            raise VectorsError("--max-maps must be at least 1")
        cases = build_cases(find_sets(a.data), a.select, a.kind, a.max_maps, a.max_words,
                            a.block, a.max_zero_run, a.window)
        write_cases(cases, Path(a.output))
        print(f"{a.output}: {len(cases)} cases")
        return 0

    return report_errors("to_cases", body)


if __name__ == "__main__":
    sys.exit(main())
