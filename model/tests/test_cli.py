# SPDX-License-Identifier: Apache-2.0
"""The `ebpc` command line: round trip (shape, dtype and values kept), output written exactly
where it is asked for, transmissions split for the RTL decoder, stats, one-line errors for
bad input, subcommands of other packages through entry points."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ebpc.cli import main


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_encode_decode_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(3)
    maps = np.where(rng.random((2, 4, 8, 8)) < 0.5, 0, rng.integers(-2000, 2000, (2, 4, 8, 8))).astype(np.int16)
    np.save(tmp_path / "in.npy", maps)
    code, out, _ = _run([
        "encode", str(tmp_path / "in.npy"), "-o", str(tmp_path / "c.npz"),
        "--width", "16", "--block", "16", "--max-zero-run", "32",
    ], capsys)
    assert code == 0 and "ratio" in out
    with np.load(tmp_path / "c.npz") as archive:
        assert set(archive.files) == {"format", "znz", "bpc", "tile_words", "tile_znz_words", "tile_bpc_words",
                                      "num_words", "shape", "dtype", "signed_words", "width", "block", "max_zero_run"}
        assert int(archive["num_words"]) == maps.size and int(archive["block"]) == 16
        assert archive["shape"].tolist() == [2, 4, 8, 8]
    code, out, _ = _run(["decode", str(tmp_path / "c.npz"), "-o", str(tmp_path / "out.npy")], capsys)
    assert code == 0 and "shape 2x4x8x8" in out
    back = np.load(tmp_path / "out.npy")
    assert back.dtype == np.int16 and back.shape == maps.shape
    np.testing.assert_array_equal(back, maps)


def test_version_1_archive_decodes_flat(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Archives of the first format (one transmission, no shape or dtype) still decode, flat."""
    maps = np.array([[3, 0, -2], [0, 0, 7]], dtype=np.int8)
    np.save(tmp_path / "in.npy", maps)
    assert _run(["encode", str(tmp_path / "in.npy"), "-o", str(tmp_path / "c.ebpc")], capsys)[0] == 0
    with np.load(tmp_path / "c.ebpc") as archive:
        old = {k: archive[k] for k in ("znz", "bpc", "num_words", "width", "block", "max_zero_run")}
    np.savez(tmp_path / "old.npz", **old)
    assert _run(["decode", str(tmp_path / "old.npz"), "-o", str(tmp_path / "out.npy")], capsys)[0] == 0
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"), maps.reshape(-1))


def test_output_goes_exactly_where_it_is_asked_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`-o u8.ebpc` writes u8.ebpc (not u8.ebpc.npz), and decode reads it back from there."""
    np.save(tmp_path / "u8.npy", np.array([1, 0, 2], dtype=np.int8))
    code, out, _ = _run(["encode", str(tmp_path / "u8.npy"), "-o", str(tmp_path / "u8.ebpc")], capsys)
    assert code == 0 and str(tmp_path / "u8.ebpc") in out
    code, out, _ = _run(["decode", str(tmp_path / "u8.ebpc"), "-o", str(tmp_path / "restored")], capsys)
    assert code == 0, out
    assert sorted(f.name for f in tmp_path.iterdir()) == ["restored", "u8.ebpc", "u8.npy"]
    assert np.load(tmp_path / "restored").tolist() == [1, 0, 2]


def test_a_failed_write_keeps_the_earlier_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    np.save(tmp_path / "in.npy", np.array([1, 0, 2], dtype=np.int8))
    (tmp_path / "c.ebpc").write_bytes(b"earlier")

    def broken_savez(file: object, **_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ebpc.cli.np.savez", broken_savez)
    code, _, err = _run(["encode", str(tmp_path / "in.npy"), "-o", str(tmp_path / "c.ebpc")], capsys)
    assert code == 2 and "No space left" in err and len(err.strip().splitlines()) == 1
    assert (tmp_path / "c.ebpc").read_bytes() == b"earlier"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["c.ebpc", "in.npy"]


@pytest.mark.parametrize(("dtype", "values", "width"), [
    (np.uint8, [0, 200, 3, 0, 255], 8),
    (np.uint8, [0, 100, 3, 0, 127], 8),
    (np.int8, [0, -56, 3, 0, -1], 8),
    (np.uint16, [0, 65535, 1, 40000], 16),
    (np.int32, [0, 200, 3, 255], 8),
    (np.int64, [0, -7, 3, 0, 100], 8),
    (np.uint32, [0, 4294967295, 5], 32),
    (np.dtype(">i2"), [0, -300, 3, 0], 16),
])
def test_round_trip_restores_dtype_and_values(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              dtype: np.dtype, values: list[int], width: int) -> None:
    array = np.array(values, dtype=dtype).reshape(1, -1)
    np.save(tmp_path / "in.npy", array)
    args = ["--width", str(width)]
    assert _run(["encode", str(tmp_path / "in.npy"), "-o", str(tmp_path / "c.ebpc"), *args], capsys)[0] == 0
    assert _run(["decode", str(tmp_path / "c.ebpc"), "-o", str(tmp_path / "out.npy")], capsys)[0] == 0
    back = np.load(tmp_path / "out.npy")
    assert back.dtype == array.dtype and back.shape == array.shape
    assert back.tolist() == array.tolist()


def test_values_that_cannot_come_back_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-1 and 200 at W=8: no reading of the 8-bit words gives both back; say so up front."""
    np.save(tmp_path / "mix.npy", np.array([-1, 0, 200], dtype=np.int16))
    code, _, err = _run(["encode", str(tmp_path / "mix.npy"), "-o", str(tmp_path / "c.ebpc")], capsys)
    assert code == 2 and "mix negative" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "c.ebpc").exists()


