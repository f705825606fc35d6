"""Every evidence output names its context: outcomes, safety and meta rows carry country,
indication and product (they used to show only the study)."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.evidence.reading import BUNDLED_DIR


def _studies() -> dict[str, dict[str, str]]:
    with (BUNDLED_DIR / "studies.csv").open(encoding="utf-8") as handle:
        return {r["study_id"]: r for r in csv.DictReader(handle)}


def test_outcomes_and_safety_rows_name_country_indication_and_product(evidence_store):
    studies = _studies()
    for command in ("outcomes", "safety"):
        result = CliRunner().invoke(
            app, ["--db", evidence_store, command, "--product", "cilta-cel", "--format", "csv"]
        )
        assert result.exit_code == 0, result.output
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert rows
        for row in rows:
            curated = studies[row["study"]]
            assert (row["country"], row["indication"], row["product"]) == (
                curated["country_of_conduct"],
                curated["indication"],
                curated["product_id"],
            )


def test_meta_studies_name_their_product(evidence_store):
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "meta", "--indication", "MM", "--format", "json"]
    )
    document = json.loads(result.stdout)
    assert document["indication"] == "MM"
    assert all(s["product"] and s["country"] for s in document["studies"])
