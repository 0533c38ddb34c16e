# SPDX-License-Identifier: Apache-2.0
"""The bench: code that runs inside the simulator, under cocotb (imports spec and the model only)."""
