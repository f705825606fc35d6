"""Recruiting trial sites per city, recounted from the raw ClinicalTrials.gov JSON (gzip + json,
not the store's site table), agree on the report's access table (its cities with most sites) and
on the dashboard's map data, which holds the compared countries only; a tie cut by the list of
cities is said ("Suzhou (18)" once stood alone for three cities with 18).

Before: the access page of JP vs CN listed under its map "Recruiting sites by city" for every
country in the registry (Abu Dhabi, Buenos Aires, Vienna, … Hanoi: over 600 rows), with JP's 47
trial sites buried among them, though the map itself shows JP and CN only."""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter, defaultdict

import duckdb
import pytest

from cartatlas.report.context import ReportContext
from cartatlas.report.sections import access
from cartatlas.store import open_store
from tests.conftest import snapshot_protocols
from tests.web.page_tables import captioned_rows

NAMES = {"Japan": "JP", "China": "CN"}
PAIR = ["JP", "CN"]
OPEN = {None, "RECRUITING", "ENROLLING_BY_INVITATION"}


@pytest.fixture(scope="module")
def expected(full_store) -> dict[tuple[str, str], tuple[int, int]]:
    """(country, city) -> (open trial sites of recruiting CAR trials, distinct trials)."""
    with duckdb.connect(full_store, read_only=True) as con:
        car = {r[0] for r in con.execute("SELECT nct_id FROM trial_labels WHERE is_car").fetchall()}
    protocols = {p["identificationModule"]["nctId"]: p for p in snapshot_protocols()}
    sites: Counter = Counter()
    trials: dict[tuple[str, str], set[str]] = defaultdict(set)
    for nct, protocol in protocols.items():
        status = protocol["statusModule"]["overallStatus"]
        if nct not in car or status not in {"RECRUITING", "ENROLLING_BY_INVITATION"}:
            continue
        for site in protocol.get("contactsLocationsModule", {}).get("locations", []):
            code = NAMES.get(site.get("country"))
            if code and site.get("status") in OPEN:
                sites[(code, site.get("city"))] += 1
                trials[(code, site.get("city"))].add(nct)
    return {key: (n, len(trials[key])) for key, n in sites.items()}


def test_cities_agree_on_report_and_dashboard_map_data(full_store, client, expected):
    page = client.get("/q/access", params={"a": "JP", "b": "CN"}).text
    rows = captioned_rows(page, "Recruiting trial sites by city")
    assert {r[0] for r in rows} == set(PAIR), "the map's data holds the compared countries only"
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), key=PAIR.index), "pair order"
    shown = {(r[0], r[1]): (int(r[2]), int(r[3])) for r in rows}
    assert shown == expected
    with open_store(full_store, read_only=True) as store:
        section = access.build(ReportContext(store, PAIR))
    table = next(b for b in section.blocks if getattr(b, "title", "").startswith("Recruiting"))
    for row in table.rows:
        total = sum(n for (country, _), (n, _) in expected.items() if country == row[0])
        assert row[2] == str(total), row[0]  # the country's trial sites, city by city
        assert row[3] == _top(expected, row[0]), row[0]


def test_split_city_names_are_said(full_store, client, expected):
    """JP's Bunkyo ward is spelled three ways in the records: the caveat says a city's sites can
    be split, on the report and the page."""
    spellings: dict[str, set[str]] = defaultdict(set)
    for country, city in expected:
        if country == "JP" and city:
            plain = unicodedata.normalize("NFKD", city).encode("ascii", "ignore").decode().lower()
            spellings[re.sub(r"[-_ ]*(ku|city)$", "", plain).replace(" ", "")].add(city)
    assert any(len(names) > 1 for names in spellings.values()), dict(spellings)
    with open_store(full_store, read_only=True) as store:
        section = access.build(ReportContext(store, PAIR))
    page = html.unescape(client.get("/q/access", params={"a": "JP", "b": "CN"}).text)
    assert access.CITY_NAMES in section.caveats and access.CITY_NAMES in page


def _top(expected: dict, country: str, shown: int = 8) -> str:
    """The cell recounted: most trial sites first, ties by name, and the cities left out that
    have as many as the last one shown counted, so no tie is cut silently."""
    ranked = sorted((-n, city) for (c, city), (n, _) in expected.items() if c == country and city)
    text = ", ".join(f"{city} ({-n})" for n, city in ranked[:shown])
    cut = -ranked[shown - 1][0] if len(ranked) > shown else None
    more = sum(1 for n, _ in ranked[shown:] if -n == cut)
    if more:
        text += f", and {more} more {'city' if more == 1 else 'cities'} with {cut}"
        text += " each" if more > 1 else ""
    return text


def test_a_tie_at_the_cut_is_said(expected):
    """CN's eighth city has 18 trial sites and so do two more; JP's has 2, as do seven more."""
    assert _top(expected, "CN").endswith(", and 2 more cities with 18 each")
    assert _top(expected, "JP").endswith(", and 7 more cities with 2 each")
