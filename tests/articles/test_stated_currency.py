"""A price stated in another currency is checked in that currency, each recorded price converted
at its own year's rate. "In Germany, Kymriah costs €320,000" repeats the recorded €320,000 of
2018 (prices.csv), yet it was contradicted: the euros were taken to dollars at the latest EUR
rate (2025) and compared with the record's dollars at the 2018 rate. The same befell the UK's
£282,000 and India's ₹30 lakh. The values here are recomputed from prices.csv and
exchange_rates.csv alone, and asserted on the CLI, the API, the dashboard's article page and a
claims file (the report's claims table)."""

from __future__ import annotations

import pytest

from tests.articles.surfaces import assert_api_and_page, claims_table, cli_records, rows
from tests.golden import plain


def _recorded(country: str, product: str) -> dict[str, str]:
    """The one recorded price of ``product`` in ``country``."""
    (row,) = [
        r for r in rows("prices.csv") if r["country"] == country and r["product_id"] == product
    ]
    return row


def _per_usd(currency: str, year: str) -> float:
    """Units of ``currency`` per US dollar in ``year``, from the strongest kind of source: the
    Federal Reserve's release (regulator) where the table has it, as the knowledge base prefers."""
    found = [
        r for r in rows("exchange_rates.csv") if r["currency"] == currency and r["year"] == year
    ]
    found.sort(key=lambda r: r["source_kind"] != "regulator")
    return plain.per_usd(found[0])


SAME_CURRENCY = [
    ("In Germany, Kymriah costs €{:,.0f}.", "DE", "tisagenlecleucel", "€"),
    ("In the UK, Kymriah costs £{:,.0f}.", "GB", "tisagenlecleucel", "£"),
    ("In Spain, ARI-0001 costs €{:,.0f}.", "ES", "varnimcabtagene-autoleucel", "€"),
]


@pytest.mark.parametrize(("template", "country", "product", "sign"), SAME_CURRENCY)
def test_a_recorded_price_repeated_in_its_own_currency_is_supported_on_every_surface(
    evidence_store, evidence_client, tmp_path, template, country, product, sign
):
    row = _recorded(country, product)
    amount = float(row["amount"])
    text = template.format(amount)
    # The old route: the amount at the latest rate against the record at its own year's rate.
    latest = max(
        int(r["year"]) for r in rows("exchange_rates.csv") if r["currency"] == row["currency"]
    )
    then = amount / _per_usd(row["currency"], row["year"])
    now = amount / _per_usd(row["currency"], str(latest))
    assert abs(now - then) > 0.01 * then  # more than the ±1 % a price figure is read with

    [record] = cli_records(evidence_store, tmp_path, text)
    assert record["verdict"] == "supported", record["evidence"]
    assert record["currency"] == row["currency"] and record["range"] == [amount, amount]
    assert f"{amount:,.0f} {row['currency']}" in record["evidence"]
    assert_api_and_page(evidence_client, text, ["supported"])
    [checked] = claims_table(
        evidence_store,
        tmp_path,
        f"claims:\n  - id: p\n    text: {text}\n    metric: price_usd\n"
        f"    countries: [{country}]\n    product: {product}\n    currency: {row['currency']}\n"
        f"    range: [{amount}, {amount}]\n",
    )
    assert checked["verdict"] == "supported"


def test_a_price_in_another_currency_converts_the_record_at_its_own_year():
    """The UK's £282,000 of 2018 in euros, through dollars at the 2018 rates: about €319,000,
    so "€320,000" (±1 %) holds; at the latest rates the same pounds are far from it."""
    row = _recorded("GB", "tisagenlecleucel")
    euros = float(row["amount"]) / _per_usd("GBP", row["year"]) * _per_usd("EUR", row["year"])
    assert 320_000 * 0.99 <= euros <= 320_000 * 1.01
    latest = float(row["amount"]) / _per_usd("GBP", "2025") * _per_usd("EUR", "2025")
    assert not 320_000 * 0.99 <= latest <= 320_000 * 1.01


def test_a_pound_price_checked_in_euros_on_every_surface(evidence_store, evidence_client, tmp_path):
    row = _recorded("GB", "tisagenlecleucel")
    euros = float(row["amount"]) / _per_usd("GBP", row["year"]) * _per_usd("EUR", row["year"])
    text = "In the UK, Kymriah costs €320,000."
    [record] = cli_records(evidence_store, tmp_path, text)
    assert record["verdict"] == "supported", record["evidence"]
    assert f"{euros:,.0f} EUR (recorded as 282,000 GBP)" in record["evidence"]
    assert_api_and_page(evidence_client, text, ["supported"])


def test_a_currency_is_for_price_claims_only():
    from cartatlas.analyses.claims.model import Claim

    rate = {"id": "x", "text": "x", "metric": "CR", "countries": ["US"], "indication": "LBCL"}
    with pytest.raises(ValueError, match="currency is for price claims only"):
        Claim(**rate, range=(40, 50), currency="EUR")
