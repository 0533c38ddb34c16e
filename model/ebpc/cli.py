# SPDX-License-Identifier: Apache-2.0
"""Command line: `ebpc encode|decode|stats ...` (also `python -m ebpc`), plus the commands
other packages register under the entry-point group ``ebpc.commands`` (``capture``, from
``ebpc_vectors``). The model imports none of those packages: the dependency points from
them to the model only.

Errors in the input (files, values, parameters, streams) are reported as one line on
stderr with a non-zero exit status; tracebacks are reserved for bugs.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from .baselines import METHODS, stats
from .codec import DecodeError, WordRangeError, as_words, decode, encode
from .conformance import CaseFileError
from .params import ParameterError, Params

__all__ = ["main"]

EXIT_USAGE = 2

# Entry-point group of subcommands from other packages: name = "module:function", called as
# function(argv, prog="ebpc <name>") and returning an exit status.
COMMAND_GROUP = "ebpc.commands"
# Commands this command line knows to be provided by another package, with how to get it.
KNOWN_PLUGINS = {
    "capture": ("capture feature maps with torch (see ebpc capture --help)",
                "pip install -e '.[vectors]' (package ebpc_vectors, from the repository's vectors/)"),
}

_METHOD_TITLES = {"zvc": "ZVC", "zero_rle": "zero-RLE", "bpc": "BPC", "ebpc": "EBPC"}


class CliError(Exception):
    """A user-facing error: printed as one line."""


def _load_words(path: str, width: int) -> np.ndarray:
    """The words of an integer .npy, flattened in C order."""
    return _load_array(path, width)[0]


def _load_array(path: str, width: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """The words of an integer .npy (flattened in C order) and the array's shape."""
    file = Path(path)
    if not file.is_file():
        raise CliError(f"{path}: no such file")
    try:
        array = np.load(file, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise CliError(f"{path}: not a readable .npy array ({error})") from None
    if isinstance(array, np.lib.npyio.NpzFile):
        raise CliError(f"{path}: expected a .npy array, got an .npz archive")
    if array.size == 0:
        raise CliError(f"{path}: the array is empty")
    if not np.issubdtype(array.dtype, np.integer) or array.dtype == np.bool_:
        raise CliError(f"{path}: expected an integer array, got dtype {array.dtype}")
    try:
        return as_words(array, width), tuple(int(d) for d in array.shape)
    except WordRangeError as error:
        raise CliError(f"{path}: {error}") from None


def _params(args: argparse.Namespace) -> Params:
    return Params(args.width, args.block, args.max_zero_run)


def _cmd_encode(args: argparse.Namespace) -> int:
    p = _params(args)
    words, shape = _load_array(args.input, p.width)
    result = encode(words, p.width, p.block, p.max_zero_run)
    word_type = {8: np.uint8, 16: np.uint16, 32: np.uint32}[p.width]
    try:
        np.savez(
            args.output,
            znz=result.znz.astype(word_type),
            bpc=result.bpc.astype(word_type),
            num_words=np.int64(result.num_words),
            shape=np.asarray(shape, dtype=np.int64),
            width=np.int64(p.width),
            block=np.int64(p.block),
            max_zero_run=np.int64(p.max_zero_run),
        )
    except OSError as error:
        raise CliError(f"{args.output}: cannot write ({error.strerror})") from None
    print(
        f"{args.input}: {result.num_words} words -> {result.znz.size} ZNZ + {result.bpc.size} BPC words "
        f"({result.coded_bits} coded bits, ratio {result.ratio:.3f})"
    )
    return 0


def _cmd_decode(args: argparse.Namespace) -> int:
    file = Path(args.input)
    if not file.is_file():
        raise CliError(f"{args.input}: no such file")
    fields = ("znz", "bpc", "num_words", "width", "block", "max_zero_run")
    shape: tuple[int, ...] | None = None
    try:
        archive = np.load(file, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise CliError(f"{args.input}: expected an .npz archive made by 'ebpc encode'")
        with archive:
            missing = [f for f in fields if f not in archive.files]
            if missing:
                raise CliError(f"{args.input}: not an ebpc archive (missing {', '.join(missing)})")
            data = {f: archive[f] for f in fields}
            if "shape" in archive.files:   # archives of older versions have none: flat output
                raw_shape = archive["shape"]
                if raw_shape.ndim != 1 or not np.issubdtype(raw_shape.dtype, np.integer) or (raw_shape < 0).any():
                    raise CliError(f"{args.input}: 'shape' must be a list of non-negative integers")
                shape = tuple(int(x) for x in raw_shape)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, AttributeError) as error:
        raise CliError(f"{args.input}: not a readable .npz archive ({error})") from None
    try:
        width, block, zero_run, num_words = (int(data[f]) for f in ("width", "block", "max_zero_run", "num_words"))
    except (TypeError, ValueError):
        raise CliError(f"{args.input}: parameters must be integer scalars") from None
    if shape is not None and int(np.prod(shape, dtype=np.int64)) != num_words:
        raise CliError(f"{args.input}: shape {shape} does not hold num_words={num_words} words")
    words = decode(data["znz"], data["bpc"], num_words, width, block, zero_run)
    if shape is not None:
        words = words.reshape(shape)
    signed_type = {8: np.int8, 16: np.int16, 32: np.int32}[width]
    try:
        np.save(args.output, words.astype(signed_type))
    except OSError as error:
        raise CliError(f"{args.output}: cannot write ({error.strerror})") from None
    shown = "x".join(str(d) for d in shape) if shape is not None else str(num_words)
    print(f"{args.input}: {num_words} words restored to {args.output} (shape {shown})")
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    p = _params(args)
    header = f"{'file':<32} {'words':>10} {'sparsity':>9} " + " ".join(
        f"{_METHOD_TITLES[m]:>9}" for m in METHODS
    )
    print(header)
    for path in args.inputs:
        words = _load_words(path, p.width)
        result = stats(words, p.width, p.block, p.max_zero_run, args.max_burst)
        ratios = " ".join(f"{result.ratio(m):>8.3f}x" for m in METHODS)
        print(f"{path:<32} {result.num_words:>10} {result.sparsity:>9.3f} {ratios}")
    print(f"(ratio = raw bits / coded bits; W={p.width} N={p.block} Z={p.max_zero_run}, zero-RLE burst {args.max_burst})")
    return 0


def plugin_commands() -> dict[str, EntryPoint]:
    """Subcommands registered by installed packages (entry-point group ``ebpc.commands``)."""
    return {ep.name: ep for ep in entry_points(group=COMMAND_GROUP)}


def _cmd_plugin(name: str, argv: Sequence[str], plugins: Mapping[str, EntryPoint]) -> int:
    if name not in plugins:
        raise CliError(f"'{name}' is not installed: {KNOWN_PLUGINS[name][1]}")
    try:
        command: Callable[..., int | None] = plugins[name].load()
    except ImportError as error:
        raise CliError(f"'{name}' cannot be loaded ({error}): {KNOWN_PLUGINS.get(name, ('', 'reinstall it'))[1]}") from None
    return int(command(list(argv), prog=f"ebpc {name}") or 0)


def _parser(plugins: Mapping[str, EntryPoint]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ebpc", description="EBPC golden-model codec")
    commands = parser.add_subparsers(dest="command", required=True)

    def codec_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--width", "-w", type=int, default=8, help="word width W: 8, 16 or 32 (default 8)")
        sub.add_argument("--block", "-n", type=int, default=8, help="BPC block size N (default 8)")
        sub.add_argument("--max-zero-run", "-z", type=int, default=16, help="max zero run Z (default 16)")

    enc = commands.add_parser("encode", help="compress an integer .npy array (flattened in C order)")
    enc.add_argument("input", help="integer .npy; values fit W bits signed or unsigned")
    enc.add_argument("-o", "--output", required=True, help="output .npz")
    codec_options(enc)

    dec = commands.add_parser("decode", help="restore the words of an .npz made by encode")
    dec.add_argument("input", help=".npz with znz, bpc, num_words, width, block, max_zero_run")
    dec.add_argument("-o", "--output", required=True, help="output .npy (signed W-bit words)")

    sta = commands.add_parser("stats", help="sparsity and compression ratio of EBPC and the baselines")
    sta.add_argument("inputs", nargs="+", help="integer .npy files")
    codec_options(sta)
    sta.add_argument("--max-burst", type=int, default=16, help="zero-RLE max burst (default 16)")

    for name in sorted(set(KNOWN_PLUGINS) | set(plugins)):
        help_text = KNOWN_PLUGINS[name][0] if name in KNOWN_PLUGINS else f"from {plugins[name].value}"
        if name not in plugins:
            help_text += " [not installed]"
        commands.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None, plugins: Mapping[str, EntryPoint] | None = None) -> int:
    """Run the command line; ``plugins`` replaces the installed ``ebpc.commands`` (tests)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    plugins = plugin_commands() if plugins is None else plugins
    try:
        if argv and (argv[0] in plugins or argv[0] in KNOWN_PLUGINS):
            return _cmd_plugin(argv[0], argv[1:], plugins)
        args = _parser(plugins).parse_args(argv)
        handler = {"encode": _cmd_encode, "decode": _cmd_decode, "stats": _cmd_stats}[args.command]
        return handler(args)
    except (CliError, ParameterError, WordRangeError, DecodeError, CaseFileError) as error:
        print(f"ebpc: error: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
