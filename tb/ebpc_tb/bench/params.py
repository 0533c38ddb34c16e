# SPDX-License-Identifier: Apache-2.0
"""The DUT's HDL parameters, read through cocotb and held to the run's spec.

A bench relies on every parameter of the build: W, N and Z for the golden model, and the
further ones (``PlanesPerCycle``, ``CountWidth``, ``EnableCounts`` ...) for what it sends and
expects. The flow builds the DUT from the same :class:`~ebpc_tb.spec.RunSpec` the bench
reads, but a bench started on another build (a stale directory, a hand-made simulation)
would check the wrong thing, so each bench reads the parameters back and fails with one
line naming the first difference.

Icarus and Verilator both show a top's parameters as constant handles (``dut.BlockSize``;
Verilator through the ``--public-flat-rw`` that cocotb's runner passes). A parameter a
simulator does not show is checked through a port whose width it sets, where there is one.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ..spec import RunSpec, rtl_defaults

__all__ = ["ParameterMismatch", "expected_parameters", "read_parameter", "check_parameters"]

# Ports whose width is a parameter: the fallback where the parameter itself is not visible.
WIDTH_PORTS = {
    "DataWidth": ("in_data_i", "znz_data_i", "s_axis_tdata", "s_axis_znz_tdata", "m_axis_tdata"),
    "CountWidth": ("znz_count_o", "enc_znz_count_o", "len_data_i", "s_axis_len_tdata"),
}


class ParameterMismatch(AssertionError):
    """The DUT was built with other parameters than the run's spec says."""


def expected_parameters(spec: RunSpec, top: str) -> dict[str, int]:
    """Every parameter value the bench relies on: W, N, Z, the RTL defaults of ``top`` at this
    W, and the spec's further HDL parameters over them."""
    expected = {"DataWidth": spec.width, "BlockSize": spec.block, "MaxZeroRun": spec.max_zero_run}
    expected.update(rtl_defaults(top, spec.width, spec.hdl_params.get("Lanes", 1), spec.hdl_params.get("DecLanes")))
    expected.update(spec.hdl_params)
    return expected


def _as_int(value: Any) -> int:
    """A parameter handle's value as an int: an integer object gives one, a 32-bit logic
    vector (how Icarus and Verilator show an ``int`` parameter) is read as signed."""
    if isinstance(value, int):
        return value
    return value.to_signed()


def read_parameter(dut: Any, name: str) -> tuple[Optional[int], str]:
    """(value, how it was read) of parameter ``name``: the parameter itself, else the width of
    a port it sets; (None, "") when neither is visible."""
    if hasattr(dut, name):
        return _as_int(getattr(dut, name).value), "parameter"
    for port in WIDTH_PORTS.get(name, ()):
        if hasattr(dut, port):
            return len(getattr(dut, port)), f"width of {port}"
    return None, ""


def check_parameters(dut: Any, expected: Mapping[str, int], context: str = "") -> dict[str, int]:
    """Read every parameter of ``expected`` from ``dut``; raise :class:`ParameterMismatch` with
    a one-line message at the first that differs or cannot be read. Returns the values read."""
    seen: dict[str, int] = {}
    for name, want in expected.items():
        got, how = read_parameter(dut, name)
        if got is None:
            raise ParameterMismatch(f"{context}the DUT shows neither parameter {name} nor a port "
                                    f"whose width it sets: cannot check {name}={want}")
        if got != int(want):
            raise ParameterMismatch(f"{context}DUT parameter {name}={got} ({how}) differs from the "
                                    f"run's {name}={want}: the bench was started on another build")
        seen[name] = got
    return seen
