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
    assert "| resnet20 | fixed8 | 2 |" in md and "| resnet20 | fixed16 | 2 |" in md
    assert "EBPC mean (p1)" in md and "coded bits" in md and "## Gradient maps" in md
    assert "AlexNet 5.1x" in md and "layer3.2.relu2" in md
    for png in ("ratio_by_network.png", "ratio_by_network-grad.png",
                "layers-resnet20-fixed8.png", "layers-resnet20-fixed16.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png


def test_report_numbers_match_model(tiny):
    sets = find_sets(tiny)
    rows = report.measure(sets, 8, 16, 16, kinds=("act",))
    summ = {(s["net"], s["quant"]): s for s in report.network_summary(rows, "act")}
    for s in find_sets(tiny):
        ratios = []
        for img in ("chelsea", "rocket"):
            raw = bits = 0
            for e in s.entries:
                if e["image"] == img and e["kind"] == "act":
                    w = s.words(e)
                    enc = ebpc.encode(w, s.width, 8, 16)
                    raw += w.size * s.width
                    bits += enc.znz_bits + enc.bpc_bits
            ratios.append(raw / bits)
        got = summ[("resnet20", s.manifest["quant"]["name"])]
        assert got["ebpc"] == pytest.approx(np.mean(ratios))
        assert got["ebpc_p1"] == pytest.approx(np.percentile(ratios, 1))
        assert min(ratios) <= got["ebpc_p1"] <= max(ratios)
        s.close()


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
