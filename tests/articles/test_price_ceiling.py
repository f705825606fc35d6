"""A price after "less than", "under" or "up to" is a ceiling, not a price: "In China, CAR-T
therapy costs under 1.5 million yuan" was read as 1.5 million ±10 % and contradicted, though
every Chinese price recorded is below it. Recomputed here from prices.csv."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, claims_table, cli_records, rows

PAGE = "In China, CAR-T therapy costs under 1.5 million yuan.\n"


def test_the_rows_are_all_under_the_ceiling_and_none_near_it():
    prices = [float(r["amount"]) for r in rows("prices.csv") if r["currency"] == "CNY"]
    assert prices and all(p < 1_500_000 for p in prices)
    assert not any(1_350_000 <= p <= 1_650_000 for p in prices)  # the old ±10 % reading


def test_a_ceiling_is_supported_on_every_surface(evidence_store, evidence_client, tmp_path):
    [record] = cli_records(evidence_store, tmp_path, PAGE)
    # kept in yuan, as stated (check.STATED_CURRENCY_RULE; test_stated_currency.py)
    assert record["range"] == [0, 1_500_000] and record["currency"] == "CNY"
    assert record["verdict"] == "supported"
    inside, _, total = record["evidence"].partition(" prices in range")[0].partition(" of ")
    assert inside == total
    assert_api_and_page(evidence_client, PAGE, ["supported"])
    [table] = claims_table(
        evidence_store,
        tmp_path,
        "claims:\n  - id: under\n    text: under 1.5 million yuan\n    metric: price_usd\n"
        "    countries: [CN]\n    currency: CNY\n    range: [0, 1500000]\n",
    )
    assert table["verdict"] == "supported"
    assert table["evidence"].startswith(f"{total} of {total} prices in range")


def test_up_to_and_less_than_are_ceilings():
    from cartatlas.analyses.article.parse_numbers import find_money

    for text in ("costs up to $500,000", "less than $200,000", "under 1.5 million yuan"):
        [money] = find_money(text)
        assert money.low == 0 and money.high is not None, text
    [money] = find_money("more than $500,000")
    assert money.open_high and money.low == 500_000
