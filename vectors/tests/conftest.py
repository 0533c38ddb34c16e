# SPDX-License-Identifier: Apache-2.0
"""Make ebpc_vectors (vectors/) and ebpc (model/) importable from a checkout."""

import os
import sys
from pathlib import Path

import pytest
import torch

torch.set_num_threads(1)  # small nets: one thread is fastest, and the machine is shared

VECTORS = Path(__file__).resolve().parents[1]
REPO = VECTORS.parent
for p in (VECTORS, REPO / "model"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))


@pytest.fixture
def subprocess_env(tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(VECTORS), str(REPO / "model")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["TORCH_HOME"] = str(tmp_path / "torch_home")  # an empty hub cache
    return env
