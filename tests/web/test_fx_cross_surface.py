"""Euro and pound prices in US dollars, recomputed from the raw CSV rows, are the same numbers on
the CLI, the JSON API, the report and the dashboard's product page (Kymriah's English-language
quote "€320,000" and Yescarta's German "327.000 Euro"; the 2025 NICE-era list prices of liso-cel,
£297,000, and obe-cel, £372,000, in GB).

Each rate is one printed in US dollars per unit (``usd_per_unit``: the Federal Reserve's euro,
a copy of its pound series for 2025), so this also checks that the reciprocal reaches every
surface.
"""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from cartatlas.analyses.claims import EXAMPLE, load_claims
from cartatlas.cli import app
from cartatlas.evidence.reading import BUNDLED_DIR
from cartatlas.report.build import build_report
from cartatlas.report.render import render_markdown
from cartatlas.store import open_store
from tests.golden import plain

CASES = [
    ("DE", "tisagenlecleucel"),
    ("DE", "axicabtagene-ciloleucel"),
    ("GB", "lisocabtagene-maraleucel"),
    ("GB", "obecabtagene-autoleucel"),
]


def _csv(name: str) -> list[dict[str, str]]:
    with (BUNDLED_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _expected(country: str, product: str) -> tuple[dict[str, str], float]:
    """The price row and its US-dollar value: amount ÷ units per dollar of the first rate row
    (by source URL) for the price's currency and year."""
    (price,) = [p for p in _csv("prices") if p["country"] == country and p["product_id"] == product]
    rates = sorted(
        (
            r
            for r in _csv("exchange_rates")
            if (r["currency"], r["year"]) == (price["currency"], price["year"])
        ),
        key=lambda r: r["source_url"],
    )
    assert rates[0]["usd_per_unit"], "the test is meant to cover a rate printed per unit"
    return price, float(price["amount"]) / plain.per_usd(rates[0])


def test_the_hand_route_reads_the_quoted_pounds():
    # 297,000 GBP and 372,000 GBP x 1.3192 USD/GBP (2025)
    assert _expected("GB", "lisocabtagene-maraleucel")[1] == pytest.approx(297000 * 1.3192)
    assert _expected("GB", "obecabtagene-autoleucel")[1] == pytest.approx(372000 * 1.3192)


@pytest.mark.parametrize(("country", "product"), CASES)
def test_cli_api_report_and_dashboard_show_the_recomputed_dollar_value(
    country, product, evidence_store, evidence_client, tmp_path
):
    price, usd = _expected(country, product)
    cli = CliRunner().invoke(
        app, ["--db", evidence_store, "prices", "--countries", country, "--usd", "--format", "json"]
    )
    assert cli.exit_code == 0, cli.output
    (row,) = [r for r in json.loads(cli.stdout) if r["product_id"] == product]
    assert row["usd"] == pytest.approx(usd, abs=0.5)

    items = evidence_client.get("/api/prices", params={"country": country}).json()["items"]
    (item,) = [i for i in items if i["product_id"] == product]
    assert item["usd"] == pytest.approx(usd, rel=1e-9)

    with open_store(evidence_store, read_only=True) as store:
        report = build_report(store, [country, "US"], load_claims(EXAMPLE))
    markdown = render_markdown(report, tmp_path / "figures")
    amount = f"{float(price['amount']):,.0f} {price['currency']}"
    assert f"| {amount} | {usd:,.0f} USD |" in markdown
    headline_prices = [p for p in _csv("prices") if p["country"] == country]
    if len(headline_prices) == 1:  # one price is stated as such, not as a range from x to x
        assert f"In {country} the recorded product price is {usd:,.0f} USD (one report)" in markdown
        assert f"from {usd:,.0f} to {usd:,.0f}" not in markdown

    page = evidence_client.get(f"/products/{product}").text
    assert f"<td>{amount}</td><td>{usd:,.0f}</td>" in page
