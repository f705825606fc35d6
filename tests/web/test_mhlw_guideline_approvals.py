"""Japanese approvals cited by the MHLW's own papers (issue 18): Kymriah for follicular lymphoma and
Abecma after three prior therapies rest on optimal-use guideline papers of the Central Social
Insurance Medical Council (mhlw.go.jp meeting pages, read on the MC plus copy), which print no
approval date, and are dated by a news page beside them.

The expected approvals are recomputed from approvals.csv with the csv module (the regulator row
gives the citation, the one dated row the date) and read on the CLI's approvals table, the API,
the report's approvals section and the dashboard's approvals page for the JP–CN pair.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import approvals
from cartatlas.store import open_store

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"
PAIR = ("JP", "CN")
MHLW = "https://www.mhlw.go.jp/"


def _expected() -> dict[tuple[str, str, str], tuple[str, str]]:
    """(product, indication, line) -> (the MHLW address, the date of the approval's dated row)."""
    with (DATA / "approvals.csv").open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["country"] == "JP"]
    found = {}
    for r in rows:
        if r["source_kind"] == "regulator" and r["source_url"].startswith(MHLW):
            key = (r["product_id"], r["indication"], r["line_of_therapy"])
            [date] = {
                s["approval_date"]
                for s in rows
                if (s["product_id"], s["indication"], s["line_of_therapy"]) == key
                and s["approval_date"]
            }
            found[key] = (r["source_url"], date)
    return found


EXPECTED = _expected()


def test_the_two_mhlw_cited_approvals_are_recorded():
    assert set(EXPECTED) == {
        ("tisagenlecleucel", "FL", "3L+"),
        ("idecabtagene-vicleucel", "MM", "4L+"),
    }
    assert EXPECTED[("tisagenlecleucel", "FL", "3L+")][1] == "2022-08-26"
    assert EXPECTED[("idecabtagene-vicleucel", "MM", "4L+")][1] == "2022-01"


def test_cli_and_api_cite_the_mhlw_page_with_the_dated_rows_date(evidence_store, evidence_client):
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "approvals", "--countries", *PAIR, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    listed = {
        (r["product_id"], r["indication"], r["line_of_therapy"] or ""): r
        for r in json.loads(result.stdout)
        if r["country"] == "JP"
    }
    for key, (url, date) in EXPECTED.items():
        assert listed[key]["source_url"] == url
        assert listed[key]["approval_date"] == date
    found = evidence_client.get("/api/approvals", params={"country": "JP"}).json()
    served = {i["source_url"] for i in found["items"]}
    assert {url for url, _ in EXPECTED.values()} <= served


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_report_and_dashboard_list_the_approval(evidence_store, evidence_client, key):
    url, date = EXPECTED[key]
    product, indication, line = key
    with open_store(evidence_store, read_only=True) as store:
        section = approvals.build(ReportContext(store, list(PAIR)))
    tables = [getattr(b, "data", b) for b in section.blocks]  # a figure carries its table
    rows = [list(row) for t in tables for row in getattr(t, "rows", None) or []]
    assert any({"JP", product, indication, line, date} <= set(row) for row in rows), (
        f"no JP row for {key} dated {date}"
    )
    page = evidence_client.get("/q/approvals", params={"a": PAIR[0], "b": PAIR[1]})
    assert page.status_code == 200
    assert url in page.text
