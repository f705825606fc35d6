"""EU approvals apply in every EU/EEA state (and in the UK before 2021), dated as the
Commission decision: `products --country DE` lists them, recomputed from the CSV
(tests/web/test_pairs_overview.py: the API)."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.evidence.jurisdictions import covered_by_eu
from tests.golden import plain

runner = CliRunner()


@pytest.mark.parametrize(
    ("country", "date", "applies"),
    [
        ("DE", "2018-08-27", True),
        ("NO", "2022-10-17", True),
        ("GB", "2018-08-27", True),
        ("GB", "2022-10-17", False),
        ("GB", None, False),
        ("US", "2018-08-27", False),
        ("CH", "2018-08-27", False),
    ],
)
def test_eu_coverage_by_country_and_date(country, date, applies):
    assert covered_by_eu(country, date) is applies


def test_products_in_germany_are_the_eu_approvals_with_their_eu_dates(evidence_store):
    result = runner.invoke(
        app, ["--db", evidence_store, "products", "--country", "DE", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # One row per approval (the strongest source's, as `cartatlas approvals` chooses it).
    chosen = plain.one_per_approval({"EU", "DE"})
    eu = [(a["product_id"], a["approval_date"]) for a in chosen if a["country"] == "EU"]
    own = [(a["product_id"], a["approval_date"]) for a in chosen if a["country"] == "DE"]
    assert sorted((r["product"], r["date"]) for r in rows) == sorted(eu + own)
    assert {r["agency"] for r in rows if (r["product"], r["date"]) in eu} == {"EMA (EU)"}


def test_products_in_switzerland_are_the_swissmedic_approvals(evidence_store):
    """Switzerland is outside the EEA: only Swissmedic's own rows, none of the EU's."""
    result = runner.invoke(
        app, ["--db", evidence_store, "products", "--country", "CH", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    with open(plain.DATA / "approvals.csv", encoding="utf-8", newline="") as handle:
        swiss = {
            (a["product_id"], a["approval_date"])
            for a in csv.DictReader(handle)
            if a["agency"] == "Swissmedic"
        }
    assert swiss and {(r["product"], r["date"]) for r in rows} == swiss
    assert {r["agency"] for r in rows} == {"Swissmedic"}


def test_an_undated_approval_names_its_product_in_the_lag_without_a_lag(evidence_store):
    """Brazil's B-ALL approval is recorded without a date (the ANVISA notice prints none): the
    US→BR lag table names the product (no date, no lag) instead of reading as 'not approved'."""
    with open(plain.DATA / "approvals.csv", encoding="utf-8", newline="") as handle:
        br_all = [
            r for r in csv.DictReader(handle) if r["country"] == "BR" and r["indication"] == "B-ALL"
        ]
    assert br_all and not any(r["approval_date"] for r in br_all), "the test would prove nothing"
    result = runner.invoke(
        app,
        [
            "--db",
            evidence_store,
            "approvals",
            "--countries",
            "US",
            "BR",
            "--lag",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {(r["target"], r["indication"]): r for r in csv.DictReader(io.StringIO(result.stdout))}
    b_all = rows[("CD19", "B-ALL")]
    assert b_all["product_id_BR"] in {r["product_id"] for r in br_all}
    assert b_all["approval_date_BR"] == "" and b_all["lag_months"] == ""
