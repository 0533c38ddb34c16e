# SPDX-License-Identifier: Apache-2.0
"""Malformed decoder inputs: one directed case per error class, and random corruption.

Error flags of ``ebpc_decoder.error_o`` (see :data:`ebpc_tb.bench.scoreboard.ERROR_NAMES`)::

    bit0 ZNZ_RUN_OVERFLOW  bit1 ZNZ_TRUNCATED  bit2 BPC_TRUNCATED  bit3 BPC_BAD_POSITION
    bit4 BPC_RUN_TOO_LONG  bit5 ZNZ_TRAILING   bit6 BPC_TRAILING   bit7 ZERO_LENGTH

Every case is checked word by word: its expected output words and its whole 8-bit flag
word come from :func:`ebpc.decode_with_flags`, the golden model of the documented error
behaviour (header of ``rtl/ebpc_decoder.sv``): exactly L output words (none for L=0); words
before the first error carry decoded values, from it on 0 (ZNZ error: every word from the
failing symbol on; BPC error: every non-zero word of the failing block and later ones);
trailing words change no output word; BPC is consumed only when at least one non-zero ZNZ
symbol was decoded. The directed cases also state the flags they are built to raise and, for
some, the words worked out by hand; :func:`directed_cases` checks those against the model.
"""

from __future__ import annotations

import dataclasses
import math
import random

import ebpc

from ebpc.errordecode import (BPC_BAD_POSITION, BPC_RUN_TOO_LONG, BPC_TRAILING, BPC_TRUNCATED,
                              ZERO_LENGTH, ZNZ_RUN_OVERFLOW, ZNZ_TRAILING, ZNZ_TRUNCATED)

ZNZ_FLAGS = ZNZ_RUN_OVERFLOW | ZNZ_TRUNCATED | ZNZ_TRAILING
BPC_FLAGS = BPC_TRUNCATED | BPC_BAD_POSITION | BPC_RUN_TOO_LONG | BPC_TRAILING

__all__ = ["MalformedCase", "directed_cases", "fuzz_case", "pack_bits", "znz_scan", "exact",
           "ZNZ_FLAGS", "BPC_FLAGS"]


@dataclasses.dataclass
class MalformedCase:
    name: str
    length: int
    znz: list[int]
    bpc: list[int]
    error: int                      # flags that must all be set
    allowed: int = 0                # flags that may be set as well
    expected: list[int] | None = None   # expected output words (signed), None: not compared
    any_of: int = 0                 # if non-zero: at least one of these flags must be set


def exact(case: MalformedCase, w: int, n: int, z: int) -> MalformedCase:
    """``case`` with the exact expectation of the model: every output word and all eight flags.

    The flags the case was built for (``error``) must be among the model's, and words worked
    out by hand (``expected``) must be the model's; AssertionError (naming the case) if not.
    """
    got = ebpc.decode_with_flags(case.znz, case.bpc, case.length, w, n, z)
    words = [int(v) for v in got.words]
    mask = (1 << w) - 1
    if got.flags & case.error != case.error:
        raise AssertionError(f"malformed case '{case.name}': built for {ebpc.flag_names(case.error)}, "
                             f"the model gives {got.describe()}")
    if case.expected is not None and [v & mask for v in case.expected] != [v & mask for v in words]:
        raise AssertionError(f"malformed case '{case.name}': hand-worked words {case.expected} differ "
                             f"from the model's {words}")
    return dataclasses.replace(case, error=got.flags, allowed=0, any_of=0, expected=words)


def pack_bits(bits: str, w: int) -> list[int]:
    """Pack a '0'/'1' string MSB-first into W-bit words, zero-padding the last word."""
    if not bits:
        return []
    bits = bits + "0" * (-len(bits) % w)
    return [int(bits[i:i + w], 2) for i in range(0, len(bits), w)]


def words_to_bits(words: list[int], w: int) -> str:
    return "".join(format(x, f"0{w}b") for x in words)


