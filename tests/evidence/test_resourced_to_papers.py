"""Rows moved from a news page to the paper that prints their numbers (issue #14, session 24).

A DOI attached to a number is only honest if that paper's text gives the number. Each row listed
here must now cite its paper, and its events must follow from the n and the percent its quote
prints, recomputed here from the raw CSV (round(percent x n / 100)), not by the checker. OUTREACH's
news rows were dropped because its Blood Adv paper gives the same analysis: one row per endpoint."""

from __future__ import annotations

import csv
import re

from cartatlas.evidence.reading import BUNDLED_DIR

# (table, study, endpoint or event, grade, analysis) -> the DOI the row now cites
RESOURCED = {
    ("outcomes", "ZUMA-1", "ORR", "", "label"): "10.1158/1078-0432.CCR-18-2743",
    ("outcomes", "ZUMA-1", "CR", "", "label"): "10.1158/1078-0432.CCR-18-2743",
    ("outcomes", "TRANSFORM", "CR", "", "primary"): "10.1182/blood.2022018730",
    ("safety", "Sang-CD19CD20-DLBCL", "neurotoxicity", "3plus", "primary"): "10.1002/cam4.3259",
}


def _rows(table: str) -> list[dict[str, str]]:
    with (BUNDLED_DIR / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _find(table: str, study: str, what: str, grade: str, analysis: str) -> dict[str, str]:
    column = "endpoint" if table == "outcomes" else "event"
    hits = [
        r
        for r in _rows(table)
        if r["study_id"] == study
        and r[column] == what
        and r["analysis"] == analysis
        and (table == "outcomes" or r["grade"] == grade)
    ]
    assert len(hits) == 1, (table, study, what, grade, analysis, len(hits))
    return hits[0]


def test_resourced_rows_cite_their_paper_and_their_events_follow_from_the_quote():
    for (table, study, what, grade, analysis), doi in RESOURCED.items():
        row = _find(table, study, what, grade, analysis)
        assert row["source_kind"] == "journal", study
        assert row["doi"] == doi, study
        canonical = {f"https://doi.org/{doi}", f"https://pubmed.ncbi.nlm.nih.gov/{row['pmid']}/"}
        assert row["source_url"] in canonical, study
        assert row["retrieved_from"], f"{study}: the page the quote was read on is not kept"
        percent = float(row["percent"])
        assert re.search(rf"\b{re.escape(row['percent'])}\s*%", row["source_quote"]), study
        assert int(row["events"]) == round(percent * int(row["n"]) / 100), study


def test_outreach_keeps_one_journal_row_per_response_endpoint():
    rows = [r for r in _rows("outcomes") if r["study_id"] == "OUTREACH"]
    for endpoint, events in (("ORR", 66), ("CR", 44)):
        kept = [r for r in rows if r["endpoint"] == endpoint]
        assert [r["source_kind"] for r in kept] == ["journal"], endpoint
        assert (int(kept[0]["n"]), int(kept[0]["events"])) == (82, events)
