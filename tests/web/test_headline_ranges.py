"""Each country's headline price range, recomputed from prices.csv by a plain reading of the
headline rule (one value per product, indication, country and year from the strongest sources),
is the range the CLI, the report (Cost lead and side-by-side table), the API and the dashboard
show, for CN and US and every country of the report's nine test pairs.

Kymriah's 2018 US lymphoma price ($373,000, news) used to be dropped beside a journal's $475,000
B-ALL price of the same year: a product can be priced per indication.
"""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import cost, side_by_side
from cartatlas.store import open_store
from tests.analyses.test_headline_sources import (
    PRODUCT_KINDS,
    expected_headline_prices,
    headline_rows,
)
from tests.report.test_pairs import PAIRS

COUNTRIES = sorted({c for pair in PAIRS for c in pair})


def _span(values: list[float]) -> tuple[int, int, int] | None:
    return (round(min(values)), round(max(values)), len(values)) if values else None


def _expected(country: str) -> tuple[int, int, int] | None:
    return _span([usd for _, usd, _ in expected_headline_prices(country, PRODUCT_KINDS)])


def _lead_says(answer: str, country: str, span: tuple[int, int, int] | None) -> bool:
    part = next(p for p in answer.split("; ") if f" {country} " in f" {p} ")
    if span is None:
        return "USD" not in part and "no data" in part.lower()
    low, high, n = span
    if low == high:
        return f"is {low:,} USD" in part
    return (
        f"the {n} recorded price reports" in part and f"range from {low:,} to {high:,} USD" in part
    )


def test_kymriahs_lymphoma_price_counts_beside_its_leukaemia_price():
    us = {(round(u), w) for _, u, w in expected_headline_prices("US", PRODUCT_KINDS)}
    assert (373000, True) in us and (475000, False) in us


@pytest.fixture(scope="module")
def cli_rows(evidence_store) -> list[dict]:
    args = ["--db", evidence_store, "prices", "--usd", "--format", "json", "--countries"]
    result = CliRunner().invoke(app, [*args, *COUNTRIES])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("country", COUNTRIES)
def test_cli_and_api_mark_the_recomputed_headline_prices(
    country, cli_rows, evidence_client, evidence_store
):
    expected = _expected(country)
    cli = [r["usd"] for r in cli_rows if r["country"] == country and r["in_headline"] == "yes"]
    assert _span(cli) == expected
    items = evidence_client.get("/api/prices", params={"country": country}).json()["items"]
    api = [r["usd"] for r in items if r["in_headline"]]
    assert _span(api) == expected
    table = CliRunner().invoke(
        app, ["--db", evidence_store, "prices", "--usd", "--wide", "--countries", country]
    )
    if expected:
        low, high, n = expected
        value = f"{low:,}" if low == high else f"{low:,}–{high:,}"
        reports = f"{n} price report{'' if n == 1 else 's'}"
        assert f"Headline range, {country}: {value} USD ({reports}" in table.output
    else:  # a country with nothing recorded says so, as every surface does: never a bare range
        recorded = any(r["country"] == country for r in cli_rows)
        said = "no data (" + (
            f"no prices recorded for {country} in the evidence base)"
            if not recorded
            else "its recorded prices are noted as low reliability or read on secondary pages)"
        )
        assert f"Headline range, {country}: {said}" in table.output


@pytest.mark.parametrize("pair", PAIRS, ids="-".join)
def test_report_and_dashboard_print_the_recomputed_range(pair, evidence_store, evidence_client):
    with open_store(evidence_store, read_only=True) as store:
        answer = cost.build(ReportContext(store, list(pair))).answer
    page = evidence_client.get("/q/cost", params={"a": pair[0], "b": pair[1]}).text
    for country in pair:
        assert _lead_says(answer, country, _expected(country)), (country, answer)
        if (span := _expected(country)) and span[0] != span[1]:
            assert f"range from {span[0]:,} to {span[1]:,} USD" in page


def test_the_side_by_side_table_prints_the_recomputed_ranges(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        table = side_by_side.build(ReportContext(store, COUNTRIES)).blocks[0]
    cells = dict(zip(COUNTRIES, next(r for r in table.rows if "USD" in r[0])[1:], strict=True))
    for country, cell in cells.items():
        span = _expected(country)
        if span is None:
            assert cell.startswith("no data"), (country, cell)
        else:
            low, high, _ = span
            text = f"{low:,}" if low == high else f"{low:,}–{high:,}"
            assert cell.startswith(f"{text} USD "), (country, cell)


def _news_said(country: str) -> str | None:
    """What a headline range says of its news-only prices, recomputed from prices.csv."""
    weak = [w for _, _, w in expected_headline_prices(country, PRODUCT_KINDS)]
    if weak and all(weak):
        return "(news reports only)"
    return f"({sum(weak)} of {len(weak)} from news reports" if any(weak) else None


def test_the_side_by_side_price_cells_mark_news_only_ranges(evidence_store, evidence_client):
    """The Cost lead said "(news reports only)" beside China's range; the side-by-side cell of
    the same range (report and dashboard compare view) said nothing of it."""
    with open_store(evidence_store, read_only=True) as store:
        table = side_by_side.build(ReportContext(store, COUNTRIES)).blocks[0]
    cells = dict(zip(COUNTRIES, next(r for r in table.rows if "USD" in r[0])[1:], strict=True))
    marked = {c: _news_said(c) for c in COUNTRIES}
    assert marked["CN"] == "(news reports only)"
    for country, cell in cells.items():
        if marked[country]:
            assert marked[country] in cell, (country, cell)
        else:
            assert "news" not in cell, (country, cell)
    four = dict(zip("abcd", ["CN", "US", "IN", "ES"], strict=True))
    page = " ".join(evidence_client.get("/", params=four).text.split())
    for country in four.values():
        if marked[country]:
            assert marked[country] in page, country


def test_the_product_page_names_each_price_indication_and_headline_use(evidence_client):
    """Kymriah's two 2018 US list prices (B-ALL $475,000, lymphoma $373,000) read as one
    product's conflicting prices without their indications."""
    page = evidence_client.get("/products/tisagenlecleucel").text
    expected = {
        (p["indication"], round(usd))
        for p, usd, _ in headline_rows("US", PRODUCT_KINDS)
        if p["product_id"] == "tisagenlecleucel"
    }
    assert expected == {("B-ALL", 475000), ("LBCL", 373000)}
    row = re.compile(
        r"<tr><td>US</td><td>(?P<ind>[^<]+)</td><td>2018</td><td>list</td>.*?"
        r"<td>(?P<head>yes|no)</td>"
    )
    shown = {(m["ind"], m["head"]) for m in row.finditer(page)}
    assert {("B-ALL", "yes"), ("LBCL", "yes")} <= shown
