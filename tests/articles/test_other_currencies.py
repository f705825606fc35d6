"""Prices in yen, won and Swiss francs are read, and "¥" on a Japanese price is the yen: "In
Japan, Kymriah costs ¥33.49 million" was read as 33.49 million yuan (about $4.7 million), and
"33 million yen" or "360 million won" were not read at all. Each price here is the one
prices.csv records for that country, written as a page would, and is supported on the CLI, the
API and the dashboard's article page; "In 2017 Kymriah won approval" is no amount of won."""

from __future__ import annotations

import pytest

from tests.articles.surfaces import assert_api_and_page, cli_records, rows


def _recorded(country: str, year: str) -> dict[str, str]:
    (row,) = [
        r
        for r in rows("prices.csv")
        if (r["country"], r["product_id"], r["year"]) == (country, "tisagenlecleucel", year)
    ]
    return row


@pytest.mark.parametrize(
    ("country", "year", "template"),
    [
        # Japan cut Kymriah's NHI price in 2021: a page written in 2020 is held to the 2019
        # price, a page with no date to the price in force now.
        ("JP", "2019", "Published: 2020-06-01\n\nIn Japan, Kymriah costs ¥{:.2f} million."),
        (
            "JP",
            "2019",
            "Published: 2020-06-01\n\nIn Japan, Kymriah is priced at {:.2f} million yen.",
        ),
        ("JP", "2021", "In Japan, Kymriah costs ¥{:.2f} million."),
        ("JP", "2021", "In Japan, Kymriah is priced at {:,.0f} yen."),
        ("KR", "2022", "In South Korea, Kymriah costs about {:.0f} million won."),
        ("CH", "2018", "In Switzerland, Kymriah costs CHF {:,.0f}."),
    ],
)
def test_a_recorded_price_in_its_currency_is_supported_on_every_surface(
    evidence_store, evidence_client, tmp_path, country, year, template
):
    row = _recorded(country, year)
    amount = float(row["amount"])
    text = template.format(amount / 1e6 if "million" in template else amount)
    [record] = cli_records(evidence_store, tmp_path, text)
    assert record["currency"] == row["currency"], record
    assert record["verdict"] == "supported", record["evidence"]
    assert f"{amount:,.0f} {row['currency']}" in record["evidence"]
    assert_api_and_page(evidence_client, text, ["supported"])


def test_won_after_a_year_is_no_price():
    from cartatlas.analyses.article.parse_numbers import find_money

    assert [m.currency for m in find_money("In 2017 Kymriah won approval at $475,000.")] == ["USD"]
    [money] = find_money("about 360 million won")
    assert (money.currency, money.low) == ("KRW", 360_000_000)
