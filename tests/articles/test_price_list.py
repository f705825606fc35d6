"""Two prices joined by "and" without "between" are two claims, not a range: Axios (2019),
"The two CAR-Ts approved in the U.S. have price tags of $475,000 and $373,000", was read as
one price of $475,000 (the second, lower amount was dropped). Each price's share of in-force US
prices in its ±10 % band is recomputed here from the CSV rows by a plain route."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, claims_table, cli_records, rows

PAGE = "The two CAR-Ts approved in the U.S. have price tags of $475,000 and $373,000.\n"


def _us_prices_in_force() -> list[float]:
    """US list/WAC prices, no secondary page, each product and indication's latest year, a
    later price naming no indication replacing the indicated ones, one per amount."""
    priced = [
        r
        for r in rows("prices.csv")
        if r["country"] == "US"
        and r["currency"] == "USD"
        and r["kind"] in ("list", "WAC")
        and r["source_kind"] != "secondary"
    ]
    latest: dict[tuple[str, str], int] = {}
    for r in priced:
        key = (r["product_id"], r["indication"])
        latest[key] = max(latest.get(key, 0), int(r["year"]))
    general = {p: y for (p, i), y in latest.items() if not i}
    kept = {
        (r["product_id"], r["indication"], float(r["amount"]))
        for r in priced
        if int(r["year"]) == latest[(r["product_id"], r["indication"])]
        and not (r["indication"] and int(r["year"]) < general.get(r["product_id"], 0))
    }
    return [amount for _, _, amount in kept]


def _share(amount: float) -> tuple[int, int]:
    prices = _us_prices_in_force()
    return sum(0.9 * amount <= p <= 1.1 * amount for p in prices), len(prices)


def test_each_listed_price_is_checked_on_every_surface(evidence_store, evidence_client, tmp_path):
    records = cli_records(evidence_store, tmp_path, PAGE)
    assert [r["value"] for r in records] == [475000, 373000]
    for record in records:
        inside, total = _share(record["value"])
        assert record["evidence"].startswith(f"{inside} of {total} prices in range")
        assert 0.25 <= inside / total < 0.75 and record["verdict"] == "partly supported"
    assert_api_and_page(evidence_client, PAGE, ["partly supported"] * 2)
    [table] = claims_table(
        evidence_store,
        tmp_path,
        "claims:\n  - id: p373\n    text: US price tag of $373,000\n    metric: price_usd\n"
        "    countries: [US]\n    range: [335700, 410300]\n",
    )
    inside, total = _share(373000)
    assert table["verdict"] == "partly supported"
    assert table["evidence"].startswith(f"{inside} of {total} prices in range")


def test_between_keeps_a_range():
    from cartatlas.analyses.article.parse_numbers import find_money

    [money] = find_money("between $375,000 and $500,000")
    assert (money.low, money.high) == (375000, 500000)
    low, high = find_money("1.2 and 1.5 million yuan")
    assert (low.low, high.low) == (1_200_000, 1_500_000)
