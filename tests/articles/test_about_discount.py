""" "About 60% less" is 54–66 % by the stated rule for "about", as for a rate; a relative price
was read as exactly 60 % and contradicted by a discount of 55.3 % (53.8 % before the prices
compared were those in force at one date). "No higher than 60%" is a ceiling. Recomputed here
from prices.csv, exchange_rates.csv and outcomes.csv."""

from __future__ import annotations

from statistics import median

from tests.articles.surfaces import (
    assert_api_and_page,
    claims_table,
    cli_records,
    rows,
    us_lbcl_cr_rates,
)

PAGE = "CAR-T in China costs about 60% less than in the US.\n"


def _axicel_discount() -> float:
    """Axi-cel, the one product priced in both: each country's non-secondary price of the latest
    year (the price in force), China's at its year's dollar rate."""
    prices = [
        r
        for r in rows("prices.csv")
        if r["product_id"] == "axicabtagene-ciloleucel" and r["source_kind"] != "secondary"
    ]
    rates = {
        (r["currency"], r["year"]): float(r["per_usd"])
        for r in rows("exchange_rates.csv")
        if r["per_usd"]
    }

    def latest(country: str) -> list[dict]:
        priced = [r for r in prices if r["country"] == country]
        year = max(r["year"] for r in priced)
        return [r for r in priced if r["year"] == year]

    [cn] = {float(r["amount"]) / rates[("CNY", r["year"])] for r in latest("CN")}
    us = median({float(r["amount"]) for r in latest("US")})
    return 100 * (1 - cn / us)


def test_about_a_discount_on_every_surface(evidence_store, evidence_client, tmp_path):
    discount = _axicel_discount()
    assert 54 <= round(discount) <= 66 and not 59.5 <= discount <= 60.5
    [record] = cli_records(evidence_store, tmp_path, PAGE)
    assert record["range"] == [54, 66] and record["verdict"] == "supported"
    assert f"less by {discount:,.4g}%" in record["evidence"]
    assert_api_and_page(evidence_client, PAGE, ["supported"])
    [table] = claims_table(
        evidence_store,
        tmp_path,
        "claims:\n  - id: d\n    text: about 60% less\n    metric: price_discount\n"
        "    countries: [CN, US]\n    range: [54, 66]\n",
    )
    assert table["verdict"] == "supported"


def test_no_higher_than_is_a_ceiling(evidence_store, tmp_path):
    rates = us_lbcl_cr_rates()
    assert sum(rate <= 60 for rate in rates) / len(rates) >= 0.75
    sentence = "Complete response rates in DLBCL in the US are no higher than 60%."
    [record] = cli_records(evidence_store, tmp_path, sentence)
    assert record["range"] == [0, 60] and record["verdict"] == "supported"
