"""With more than two countries (CN US IN ES) the approvals answer says which two the lag
compares, and a target and indication approved in the US but not in China is "not in CN", not
"approved in US only": Spain, also compared, has the EU's Tecartus approval for MCL. The MCL
approvals are recomputed from approvals.csv with the csv module; read on the report and the
dashboard's compare view."""

from __future__ import annotations

import csv
import html
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"
COUNTRIES = ["CN", "US", "IN", "ES"]


def _where_approved(indication: str) -> set[str]:
    """Jurisdictions (EU as such) with a recorded approval for ``indication``."""
    with (DATA / "approvals.csv").open(newline="", encoding="utf-8") as handle:
        return {r["country"] for r in csv.DictReader(handle) if r["indication"] == indication}


def test_the_lag_names_its_pair_and_never_says_only_for_a_third_country(
    evidence_store, evidence_client
):
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import approvals
    from cartatlas.store import open_store

    mcl = _where_approved("MCL")
    assert "US" in mcl and "EU" in mcl and "CN" not in mcl  # Spain has MCL through the EU
    with open_store(evidence_store, read_only=True) as store:
        answer = approvals.build(ReportContext(store, COUNTRIES)).answer
        pair = approvals.build(ReportContext(store, ["CN", "US"])).answer
    assert "Lag between US and CN, the first two countries named" in answer
    assert "approved in US only" not in answer.lower()
    assert "Approved in US, not in CN:" in answer and "CD19 MCL" in answer
    assert "Approved in US only (no approval recorded in CN):" in pair  # two: "only" is true
    page = evidence_client.get("/", params=dict(zip("abcd", COUNTRIES, strict=True)))
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Lag between US and CN, the first two countries named" in text
    assert "Approved in US only" not in text
