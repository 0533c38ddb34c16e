"""Regenerate the committed CI vector sets and the bench stimulus (``make vectors``).

    python -m ebpc_vectors.committed --out vectors/data

Runs, with the repository's CIFAR-10 checkpoints in vectors/weights/:
  1. capture resnet20 on chelsea, astronaut, coffee, rocket; fixed8, fixed12,
     fixed16, float16; gradient maps for chelsea;
  2. capture resnet32 on chelsea, rocket; fixed8, fixed16; gradient maps for rocket;
  3. write stimulus_cases.json: 12 maps (6 at W=8, 6 at W=16), each truncated to
     its first 2048 words, N=8, Z=16, streams from ebpc.encode.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import VectorsError
from .capture import main as capture_main
from .nets import REPO_WEIGHTS_DIR
from .store import find_sets
from .to_cases import build_cases, write_cases

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data"

CAPTURES = (
    ["--net", "resnet20", "--images", "chelsea,astronaut,coffee,rocket",
     "--quant", "fixed8,fixed12,fixed16,float16", "--grad-images", "chelsea"],
    ["--net", "resnet32", "--images", "chelsea,rocket",
     "--quant", "fixed8,fixed16", "--grad-images", "rocket"],
)

STIMULUS_MAPS = (
    # W = 8
    "resnet20-fixed8/chelsea__relu__act",
    "resnet20-fixed8/chelsea__layer1.0.relu1__act",
    "resnet20-fixed8/chelsea__layer2.1.relu1__act",
    "resnet20-fixed8/astronaut__layer3.2.relu2__act",
    "resnet20-fixed8/coffee__layer3.1.relu1__act",
    "resnet20-fixed8/chelsea__layer2.0.relu2__grad",
    # W = 16
    "resnet20-fixed16/chelsea__layer1.2.relu2__act",
    "resnet20-fixed16/rocket__layer2.2.relu1__act",
    "resnet20-fixed16/chelsea__layer3.0.relu1__grad",
    "resnet20-float16/coffee__layer1.1.relu1__act",
    "resnet20-float16/astronaut__layer3.1.relu2__act",
    "resnet32-fixed16/rocket__layer3.4.relu1__grad",
)
STIMULUS_FILE = "stimulus_cases.json"
STIMULUS_WORDS, STIMULUS_N, STIMULUS_Z = 2048, 8, 16


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ebpc_vectors.committed",
                                description="Regenerate the committed vector sets.")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="output folder (default vectors/data)")
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args(argv)
    out = Path(a.out)
    for args in CAPTURES:
        net = args[1]
        weights = next(REPO_WEIGHTS_DIR.glob(f"{net}-*.th"), None)
        if weights is None:
            print(f"committed: error: {net} weights missing from {REPO_WEIGHTS_DIR}",
                  file=sys.stderr)
            return 2
        rc = capture_main(args + ["--weights", os.path.relpath(weights),
                                  "--out", str(out)] + (["--quiet"] if a.quiet else []))
        if rc:
            return rc
    try:
        sets = find_sets(out)
        cases = []
        for ident in STIMULUS_MAPS:
            got = build_cases(sets, [ident], None, None, STIMULUS_WORDS, STIMULUS_N, STIMULUS_Z)
            if len(got) != 1:
                raise VectorsError(f"stimulus map {ident} matched {len(got)} maps")
            cases += got
        write_cases(cases, out / STIMULUS_FILE)
        print(out / STIMULUS_FILE)
    except VectorsError as e:
        print(f"committed: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
