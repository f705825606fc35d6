"""The forest plot writes a valid SVG and PNG for plain, subgroup and GLMM analyses."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from stats_parity import dataset

from cartatlas.stats import forest_plot, meta_proportions


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"method": "GLMM"}, {"subgroups": True, "test": "knha"}, {"method": "CE"}],
    ids=["reml", "glmm", "subgroups", "common-effect"],
)
def test_writes_svg_and_png(tmp_path, kwargs):
    d = dataset("pritz1997")
    if kwargs.pop("subgroups", False):
        kwargs["subgroups"] = d["groups"]
    res = meta_proportions(d["events"], d["n"], **kwargs)
    forest_plot(res, tmp_path / "plots" / "forest", title="Test", percent=True)
    svg, png = tmp_path / "plots" / "forest.svg", tmp_path / "plots" / "forest.png"
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert "Proportion" in svg.read_text()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_named_format_is_written_under_exactly_that_name(tmp_path):
    """``f.pdf`` used to be written as f.svg and f.png while the caller reported f.pdf."""
    d = dataset("pritz1997")
    res = meta_proportions(d["events"], d["n"])
    forest_plot(res, tmp_path / "f.pdf")
    assert (tmp_path / "f.pdf").read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.pdf"]
    with pytest.raises(ValueError, match="use one of .svg, .png, .pdf"):
        forest_plot(res, tmp_path / "f.jpeg")


def test_single_study_plot(tmp_path):
    forest_plot(meta_proportions([3], [12]), tmp_path / "one")
    assert (tmp_path / "one.png").exists()
