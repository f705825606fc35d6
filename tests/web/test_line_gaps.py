"""Yearly lines break at a year in which a country started no trial.

Before: the outlook's share lines ran from IL 2015 straight to 2018, so 2016–2017 read as
measured shares (near 0 %) where Israel registered no trial at all; the table beside them was
right. The years without a trial are recounted here with SQL over the stored registry rows."""

from __future__ import annotations

import html
import json
import re

import duckdb
import pandas as pd

from cartatlas.web import charts

SPEC = re.compile(r'<script type="application/json" id="spec-[^"]+">(.*?)</script>', re.S)


def test_a_year_without_trials_is_null_and_breaks_the_line():
    table = pd.DataFrame(
        {
            "start_year": [2015, 2018, 2015, 2016, 2017, 2018],
            "country": ["IL", "IL"] + ["US"] * 4,
            "solid": [0.5, 0.25, 0.1, 0.2, 0.3, 0.4],
            "trials": [2, 4, 10, 10, 10, 10],
        }
    )
    spec = charts.lines(table, "start_year", "solid", "share", ["IL", "US"], percent=True)
    assert spec["mark"]["invalid"] == "break-paths-filter-domains"
    il = {r["start_year"]: r for r in spec["data"]["values"] if r["country"] == "IL"}
    assert [il[y]["solid"] for y in range(2015, 2019)] == [0.5, None, None, 0.25]
    assert [il[y]["trials"] for y in range(2015, 2019)] == [2, 0, 0, 4]
    counts = charts.lines(table, "start_year", "trials", "trials started", ["IL", "US"])
    assert [r["trials"] for r in counts["data"]["values"] if r["country"] == "IL"] == [2, 0, 0, 4]


def test_the_outlook_page_leaves_israels_empty_years_empty(client, full_store):
    with duckdb.connect(full_store, read_only=True) as con:
        years = {
            y
            for (y,) in con.execute(
                "SELECT DISTINCT TRY_CAST(substr(s.start_date, 1, 4) AS INTEGER) "
                "FROM trial_labels l JOIN reg_study s ON s.trial_id = l.nct_id "
                "WHERE l.is_car AND list_contains(string_split(l.countries, '|'), 'IL')"
            ).fetchall()
        }
    page = client.get("/q/outlook", params={"a": "IL", "b": "US"}).text
    specs = [json.loads(html.unescape(s)) for s in SPEC.findall(page)]
    lines = [s for s in specs if s.get("mark", {}).get("type") == "line"]
    assert lines, "the outlook page draws its shares as lines"
    for spec in lines:
        shown = {r["start_year"]: r for r in spec["data"]["values"] if r["country"] == "IL"}
        share = spec["encoding"]["y"]["field"]
        gaps = [y for y in shown if y not in years]
        assert gaps, "IL has years without a trial in the span drawn (2016, 2017)"
        for year, row in shown.items():
            assert (row[share] is None) == (year not in years), (year, row)
