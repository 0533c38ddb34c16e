# SPDX-License-Identifier: Apache-2.0
"""The benches hold the DUT's HDL parameters to the run's spec (ebpc_tb.bench.params).

Unit tests of the check on fake DUT handles (no simulator); tb/tests/test_bench_checks.py
runs it in a simulation (a bench built with a spec that differs from the build in W, N or a
further parameter fails with a one-line message naming the parameter and both values).
"""

from __future__ import annotations

import pytest

from ebpc_tb import spec
from ebpc_tb.bench.params import ParameterMismatch, check_parameters, expected_parameters, read_parameter


class _Logic32:
    """A 32-bit parameter as Icarus and Verilator show it (a logic vector read as signed)."""

    def __init__(self, value: int) -> None:
        self._value = value

    def to_signed(self) -> int:
        return self._value


class _Handle:
    def __init__(self, value=None, width: int = 0) -> None:
        self.value = value
        self._width = width

    def __len__(self) -> int:
        return self._width


class _Dut:
    def __init__(self, params: dict[str, int], ports: dict[str, int] | None = None) -> None:
        for name, value in params.items():
            setattr(self, name, _Handle(_Logic32(value)))
        for name, width in (ports or {}).items():
            setattr(self, name, _Handle(width=width))


# The default encoder build's parameters: W, N, Z and the RTL defaults at W=8.
ENCODER = {"DataWidth": 8, "BlockSize": 8, "MaxZeroRun": 16, **spec.rtl_defaults("encoder", 8)}


def test_expected_parameters_are_the_rtl_defaults_under_the_spec() -> None:
    run = spec.RunSpec.of((16, 8, 64), {"CountWidth": 20})
    expected = expected_parameters(run, "encoder")
    assert expected == {"DataWidth": 16, "BlockSize": 8, "MaxZeroRun": 64,
                        **spec.rtl_defaults("encoder", 16), "CountWidth": 20}
    assert expected["PlanesPerCycle"] == 3 and expected["EnableCounts"] == 0
    assert set(expected_parameters(run, "loopback")) >= {"EncPlanesPerCycle", "PlanesPerCycle", "CountWidth"}


def test_matching_parameters_pass_and_are_returned() -> None:
    assert check_parameters(_Dut(ENCODER), expected_parameters(spec.RunSpec(), "encoder")) == ENCODER


@pytest.mark.parametrize("name,value", [("BlockSize", 16), ("MaxZeroRun", 2), ("PlanesPerCycle", 4),
                                        ("EnableCounts", 1)])
def test_a_difference_fails_with_one_line_naming_it(name: str, value: int) -> None:
    dut = _Dut({**ENCODER, name: value})
    with pytest.raises(ParameterMismatch) as err:
        check_parameters(dut, expected_parameters(spec.RunSpec(), "encoder"), "[ctx] ")
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("[ctx] ") and f"{name}={value}" in message and f"{name}={ENCODER[name]}" in message


def test_a_hidden_parameter_is_read_from_a_port_width() -> None:
    params = {k: v for k, v in ENCODER.items() if k not in ("DataWidth", "CountWidth")}
    dut = _Dut(params, {"in_data_i": 8, "znz_count_o": 12})
    assert read_parameter(dut, "DataWidth") == (8, "width of in_data_i")
    with pytest.raises(ParameterMismatch, match="CountWidth=12 \\(width of znz_count_o\\)"):
        check_parameters(dut, expected_parameters(spec.RunSpec(), "encoder"))


def test_a_parameter_shown_nowhere_fails() -> None:
    dut = _Dut({k: v for k, v in ENCODER.items() if k != "MaxZeroRun"})
    with pytest.raises(ParameterMismatch, match="neither parameter MaxZeroRun"):
        check_parameters(dut, expected_parameters(spec.RunSpec(), "encoder"))


# A netlist (make gls) shows ports and no parameters: its port widths are checked instead.
def test_the_bench_checks_a_netlists_port_widths() -> None:
    expected = expected_parameters(spec.RunSpec.of((16, 8, 16), {"Lanes": 2}), "decoder")
    ports = {"znz_data_i": 32, "bpc_data_i": 32, "out_data_o": 32, "znz_last_i": 2, "out_last_o": 2,
             "len_data_i": 16}
    assert check_parameters(_Dut({}, ports), expected) == expected
    for port, width in (("out_data_o", 16), ("znz_last_i", 1), ("len_data_i", 8)):
        with pytest.raises(ParameterMismatch, match=f"netlist port {port} is {width} bits wide"):
            check_parameters(_Dut({}, {**ports, port: width}), expected)
    with pytest.raises(ParameterMismatch, match="none of the ports"):
        check_parameters(_Dut({}, {"clk_i": 1}), expected)
