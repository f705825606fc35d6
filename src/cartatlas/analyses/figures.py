"""Figures of the evidence analyses written to files on request."""

from __future__ import annotations

from pathlib import Path

from cartatlas.analyses.study_rows import ENDPOINTS
from cartatlas.analyses.success_rates import CountryPooling
from cartatlas.stats import forest_plot


def forest_for(pooling: CountryPooling, path: Path) -> None:
    """Forest plot of a country pooling, written as ``<path>.svg`` and ``<path>.png``."""
    label = ENDPOINTS[pooling.endpoint].label
    forest_plot(
        pooling.result,
        path,
        title=f"{label.capitalize()}, {pooling.indication}",
        xlabel=label.capitalize(),
        percent=True,
    )
