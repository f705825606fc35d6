"""Each report figure is one image with a name for screen readers (its title, and where its
numbers are): the inline SVG alone was read out as its tick labels, one by one."""

from __future__ import annotations

import re

from cartatlas.report.model import Figure, References, Report, Section, Table
from cartatlas.report.render import render_html


def test_a_figure_is_named_by_its_title_and_points_to_its_numbers():
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>20%</text></svg>'
    data = Table("Studies", ["study", "rate"], [["RELIANCE", "51.7%"]])
    figures = [
        Figure("Forest plot: CR in LBCL", svg, "Squares: studies.", data, slug="f"),
        Figure("Trials by start year", svg, "Counts.", None, slug="g"),
    ]
    section = Section("success", "Success rates", "answer", figures)
    html = render_html(Report("t", ["CN", "US"], "today", "", [section], References()))
    named = re.findall(r'<div role="img" aria-label="([^"]*)"><svg', html)
    assert named == [
        "Forest plot: CR in LBCL (its numbers: the data table below)",
        "Trials by start year",
    ]