def test_a_transmission_too_long_for_the_rtl_decoder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """70,000 words: one transmission is written with a warning naming --tile and CountWidth;
    --tile 65535 writes transmissions the default decoder takes, each decoding on its own."""
    import ebpc

    words = (np.arange(70_000) * 7 % 11 - 3).astype(np.int8)
    np.save(tmp_path / "big.npy", words)
    code, _, err = _run(["encode", str(tmp_path / "big.npy"), "-o", str(tmp_path / "one.ebpc")], capsys)
    assert code == 0 and "warning" in err and "--tile 65535" in err and "CountWidth" in err
    code, out, err = _run(["encode", str(tmp_path / "big.npy"), "-o", str(tmp_path / "t.ebpc"), "--tile", "65535"],
                          capsys)
    assert code == 0 and err == "" and "2 transmissions" in out
    with np.load(tmp_path / "t.ebpc") as archive:
        tiles = archive["tile_words"].tolist()
        znz_counts, bpc_counts = archive["tile_znz_words"].tolist(), archive["tile_bpc_words"].tolist()
        znz, bpc = archive["znz"], archive["bpc"]
    assert tiles == [65535, 70_000 - 65535]
    second = ebpc.decode(znz[znz_counts[0]:], bpc[bpc_counts[0]:], tiles[1], 8)
    np.testing.assert_array_equal(second, words[65535:])
    assert _run(["decode", str(tmp_path / "t.ebpc"), "-o", str(tmp_path / "back.npy")], capsys)[0] == 0
    np.testing.assert_array_equal(np.load(tmp_path / "back.npy"), words)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import ebpc

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"ebpc {ebpc.__version__}"


def test_stats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    np.save(tmp_path / "a.npy", np.array([0, 0, 1, 2, 3, 0, 5, 6] * 10, dtype=np.int8))
    code, out, _ = _run(["stats", str(tmp_path / "a.npy")], capsys)
    assert code == 0
    assert "EBPC" in out and "ZVC" in out and "zero-RLE" in out and "0.375" in out


