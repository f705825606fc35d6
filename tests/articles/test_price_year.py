"""A price claim that gives its year is checked against the prices in force in that year: "In
2017, Yescarta had a list price of $373,000 in the United States" is what the evidence says
(prices.csv: axi-cel US 2017, 373,000 USD), and was contradicted by the 2022 price of 399,000
USD alone, the latest recorded; "NexCAR19 cost about $36,000 in 2023" (Rs 30 lakh at the 2023
rate) was contradicted by the 2024 price. Recomputed from prices.csv and exchange_rates.csv by a
plain route, on the CLI, the API and the /article page."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, cli_records, rows

PAGE = (
    "In 2017, Yescarta had a list price of $373,000 in the United States.\n\n"
    "In India, NexCAR19 cost about $36,000 in 2023.\n"
)


def _usd(product: str, country: str, year: int) -> list[float]:
    """The list / WAC prices of ``product`` in ``country`` recorded for ``year``, in US dollars
    at that year's exchange rate (units per dollar, or the reciprocal of dollars per unit)."""
    rates = {}
    for r in rows("exchange_rates.csv"):
        if int(r["year"]) == year:
            rates[r["currency"]] = (
                float(r["per_usd"]) if r["per_usd"] else 1 / float(r["usd_per_unit"])
            )
    rates["USD"] = 1.0
    return [
        float(r["amount"]) / rates[r["currency"]]
        for r in rows("prices.csv")
        if r["product_id"] == product
        and r["country"] == country
        and int(r["year"]) == year
        and r["kind"] in ("list", "WAC")
    ]


def test_the_stated_years_prices_support_both_claims():
    assert any(abs(p - 373_000) <= 3_730 for p in _usd("axicabtagene-ciloleucel", "US", 2017))
    assert any(32_400 <= p <= 39_600 for p in _usd("actalycabtagene-autoleucel", "IN", 2023))


def test_a_price_claim_is_checked_as_of_its_stated_year_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    records = cli_records(evidence_store, tmp_path, PAGE)
    prices = [r for r in records if r["metric"] == "price_usd"]
    assert [r["verdict"] for r in prices] == ["supported", "supported"], prices
    scopes = [r["checked_scope"] for r in prices]
    assert [
        f"prices in force in the sentence's year ({y})" in s
        for y, s in zip(("2017", "2023"), scopes, strict=True)
    ] == [True, True], scopes
    assert "US 2017 373,000 USD" in prices[0]["evidence"]
    assert "IN 2023 36,332 USD" in prices[1]["evidence"]
    assert_api_and_page(evidence_client, PAGE, [r["verdict"] for r in records])


def test_a_price_said_to_have_risen_since_a_year_is_checked_as_latest(evidence_store, tmp_path):
    """ "Since its approval in 2017, Yescarta's US price has risen to $399,000": the year
    dates the approval, the price is the latest (prices.csv: 399,000 USD in 2022)."""
    assert any(abs(p - 399_000) <= 3_990 for p in _usd("axicabtagene-ciloleucel", "US", 2022))
    page = "Since its approval in 2017, Yescarta's US price has risen to $399,000.\n"
    [record] = [
        r for r in cli_records(evidence_store, tmp_path, page) if r["metric"] == "price_usd"
    ]
    assert record["verdict"] == "supported", record
    assert not any("sentence's year" in s for s in record["checked_scope"])
