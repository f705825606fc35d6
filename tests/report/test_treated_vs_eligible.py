"""Patients treated against patients eligible (coverage.csv): every row that counts both is
shown with its share, its date and its source on the report, the API and the dashboard; the
share is recomputed here from the raw CSV strings and from the percentage the quote prints."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from pydantic import ValidationError

from cartatlas.evidence.schema import Coverage
from cartatlas.report.context import ReportContext
from cartatlas.report.model import Paragraph, Table
from cartatlas.report.sections import rules_and_payers
from cartatlas.store import open_store
from tests.analyses.test_durability import _csv

#: The countries the report section is built for here: the CN-US pair and a third country.
_REPORTED = ("CN", "US", "GB")


def _counted() -> list[dict[str, str]]:
    rows = [r for r in _csv("coverage") if r["patients_treated"] and r["patients_eligible"]]
    assert rows, "coverage.csv has no row that counts both patients treated and eligible"
    return rows


def _share(raw: dict[str, str]) -> str:
    """treated / eligible in %, one decimal, half up, with trailing zeros dropped as printed."""
    value = (
        Decimal(100) * Decimal(raw["patients_treated"]) / Decimal(raw["patients_eligible"])
    ).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value.normalize():f}"


def _shown(raw: dict[str, str]) -> str:
    treated, eligible = int(raw["patients_treated"]), int(raw["patients_eligible"])
    return f"treated {treated:,} of eligible {eligible:,} ({_share(raw)}%)"


@pytest.fixture(scope="module")
def section(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        return rules_and_payers.coverage(ReportContext(store, list(_REPORTED)))


def test_the_share_agrees_with_the_percentage_the_quote_prints():
    """ "of whom 122 (5.4%)": a percentage printed right after the treated count (not after a
    fraction such as "115/125 (92%)", which is another count) must be the recomputed share."""
    for raw in _counted():
        printed = re.search(
            rf"(?<![\d/.]){raw['patients_treated']} \((\d+(?:\.\d+)?)%\)", raw["source_quote"]
        )
        if printed:
            assert Decimal(printed.group(1)) == Decimal(_share(raw)), raw["source_url"]


def test_the_report_shows_each_pair_with_share_date_and_source(section):
    table = next(b for b in section.blocks if isinstance(b, Table))
    lead = " ".join(b.text for b in section.blocks if isinstance(b, Paragraph))
    for raw in _counted():
        if raw["country"] not in _REPORTED:
            continue
        dated = (
            f"counts as of {raw['patients_as_of']}"
            if raw["patients_as_of"]
            else "date of the counts not stated"
        )
        rows = [r for r in table.rows if r[0] == raw["country"] and raw["payer"] in r[2]]
        assert any(_shown(raw) in r[5] and dated in r[5] and r[6] for r in rows), raw
        assert _shown(raw) in lead and dated in lead
    assert "not a sample estimate" in lead


def test_the_api_returns_the_counts_their_date_and_the_share(evidence_client):
    for raw in _counted():
        body = evidence_client.get("/api/coverage", params={"country": raw["country"]}).json()
        item = next(i for i in body["items"] if i["source_url"] == raw["source_url"])
        assert item["patients_treated"] == int(raw["patients_treated"])
        assert item["patients_eligible"] == int(raw["patients_eligible"])
        assert item["patients_as_of"] == (raw["patients_as_of"] or None)  # null: not stated
        assert item["treated_percent"] == pytest.approx(float(_share(raw)))
    uncounted = evidence_client.get("/api/coverage", params={"country": "CN"}).json()["items"]
    assert all(i["treated_percent"] is None for i in uncounted if i["patients_treated"] is None)


def test_the_dashboard_page_shows_the_pair(evidence_client):
    page = evidence_client.get("/q/coverage", params={"a": "CN", "b": "US"})
    assert page.status_code == 200
    for raw in _counted():
        if raw["country"] in ("CN", "US"):
            assert _shown(raw) in page.text


def _coverage(**counts: object) -> dict[str, object]:
    return {
        "country": "US",
        "payer": "Medicare",
        "scheme": "public_insurance",
        "status": "covered",
        "scope": "3L+ DLBCL",
        "source_url": "https://pubmed.ncbi.nlm.nih.gov/1/",
        "source_kind": "journal",
        "source_quote": "quote",
        "accessed": "2026-12-07",
        **counts,
    }


def test_more_treated_than_eligible_or_an_undated_date_is_refused():
    with pytest.raises(ValidationError, match="above patients_eligible"):
        Coverage.model_validate(_coverage(patients_treated=30, patients_eligible=20))
    with pytest.raises(ValidationError, match="dates a patient count"):
        Coverage.model_validate(_coverage(patients_as_of="2020"))
    assert Coverage.model_validate(_coverage(patients_treated=2, patients_eligible=20))