def _bad_inputs(tmp: Path) -> dict[str, list[str]]:
    np.save(tmp / "empty.npy", np.zeros(0, dtype=np.int8))
    np.save(tmp / "float.npy", np.ones(4))
    np.save(tmp / "big.npy", np.array([300, 1]))
    np.save(tmp / "ok.npy", np.array([1, 2, 3]))
    (tmp / "corrupt.npz").write_bytes(b"PK\x03\x04 not really a zip")
    np.savez(tmp / "partial.npz", znz=np.zeros(1))
    np.savez(tmp / "badshape.npz", znz=np.array([128], dtype=np.uint8), bpc=np.array([5, 24, 0, 0, 0, 0, 0], dtype=np.uint8),
             num_words=1, shape=np.array([2, 3]), width=8, block=8, max_zero_run=16)
    np.savez(tmp / "badstream.npz", znz=np.array([255]), bpc=np.array([1, 2, 3]), num_words=4, width=8, block=8,
             max_zero_run=16)
    np.save(tmp / "mixed.npy", np.array([-1, 200]))
    np.save(tmp / "small.npy", np.array([1, 0, 2], dtype=np.int8))
    good = tmp / "good.ebpc"
    main(["encode", str(tmp / "small.npy"), "-o", str(good)])
    with np.load(good) as archive:
        fields = {k: archive[k] for k in archive.files}
    np.savez(tmp / "future.npz", **{**fields, "format": np.int64(9)})
    np.savez(tmp / "baddtype.npz", **{**fields, "dtype": np.asarray("<f8")})
    np.savez(tmp / "badcounts.npz", **{**fields, "tile_znz_words": np.array([5])})
    (tmp / "text.ebpc").write_text("not a container")
    out = str(tmp / "o")
    return {
        "values mixing signs": ["encode", str(tmp / "mixed.npy"), "-o", out],
        "tile of zero words": ["encode", str(tmp / "ok.npy"), "-o", out, "--tile", "0"],
        "output in a missing folder": ["encode", str(tmp / "ok.npy"), "-o", str(tmp / "no" / "where")],
        "unknown container format": ["decode", str(tmp / "future.npz"), "-o", out],
        "float dtype in a container": ["decode", str(tmp / "baddtype.npz"), "-o", out],
        "counts not adding up": ["decode", str(tmp / "badcounts.npz"), "-o", out],
        "text file given to decode": ["decode", str(tmp / "text.ebpc"), "-o", out],

        "missing file": ["encode", str(tmp / "nope.npy"), "-o", out],
        "empty array": ["encode", str(tmp / "empty.npy"), "-o", out],
        "float array": ["encode", str(tmp / "float.npy"), "-o", out],
        "out of range": ["encode", str(tmp / "big.npy"), "-o", out],
        "illegal width": ["encode", str(tmp / "ok.npy"), "-o", out, "--width", "12"],
        "illegal zero run": ["stats", str(tmp / "ok.npy"), "--max-zero-run", "24"],
        "corrupt npz": ["decode", str(tmp / "corrupt.npz"), "-o", out],
        "partial npz": ["decode", str(tmp / "partial.npz"), "-o", out],
        "malformed stream": ["decode", str(tmp / "badstream.npz"), "-o", out],
        "shape not holding the words": ["decode", str(tmp / "badshape.npz"), "-o", out],
        "npy given to decode": ["decode", str(tmp / "ok.npy"), "-o", out],
    }


def test_bad_input_gives_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, args in _bad_inputs(tmp_path).items():
        code, _, err = _run(args, capsys)
        assert code != 0, name
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("ebpc: error:"), (name, err)


def test_module_entry_point_without_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ebpc", "encode", str(tmp_path / "missing.npy"), "-o", str(tmp_path / "x.npz")],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1


def test_plugin_command_missing_gives_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Without ebpc_vectors installed, `ebpc capture` says how to get it: one line, exit 2."""
    code = main(["capture", "--net", "resnet20"], plugins={})
    _, err = capsys.readouterr()
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ebpc: error:") and "pip install" in lines[0], err


def test_plugin_commands_are_listed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"], plugins={})
    assert "capture" in capsys.readouterr().out


def test_capture_is_registered_as_entry_point() -> None:
    """ebpc_vectors provides `capture` through the ebpc.commands entry-point group."""
    from ebpc.cli import COMMAND_GROUP, plugin_commands

    commands = plugin_commands()
    assert "capture" in commands, f"no 'capture' in entry-point group {COMMAND_GROUP}: reinstall (pip install -e .)"
    assert commands["capture"].value == "ebpc_vectors.capture:main"


def test_capture_runs_through_the_entry_point() -> None:
    done = subprocess.run([sys.executable, "-m", "ebpc", "capture", "--help"], capture_output=True, text=True,
                          check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: ebpc capture"), done.stdout[:200]


def test_model_imports_neither_vectors_nor_tb() -> None:
    """The dependency points from ebpc_vectors/ebpc_tb to the model, never back."""
    model_dir = Path(__file__).resolve().parent.parent / "ebpc"
    for source in sorted(model_dir.glob("*.py")):
        text = source.read_text()
        for name in ("ebpc_vectors", "ebpc_tb"):
            assert f"import {name}" not in text and f"from {name}" not in text, f"{source.name} imports {name}"
    probe = ("import sys, ebpc, ebpc.cli, ebpc.bench, ebpc.reference; "
             "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('ebpc_vectors', 'ebpc_tb', 'torch')); "
             "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, f"importing the model loaded {done.stdout.strip()} {done.stderr[-500:]}"
