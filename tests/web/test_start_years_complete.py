"""Trial activity by start year leaves out no dated trial unsaid. The report's table and the
dashboard's chart began at 2012 and stopped at the snapshot year while their note counted only
the undated trials, so seven US trials started 2009-2011 and two planned for 2027 vanished (the
rows, undated and planned trials added up to 669 of the 678 US trials the section gave).

Recomputed from the snapshot JSON with gzip and json (a trial counts for a country when one of
its sites is there and the stored classifier labels call it a CAR trial, as everywhere), and
asserted on the report section, the dashboard page, the API and the CLI."""

from __future__ import annotations

import re
from collections import Counter

from tests.conftest import snapshot_protocols

NAMES = {"CN": "China", "US": "United States"}


def _raw_years(store) -> dict[str, Counter]:
    car = {
        nct for nct, is_car in store.execute("SELECT nct_id, is_car FROM trial_labels") if is_car
    }
    seen: dict[str, dict] = {}
    for study in snapshot_protocols():
        seen.setdefault(study["identificationModule"]["nctId"], study)
    years = {code: Counter() for code in NAMES}
    for nct, study in seen.items():
        if nct not in car:
            continue
        sites = study.get("contactsLocationsModule", {}).get("locations", [])
        start = study["statusModule"].get("startDateStruct", {}).get("date")
        for code, name in NAMES.items():
            if any(s.get("country") == name for s in sites):
                years[code][int(start[:4]) if start else None] += 1
    return years


def test_every_dated_trial_is_charted_or_counted(full_store, client, tmp_path):
    from typer.testing import CliRunner

    from cartatlas.cli import app
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import registry_views
    from cartatlas.store import open_store

    with open_store(full_store, read_only=True) as store:
        raw = _raw_years(store)
        section = registry_views.activity(ReportContext(store, ["CN", "US"]))
    us = raw["US"]
    assert min(y for y in us if y) == 2009 and us[2027] == 2  # what the old window dropped
    figure = section.blocks[0]
    table = {row[0]: row[1:] for row in figure.data.rows}
    dated = [y for y in us if y and y <= 2026]
    for year in dated:
        assert table[str(year)][1].split(" ")[0] == str(us[year])
    assert "US 67" in figure.caption  # undated
    assert "planned to start after 2026" in figure.caption and "US 2." in figure.caption
    shown = sum(int(table[str(y)][1].split(" ")[0]) for y in dated)
    assert shown + us[None] + us[2027] == sum(us.values()) == 678
    assert f"US {sum(us.values())}" in section.answer

    page = client.get("/q/activity", params={"a": "CN", "b": "US"}).text
    assert "planned to start after 2026" in page and re.search(r">\s*2009\s*<", page)

    api = client.get("/api/landscape", params={"countries": ["US"], "by": "year"}).json()
    by_year = {i["start_year"]: i["trials"] for i in api["items"] if i["country"] == "US"}
    assert by_year == dict(us)

    csv = tmp_path / "years.csv"
    printed = CliRunner().invoke(
        app,
        ["--db", full_store, "landscape", "--countries", "US", "--by", "year", "--csv", str(csv)],
    )
    assert printed.exit_code == 0 and "US,2009,1," in csv.read_text()
