# SPDX-License-Identifier: Apache-2.0
"""ebpc_pkg against the golden model: the decoder's error-flag bits are the model's
(ebpc.FLAG_NAMES, bit 0 first), read from the package as slang elaborates it."""

from __future__ import annotations

import re
from pathlib import Path

import ebpc

PKG = Path(__file__).resolve().parents[1] / "ebpc_pkg.sv"


def _enum_values(type_name: str) -> dict[str, int]:
    import pyslang
    from ebpc_synth.slang_check import compile_rtl

    enum = compile_rtl([str(PKG)]).getPackage("ebpc_pkg").lookupName(type_name).targetType.type
    return {v.name: int(str(v.value)) for v in enum if v.kind == pyslang.ast.SymbolKind.EnumValue}


def _model_name(rtl_name: str) -> str:
    """ErrZnzRunOverflow -> ZNZ_RUN_OVERFLOW."""
    return "_".join(re.findall(r"[A-Z][a-z0-9]*", rtl_name.removeprefix("Err"))).upper()


def test_error_flag_bits_are_the_models() -> None:
    values = _enum_values("err_flag_e")
    assert values, "err_flag_e has no value"
    by_bit = {bit: _model_name(name) for name, bit in values.items()}
    assert by_bit == dict(enumerate(ebpc.FLAG_NAMES)), by_bit
