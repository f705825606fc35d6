"""Two prices joined by "and" without "between" are two claims, not a range: Axios (2019),
"The two CAR-Ts approved in the U.S. have price tags of $475,000 and $373,000", was read as
one price of $475,000 (the second, lower amount was dropped). A single price figure names one
price, not all of a country's: it holds when an in-force US price is within ±1 % of it (prices
are printed rounded), is partly right when it lies among them, and is contradicted outside them;
recomputed here from the CSV rows by a plain route (it was the share within ±10 %, which called
Kymriah's $475,000 tag "partly supported" and the same figure with "about" no looser)."""

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


def _single(amount: float, band: float = 0.01) -> tuple[str, int, int]:
    """(verdict, prices at the figure, prices) of one stated US price."""
    prices = _us_prices_in_force()
    at = sum((1 - band) * amount <= p <= (1 + band) * amount for p in prices)
    verdict = (
        "supported"
        if at
        else "partly supported"
        if min(prices) <= amount <= max(prices)
        else "contradicted"
    )
    return verdict, at, len(prices)


def test_each_listed_price_is_checked_on_every_surface(evidence_store, evidence_client, tmp_path):
    records = cli_records(evidence_store, tmp_path, PAGE)
    assert [r["value"] for r in records] == [475000, 373000]
    verdicts = []
    for record in records:
        verdict, at, total = _single(record["value"])
        low, high = round(0.99 * record["value"]), round(1.01 * record["value"])
        assert record["evidence"].startswith(
            f"{at} of {total} prices in range ({low:,}–{high:,} USD: the stated "
            f"{record['value']:,.0f} USD ±1%, as pages print prices rounded)"
        )
        assert record["verdict"] == verdict == "supported"
        verdicts.append(verdict)
    assert_api_and_page(evidence_client, PAGE, verdicts)
    [table] = claims_table(
        evidence_store,
        tmp_path,
        "claims:\n  - id: p373\n    text: US price tag of $373,000\n    metric: price_usd\n"
        "    countries: [US]\n    range: [335700, 410300]\n",
    )
    prices = _us_prices_in_force()
    inside = sum(335700 * 0.99 <= p <= 410300 * 1.01 for p in prices)
    assert table["verdict"] == "partly supported" and 0.25 <= inside / len(prices) < 0.75
    assert table["evidence"].startswith(f"{inside} of {len(prices)} prices in range")


def test_a_single_price_among_or_outside_the_recorded_ones(evidence_store, tmp_path):
    """A figure no price is at: partly when it lies among them, contradicted outside them; with
    "about", ±10 %."""
    page = (
        "In the US, CAR-T costs $430,000.\nIn the US, CAR-T costs $900,000.\n"
        "In the US, CAR-T costs about $430,000.\n"
    )
    records = cli_records(evidence_store, tmp_path, page)
    expected = [_single(430000)[0], _single(900000)[0], _single(430000, 0.10)[0]]
    assert [r["verdict"] for r in records] == expected
    assert expected == ["partly supported", "contradicted", "supported"]
    assert "no price is at it, though it lies among them" in records[0]["evidence"]


def test_between_keeps_a_range():
    from cartatlas.analyses.article.parse_numbers import find_money

    [money] = find_money("between $375,000 and $500,000")
    assert (money.low, money.high) == (375000, 500000)
    low, high = find_money("1.2 and 1.5 million yuan")
    assert (low.low, high.low) == (1_200_000, 1_500_000)
