# SPDX-License-Identifier: Apache-2.0
"""Helpers for the cocotb test modules: a test decorator that prints how to reproduce."""

from __future__ import annotations

import functools
import logging

import cocotb

from .config import TbConfig

__all__ = ["ebpc_test"]


def ebpc_test(top: str, **test_kwargs):
    """Like ``cocotb.test`` but passes a :class:`TbConfig` and logs seed + reproduce hint on failure.

    The decorated coroutine is called as ``fn(dut, cfg)``.
    """

    def deco(fn):
        @functools.wraps(fn)
        async def wrapper(dut):
            cfg = TbConfig.from_env()
            log = logging.getLogger(f"cocotb.tb.{top}")
            log.info("%s: %s (test seed %d)", fn.__name__, cfg.describe(), cfg.test_seed(fn.__name__))
            try:
                await fn(dut, cfg)
            except BaseException as exc:
                if not isinstance(exc, (GeneratorExit, KeyboardInterrupt)):
                    log.error("FAILED %s with %s; test seed %d\n%s", fn.__name__, cfg.describe(),
                              cfg.test_seed(fn.__name__), cfg.reproduce_hint(top, fn.__name__))
                raise

        wrapper.__qualname__ = fn.__qualname__
        return cocotb.test(**test_kwargs)(wrapper)

    return deco
