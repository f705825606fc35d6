"""EU approvals apply in every EU/EEA state (and in the UK before 2021), dated as the
Commission decision: `products --country DE` lists them, recomputed from the CSV
(tests/web/test_pairs_overview.py: the API). Kymriah's EU follicular-lymphoma approval is dated
by Novartis's release (4 May 2022); its date and the US→DE lag are recomputed from the rows."""

from __future__ import annotations

import csv
import datetime as dt
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


def _lag_rows(evidence_store: str, other: str) -> dict[tuple[str, str], dict[str, str]]:
    """`approvals --countries US <other> --lag` as CSV rows keyed by target and indication."""
    result = runner.invoke(
        app,
        [
            "--db",
            evidence_store,
            "approvals",
            "--countries",
            "US",
            other,
            "--lag",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    return {(r["target"], r["indication"]): r for r in csv.DictReader(io.StringIO(result.stdout))}


def _approval_rows() -> list[dict[str, str]]:
    with open(plain.DATA / "approvals.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_an_undated_approval_names_its_product_in_the_lag_without_a_lag(evidence_store):
    """Brazil's B-ALL approval is recorded without a date (the ANVISA notice prints none): the
    US→BR lag table names the product (no date, no lag) instead of reading as 'not approved'."""
    br_all = [r for r in _approval_rows() if r["country"] == "BR" and r["indication"] == "B-ALL"]
    assert br_all and not any(r["approval_date"] for r in br_all), "the test would prove nothing"
    b_all = _lag_rows(evidence_store, "BR")[("CD19", "B-ALL")]
    assert b_all["product_id_BR"] in {r["product_id"] for r in br_all}
    assert b_all["approval_date_BR"] == "" and b_all["lag_months"] == ""


def _eu_fl_kymriah_date() -> str:
    """Kymriah's EU follicular-lymphoma date, read from the raw rows (Novartis's release)."""
    dated = {
        r["approval_date"]
        for r in _approval_rows()
        if (r["product_id"], r["country"], r["indication"]) == ("tisagenlecleucel", "EU", "FL")
        and r["approval_date"]
    }
    assert dated == {"2022-05-04"}
    return dated.pop()


def test_products_in_germany_show_the_eu_fl_date(evidence_store):
    result = runner.invoke(
        app, ["--db", evidence_store, "products", "--country", "DE", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    fl = [r for r in rows if r["product"] == "tisagenlecleucel" and r["indication"] == "FL"]
    assert [r["date"] for r in fl] == [_eu_fl_kymriah_date()]


def test_us_to_germany_fl_lag_is_recomputed_from_the_rows(evidence_store):
    """The US date is the earliest day-precise FDA follicular-lymphoma approval of a CD19 product;
    the lag is the difference in days over the mean month (365.25 / 12 days)."""
    cd19 = {"tisagenlecleucel", "axicabtagene-ciloleucel", "lisocabtagene-maraleucel"}
    us_dates = sorted(
        r["approval_date"]
        for r in _approval_rows()
        if r["agency"] == "FDA"
        and r["indication"] == "FL"
        and r["product_id"] in cd19
        and len(r["approval_date"]) == 10
    )
    first_us = dt.date.fromisoformat(us_dates[0])
    de = dt.date.fromisoformat(_eu_fl_kymriah_date())
    fl = _lag_rows(evidence_store, "DE")[("CD19", "FL")]
    assert (fl["product_id_DE"], fl["approval_date_DE"]) == ("tisagenlecleucel", "2022-05-04")
    assert fl["approval_date_US"] == us_dates[0]
    assert float(fl["lag_months"]) == round((de - first_us).days / (365.25 / 12), 1)


def test_api_gives_germany_the_eu_fl_date(evidence_client):
    items = evidence_client.get("/api/approvals", params={"country": "DE"}).json()["items"]
    dated = {
        i["approval_date"]
        for i in items
        if (i["product_id"], i["indication"], i["via"]) == ("tisagenlecleucel", "FL", "EU")
        and i["approval_date"]
    }
    assert dated == {_eu_fl_kymriah_date()}
