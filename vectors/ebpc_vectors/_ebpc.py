"""Import the golden model ``ebpc`` (installed, or from the repository's model/ folder)."""

from __future__ import annotations

import sys
from pathlib import Path

try:
    import ebpc  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    _model = Path(__file__).resolve().parents[2] / "model"
    if (_model / "ebpc" / "__init__.py").is_file():
        sys.path.insert(0, str(_model))
    import ebpc  # noqa: F401,E402

__all__ = ["ebpc"]
