# SPDX-License-Identifier: Apache-2.0
"""ebpc_synth: the open synthesis flow (Yosys + an area-only sky130_fd_sc_hd library) and the
strict SystemVerilog check (slang) of the EBPC RTL."""
