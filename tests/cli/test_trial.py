"""`cartatlas trial NCT…`: one trial with its sites (city, status), contacts and eligibility
where the record has them, and registry links; values read back from the raw records."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cartatlas.cli import app
from tests.conftest import SHARED_CTGOV

runner = CliRunner()
FIXTURE = SHARED_CTGOV / "api-v2-fixtures" / "NCT06171568.json"


def test_trial_shows_contacts_eligibility_sites_and_link(tmp_path) -> None:
    db = str(tmp_path / "one.duckdb")
    assert runner.invoke(app, ["--db", db, "import", str(FIXTURE)]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "trial", "nct06171568"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    record = json.loads(FIXTURE.read_text("utf-8"))["protocolSection"]
    for contact in record["contactsLocationsModule"]["centralContacts"]:
        assert contact["email"] in result.stdout and contact["phone"] in result.stdout
    criteria = record["eligibilityModule"]["eligibilityCriteria"]
    assert criteria.splitlines()[0] in result.stdout
    site = record["contactsLocationsModule"]["locations"][0]
    assert site["city"] in result.stdout and site["facility"] in result.stdout
    assert "https://clinicaltrials.gov/study/NCT06171568" in result.stdout


def test_trial_lists_sites_with_city_and_status_as_json(full_store) -> None:
    result = runner.invoke(app, ["--db", full_store, "trial", "NCT05800977", "--format", "json"])
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert view["trial_id"] == "NCT05800977" and view["countries"] == ["CN"]
    assert len(view["sites"]) == 15
    assert {"city": "Shanghai", "status": "RECRUITING"}.items() <= next(
        s for s in view["sites"] if s["facility"].startswith("Ruijin")
    ).items()
    assert view["eligibility"]["minimum_age_years"] == 18.0


def test_an_unknown_trial_exits_2(full_store) -> None:
    result = runner.invoke(app, ["--db", full_store, "trial", "NCT00000000"])
    assert result.exit_code == 2 and "no current trial 'NCT00000000'" in result.output


def test_trial_as_csv_is_its_sites_one_row_each(tmp_path) -> None:
    """`--format csv` printed JSON; it now gives the sites as CSV, read back against the raw
    record's locations."""
    import csv
    import io

    db = str(tmp_path / "one.duckdb")
    assert runner.invoke(app, ["--db", db, "import", str(FIXTURE)]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "trial", "NCT06171568", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    locations = json.loads(FIXTURE.read_text("utf-8"))["protocolSection"][
        "contactsLocationsModule"
    ]["locations"]
    assert len(rows) == len(locations)
    assert {r["trial_id"] for r in rows} == {"NCT06171568"}
    assert sorted((r["facility"], r["city"]) for r in rows) == sorted(
        (loc["facility"], loc["city"]) for loc in locations
    )
