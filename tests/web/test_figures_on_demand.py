"""A question page saves a report figure only where no chart replaces it: the figure it saves
is the one the report draws, and the page (kept in the store) holds no unsaved figure."""

from __future__ import annotations

import pickle
import re

import pandas as pd

from cartatlas.report import figures
from cartatlas.report.durability_figures import landmark_plot
from cartatlas.store import open_store
from cartatlas.web import dashboard
from cartatlas.web.dashboard import WebFigure, question_page
from cartatlas.web.questions import BY_KEY
from cartatlas.web.registry import WebContext


def _without_ids(svg: str) -> str:
    """matplotlib writes the time and random element ids into each SVG it saves."""
    svg = re.sub(r"<dc:date>[^<]*</dc:date>", "", svg)
    ids: dict[str, str] = {}
    return re.sub(r"\b[mp]?[0-9a-f]{8,}\b", lambda m: ids.setdefault(m[0], f"id{len(ids)}"), svg)


def test_a_figure_saved_on_demand_is_the_one_saved_at_once() -> None:
    rows = pd.DataFrame(
        {
            "study_id": ["A", "A", "B"],
            "endpoint": ["OS", "OS", "PFS"],
            "landmark_months": [12, 24, 12],
            "value": [60.0, 50.0, 40.0],
            "ci_low": [50.0, None, 30.0],
            "ci_high": [70.0, None, 50.0],
        }
    )
    at_once = landmark_plot(rows, {}, {})
    with figures.on_demand():
        undrawn = landmark_plot(rows, {}, {})
    assert isinstance(undrawn, figures.Undrawn)
    assert _without_ids(figures.drawn(undrawn)) == _without_ids(at_once)


def test_a_figure_no_chart_replaces_is_saved_and_the_page_keeps_none_unsaved(
    evidence_store, monkeypatch
) -> None:
    monkeypatch.setattr(dashboard, "chart_for", lambda *args: (None, None))
    with open_store(evidence_store, read_only=True) as store:
        page = question_page(WebContext(store, ["CN", "US"]), BY_KEY["durability"], None)
    drawn = [b for b in page.blocks if isinstance(b, WebFigure)]
    assert drawn and all(b.svg.startswith("<svg") for b in drawn)
    pickle.dumps(page)  # what the server keeps in the store
