"""A trial count's words set what it stands for: "fewer than 2,000 trials" is a ceiling and
"nearly 600" is 600 ±10 % (the stated rule for "about"); both were read as the exact number and
contradicted. The shares in range are recomputed from trial_counts.csv (evidence-only store)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"


def _us_counts() -> list[int]:
    rows = csv.DictReader((DATA / "trial_counts.csv").read_text("utf-8").splitlines())
    return [int(r["count"]) for r in rows if r["country"] == "US"]


def _verdict(inside: int, total: int) -> str:
    share = inside / total
    return "supported" if share >= 0.75 else "partly supported" if share >= 0.25 else "contradicted"


@pytest.mark.parametrize(
    ("sentence", "low", "high"),
    [
        ("The US has fewer than 2,000 CAR-T clinical trials.", 0, 2000),
        ("The US has nearly 600 CAR-T clinical trials.", 540, 660),
    ],
)
def test_count_words_on_every_surface(
    sentence, low, high, evidence_store, evidence_client, tmp_path
):
    counts = _us_counts()
    inside = sum(low <= c <= high for c in counts)
    expected = _verdict(inside, len(counts))
    assert expected != "contradicted"  # what the exact-number reading gave
    page = tmp_path / "page.md"
    page.write_text(sentence, "utf-8")
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "check-article", "--format", "json", str(page)]
    )
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert [round(b) for b in record["range"]] == [low, high]
    assert record["verdict"] == expected
    assert record["evidence"].startswith(f"{inside} of {len(counts)} values in range")
    api = evidence_client.post("/api/check-article", json={"text": sentence}).json()
    assert [c["verdict"] for c in api["claims"]] == [expected]
    html = evidence_client.post("/article", data={"text": sentence}).text
    assert f'<li id="claim-1"><span class="verdict verdict-{expected.replace(" ", "-")}">' in html
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        f"claims:\n  - id: c\n    text: {sentence}\n    metric: trial_count\n"
        f"    countries: [US]\n    range: [{low}, {high}]\n",
        "utf-8",
    )
    table = CliRunner().invoke(
        app, ["--db", evidence_store, "claims", str(claims)], env={"COLUMNS": "300"}
    )
    assert f"{inside} of {len(counts)} values in range" in table.stdout
