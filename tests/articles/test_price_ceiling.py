"""A price after "less than", "under" or "up to" is a ceiling, not a price: "In China, CAR-T
therapy costs under 1.5 million yuan" was read as 1.5 million ±10 % and contradicted, though
every Chinese price recorded is below it. Recomputed here from prices.csv."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from cartatlas.cli import app

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"
PAGE = "In China, CAR-T therapy costs under 1.5 million yuan.\n"


def _cn_yuan_prices() -> list[float]:
    rows = csv.DictReader((DATA / "prices.csv").read_text("utf-8").splitlines())
    return [float(r["amount"]) for r in rows if r["country"] == "CN" and r["currency"] == "CNY"]


def test_the_rows_are_all_under_the_ceiling_and_none_near_it():
    prices = _cn_yuan_prices()
    assert prices and all(p < 1_500_000 for p in prices)
    assert not any(1_350_000 <= p <= 1_650_000 for p in prices)  # the old ±10 % reading


def test_a_ceiling_is_supported_on_every_surface(evidence_store, evidence_client, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE, "utf-8")
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "check-article", "--format", "json", str(page)]
    )
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["range"][0] == 0 and round(record["range"][1] * 7.1875) == 1_500_000
    assert record["verdict"] == "supported"
    inside, _, total = record["evidence"].partition(" prices in range")[0].partition(" of ")
    assert inside == total
    api = evidence_client.post("/api/check-article", json={"text": PAGE}).json()
    assert [c["verdict"] for c in api["claims"]] == ["supported"]
    html = evidence_client.post("/article", data={"text": PAGE}).text
    assert '<li id="claim-1"><span class="verdict verdict-supported">' in html
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        "claims:\n  - id: under\n    text: under 1.5 million yuan\n    metric: price_usd\n"
        f"    countries: [CN]\n    range: [0, {record['range'][1]:.0f}]\n",
        "utf-8",
    )
    table = CliRunner().invoke(
        app, ["--db", evidence_store, "claims", str(claims)], env={"COLUMNS": "300"}
    )
    assert "supported" in table.stdout and f"{total} of {total} prices in range" in table.stdout


def test_up_to_and_less_than_are_ceilings():
    from cartatlas.analyses.article.parse_numbers import find_money

    for text in ("costs up to $500,000", "less than $200,000", "under 1.5 million yuan"):
        [money] = find_money(text)
        assert money.low == 0 and money.high is not None, text
    [money] = find_money("more than $500,000")
    assert money.open_high and money.low == 500_000
