"""A list price that the payer does not pay, because its note says the payer gets a
confidential discount, is marked beside the price and beside the headline range, on every
surface that shows them.

Every British price's note says NHS England pays under a confidential discount or commercial
arrangement (liso-cel's £297,000 and obe-cel's £372,000 included), but the Prices table printed
only the note's first clause and the lead gave GB's range bare, so GB's 346,946–490,742 USD read
as what the NHS pays, beside US list prices. The marked prices are recounted here from
prices.csv with the csv module and asserted on the report's section, its Markdown, the
dashboard's cost page and overview, and the side-by-side table of a three-country report and
dashboard.
"""

from __future__ import annotations

import html
import json

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import cost, side_by_side
from cartatlas.store import open_store
from tests.golden import plain

PAIR = ["GB", "US"]


def _gb_prices() -> list[dict[str, str]]:
    return [p for p in plain.rows("prices") if p["country"] == "GB"]


def _secret(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [p for p in rows if "confidential" in p["note"].lower()]


GB = _gb_prices()
SHARE = f"({len(_secret(GB))} of {len(GB)} under a confidential discount: the payer pays less)"


def test_the_new_british_list_prices_are_among_the_marked_ones():
    amounts = {(p["product_id"], p["amount"]) for p in _secret(GB)}
    assert ("lisocabtagene-maraleucel", "297000") in amounts
    assert ("obecabtagene-autoleucel", "372000") in amounts
    assert not _secret([p for p in plain.rows("prices") if p["country"] == "US"])
    # every GB price is a headline price (none low reliability or from a secondary page)
    assert all(p["source_kind"] != "secondary" for p in GB)


@pytest.fixture(scope="module")
def section(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        return cost.build(ReportContext(store, PAIR))


def test_the_report_marks_each_price_and_the_range(section):
    table = next(b for b in section.blocks if getattr(b, "title", "") == "Prices")
    kind = table.columns.index("kind")
    marked = {(r[0], r[2], r[3]) for r in table.rows if r[kind] == "list (confidential discount)"}
    assert marked == {(p["product_id"], "GB", p["year"]) for p in _secret(GB)}
    gb, us = section.answer.split("; in US ")
    assert SHARE in gb and "confidential" not in us
    assert any(c.startswith("'confidential discount' beside a price") for c in section.caveats)


def test_markdown_and_dashboard_mark_them(evidence_store, evidence_client, tmp_path):
    args = ["--db", evidence_store, "report", *PAIR, "--out", str(tmp_path), "--format", "md"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    markdown = next(tmp_path.glob("*.md")).read_text("utf-8")
    marked = "| list (confidential discount) |"
    assert f"| lisocabtagene-maraleucel | LBCL (2L) | GB | 2025 {marked}" in markdown
    assert f"| obecabtagene-autoleucel | B-ALL | GB | 2025 {marked}" in markdown
    assert SHARE in markdown
    for url in ("/q/cost?a=GB&b=US", "/?a=GB&b=US"):
        page = html.unescape(evidence_client.get(url).text)
        assert SHARE in page, url
    page = html.unescape(evidence_client.get("/q/cost?a=GB&b=US").text)
    # the Prices table's kind cells (the chart's bar labels name the discount too)
    assert page.count(">list (confidential discount)<") == len(_secret(GB))


def test_side_by_side_marks_the_range(evidence_store, evidence_client):
    countries = ["GB", "US", "JP"]
    with open_store(evidence_store, read_only=True) as store:
        built = side_by_side.build(ReportContext(store, countries))
    table = next(b for b in built.blocks if hasattr(b, "rows"))
    [usd] = [r for r in table.rows if r[0].startswith("product price, USD")]
    assert SHARE in usd[1] and "confidential" not in usd[2] + usd[3]
    page = html.unescape(evidence_client.get("/?a=GB&b=US&c=JP").text)
    assert page.count(SHARE) >= 2  # USD and PPP rows


def test_the_cli_and_api_mark_them(evidence_store, evidence_client):
    args = ["--db", evidence_store, "prices", "--countries", *PAIR, "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    marked = {(r["product_id"], str(r["year"])) for r in rows if r["discount"] == "confidential"}
    assert marked == {(p["product_id"], p["year"]) for p in _secret(GB)}
    assert all(r["discount"] == "" for r in rows if r["country"] == "US")
    for country in PAIR:
        items = evidence_client.get("/api/prices", params={"country": country}).json()["items"]
        flagged = {(r["product_id"], str(r["year"])) for r in items if r["confidential_discount"]}
        assert flagged == (marked if country == "GB" else set())
