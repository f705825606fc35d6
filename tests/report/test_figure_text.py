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
