"""Figures keep their text as text, whoever drew them: the stats library's forest plot is saved
by the report's ``svg`` outside its own style, and its labels were written as glyph paths (ten
times the bytes, and slow for the PDF renderer to draw)."""

from __future__ import annotations

from cartatlas.report.figures import svg
from cartatlas.stats import forest_plot, meta_proportions


def test_a_forest_plot_keeps_its_labels_as_text() -> None:
    result = meta_proportions([5, 9, 12], [20, 25, 30], labels=["Alpha", "Beta", "Gamma"])
    text = svg(forest_plot(result, title="Response", xlabel="Response", percent=True))
    assert ">Alpha<" in text
    assert "DejaVuSans-" not in text  # no glyph outlines


def test_a_year_axis_is_ticked_on_whole_years() -> None:
    """The trials-by-start-year chart (years stored as floats) was ticked "2012.5", "2017.5"."""
    import re

    import pandas as pd

    from cartatlas.report.figures import lines

    years = pd.DataFrame(
        {"start_year": [2009.0, 2015.0, 2020.0, 2026.0], "trials": [1, 5, 87, 150], "c": ["CN"] * 4}
    )
    text = lines(years, "start_year", "trials", "c", "trials started", ["CN"])
    ticks = re.findall(r">(20\d\d(?:\.\d+)?)<", text)
    assert ticks and all("." not in t for t in ticks), ticks