def znz_scan(znz: list[int], length: int, w: int, z: int) -> tuple[int, str | None, int]:
    """Walk ZNZ symbols like the decoder: (non-zero symbols decoded, error or None, bits used).

    error is 'overflow' (a run passes L) or 'truncated' (stream ends first).
    """
    bits = words_to_bits(znz, w)
    rb = int(math.log2(z))
    pos = words = nnz = 0
    while words < length:
        if pos >= len(bits):
            return nnz, "truncated", pos
        if bits[pos] == "1":
            nnz += 1
            words += 1
            pos += 1
            continue
        if pos + 1 + rb > len(bits):
            return nnz, "truncated", pos
        run = int(bits[pos + 1:pos + 1 + rb], 2) + 1 if rb else 1
        if words + run > length:
            return nnz, "overflow", pos
        words += run
        pos += 1 + rb
    return nnz, None, pos


def _encode(values, w, n, z):
    enc = ebpc.encode(values, w, n, z)
    return [int(x) for x in enc.znz], [int(x) for x in enc.bpc]


def _nonzero_values(rng: random.Random, w: int, count: int) -> list[int]:
    lo, hi = -(1 << (w - 1)), (1 << (w - 1)) - 1
    out = []
    while len(out) < count:
        v = rng.randint(lo, hi)
        if v:
            out.append(v)
    return out


