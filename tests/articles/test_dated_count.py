"""A trial count given for a date ("As of Jan. 31, 2024, there were more than 300 CAR T trials
registered in China", BioWorld) is compared with counts of that year only: it was judged
against counts of 2020 and 2021 and the 2026 registry snapshot, none of which can test it
(registrations only grow). The share in range is recomputed here from trial_counts.csv."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from cartatlas.cli import app

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"
PAGE = "As of Jan. 31, 2024, there were more than 300 CAR T trials registered in China.\n"
CLAIMS = """claims:
  - id: cn-2024
    text: "More than 300 CAR T trials registered in China as of Jan. 31, 2024."
    metric: trial_count
    countries: [CN]
    range: [300, null]
    as_of: "2024-01-31"
"""


def _counts_of_2024() -> list[int]:
    rows = csv.DictReader((DATA / "trial_counts.csv").read_text("utf-8").splitlines())
    return [int(r["count"]) for r in rows if r["country"] == "CN" and r["as_of"][:4] == "2024"]


def _verdict(inside: int, total: int) -> str:
    share = inside / total
    return "supported" if share >= 0.75 else "partly supported" if share >= 0.25 else "contradicted"


def _cli(store: str, tmp_path: Path) -> dict:
    page = tmp_path / "page.md"
    page.write_text(PAGE, "utf-8")
    result = CliRunner().invoke(
        app, ["--db", store, "check-article", "--format", "json", str(page)]
    )
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    return record


def test_a_dated_count_meets_counts_of_its_year_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    counts = _counts_of_2024()
    inside = sum(c >= 300 for c in counts)
    expected = _verdict(inside, len(counts))
    record = _cli(evidence_store, tmp_path)
    assert record["verdict"] == expected
    assert record["evidence"].startswith(f"{inside} of {len(counts)} values in range")
    assert "as of 2020" not in record["evidence"] and "as of 2021" not in record["evidence"]
    api = evidence_client.post("/api/check-article", json={"text": PAGE}).json()
    assert [c["verdict"] for c in api["claims"]] == [expected]
    html = evidence_client.post("/article", data={"text": PAGE}).text
    assert f'<li id="claim-1"><span class="verdict verdict-{expected.replace(" ", "-")}">' in html
    claims = tmp_path / "claims.yaml"
    claims.write_text(CLAIMS, "utf-8")
    table = CliRunner().invoke(
        app, ["--db", evidence_store, "claims", str(claims)], env={"COLUMNS": "300"}
    )
    assert f"{inside} of {len(counts)} values in range" in table.stdout


def test_the_later_registry_snapshot_is_left_out(full_store, tmp_path):
    record = _cli(full_store, tmp_path)
    assert "registry snapshot (2026) left out" in record["evidence"]
    assert "with a site in CN (registry snapshot)" not in record["evidence"]
