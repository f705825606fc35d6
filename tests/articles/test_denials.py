"""A sentence that denies a statement ("are not", "does not lead") is never checked as if it
asserted it: read as stated, the denial would get the opposite verdict. The affirmative twin is
recomputed from the raw evidence rows, to show what the inverted verdict would have been."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from cartatlas.cli import app

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"
AFFIRMED = "In the US, complete response rates in DLBCL range from 40% to 55%."
DENIED = "In the US, complete response rates in DLBCL are not between 40% and 55%."


def _share_in_40_to_55() -> float:
    """US LBCL complete-response rates of the primary analyses, straight from the CSV rows."""
    studies = {
        r["study_id"]: r
        for r in csv.DictReader((DATA / "studies.csv").read_text("utf-8").splitlines())
    }
    rates = [
        100 * int(r["events"]) / int(r["n"])
        for r in csv.DictReader((DATA / "outcomes.csv").read_text("utf-8").splitlines())
        if r["endpoint"] == "CR"
        and r["analysis"] == "primary"
        and studies[r["study_id"]]["indication"] == "LBCL"
        and studies[r["study_id"]]["country_of_conduct"] == "US"
    ]
    assert len(rates) >= 5
    return sum(40 <= rate <= 55 for rate in rates) / len(rates)


def _cli(store: str, tmp_path: Path, text: str) -> list[dict]:
    page = tmp_path / "page.md"
    page.write_text(text, "utf-8")
    result = CliRunner().invoke(
        app, ["--db", store, "check-article", "--format", "json", str(page)]
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_affirmative_is_supported_by_the_rows(evidence_store, tmp_path):
    assert _share_in_40_to_55() >= 0.75  # the claims rule: ≥ 75 % of the rates in range
    [record] = _cli(evidence_store, tmp_path, AFFIRMED)
    assert record["verdict"] == "supported"


def test_a_denial_is_not_checkable_on_every_surface(evidence_store, evidence_client, tmp_path):
    [record] = _cli(evidence_store, tmp_path, DENIED)
    assert record["verdict"] == "not checkable"
    assert "denies" in record["reason"]
    api = evidence_client.post("/api/check-article", json={"text": DENIED}).json()
    assert [c["verdict"] for c in api["claims"]] == ["not checkable"]
    page = evidence_client.post("/article", data={"text": DENIED}).text
    assert '<li id="claim-1"><span class="verdict verdict-not-checkable">' in page
    assert "the sentence denies it" in page


def test_a_denied_lead_is_not_read_as_a_lead(evidence_store, tmp_path):
    records = _cli(
        evidence_store,
        tmp_path,
        "China does not lead the world in the number of active CAR-T clinical trials.",
    )
    assert [r["verdict"] for r in records] == ["not checkable"]


def test_words_that_add_are_not_denials(evidence_store, tmp_path):
    records = _cli(
        evidence_store,
        tmp_path,
        "Not only in the US: complete response rates in DLBCL range from 40% to 55% in the US.",
    )
    assert [r["verdict"] for r in records] == ["supported"]