def directed_cases(w: int, n: int, z: int, rng: random.Random) -> list[MalformedCase]:
    """At least one case per error class; exact expectations (words and flags) from the model."""
    cases: list[MalformedCase] = []
    pbits = max(1, math.ceil(math.log2(n)))
    rbits = int(math.log2(w))

    # bit0: a zero run passes L (all-zero stream: nothing decoded, no BPC)
    run = min(z, 8)
    znz, _ = _encode([0] * (run + 2), w, n, z)
    length = max(1, run - 2) if run > 2 else 1
    cases.append(MalformedCase("ZNZ_RUN_OVERFLOW zeros", length, znz, [], ZNZ_RUN_OVERFLOW,
                               expected=[0] * length))
    # bit0 after a non-zero word: BPC is drained (values not compared)
    vals = [3] + [0] * (z + 3)
    znz, bpc = _encode(vals, w, n, z)
    cases.append(MalformedCase("ZNZ_RUN_OVERFLOW after a non-zero word", 2, znz, bpc, ZNZ_RUN_OVERFLOW))

    # bit1: stream ends before L words (zeros only)
    znz, _ = _encode([0] * 4, w, n, z)
    length = 4 + 2 * w * len(znz) + 3
    cases.append(MalformedCase("ZNZ_TRUNCATED zeros", length, znz, [], ZNZ_TRUNCATED,
                               expected=[0] * length))
    # bit1 with non-zero words decoded first (BPC drained)
    vals = _nonzero_values(rng, w, n)
    znz, bpc = _encode(vals, w, n, z)
    cases.append(MalformedCase("ZNZ_TRUNCATED after non-zero words", n + 2 * w + 5, znz, bpc, ZNZ_TRUNCATED))

    # bit2: BPC stream cut after the first block (second block's words missing)
    vals = _nonzero_values(rng, w, 2 * n)
    znz, bpc = _encode(vals, w, n, z)
    trace = [s for s in ebpc.symbol_trace(vals, w, n, z) if s.stream == "bpc" and s.kind == "base"]
    b1 = trace[1].bit_offset
    keep = math.ceil(b1 / w)
    cases.append(MalformedCase("BPC_TRUNCATED in block 1", len(vals), znz, bpc[:keep], BPC_TRUNCATED,
                               expected=vals[:n] + [0] * n))
    # bit2: BPC stream shorter than one block
    vals = _nonzero_values(rng, w, n)
    znz, bpc = _encode(vals, w, n, z)
    cases.append(MalformedCase("BPC_TRUNCATED in block 0", len(vals), znz, bpc[:1], BPC_TRUNCATED,
                               expected=[0] * n))

    # bit3: single-one position N-1 and all-ones; pair position N-2 and all-ones
    vals = _nonzero_values(rng, w, n)
    znz, _ = _encode(vals, w, n, z)
    base = format(vals[0] & ((1 << w) - 1), f"0{w}b")
    filler = "001" + format(w - 2, f"0{rbits}b")   # a legal run of the W remaining planes
    bad = sorted({("single", "00011", n - 1), ("single", "00011", (1 << pbits) - 1),
                  ("pair", "00010", n - 2), ("pair", "00010", (1 << pbits) - 1)})
    for kind, prefix, pos in bad:
        bits = base + prefix + format(pos, f"0{pbits}b") + filler
        cases.append(MalformedCase(f"BPC_BAD_POSITION {kind} at {pos}", n, znz, pack_bits(bits, w),
                                   BPC_BAD_POSITION, expected=[0] * n))
    # bit4: a zero-DBX run longer than the planes left (W+1 after one plane; 2 when 1 left)
    for name, bits in (("run W+1 after plane 0", base + "00000" + "001" + "1" * rbits),
                       ("run W+1 after a run of 1", base + "01" + "001" + "1" * rbits)):
        cases.append(MalformedCase(f"BPC_RUN_TOO_LONG {name}", n, znz, pack_bits(bits, w),
                                   BPC_RUN_TOO_LONG, expected=[0] * n))
    if w >= 8:
        # planes 0..W-1 coded as all-ones (W symbols), then a run of 2 with one plane left
        bits = base + "00000" * w + "001" + format(0, f"0{rbits}b")
        cases.append(MalformedCase("BPC_RUN_TOO_LONG run 2 with 1 plane left", n, znz, pack_bits(bits, w),
                                   BPC_RUN_TOO_LONG, expected=[0] * n))

    # bit5 / bit6: whole words after the final symbol (outputs unaffected)
    vals = [v if i % 3 else 0 for i, v in enumerate(_nonzero_values(rng, w, 3 * n + 1))]
    znz, bpc = _encode(vals, w, n, z)
    cases.append(MalformedCase("ZNZ_TRAILING one word", len(vals), znz + [0], bpc, ZNZ_TRAILING, expected=vals))
    cases.append(MalformedCase("ZNZ_TRAILING three words", len(vals), znz + [0xA5 & ((1 << w) - 1), 1, 0],
                               bpc, ZNZ_TRAILING, expected=vals))
    cases.append(MalformedCase("BPC_TRAILING one word", len(vals), znz, bpc + [0], BPC_TRAILING, expected=vals))
    cases.append(MalformedCase("BPC_TRAILING two words", len(vals), znz, bpc + [(1 << w) - 1, 7],
                               BPC_TRAILING, expected=vals))
    # bit6 found only when the ZNZ side ends: the words end in zero runs filling two or more
    # ZNZ words, so the BPC side has decoded its last block long before the ZNZ side is done.
    zero_runs = 2 * w // (1 + int(math.log2(z))) + 1
    vals = _nonzero_values(rng, w, n) + [0] * (z * zero_runs)
    znz, bpc = _encode(vals, w, n, z)
    cases.append(MalformedCase("BPC_TRAILING, ZNZ ends late", len(vals), znz, bpc + [5], BPC_TRAILING,
                               expected=vals))
    # Flags together (what the decoder does on the ZNZ side and on the BPC side at once):
    # a ZNZ error after one non-zero word while the one block it needs is bad or cut short;
    # trailing ZNZ words beside a BPC error; trailing BPC words after a ZNZ error (drained,
    # not flagged).
    bad_block = pack_bits(base + "00011" + format(n - 1, f"0{pbits}b") + filler, w)
    one_then_zeros, _ = _encode([vals[0]] + [0] * (z + 3), w, n, z)
    cases.append(MalformedCase("ZNZ_RUN_OVERFLOW + BPC_BAD_POSITION in the block it needs", 2,
                               one_then_zeros, bad_block, ZNZ_RUN_OVERFLOW | BPC_BAD_POSITION))
    cases.append(MalformedCase("ZNZ_RUN_OVERFLOW + BPC_TRUNCATED in the block it needs", 2,
                               one_then_zeros, pack_bits(base, w), ZNZ_RUN_OVERFLOW | BPC_TRUNCATED))
    dense = _nonzero_values(rng, w, n)
    znz, bpc = _encode(dense, w, n, z)
    cases.append(MalformedCase("ZNZ_TRAILING + BPC_BAD_POSITION", n, znz + [1], bad_block,
                               ZNZ_TRAILING | BPC_BAD_POSITION))
    cases.append(MalformedCase("ZNZ_TRUNCATED, trailing BPC words not flagged", n + 2 * w + 5, znz,
                               bpc + [5, 6], ZNZ_TRUNCATED))
    cases.append(MalformedCase("BPC_RUN_TOO_LONG, trailing BPC words not flagged", n, znz,
                               pack_bits(base + "00000" + "001" + "1" * rbits, w) + [3, 3],
                               BPC_RUN_TOO_LONG))
    # bit7: L = 0 takes nothing from znz/bpc
    cases.append(MalformedCase("ZERO_LENGTH", 0, [], [], ZERO_LENGTH, expected=[]))
    return [exact(c, w, n, z) for c in cases]


