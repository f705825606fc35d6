"""A price whose sentence names no country, after a sentence naming several, belongs to none
of them for sure: it is not checkable, never checked against the first country named. Axios
(2019): "American and European companies … Chinese startup Gracell …", then "Gracell plans to
price its treatment … at around $71,000" was checked against US prices and contradicted."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, cli_records, rows

PAGE = (
    "American and European companies take weeks to make each CAR-T, while a Chinese startup "
    "makes its own overnight.\n\n"
    "The startup plans to price its treatment at around $71,000.\n"
)


def test_the_borrowed_country_would_have_contradicted_it():
    us = [float(r["amount"]) for r in rows("prices.csv") if r["country"] == "US"]
    assert us and not any(63_900 <= amount <= 78_100 for amount in us)  # $71,000 ± 10 %


def test_a_price_after_several_countries_is_not_checkable_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    [record] = cli_records(evidence_store, tmp_path, PAGE)
    assert record["verdict"] == "not checkable"
    assert record["reason"] == "country not named; the sentence before names several (US, EU, CN)"
    assert_api_and_page(evidence_client, PAGE, ["not checkable"])
