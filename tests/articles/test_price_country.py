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


# Two prices, each with its country on the same side of it: "In the US, … $373,000 and in
# China ¥1,290,000" (before) and "… $373,000 in the US and ¥1,200,000 in China" (after). The
# $373,000 of the first lies nearer "China" than "US", and was checked as a Chinese price.
PAIRED = {
    "In the US, Yescarta costs $373,000 and in China ¥1,290,000.\n": ["US", "CN"],
    "Yescarta costs $373,000 in the US and ¥1,200,000 in China.\n": ["US", "CN"],
}


def test_each_price_takes_the_country_its_clause_names_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    for text, countries in PAIRED.items():
        records = cli_records(evidence_store, tmp_path, text)
        assert [r["countries"] for r in records] == [[c] for c in countries]
        api = evidence_client.post("/api/check-article", json={"text": text}).json()
        assert [c["countries"] for c in api["claims"]] == [[c] for c in countries]
        us = records[0]["evidence"]
        assert " CN " not in us and " US " in us  # checked against US prices only
        page = evidence_client.post("/article", data={"text": text}).text
        assert "axicabtagene-ciloleucel, US)" in page
