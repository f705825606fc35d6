"""Two prices joined by "and" without "between" are two claims, not a range: Axios (2019),
"The two CAR-Ts approved in the U.S. have price tags of $475,000 and $373,000", was read as
one price of $475,000 (the second, lower amount was dropped). Each price's share of in-force US
prices in its ±10 % band is recomputed here from the CSV rows by a plain route."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from cartatlas.cli import app

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"
PAGE = "The two CAR-Ts approved in the U.S. have price tags of $475,000 and $373,000.\n"


def _us_prices_in_force() -> list[float]:
    """US list/WAC prices, no secondary page, each product and indication's latest year, a
    later price naming no indication replacing the indicated ones, one per amount."""
    rows = [
        r
        for r in csv.DictReader((DATA / "prices.csv").read_text("utf-8").splitlines())
        if r["country"] == "US"
        and r["currency"] == "USD"
        and r["kind"] in ("list", "WAC")
        and r["source_kind"] != "secondary"
    ]
    latest: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["product_id"], r["indication"])
        latest[key] = max(latest.get(key, 0), int(r["year"]))
    general = {p: y for (p, i), y in latest.items() if not i}
    kept = {
        (r["product_id"], r["indication"], float(r["amount"]))
        for r in rows
        if int(r["year"]) == latest[(r["product_id"], r["indication"])]
        and not (r["indication"] and int(r["year"]) < general.get(r["product_id"], 0))
    }
    return [amount for _, _, amount in kept]


def _share(amount: float) -> tuple[int, int]:
    prices = _us_prices_in_force()
    return sum(0.9 * amount <= p <= 1.1 * amount for p in prices), len(prices)


def test_each_listed_price_is_checked_on_every_surface(evidence_store, evidence_client, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE, "utf-8")
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "check-article", "--format", "json", str(page)]
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["value"] for r in records] == [475000, 373000]
    for record in records:
        inside, total = _share(record["value"])
        assert record["evidence"].startswith(f"{inside} of {total} prices in range")
        assert 0.25 <= inside / total < 0.75 and record["verdict"] == "partly supported"
    api = evidence_client.post("/api/check-article", json={"text": PAGE}).json()
    assert [c["verdict"] for c in api["claims"]] == ["partly supported"] * 2
    html = evidence_client.post("/article", data={"text": PAGE}).text
    assert (
        html.count('<span class="verdict verdict-partly-supported">partly supported</span> ') == 2
    )
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        "claims:\n  - id: p373\n    text: US price tag of $373,000\n    metric: price_usd\n"
        "    countries: [US]\n    range: [335700, 410300]\n",
        "utf-8",
    )
    table = CliRunner().invoke(
        app, ["--db", evidence_store, "claims", str(claims)], env={"COLUMNS": "300"}
    )
    inside, total = _share(373000)
    assert "partly" in table.stdout and f"{inside} of {total} prices in range" in table.stdout


def test_between_keeps_a_range():
    from cartatlas.analyses.article.parse_numbers import find_money

    [money] = find_money("between $375,000 and $500,000")
    assert (money.low, money.high) == (375000, 500000)
    low, high = find_money("1.2 and 1.5 million yuan")
    assert (low.low, high.low) == (1_200_000, 1_500_000)
