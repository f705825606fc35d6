"""Kymriah's EU follicular-lymphoma approval is dated by Novartis's release (4 May 2022).

The date and the US→DE lag are recomputed here from the raw approval rows, without the
approvals analysis: the DE row is the EU row (Germany takes the Commission decision), the US
row is the earliest dated FDA follicular-lymphoma approval of a CD19 product, and the lag is
the difference in days over the mean month (365.25 / 12 days).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from typer.testing import CliRunner

from cartatlas.cli import app
from tests.golden import plain

runner = CliRunner()


def _rows() -> list[dict[str, str]]:
    with open(plain.DATA / "approvals.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _eu_fl_kymriah_date() -> str:
    dated = {
        r["approval_date"]
        for r in _rows()
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
    us_cd19 = {"tisagenlecleucel", "axicabtagene-ciloleucel", "lisocabtagene-maraleucel"}
    us_dates = sorted(
        r["approval_date"]
        for r in _rows()
        if r["agency"] == "FDA"
        and r["indication"] == "FL"
        and r["product_id"] in us_cd19
        and len(r["approval_date"]) == 10
    )
    first_us = dt.date.fromisoformat(us_dates[0])
    de = dt.date.fromisoformat(_eu_fl_kymriah_date())
    expected = round((de - first_us).days / (365.25 / 12), 1)

    result = runner.invoke(
        app,
        [
            "--db",
            evidence_store,
            "approvals",
            "--countries",
            "US",
            "DE",
            "--lag",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {(r["target"], r["indication"]): r for r in csv.DictReader(io.StringIO(result.stdout))}
    fl = rows[("CD19", "FL")]
    assert (fl["product_id_DE"], fl["approval_date_DE"]) == ("tisagenlecleucel", "2022-05-04")
    assert fl["approval_date_US"] == us_dates[0]
    assert float(fl["lag_months"]) == expected


def test_api_gives_germany_the_eu_fl_date(evidence_client):
    items = evidence_client.get("/api/approvals", params={"country": "DE"}).json()["items"]
    dated = {
        i["approval_date"]
        for i in items
        if (i["product_id"], i["indication"], i["via"]) == ("tisagenlecleucel", "FL", "EU")
        and i["approval_date"]
    }
    assert dated == {_eu_fl_kymriah_date()}
