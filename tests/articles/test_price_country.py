"""A price whose sentence names no country, after a sentence naming several, belongs to none
of them for sure: it is not checkable, never checked against the first country named. Axios
(2019): "American and European companies … Chinese startup Gracell …", then "Gracell plans to
price its treatment … at around $71,000" was checked against US prices and contradicted."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from cartatlas.cli import app

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"
PAGE = (
    "American and European companies take weeks to make each CAR-T, while a Chinese startup "
    "makes its own overnight.\n\n"
    "The startup plans to price its treatment at around $71,000.\n"
)


def test_the_borrowed_country_would_have_contradicted_it():
    us = [
        float(r["amount"])
        for r in csv.DictReader((DATA / "prices.csv").read_text("utf-8").splitlines())
        if r["country"] == "US" and r["currency"] == "USD"
    ]
    assert us and not any(63_900 <= amount <= 78_100 for amount in us)  # $71,000 ± 10 %


def test_a_price_after_several_countries_is_not_checkable_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    page = tmp_path / "page.md"
    page.write_text(PAGE, "utf-8")
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "check-article", "--format", "json", str(page)]
    )
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["verdict"] == "not checkable"
    assert record["reason"] == "country not named; the sentence before names several (US, EU, CN)"
    api = evidence_client.post("/api/check-article", json={"text": PAGE}).json()
    assert [c["verdict"] for c in api["claims"]] == ["not checkable"]
    html = evidence_client.post("/article", data={"text": PAGE}).text
    assert '<li id="claim-1"><span class="verdict verdict-not-checkable">' in html
