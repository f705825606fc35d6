"""Shared plain routes and surface readers of the claim-audit tests: the evidence rows read
straight from the CSVs, and one article checked through the CLI, the API, the dashboard's
article page and a claims file (the report's claims table)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from cartatlas.cli import app

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"


def rows(name: str) -> list[dict]:
    """The rows of one evidence CSV, as written."""
    return list(csv.DictReader((DATA / name).read_text("utf-8").splitlines()))


def us_lbcl_cr_rates() -> list[float]:
    """US LBCL complete-response rates of the primary analyses (events / n)."""
    studies = {r["study_id"]: r for r in rows("studies.csv")}
    return [
        100 * int(r["events"]) / int(r["n"])
        for r in rows("outcomes.csv")
        if r["endpoint"] == "CR"
        and r["analysis"] == "primary"
        and studies[r["study_id"]]["indication"] == "LBCL"
        and studies[r["study_id"]]["country_of_conduct"] == "US"
    ]


def cli_records(store: str, tmp_path: Path, text: str) -> list[dict]:
    """``check-article --format json`` on ``text``: one record per claim."""
    page = tmp_path / "page.md"
    page.write_text(text, "utf-8")
    result = CliRunner().invoke(
        app, ["--db", store, "check-article", "--format", "json", str(page)]
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def assert_api_and_page(client, text: str, verdicts: list[str]) -> None:
    """``POST /api/check-article`` and the ``/article`` page give these verdicts, in order."""
    api = client.post("/api/check-article", json={"text": text}).json()
    assert [c["verdict"] for c in api["claims"]] == verdicts
    html = client.post("/article", data={"text": text}).text
    for number, verdict in enumerate(verdicts, 1):
        css = verdict.replace(" ", "-")
        assert f'<li id="claim-{number}"><span class="verdict verdict-{css}">' in html


def claims_table(store: str, tmp_path: Path, yaml_text: str) -> list[dict]:
    """``cartatlas claims --format json`` on a claims file: the report's claims table."""
    claims = tmp_path / "claims.yaml"
    claims.write_text(yaml_text, "utf-8")
    result = CliRunner().invoke(app, ["--db", store, "claims", "--format", "json", str(claims)])
    return json.loads(result.stdout)
