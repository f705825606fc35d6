"""The dashboard's chart "Cytokine release syndrome, any grade, by study": each row's count, n,
grading system and source kind, recomputed from safety.csv and studies.csv with the csv module,
agree with its data table, and with the report's CRS-any cells.

Before: the chart's data table left the grading cell blank where the report says "not stated"
(a blank read as missing, or as "no grading needed"), and named no source kind, so the news
pages behind CRB-402, OUTREACH and the CIBMTR ide-cel cohort stood as the equals of the
journal rows beside them; the report marks them "(weak source)"."""

from __future__ import annotations

import re

import pytest

from cartatlas.report.context import ReportContext
from cartatlas.report.sections import safety as safety_section
from cartatlas.store import open_store
from tests.golden import plain
from tests.web.page_tables import captioned_rows

INDICATIONS = ("LBCL", "B-ALL", "MM", "FL", "MCL")
WEAK = {"news", "secondary"}


def expected(pair: tuple[str, str]) -> dict[tuple[str, int, int], tuple[str, str]]:
    """(study, events, n) -> (grading as shown, source kind as shown) of each listed cohort's
    one CRS-any row: cohorts conducted in the pair, then multinational ones that treated
    patients there or whose countries are not recorded; a secondary page only when the study
    has no other row, primary analysis first, strongest source."""
    studies = {}
    for s in plain.rows("studies"):
        treated = [c for c in s["countries"].split("|") if c]
        listed = s["country_of_conduct"] in pair or (
            s["country_of_conduct"] == "multinational" and (not treated or set(pair) & set(treated))
        )
        if s["indication"] in INDICATIONS and listed and not s["overlaps_with"]:
            studies[s["study_id"]] = s
    out = {}
    for study, row in plain.best_safety_rows(studies, ("CRS",), "any").items():
        kind = row["source_kind"].replace("_", " ")
        kind += " (weak source)" if row["source_kind"] in WEAK else ""
        out[(study, int(row["events"]), int(row["n"]))] = (row["grading"] or "not stated", kind)
    return out


@pytest.mark.parametrize("pair", [("CN", "US"), ("DE", "US"), ("JP", "CN")], ids="-".join)
def test_crs_chart_grading_and_sources_as_the_evidence_says(pair, evidence_store, evidence_client):
    want = expected(pair)
    page = evidence_client.get("/q/safety", params={"a": pair[0], "b": pair[1]}).text
    rows = captioned_rows(page, "CRS, any grade")
    header = [
        "label",
        "country",
        "grading",
        "events",
        "n",
        "percent",
        "ci_low",
        "ci_high",
        "source",
    ]
    shown = []
    for row in rows:
        cells = dict(zip(header, row, strict=False))
        assert cells["grading"], "no blank grading cell"
        shown.append((int(cells["events"]), int(cells["n"]), cells["grading"], cells["source"]))
    assert sorted(shown) == sorted((e, n, *said) for (_, e, n), said in want.items())
    with open_store(evidence_store, read_only=True) as store:
        section = safety_section.build(ReportContext(store, list(pair)))
    cells = [
        row[2] for b in section.blocks if getattr(b, "columns", None) for row in b.rows if row[2]
    ]
    for _, events, n in want:  # the report's CRS-any column carries the same counts
        assert any(re.search(rf"\(≈?{events}/{n};", c) for c in cells), (events, n)
