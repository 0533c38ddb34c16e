# SPDX-License-Identifier: Apache-2.0
"""Signal access through cocotb's public handle API, at the least cost per cycle.

The benches read a few signals in every clock cycle, so each access is kept to one call of
the public API and nothing else:

* :func:`bit_reader`: a 1-bit signal as ``"0"``, ``"1"`` or another state character
  (``"X"``, ``"Z"`` ...): ``str(handle.get())``, the cheapest public read;
* :class:`WatchedBit`: the same, but read again only after the signal changed (cocotb's
  ``value_change`` trigger), since most control signals change in a few cycles out of ten
  or a hundred; a signal that changes too often for that to pay is read every time;
* :func:`int_reader`: a vector as an ``int``, ``None`` while any bit is X/Z (the binary
  string of :meth:`LogicArray.__str__` parsed once, cheaper than ``to_unsigned()``);
* :class:`Writer`: writes a signal through ``handle.value = ...`` only when the value
  changes (a write costs more than a compare); 1-bit signals are given a prebuilt
  :class:`~cocotb.types.Logic`, which the handle converts at the least cost;
* :class:`StreamBus` / :func:`stream_bus`: the handles of one valid/ready stream by the
  EBPC port convention.

Test doubles (objects with a plain ``value`` attribute, no simulator) work with every
function here: they have no ``get()`` and are read and written through ``value``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Optional

import cocotb
from cocotb.triggers import ReadOnly
from cocotb.types import Logic

__all__ = ["bit_reader", "int_reader", "resolve", "WatchedBit", "Writer", "StreamBus", "stream_bus",
           "stream_signals"]

# The values a 1-bit Writer hands to the handle (a Logic needs no conversion by cocotb).
_LOGIC = (Logic("0"), Logic("1"))


def resolve(handle: Any) -> Optional[int]:
    """The integer value of ``handle`` (``None`` while it holds X/Z); any handle or test double."""
    try:
        return int(handle.value)
    except ValueError:
        return None


def bit_reader(handle: Any) -> Callable[[], str]:
    """A function returning a 1-bit signal's state as one character: ``"0"``, ``"1"``, or
    ``"X"``/``"Z"``/... (compare with ``"1"``; anything else is not a clean one)."""
    get = getattr(handle, "get", None)
    if get is None:                         # a test double
        return lambda: str(handle.value)
    return lambda: str(get())


def int_reader(handle: Any) -> Callable[[], Optional[int]]:
    """A function returning the value of ``handle`` as an unsigned ``int`` (``None`` for X/Z)."""
    get = getattr(handle, "get", None)
    if get is None:
        return lambda: resolve(handle)

    def read() -> Optional[int]:
        try:
            # str() of a LogicArray/Logic is its binary string, as the simulator gave it
            return int(str(get()), 2)
        except ValueError:                  # X, Z, U, W, - in some bit
            return None

    return read


class WatchedBit:
    """A 1-bit signal's state (as :func:`bit_reader` gives it), read again only after it changed.

    A watcher task waits on the handle's ``value_change`` trigger and marks the value read
    last as no longer :attr:`steady`; a call then reads the signal once, and the calls after
    it cost no read at all. With an ``engine``, a change also wakes the bit's :attr:`owner`
    (the sampler that reads it) and has the engine sample its time step in ``ReadOnly``
    (:meth:`~ebpc_tb.bench.engine.CycleEngine.claim_read_only`): an engine may skip the
    cycles in which nothing a sampler watches changed.

    A change costs a task resume, about as much as a read through cocotb's handle API in a
    running bench, so the bit adapts to the signal, window by window (``WINDOW`` calls, with
    an engine also at least that many cycles):

    * a signal that changes in more than one call (or cycle) out of ``LIMIT`` is polled:
      every call reads it (the value is then never steady); polling goes back to watching
      when it sees fewer than one change in ``2 * LIMIT``;
    * in a two-state simulator (Verilator, where no X can be missed), a signal whose high
      spells are short is watched for its rises only (``rising_edge``): a ``1`` is then read
      again at every call, a ``0`` stays steady until the next rise; it goes back to every
      change when the reads of a ``1`` outnumber the rises (long high spells).

    Test doubles without ``value_change`` are always polled. :attr:`steady` and
    :attr:`value` are plain attributes (read in every cycle): while ``steady``, ``value``
    is the signal's state without a call.
    """

    WINDOW = 256
    LIMIT = 2

    __slots__ = ("_handle", "_read", "_engine", "value", "steady", "_calls", "_changes", "_polling",
                 "_rising", "_rising_ok", "_ones", "_generation", "_start", "owner")

    def __init__(self, handle: Any, engine: Any = None) -> None:
        self._handle = handle
        self._read = bit_reader(handle)
        self._engine = engine
        self.owner: Any = None              # the sampler to wake on a change (with an engine)
        self.value = ""
        self.steady = False
        self._calls = 0
        self._changes = 0
        self._ones = 0                      # window: calls that returned a 1
        self._start = self._now()
        self._polling = getattr(handle, "value_change", None) is None
        self._rising = False
        self._rising_ok = not self._polling and two_state_simulator()
        self._generation = 0                # a watcher of an older one ends at its next change
        if not self._polling:
            self._start_watcher()

    def known(self) -> Optional[str]:
        """The value if :attr:`steady` (no read needed), else None."""
        return self.value if self.steady else None

    def __call__(self) -> str:
        self._calls += 1
        if self._calls >= self.WINDOW:
            self._adapt()
        if self.steady:
            if self._rising_ok and self.value == "1":
                self._ones += 1
            return self.value
        value = self._read()
        if self._polling:                   # count the changes seen
            if value != self.value:
                self._changes += 1
        else:
            self.steady = value == "0" or not self._rising
            if self._rising and value == "1":
                self._ones += 1
        self.value = value
        return value

    @property
    def watching(self) -> bool:
        """A watcher reports the changes (or rises), rather than every call reading the signal."""
        return not self._polling

    def _now(self) -> int:
        return self._engine.cycle if self._engine is not None else 0

    def _span(self) -> int:
        """The window so far: calls, or cycles if that is more (with an engine)."""
        return max(self._calls, self._now() - self._start)

    def _start_watcher(self) -> None:
        self._generation += 1
        cocotb.start_soon(self._watch(self._generation))

    async def _watch(self, generation: int) -> None:
        change = self._handle.rising_edge if self._rising else self._handle.value_change
        read_only = ReadOnly()
        limit = self.LIMIT
        window = self.WINDOW
        while True:
            await change
            if self._polling or generation != self._generation:
                return                      # polled or watched anew since: this watcher ends
            self.steady = False
            self._changes += 1
            # more changes than the window pays for: poll from now on (its readers then find
            # the value never steady and ask for every cycle)
            stop = self._changes * limit > window and self._changes * limit > self._span()
            if stop:
                self._poll()
            engine = self._engine
            if engine is not None:
                if self.owner is not None:
                    engine.wake(self.owner)
                if engine.claim_read_only():
                    await read_only
                    engine.sample_in_read_only()
            if stop:
                return

    def _new_window(self) -> None:
        self._calls = self._changes = self._ones = 0
        self._start = self._now()

    def _poll(self) -> None:
        self._new_window()
        self._polling = True
        self.steady = False

    def _adapt(self) -> None:
        """End of a window: choose polling, watching every change, or watching the rises."""
        span, changes, ones = self._span(), self._changes, self._ones
        self._new_window()
        if self._polling:
            if changes * 2 * self.LIMIT < span and getattr(self._handle, "value_change", None) is not None:
                self._polling = False
                self._watch_anew(self._rising)
            return
        if changes * self.LIMIT > span:
            self._poll()
        elif self._rising_ok and not self._rising and changes > 2 * ones:
            self._watch_anew(True)          # short high spells: the falls cost more than they save
        elif self._rising and ones > 2 * changes:
            self._watch_anew(False)         # long high spells: the reads of a 1 cost more

    def _watch_anew(self, rising: bool) -> None:
        self._rising = rising
        self.steady = False
        self._start_watcher()


def two_state_simulator() -> bool:
    """The simulator has no X/Z (Verilator)."""
    return "verilator" in (getattr(cocotb, "SIM_NAME", "") or "").lower()


def _width(handle: Any) -> int:
    """Bit width of a handle (0 for a test double without one)."""
    try:
        return len(handle)
    except TypeError:
        return 0


class Writer:
    """Drives one signal, writing only when the value changes.

    The first value is written at construction (an input is never left undriven). Writes
    are cocotb deposits (``handle.value = ...``): applied at once where the simulator is
    trusted with inertial writes (Verilator), else in the ``ReadWrite`` phase of the same
    time step (Icarus); either way before the next ``ReadOnly``, so a sampler reading the
    :attr:`current` value there sees what the signal holds.
    """

    __slots__ = ("handle", "current", "_table")

    def __init__(self, handle: Any, value: int = 0) -> None:
        self.handle = handle
        self._table = _LOGIC if _width(handle) == 1 else None
        self.current = value
        self._put(value)

    def _put(self, value: int) -> None:
        table = self._table
        self.handle.value = value if table is None else table[value]

    def __call__(self, value: int) -> None:
        if value != self.current:
            self.current = value
            table = self._table
            self.handle.value = value if table is None else table[value]

    def force(self, value: int) -> None:
        """Write ``value`` even if it seems unchanged (after a write made elsewhere)."""
        self.current = value
        self._put(value)


@dataclasses.dataclass(frozen=True)
class StreamBus:
    """The handles of one valid/ready stream (``last`` is ``None`` on streams without one)."""

    name: str
    valid: Any
    ready: Any
    data: Any
    last: Any = None

    @property
    def has_last(self) -> bool:
        return self.last is not None


def stream_signals(into_dut: bool, with_last: bool = True) -> tuple[dict[str, str], dict[str, str]]:
    """Signal suffixes (attribute -> suffix) of a stream, seen from the DUT: the required
    ones and the optional ``last``.

    A stream *into* the DUT has ``valid_i/data_i/last_i`` and ``ready_o``; a stream *out of*
    the DUT has ``valid_o/data_o/last_o`` and ``ready_i``.
    """
    if into_dut:
        sig = {"valid": "valid_i", "ready": "ready_o", "data": "data_i"}
        opt = {"last": "last_i"} if with_last else {}
    else:
        sig = {"valid": "valid_o", "ready": "ready_i", "data": "data_o"}
        opt = {"last": "last_o"} if with_last else {}
    return sig, opt


def stream_bus(entity: Any, name: str, into_dut: bool, with_last: bool = True) -> StreamBus:
    """The :class:`StreamBus` of stream ``name`` (``in``, ``len``, ``znz`` ...) of ``entity``.

    Raises AttributeError naming the missing signal; a missing ``last`` is allowed (the
    bus then has none).
    """
    sig, opt = stream_signals(into_dut, with_last)
    handles: dict[str, Any] = {}
    for attr, suffix in sig.items():
        full = f"{name}_{suffix}"
        if not hasattr(entity, full):
            raise AttributeError(f"the DUT has no signal {full} (stream '{name}')")
        handles[attr] = getattr(entity, full)
    for attr, suffix in opt.items():
        full = f"{name}_{suffix}"
        if hasattr(entity, full):
            handles[attr] = getattr(entity, full)
    return StreamBus(name, **handles)
