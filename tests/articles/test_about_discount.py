""" "About 60% less" is 54–66 % by the stated rule for "about", as for a rate; a relative price
was read as exactly 60 % and contradicted by a discount of 55.3 % (53.8 % before the prices
compared were those in force at one date). "No higher than 60%" is a
ceiling. Recomputed here from prices.csv, exchange_rates.csv and outcomes.csv."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from statistics import median

from typer.testing import CliRunner

from cartatlas.cli import app

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"
PAGE = "CAR-T in China costs about 60% less than in the US.\n"


def _rows(name: str) -> list[dict]:
    return list(csv.DictReader((DATA / name).read_text("utf-8").splitlines()))


def _axicel_discount() -> float:
    """Axi-cel, the one product priced in both: each country's non-secondary price of the latest
    year (the price in force), China's at its year's dollar rate."""
    prices = [
        r
        for r in _rows("prices.csv")
        if r["product_id"] == "axicabtagene-ciloleucel" and r["source_kind"] != "secondary"
    ]
    rates = {
        (r["currency"], r["year"]): float(r["per_usd"])
        for r in _rows("exchange_rates.csv")
        if r["per_usd"]
    }

    def latest(country: str) -> list[dict]:
        rows = [r for r in prices if r["country"] == country]
        year = max(r["year"] for r in rows)
        return [r for r in rows if r["year"] == year]

    [cn] = {float(r["amount"]) / rates[("CNY", r["year"])] for r in latest("CN")}
    us = median({float(r["amount"]) for r in latest("US")})
    return 100 * (1 - cn / us)


def _cli(store: str, tmp_path: Path, text: str) -> dict:
    page = tmp_path / "page.md"
    page.write_text(text, "utf-8")
    result = CliRunner().invoke(
        app, ["--db", store, "check-article", "--format", "json", str(page)]
    )
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    return record


def test_about_a_discount_on_every_surface(evidence_store, evidence_client, tmp_path):
    discount = _axicel_discount()
    assert 54 <= round(discount) <= 66 and not 59.5 <= discount <= 60.5
    record = _cli(evidence_store, tmp_path, PAGE)
    assert record["range"] == [54, 66] and record["verdict"] == "supported"
    assert f"less by {discount:,.4g}%" in record["evidence"]
    api = evidence_client.post("/api/check-article", json={"text": PAGE}).json()
    assert [c["verdict"] for c in api["claims"]] == ["supported"]
    html = evidence_client.post("/article", data={"text": PAGE}).text
    assert '<li id="claim-1"><span class="verdict verdict-supported">' in html
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        "claims:\n  - id: d\n    text: about 60% less\n    metric: price_discount\n"
        "    countries: [CN, US]\n    range: [54, 66]\n",
        "utf-8",
    )
    table = CliRunner().invoke(
        app, ["--db", evidence_store, "claims", "--format", "json", str(claims)]
    )
    assert [c["verdict"] for c in json.loads(table.stdout)] == ["supported"]


def test_no_higher_than_is_a_ceiling(evidence_store, tmp_path):
    studies = {r["study_id"]: r for r in _rows("studies.csv")}
    rates = [
        100 * int(r["events"]) / int(r["n"])
        for r in _rows("outcomes.csv")
        if r["endpoint"] == "CR"
        and r["analysis"] == "primary"
        and studies[r["study_id"]]["indication"] == "LBCL"
        and studies[r["study_id"]]["country_of_conduct"] == "US"
    ]
    assert sum(rate <= 60 for rate in rates) / len(rates) >= 0.75
    sentence = "Complete response rates in DLBCL in the US are no higher than 60%."
    record = _cli(evidence_store, tmp_path, sentence)
    assert record["range"] == [0, 60] and record["verdict"] == "supported"
