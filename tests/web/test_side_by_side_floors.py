"""The side-by-side table (report and dashboard compare view, more than two countries) gives a
country's complete-response floor where its only cohort prints an MRD-negative CR and no CR row
(Spain in B-ALL: ARI-0001, CART19-BE-01), instead of "no data" while the Success rates section
names that trial. The floor is recomputed here from outcomes.csv and studies.csv with the csv
module and asserted on the CLI, the JSON API, the report and the dashboard."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"
COUNTRIES = ["CN", "US", "IN", "ES"]


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _spain_b_all_floor() -> tuple[str, int, int]:
    """(study, events, n): Spain's B-ALL cohort (general population) with an MRD-negative CR row
    and no CR row, straight from the CSVs."""
    studies = {
        s["study_id"]
        for s in _rows("studies")
        if s["country_of_conduct"] == "ES" and s["indication"] == "B-ALL"
    }
    outcomes = [o for o in _rows("outcomes") if o["study_id"] in studies]
    with_cr = {o["study_id"] for o in outcomes if o["endpoint"] == "CR"}
    [floor] = [
        (o["study_id"], int(o["events"]), int(o["n"]))
        for o in outcomes
        if o["endpoint"] == "MRD_neg_CR" and o["study_id"] not in with_cr
    ]
    return floor


def test_spains_b_all_floor_reads_the_same_everywhere(evidence_store, evidence_client):
    from cartatlas.cli import app
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import side_by_side
    from cartatlas.store import open_store

    study, k, n = _spain_b_all_floor()
    assert (study, k, n) == ("CART19-BE-01", 27, 38)
    words = f"at least {round(100 * k / n)}% in {study} (ES; MRD-negative CR {k}/{n})"
    assert words == "at least 71% in CART19-BE-01 (ES; MRD-negative CR 27/38)"

    result = CliRunner().invoke(
        app,
        ["--db", evidence_store, "meta", "--indication", "B-ALL", "--endpoint", "CR"]
        + ["--countries", "ES", "US", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    floors = json.loads(result.stdout)["complete_response_floors"]
    assert [(f["study_id"], f["events"], f["n"]) for f in floors if f["country"] == "ES"] == [
        (study, k, n)
    ]
    body = evidence_client.get(
        "/api/meta", params={"indication": "B-ALL", "endpoint": "CR", "countries": ["ES", "US"]}
    ).json()
    served = [f for f in body["complete_response_floors"] if f["country"] == "ES"]
    assert [(f["study_id"], f["events"], f["n"]) for f in served] == [(study, k, n)]

    with open_store(evidence_store, read_only=True) as store:
        section = side_by_side.build(ReportContext(store, COUNTRIES))
    rows = {row[0]: row[1:] for row in section.blocks[0].rows}
    spain = rows["complete response, B-ALL (95% CI)"][COUNTRIES.index("ES")]
    assert words in spain and not spain.startswith("no data"), spain
    india = rows["complete response, B-ALL (95% CI)"][COUNTRIES.index("IN")]
    assert india.startswith("no data (")  # no Indian cohort at all: still "no data (reason)"

    page = evidence_client.get("/", params=dict(zip("abcd", COUNTRIES, strict=True)))
    assert page.status_code == 200
    assert words in page.text


def test_india_ppp_cell_says_which_price_used_the_latest_factor(evidence_store, evidence_client):
    """India's three prices (2023, 2024, 2025) and PPP factors recorded up to 2024 (ppp.csv):
    the 2025 price is at the 2024 factor, and the PPP cell, labelled like the same-year USD
    cell, says so (recomputed from prices.csv and ppp.csv)."""
    from cartatlas.cli import app
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import side_by_side
    from cartatlas.store import open_store

    years = sorted(int(p["year"]) for p in _rows("prices") if p["country"] == "IN")
    latest = max(int(p["year"]) for p in _rows("ppp") if p["country"] == "IN")
    stale = [y for y in years if y > latest]
    assert (years, latest, stale) == ([2023, 2024, 2025], 2024, [2025])
    words = f"({len(stale)} of {len(years)} at the {latest} PPP factor, the latest recorded)"

    result = CliRunner().invoke(
        app, ["--db", evidence_store, "prices", "--usd", "--countries", "IN", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    served = json.loads(result.stdout)
    assert sorted((r["year"], r["ppp_year"]) for r in served) == [
        (y, min(y, latest)) for y in years
    ]
    with open_store(evidence_store, read_only=True) as store:
        section = side_by_side.build(ReportContext(store, COUNTRIES))
    rows = {row[0]: row[1:] for row in section.blocks[0].rows}
    india = COUNTRIES.index("IN")
    assert words in rows["product price, PPP (international $)"][india]
    assert "latest recorded" not in rows["product price, USD (same-year rate)"][india]
    page = evidence_client.get("/", params=dict(zip("abcd", COUNTRIES, strict=True)))
    assert words in page.text
