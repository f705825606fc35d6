"""Approvals by regulators other than the FDA and NMPA (Health Canada, TGA, PMDA/MHLW, CDSCO,
Swissmedic, and the EMA's rows applied to a member state): `products --country XX` lists each
approval the CSV holds for the country once, dated as one of its rows; `/api/approvals?country=XX`
gives every source row of them; a country without rows gets the reason, never 0.

The expected rows are read here with the csv module, not with the code under test
(tests/report/test_pairs.py and tests/web/test_pairs_overview.py: the report and the dashboard).
"""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.evidence.reading import BUNDLED_DIR

runner = CliRunner()
COUNTRIES = ["CA", "AU", "JP", "IN", "DE", "CH"]
# Countries the evidence base has no approval for (news-only reports are not recorded).
ABSENT = ["IL", "SG", "KR"]


def _raw(country: str) -> list[dict]:
    """The CSV rows stored under ``country`` (for DE: the EU rows, which apply there)."""
    stored = "EU" if country == "DE" else country
    with (BUNDLED_DIR / "approvals.csv").open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["country"] == stored]


def _approvals(country: str) -> dict[tuple[str, str, str], set[str]]:
    """One entry per approval (product, indication, line) with the dates its rows record."""
    found: dict[tuple[str, str, str], set[str]] = {}
    for r in _raw(country):
        key = (r["product_id"], r["indication"], r["line_of_therapy"])
        found.setdefault(key, set()).add(r["approval_date"])
    return found


@pytest.mark.parametrize("country", COUNTRIES)
def test_cli_lists_each_recorded_approval_once_with_a_recorded_date(evidence_store, country):
    expected = _approvals(country)
    assert expected, f"no approval rows for {country}: the test would prove nothing"
    result = runner.invoke(
        app, ["--db", evidence_store, "products", "--country", country, "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    listed = {(r["product"], r["indication"], r["line"]): r["date"] for r in rows}
    assert len(rows) == len(expected)
    assert set(listed) == set(expected)
    for key, date in listed.items():
        assert date in expected[key], (key, date, expected[key])


@pytest.mark.parametrize("country", COUNTRIES)
def test_api_gives_every_source_row_of_those_approvals(evidence_client, country):
    found = evidence_client.get("/api/approvals", params={"country": country}).json()
    assert found["count"] == len(_raw(country))
    assert {i["product_id"] for i in found["items"]} == {p for p, _, _ in _approvals(country)}


def _cli_rows(evidence_store: str, country: str) -> list[dict[str, str]]:
    result = runner.invoke(
        app, ["--db", evidence_store, "products", "--country", country, "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.parametrize("country", ABSENT)
def test_a_country_without_rows_is_explained_not_zero(evidence_store, evidence_client, country):
    """Korea, Israel, Singapore: whatever approvals.csv holds for them is what the CLI and the API
    show: the rows once they are curated (MFDS approvals are reported by news only so far,
    docs/evidence/curation-log.md), and until then the reason, never 0."""
    expected = _approvals(country)
    listed = {
        (r["product"], r["indication"], r["line"]) for r in _cli_rows(evidence_store, country)
    }
    assert listed == set(expected)
    found = evidence_client.get("/api/approvals", params={"country": country}).json()
    assert found["count"] == len(_raw(country))
    if expected:
        return
    reason = f"no data (no approvals recorded for {country} in the evidence base)"
    result = runner.invoke(app, ["--db", evidence_store, "products", "--country", country])
    assert result.exit_code == 0, result.output
    assert reason in result.output
    assert found["note"] == reason


def test_britain_lists_its_mhra_rows_and_only_the_eu_rows_from_before_brexit(
    evidence_store, evidence_client
):
    """GB: the MHRA's own rows (Aucatzyl, and the Abecma and Carvykti labels of session 29) plus
    the EU authorisations dated before the end of the transition period (2020-12-31); an EU row
    dated later, or undated (Tecartus for B-ALL, 2022), is not assumed to apply in Britain.
    Recomputed from approvals.csv with the csv module and a plain year-month comparison; the
    API lists the same products."""
    with (BUNDLED_DIR / "approvals.csv").open(encoding="utf-8", newline="") as handle:
        stored = list(csv.DictReader(handle))
    expected = {
        (r["product_id"], r["indication"], r["line_of_therapy"])
        for r in stored
        if r["country"] == "GB"
        or (r["country"] == "EU" and r["approval_date"] and r["approval_date"][:7] <= "2020-12")
    }
    listed = [(r["product"], r["indication"], r["line"]) for r in _cli_rows(evidence_store, "GB")]
    assert sorted(set(listed)) == sorted(expected)
    assert len(listed) == len(expected)
    assert ("idecabtagene-vicleucel", "MM", "") in expected
    assert ("ciltacabtagene-autoleucel", "MM", "2L+") in expected
    assert not any(p == "brexucabtagene-autoleucel" and i == "B-ALL" for p, i, _ in listed)
    found = evidence_client.get("/api/approvals", params={"country": "GB"}).json()
    assert {i["product_id"] for i in found["items"]} == {p for p, _, _ in expected}
