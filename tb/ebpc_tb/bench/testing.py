# SPDX-License-Identifier: Apache-2.0
"""Helpers for the cocotb test modules: a test decorator that prints how to reproduce."""

from __future__ import annotations

import functools
import logging

import cocotb

from ..spec import RunSpec

__all__ = ["ebpc_test", "simulator", "reproduce_hint"]


def simulator() -> str:
    """``icarus`` or ``verilator``: the simulator this bench runs in ("" if neither)."""
    name = (getattr(cocotb, "SIM_NAME", "") or "").lower()
    return "verilator" if "verilator" in name else "icarus" if "icarus" in name else ""


def reproduce_hint(spec: RunSpec, top: str, test_name: str) -> str:
    """The command that re-runs one test of this run, under this simulator."""
    return spec.reproduce_hint(top, test_name, simulator())


def ebpc_test(top: str, **test_kwargs):
    """Like ``cocotb.test`` but passes a :class:`RunSpec` and logs seed + reproduce hint on failure.

    The decorated coroutine is called as ``fn(dut, cfg)``.
    """

    def deco(fn):
        @functools.wraps(fn)
        async def wrapper(dut):
            cfg = RunSpec.from_env()
            log = logging.getLogger(f"cocotb.tb.{top}")
            log.info("%s: %s (test seed %d)", fn.__name__, cfg.describe(), cfg.test_seed(fn.__name__))
            try:
                await fn(dut, cfg)
            except BaseException as exc:
                if not isinstance(exc, (GeneratorExit, KeyboardInterrupt)):
                    log.error("FAILED %s with %s; test seed %d\n%s", fn.__name__, cfg.describe(),
                              cfg.test_seed(fn.__name__), reproduce_hint(cfg, top, fn.__name__))
                raise

        wrapper.__qualname__ = fn.__qualname__
        return cocotb.test(**test_kwargs)(wrapper)

    return deco
