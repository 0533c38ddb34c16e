# SPDX-License-Identifier: Apache-2.0
"""ebpc_synth: the open synthesis flow (Yosys + an area-only sky130_fd_sc_hd library) and the
strict SystemVerilog check (slang) of the EBPC RTL."""

from pathlib import Path

RTL_DIR = Path(__file__).resolve().parents[1]


def rtl_files() -> list[Path]:
    """Every RTL source (slang and Yosys' slang frontend resolve the module and package order;
    RTL_DIR is also their include directory, for rtl/ebpc_assert.svh)."""
    return sorted(RTL_DIR.glob("*.sv"))
