# SPDX-License-Identifier: Apache-2.0
"""EBPC golden model: bit-exact encoder/decoder of the EBPC stream format, baselines, stats."""

__version__ = "0.2.0"

from .baselines import METHODS, Stats, compare, ebpc_bits, plain_bpc_bits, stats, zero_rle_bits, zvc_bits
from .codec import (
    DecodeError,
    Encoded,
    Symbol,
    SymbolKind,
    WordRangeError,
    as_words,
    encode,
    symbol_trace,
)
from .container import Container, ContainerError
from .decoding import decode
from .errordecode import FLAG_NAMES, DecoderOutcome, decode_with_flags, flag_names
from .conformance import BUNDLED_CASES, Case, CaseFileError, bundled_cases, load_cases, save_cases
from .params import ParameterError, Params
from .sizing import WorstCase, worst_case_words

__all__ = [
    "BUNDLED_CASES",
    "METHODS",
    "bundled_cases",
    "Case",
    "Container",
    "ContainerError",
    "CaseFileError",
    "DecodeError",
    "DecoderOutcome",
    "FLAG_NAMES",
    "Encoded",
    "ParameterError",
    "Params",
    "Stats",
    "Symbol",
    "SymbolKind",
    "WordRangeError",
    "WorstCase",
    "as_words",
    "compare",
    "decode",
    "decode_with_flags",
    "flag_names",
    "ebpc_bits",
    "encode",
    "load_cases",
    "plain_bpc_bits",
    "save_cases",
    "stats",
    "symbol_trace",
    "worst_case_words",
    "zero_rle_bits",
    "zvc_bits",
]

