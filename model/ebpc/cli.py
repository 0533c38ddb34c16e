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
import os
import sys
import tempfile
import zipfile
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import BinaryIO, Callable, Mapping, Sequence

import numpy as np

from .baselines import METHODS, stats
from . import __version__
from .codec import DecodeError, WordRangeError, as_words
from .conformance import CaseFileError
from .container import RTL_DEFAULT_MAX_WORDS, ContainerError, from_fields, pack, to_fields, unpack
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


def _read_npy(path: str) -> np.ndarray:
    """The array of a .npy file; one-line errors for a missing, unreadable or empty file."""
    file = Path(path)
    if not file.is_file():
        raise CliError(f"{path}: no such file")
    try:
        array = np.load(file, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise CliError(f"{path}: not a readable .npy array ({error})") from None
    if isinstance(array, np.lib.npyio.NpzFile):
        array.close()
        raise CliError(f"{path}: expected a .npy array, got an .npz archive")
    if array.size == 0:
        raise CliError(f"{path}: the array is empty")
    if not np.issubdtype(array.dtype, np.integer) or array.dtype == np.bool_:
        raise CliError(f"{path}: expected an integer array, got dtype {array.dtype}")
    return array


def _load_words(path: str, width: int) -> np.ndarray:
    """The words of an integer .npy, flattened in C order."""
    try:
        return as_words(_read_npy(path), width)
    except WordRangeError as error:
        raise CliError(f"{path}: {error}") from None


def _params(args: argparse.Namespace) -> Params:
    return Params(args.width, args.block, args.max_zero_run)


def _write_atomically(path: str, write: Callable[[BinaryIO], None]) -> None:
    """Write exactly ``path`` (no suffix added) through a temporary file beside it, so a failed
    write leaves any earlier file whole."""
    target = Path(path)
    if target.is_dir():
        raise CliError(f"{path}: is a folder")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent if str(target.parent) else ".")
        try:
            with os.fdopen(handle, "wb") as file:
                write(file)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise CliError(f"{path}: cannot write ({error.strerror or error})") from None


def _cmd_encode(args: argparse.Namespace) -> int:
    p = _params(args)
    array = _read_npy(args.input)
    try:
        packed = pack(array, p.width, p.block, p.max_zero_run, tile=args.tile)
    except (ContainerError, WordRangeError) as error:
        raise CliError(f"{args.input}: {error}") from None
    longest = max(packed.tile_words)
    if longest > RTL_DEFAULT_MAX_WORDS:
        print(f"ebpc: warning: a transmission of {longest} words: the RTL decoder at its default "
              f"CountWidth=16 takes at most {RTL_DEFAULT_MAX_WORDS}; use --tile {RTL_DEFAULT_MAX_WORDS} "
              f"or build it with CountWidth >= {longest.bit_length()}", file=sys.stderr)
    fields = to_fields(packed)
    _write_atomically(args.output, lambda file: np.savez(file, **fields))
    tiles = len(packed.tile_words)
    print(
        f"{args.input}: {packed.num_words} words -> {packed.znz.size} ZNZ + {packed.bpc.size} BPC words"
        f"{f' in {tiles} transmissions' if tiles > 1 else ''} "
        f"(word ratio {packed.num_words * p.width / packed.coded_bits:.3f}) -> {args.output}"
    )
    return 0


def _cmd_decode(args: argparse.Namespace) -> int:
    file = Path(args.input)
    if not file.is_file():
        raise CliError(f"{args.input}: no such file")
    with file.open("rb") as head:
        magic = head.read(6)
    if magic == b"\x93NUMPY":
        raise CliError(f"{args.input}: a .npy array, not a container written by 'ebpc encode'")
    if not magic.startswith(b"PK"):
        raise CliError(f"{args.input}: not a container written by 'ebpc encode' (not an .npz archive)")
    try:
        with np.load(file, allow_pickle=False) as archive:   # a zip (PK): an NpzFile
            packed = from_fields({name: archive[name] for name in archive.files})
    except ContainerError as error:
        raise CliError(f"{args.input}: {error}") from None
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        raise CliError(f"{args.input}: not a readable container ({error})") from None
    words = unpack(packed)
    _write_atomically(args.output, lambda out: np.save(out, words, allow_pickle=False))
    shown = "x".join(str(d) for d in words.shape)
    print(f"{args.input}: {packed.num_words} words restored to {args.output} (shape {shown}, {words.dtype})")
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
    parser.add_argument("--version", action="version", version=f"ebpc {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    def codec_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--width", "-w", type=int, default=8, help="word width W: 8, 16 or 32 (default 8)")
        sub.add_argument("--block", "-n", type=int, default=8, help="BPC block size N (default 8)")
        sub.add_argument("--max-zero-run", "-z", type=int, default=16, help="max zero run Z (default 16)")

    enc = commands.add_parser("encode", help="compress an integer .npy array (flattened in C order)")
    enc.add_argument("input", help="integer .npy; values fit W bits signed or unsigned")
    enc.add_argument("-o", "--output", required=True,
                     help="the container to write, exactly this path (.ebpc suggested; an .npz archive)")
    codec_options(enc)
    enc.add_argument("--tile", type=int, default=None, metavar="N",
                     help="split the words into transmissions of at most N words (default: one); "
                          f"the RTL decoder at its default CountWidth=16 takes at most {RTL_DEFAULT_MAX_WORDS}")

    dec = commands.add_parser("decode", help="restore the array of a container made by encode")
    dec.add_argument("input", help="a container written by 'ebpc encode' (format 1 or 2)")
    dec.add_argument("-o", "--output", required=True,
                     help="the .npy to write, exactly this path: the input's shape and dtype")

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
    except (CliError, ParameterError, WordRangeError, DecodeError, CaseFileError, ContainerError) as error:
        print(f"ebpc: error: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
