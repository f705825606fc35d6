"""The JSON API says "no data (reason)" for a country with nothing recorded, on every listing
that takes a country, as /api/approvals and /api/prices already did: /api/coverage, /api/studies,
/api/outcomes and /api/safety answered India with a bare empty list. India's absence is
recomputed from studies.csv and coverage.csv with the csv module; the report's Who pays answer
words it the same way."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("path", "note"),
    [
        ("/api/coverage", "no data (no coverage decision recorded for IN)"),
        ("/api/studies", "no data (no studies conducted in IN recorded in the evidence base)"),
        (
            "/api/outcomes",
            "no data (no response rows from studies conducted in IN recorded in the evidence base)",
        ),
        (
            "/api/safety",
            "no data (no safety rows from studies conducted in IN recorded in the evidence base)",
        ),
        (
            "/api/survival",
            "no data (no survival rows from studies conducted in IN recorded in the evidence base)",
        ),
    ],
)
def test_india_reads_no_data_with_its_reason(evidence_client, path, note):
    assert not [s for s in _rows("studies") if s["country_of_conduct"] == "IN"]
    assert not [c for c in _rows("coverage") if c["country"] == "IN"]
    body = evidence_client.get(path, params={"country": "IN"}).json()
    assert (body["count"], body["items"], body["note"]) == (0, [], note)


def test_spains_survival_gap_is_said_though_it_has_studies(evidence_client):
    """Spain has studies but no survival row: /api/survival answered a bare empty list."""
    spain = {s["study_id"] for s in _rows("studies") if s["country_of_conduct"] == "ES"}
    assert spain and not [r for r in _rows("survival") if r["study_id"] in spain]
    body = evidence_client.get("/api/survival", params={"country": "ES"}).json()
    assert body["count"] == 0 and body["note"] == (
        "no data (no survival rows from studies conducted in ES recorded in the evidence base)"
    )
    china = {s["study_id"] for s in _rows("studies") if s["country_of_conduct"] == "CN"}
    rows = [r for r in _rows("survival") if r["study_id"] in china]
    body = evidence_client.get("/api/survival", params={"country": "CN"}).json()
    assert body["count"] == len(rows) > 0 and body["note"] is None


def test_a_country_with_rows_has_no_absence_note(evidence_client):
    spain = {s["study_id"] for s in _rows("studies") if s["country_of_conduct"] == "ES"}
    expected = [r for r in _rows("safety") if r["study_id"] in spain]
    body = evidence_client.get("/api/safety", params={"country": "ES"}).json()
    assert body["count"] == len(expected) > 0 and body["note"] is None
    narrowed = evidence_client.get(
        "/api/studies", params={"country": "IN", "indication": "MM"}
    ).json()
    assert narrowed["note"].endswith("that match the other filters)")


def test_the_report_words_indias_coverage_gap_the_same_way(evidence_store):
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import rules_and_payers
    from cartatlas.store import open_store

    with open_store(evidence_store, read_only=True) as store:
        answer = rules_and_payers.coverage(ReportContext(store, ["IN", "CN"])).answer
    assert "IN: no data (no coverage decision recorded for IN)" in answer
