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

A gate-level netlist (``RunSpec.netlist``, :mod:`ebpc_tb.flow.gls`) shows no parameter at
all: there the bench checks every port whose width a parameter sets (data, TKEEP and last
ports: Lanes x DataWidth, Lanes x DataWidth / 8, Lanes; count and length ports: CountWidth),
takes the rest from the run's spec (the netlist's sidecar or the command line) and logs which.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Mapping, Optional

from ..spec import RunSpec, rtl_defaults

__all__ = ["ParameterMismatch", "expected_parameters", "read_parameter", "check_parameters",
           "check_netlist_ports"]

# Ports whose width is a parameter: the fallback where the parameter itself is not visible.
WIDTH_PORTS = {
    "DataWidth": ("in_data_i", "znz_data_i", "s_axis_tdata", "s_axis_znz_tdata", "m_axis_tdata"),
    "CountWidth": ("znz_count_o", "enc_znz_count_o", "len_data_i", "s_axis_len_tdata"),
}


# A netlist's ports whose width parameters set: port -> (width from the parameters, as text).
_P = Mapping[str, int]
NETLIST_PORTS: dict[str, tuple[Callable[[_P], int], str]] = {
    **{port: (lambda p: p.get("Lanes", 1) * p["DataWidth"], "Lanes x DataWidth")
       for port in ("in_data_i", "znz_data_i", "bpc_data_i", "znz_data_o", "bpc_data_o", "s_axis_tdata",
                    "s_axis_znz_tdata", "s_axis_bpc_tdata", "m_axis_tdata", "m_axis_znz_tdata",
                    "m_axis_bpc_tdata")},
    **{port: (lambda p: p.get("Lanes", 1) * p["DataWidth"] // 8, "Lanes x DataWidth / 8")
       for port in ("s_axis_tkeep", "s_axis_znz_tkeep", "s_axis_bpc_tkeep", "m_axis_tkeep",
                    "m_axis_znz_tkeep", "m_axis_bpc_tkeep")},
    **{port: (lambda p: p.get("Lanes", 1), "Lanes")
       for port in ("in_last_i", "znz_last_i", "bpc_last_i", "znz_last_o", "bpc_last_o")},
    # the loopback's output side is the decoder's (DecLanes); the encoder/decoder's out ports
    "out_data_o": (lambda p: p.get("DecLanes", p.get("Lanes", 1)) * p["DataWidth"], "DecLanes x DataWidth"),
    "out_last_o": (lambda p: p.get("DecLanes", p.get("Lanes", 1)), "DecLanes"),
    **{port: (lambda p: p["CountWidth"], "CountWidth")
       for port in ("znz_count_o", "bpc_count_o", "enc_znz_count_o", "enc_bpc_count_o", "len_data_i",
                    "s_axis_len_tdata")},
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


def check_netlist_ports(dut: Any, expected: Mapping[str, int], context: str = "") -> list[str]:
    """A netlist (no parameters visible): check the width of every port of
    :data:`NETLIST_PORTS` the DUT has against ``expected``; raise :class:`ParameterMismatch` at
    the first that differs (or when none is there to check). Returns what was checked."""
    checked = []
    for port, (width_of, what) in NETLIST_PORTS.items():
        if not hasattr(dut, port):
            continue
        try:
            want = width_of(expected)
        except KeyError:
            continue
        got = len(getattr(dut, port))
        if got != want:
            values = ", ".join(f"{k}={expected[k]}" for k in ("DataWidth", "Lanes", "DecLanes", "CountWidth")
                               if k in expected)
            raise ParameterMismatch(f"{context}netlist port {port} is {got} bits wide, the run's "
                                    f"{what} is {want} ({values}): the netlist was synthesized with "
                                    f"other parameters (give them with --param or its sidecar)")
        checked.append(f"{port}={got} ({what})")
    if not checked:
        raise ParameterMismatch(f"{context}the netlist has none of the ports whose widths show its "
                                f"parameters: is it a netlist of this top?")
    return checked


def _is_netlist(dut: Any, expected: Mapping[str, int]) -> bool:
    """A DUT that shows none of the expected parameters (the RTL, in both simulators, shows
    them all): a gate-level netlist."""
    return not any(hasattr(dut, name) for name in expected)


def check_parameters(dut: Any, expected: Mapping[str, int], context: str = "",
                     netlist: Optional[bool] = None) -> dict[str, int]:
    """Read every parameter of ``expected`` from ``dut``; raise :class:`ParameterMismatch` with
    a one-line message at the first that differs or cannot be read. Returns the values read.

    A netlist (``netlist=True``, or None and the DUT shows no parameter at all) is checked
    through its port widths (:func:`check_netlist_ports`); the parameters no port shows are
    taken as the run's, and the log says so. Returns ``expected`` then."""
    if netlist or (netlist is None and _is_netlist(dut, expected)):
        checked = check_netlist_ports(dut, expected, context)
        log = logging.getLogger("cocotb.tb.params")
        log.info("%sgate-level netlist (no parameters visible): checked port widths %s; taken from the "
                 "run's spec: %s; RTL assertions and internal probes are not there", context,
                 ", ".join(checked), ", ".join(f"{k}={v}" for k, v in expected.items()))
        return dict(expected)
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
