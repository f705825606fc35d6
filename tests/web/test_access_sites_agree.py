"""Recruiting trials and trial sites per country, recounted from the raw ClinicalTrials.gov
JSON (not from the store's site table or the code under test), agree on the report's access
section and the dashboard's access page; each count says what a trial site is, and a country
with its own trial register (India: CTRI) has it named beside the counts.

Before: "0 recruiting CAR trials at 0 sites in IN" stood with no word that India's own register
is not loaded (and later the table's bare 0 beside the side-by-side table's "0 (ClinicalTrials.gov
only; CTRI not loaded)"), and "1168 sites in US" read as 1168 hospitals (a hospital is
counted once per trial)."""

from __future__ import annotations

import html
import json

import duckdb
import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import access, registry_views
from cartatlas.store import open_store
from tests.conftest import snapshot_protocols

COUNTRIES = {"China": "CN", "India": "IN", "Spain": "ES"}
OPEN = {None, "RECRUITING", "ENROLLING_BY_INVITATION"}


@pytest.fixture(scope="module")
def expected(full_store) -> dict[str, tuple[int, int]]:
    """Per country: (recruiting CAR trials, their open trial sites there)."""
    with duckdb.connect(full_store, read_only=True) as con:
        car = {r[0] for r in con.execute("SELECT nct_id FROM trial_labels WHERE is_car").fetchall()}
    protocols = {}  # a trial in both snapshots is one trial
    for protocol in snapshot_protocols():
        protocols[protocol["identificationModule"]["nctId"]] = protocol
    trials = dict.fromkeys(COUNTRIES.values(), 0)
    sites = dict.fromkeys(COUNTRIES.values(), 0)
    for nct, protocol in protocols.items():
        status = protocol["statusModule"]["overallStatus"]
        if nct not in car or status not in {"RECRUITING", "ENROLLING_BY_INVITATION"}:
            continue
        locations = protocol.get("contactsLocationsModule", {}).get("locations", [])
        for name, code in COUNTRIES.items():
            here = [s for s in locations if s.get("country") == name and s.get("status") in OPEN]
            trials[code] += bool(here)
            sites[code] += len(here)
    return {c: (trials[c], sites[c]) for c in trials}


def test_trial_sites_and_national_registers_on_report_and_page(full_store, client, expected):
    order = ["CN", "IN", "ES"]
    with open_store(full_store, read_only=True) as store:
        ctx = ReportContext(store, order)
        section = access.build(ctx)
        activity = registry_views.activity(ctx)
    page = html.unescape(client.get("/q/access", params={"a": "CN", "b": "IN", "c": "ES"}).text)
    table = next(b for b in section.blocks if getattr(b, "title", "").startswith("Recruiting"))
    assert table.columns[2] == "trial sites"
    assert access.TRIAL_SITES in table.note and access.TRIAL_SITES in page
    for country in order:
        trials, sites = expected[country]
        row = next(r for r in table.rows if r[0] == country)
        # a 0 says which register was not loaded, as the side-by-side table's does
        beside = " (ClinicalTrials.gov only; CTRI not loaded)" if country == "IN" else ""
        assert (row[1], row[2]) == (f"{trials}{beside}", str(sites)), country
        text = f"{trials} recruiting CAR trials at {sites} trial sites in {country}{beside}"
        assert text in section.answer and text in page
    assert expected["IN"][0] == 0, "the snapshot has no recruiting CAR trial in India"
    for caveats in (section.caveats, activity.caveats):
        note = next(c for c in caveats if "national or regional register" in c)
        assert "IN: CTRI" in note and "CN: ChiCTR" in note and "ES: the EU" in note
    assert "IN: CTRI" in page
    cli = CliRunner().invoke(
        app, ["--db", full_store, "trials", "--recruiting", "--country", "IN", "--format", "json"]
    )
    assert cli.exit_code == 0 and json.loads(cli.stdout) == []
    assert "Trials registered only in CTRI are not listed" in cli.stderr
    finder = client.get(
        "/trials", params={"country": "IN", "recruiting": "true", "searched": "true"}
    )
    assert "<strong>0</strong> trials found" in finder.text
    assert "Trials registered only in CTRI are not listed" in finder.text
    overview = html.unescape(client.get("/", params={"a": "CN", "b": "IN", "c": "ES"}).text)
    assert "IN: CTRI" in overview, "the overview's recruiting counts name India's own register"


def test_access_page_warns_that_centre_counts_are_not_like_for_like(client):
    """JP's latest count is of Kymriah hospitals in 2020, CN's of zevor-cel institutions in
    2026 (tests/report/test_centres_headline.py recomputes the rule from centres.csv)."""
    page = html.unescape(client.get("/q/access", params={"a": "JP", "b": "CN"}).text)
    assert "These counts are not like for like (some count one product's centres only" in page


def test_access_page_and_overview_show_a_lower_bound_as_more_than(evidence_client):
    """centres.csv gives CN's two latest counts (eque-cel and zevor-cel, same date) as "超200"
    (more than 200): the access page and the overview (which shows each question's answer) say
    "more than 200" for both products, never a bare 200."""
    for path in ("/q/access", "/"):
        page = html.unescape(evidence_client.get(path, params={"a": "CN", "b": "US"}).text)
        assert "CN: more than 200" in page, path
        assert "equecabtagene-autoleucel: more than 200" in page
        assert "CN: 200 " not in page