def fuzz_case(values: list[int], w: int, n: int, z: int, rng: random.Random,
              index: int = 0) -> MalformedCase:
    """Corrupt the model's streams of ``values`` at random; the exact expectation (every
    output word, the whole flag word) from :func:`ebpc.decode_with_flags`.

    BPC words are only sent when the DUT will consume them (at least one non-zero ZNZ
    symbol decoded).
    """
    znz, bpc = _encode(values, w, n, z)
    length = len(values)
    mask = (1 << w) - 1
    kinds = ["flip_znz", "flip_bpc", "flip_bpc", "cut_znz", "cut_bpc", "extend_znz",
             "extend_bpc", "length_minus", "length_plus"]
    # one corruption, or two (one ZNZ-side and one BPC-side problem together, e.g. a ZNZ
    # error with a BPC error in a block the words before it need)
    hows = [rng.choice(kinds)] if rng.random() < 0.7 else rng.sample(kinds, 2)
    for how in hows:
        if how == "flip_znz":
            i = rng.randrange(len(znz))
            znz[i] ^= 1 << rng.randrange(w)
        elif how == "flip_bpc" and bpc:
            for _ in range(rng.choice([1, 1, 2, 3])):
                i = rng.randrange(len(bpc))
                bpc[i] ^= 1 << rng.randrange(w)
        elif how == "cut_znz" and len(znz) > 1:
            znz = znz[:rng.randrange(1, len(znz))]
        elif how == "cut_bpc" and len(bpc) > 1:
            bpc = bpc[:rng.randrange(1, len(bpc))]
        elif how == "extend_znz":
            znz = znz + [rng.randrange(1 << w) for _ in range(rng.randint(1, 3))]
        elif how == "extend_bpc" and bpc:
            bpc = bpc + [rng.randrange(1 << w) for _ in range(rng.randint(1, 3))]
        elif how == "length_minus" and length > 1:
            length = rng.randint(1, length - 1)
        elif how == "length_plus":
            length = length + rng.randint(1, 2 * z)
    how = "+".join(hows)
    znz = [x & mask for x in znz]
    bpc = [x & mask for x in bpc]
    nnz, _, _ = znz_scan(znz, length, w, z)
    if nnz > 0 and not bpc:
        # the DUT will read BPC: an input stream cannot be empty (it ends with a `last` word)
        bpc = [rng.randrange(1 << w)]
    send_bpc = bpc if nnz > 0 else []
    got = ebpc.decode_with_flags(znz, send_bpc, length, w, n, z)
    status = "decodable" if got.clean else ebpc.flag_names(got.flags)
    return MalformedCase(f"fuzz#{index}[{how},L={length}] {status}", length, znz, send_bpc, got.flags,
                         expected=[int(v) for v in got.words])
