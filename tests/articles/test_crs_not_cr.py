"""A bare "CRS" is cytokine release syndrome, not complete response ("CRs"): "Severe CRS occurs
in less than 10% of DLBCL patients treated in the US" was checked as a complete-response rate
and contradicted. The grade ≥ 3 CRS rates are recomputed from safety.csv."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from cartatlas.cli import app

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"
PAGE = "Severe CRS occurs in less than 10% of DLBCL patients treated in the US.\n"


def _severe_crs_us_lbcl() -> list[float]:
    def rows(name: str) -> list[dict]:
        return list(csv.DictReader((DATA / name).read_text("utf-8").splitlines()))

    studies = {r["study_id"]: r for r in rows("studies.csv")}
    return [
        100 * int(r["events"]) / int(r["n"])
        for r in rows("safety.csv")
        if r["event"] == "CRS"
        and r["grade"] == "3plus"
        and studies[r["study_id"]]["indication"] == "LBCL"
        and studies[r["study_id"]]["country_of_conduct"] == "US"
    ]


def test_severe_crs_is_checked_as_crs_on_every_surface(evidence_store, evidence_client, tmp_path):
    rates = _severe_crs_us_lbcl()
    assert rates and all(rate < 10 for rate in rates)
    page = tmp_path / "page.md"
    page.write_text(PAGE, "utf-8")
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "check-article", "--format", "json", str(page)]
    )
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["metric"] == "CRS_3plus" and record["verdict"] == "supported"
    assert record["evidence"].startswith(f"{len(rates)} of {len(rates)} study rates in range")
    api = evidence_client.post("/api/check-article", json={"text": PAGE}).json()
    assert [(c["metric"], c["verdict"]) for c in api["claims"]] == [("CRS_3plus", "supported")]
    html = evidence_client.post("/article", data={"text": PAGE}).text
    assert '<li id="claim-1"><span class="verdict verdict-supported">' in html
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        "claims:\n  - id: crs\n    text: severe CRS under 10%\n    metric: CRS_3plus\n"
        "    indication: LBCL\n    countries: [US]\n    range: [0, 10]\n",
        "utf-8",
    )
    table = CliRunner().invoke(
        app, ["--db", evidence_store, "claims", str(claims)], env={"COLUMNS": "300"}
    )
    assert f"{len(rates)} of {len(rates)} study rates in range" in table.stdout


def test_plural_complete_responses_stay_cr():
    from cartatlas.analyses.article.names import endpoints

    assert [code for code, _ in endpoints("CRs were durable; CRS was mild")] == ["CR", "CRS"]
