"""Prices at PPP (international dollars), recomputed from the raw CSV rows, are the same numbers
on the CLI (``prices --usd``), the JSON API, the multi-country report and the product pages.

The simple route: a price in its country's own currency divided by that country's PPP factor
for the price's year (the first ``ppp.csv`` row by source URL), or by its latest factor when the
price is newer than every factor (marked "(2024 PPP)"); a US price is its own value; a price
quoted in US dollars is taken to its country's currency at that year's rate, and has no PPP
value without it.
"""

from __future__ import annotations

import csv
import json
import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from cartatlas.analyses.claims import EXAMPLE, load_claims
from cartatlas.analyses.cost import _in_local_currency
from cartatlas.cli import app
from cartatlas.evidence.reading import BUNDLED_DIR
from cartatlas.report.build import build_report
from cartatlas.report.render import render_markdown
from cartatlas.store import open_store
from tests.golden import plain

# Each priced country's own currency, written out by hand (the code asks CLDR).
OWN_CURRENCY = {
    "CH": "CHF",
    "CN": "CNY",
    "DE": "EUR",
    "ES": "EUR",
    "GB": "GBP",
    "IN": "INR",
    "JP": "JPY",
    "KR": "KRW",
    "US": "USD",
}
REPORTED = ["GB", "JP", "KR", "IN", "DE", "CH", "ES", "CN"]


def _csv(name: str) -> list[dict[str, str]]:
    with (BUNDLED_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _ppp() -> dict[tuple[str, int], float]:
    factors: dict[tuple[str, int], float] = {}
    for row in sorted(_csv("ppp"), key=lambda r: r["source_url"]):
        factors.setdefault((row["country"], int(row["year"])), float(row["ppp_per_usd"]))
    return factors


def _in_own_currency(price: dict[str, str]) -> float | None:
    """The amount in its country's currency: as printed, or (a price quoted in US dollars) times
    the country's rate for the price's year; None without that rate."""
    own = OWN_CURRENCY[price["country"]]
    if price["currency"] == own:
        return float(price["amount"])
    assert price["currency"] == "USD", price  # the only foreign currency quoted today
    rates = {(r["currency"], r["year"]): plain.per_usd(r) for r in _csv("exchange_rates")}
    rate = rates.get((own, price["year"]))
    return float(price["amount"]) * rate if rate else None


def _factor_year(factors: dict[tuple[str, int], float], country: str, year: int) -> int:
    """The price's own year, or the country's latest factor year when the price is newer."""
    years = [y for c, y in factors if c == country]
    return max(years) if years and year > max(years) else year


@pytest.fixture(scope="module")
def expected() -> list[tuple[dict[str, str], float | None, str]]:
    """Every non-US price with its international-dollar value (None: no PPP value) and the mark
    a latest-factor conversion carries."""
    factors = _ppp()
    out = []
    for price in _csv("prices"):
        country, year = price["country"], int(price["year"])
        if country == "US":
            continue
        used = _factor_year(factors, country, year)
        factor = factors.get((country, used))
        local = _in_own_currency(price)
        value = local / factor if local is not None and factor else None
        out.append((price, value, "" if used == year else f" ({used} PPP)"))
    return out


def test_every_country_with_a_price_in_its_own_currency_has_its_ppp_year(expected):
    """The gap the knowledge base had: no PPP factor outside CN and the US. Now each own-currency
    price converts (after 2024, the series' last year, at the 2024 factor)."""
    for price, value, _ in expected:
        if price["currency"] == OWN_CURRENCY[price["country"]]:
            assert value is not None, price


@pytest.fixture(scope="module")
def markdown(evidence_store, tmp_path_factory) -> str:
    with open_store(evidence_store, read_only=True) as store:
        report = build_report(store, REPORTED, load_claims(EXAMPLE))
    return render_markdown(report, tmp_path_factory.mktemp("md") / "figures")


def test_cli_api_report_and_product_page_show_the_recomputed_ppp_value(
    expected, evidence_store, evidence_client, markdown
):
    cli = CliRunner().invoke(
        app,
        ["--db", evidence_store, "prices", "--countries", ",".join(REPORTED), "--usd"]
        + ["--format", "json"],
    )
    assert cli.exit_code == 0, cli.output
    shown = json.loads(cli.stdout)
    checked = 0
    for price, value, mark in expected:
        key = (price["product_id"], price["country"], int(price["year"]), price["source_url"])
        (row,) = [
            r
            for r in shown
            if (r["product_id"], r["country"], r["year"], r["source_url"]) == key
            and r["kind"] == price["kind"]
        ]
        items = evidence_client.get("/api/prices", params={"country": price["country"]}).json()
        (item,) = [
            i
            for i in items["items"]
            if (i["product_id"], i["country"], i["year"], i["source_url"]) == key
            and i["kind"] == price["kind"]
        ]
        if value is None:
            assert row["intl_dollars"] is None
            assert item["intl_dollars"] is None
            continue
        checked += 1
        assert row["intl_dollars"] == pytest.approx(value, abs=0.5)
        assert item["intl_dollars"] == pytest.approx(value, rel=1e-9)
        amount = f"{float(price['amount']):,.0f} {price['currency']}"
        lines = [x for x in markdown.splitlines() if f"| {amount} |" in x]
        assert any(f"| {value:,.0f} int${mark} |" in x for x in lines), (amount, value)
        page = evidence_client.get(f"/products/{price['product_id']}").text
        assert f"<td>{value:,.0f}{mark}</td>" in page
    assert checked >= 8


def test_a_foreign_currency_price_goes_through_the_local_currency():
    """An Indian price quoted in US dollars: dollars × rupees per dollar (same year) ÷ rupees per
    international dollar. Without the rupee rate it has no PPP value."""
    frame = pd.DataFrame(
        {
            "country": ["IN", "IN", "IN"],
            "year": [2023, 2023, 2019],
            "currency": ["USD", "INR", "USD"],
            "amount": [60000.0, 3000000.0, 1000.0],
            "usd": [60000.0, 3000000.0 / 82.5, 1000.0],
        }
    )
    fx = pd.DataFrame({"currency": ["INR"], "year": [2023], "fx_per_usd": [82.5]})
    local = _in_local_currency(frame, fx)
    assert local.iloc[0] == pytest.approx(60000.0 * 82.5)
    assert local.iloc[1] == pytest.approx(3000000.0)
    assert math.isnan(local.iloc[2])


def test_a_us_price_is_its_own_ppp_value_and_names_its_own_year(evidence_client):
    """The international dollar is defined at US prices: no factor year is borrowed for a US
    price (the one US row of ppp.csv is 2017), so no "(2017 PPP)" mark appears."""
    items = evidence_client.get("/api/prices", params={"country": "US"}).json()["items"]
    assert items
    for item in items:
        assert item["intl_dollars"] == pytest.approx(float(item["amount"]))
        assert item["ppp_year"] == item["year"]
