"""A sentence naming a country the evidence does not cover ("In Brazil, CAR-T costs about
$300,000") is checked for that country and finds no data; it was checked against the US, named
in the sentence before, and contradicted. The rows are read directly to show Brazil has none."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from cartatlas.cli import app

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"
PAGE = (
    "Complete response rates in DLBCL range from 40% to 55% in the US.\n\n"
    "In Brazil, CAR-T therapy costs about $300,000.\n\n"
    "In Brazil, complete response rates in DLBCL are about 50%.\n"
)
CLAIMS = """claims:
  - id: br-price
    text: "In Brazil, CAR-T therapy costs about $300,000."
    metric: price_usd
    countries: [BR]
    range: [270000, 330000]
"""


def _brazil_rows() -> int:
    prices = sum(
        r["country"] == "BR"
        for r in csv.DictReader((DATA / "prices.csv").read_text("utf-8").splitlines())
    )
    studies = sum(
        r["country_of_conduct"] == "BR"
        for r in csv.DictReader((DATA / "studies.csv").read_text("utf-8").splitlines())
    )
    return prices + studies


def test_a_country_without_evidence_gets_no_data_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    assert _brazil_rows() == 0
    page = tmp_path / "page.md"
    page.write_text(PAGE, "utf-8")
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "check-article", "--format", "json", str(page)]
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["countries"], r["verdict"]) for r in records] == [
        (["US"], "supported"),
        (["BR"], "no data"),
        (["BR"], "no data"),
    ]
    assert records[1]["evidence"] == "no price recorded for BR"
    api = evidence_client.post("/api/check-article", json={"text": PAGE}).json()
    assert [c["verdict"] for c in api["claims"]] == ["supported", "no data", "no data"]
    html = evidence_client.post("/article", data={"text": PAGE}).text
    assert html.count('<span class="verdict verdict-no-data">no data</span> ') == 2
    claims = tmp_path / "claims.yaml"
    claims.write_text(CLAIMS, "utf-8")
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "claims", str(claims)], env={"COLUMNS": "300"}
    )
    assert "no data" in result.stdout and "no price recorded for BR" in result.stdout


def test_every_other_country_is_found_by_name_not_by_a_common_word():
    from cartatlas.analyses.article.names import countries

    assert [c for c, _ in countries("Patients travel from Brazil and Spain to China.")] == [
        "BR",
        "ES",
        "CN",
    ]
    assert countries("Jordan et al. reported it in Georgia.") == []
    assert [c for c, _ in countries("Taiwan and South Africa")] == ["TW", "ZA"]
