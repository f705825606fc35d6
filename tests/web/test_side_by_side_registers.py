"""A 0 in the side-by-side table's trial rows says that only ClinicalTrials.gov was counted and
which register of that country was not loaded: India's 0 recruiting trials (its CAR-T trials
are registered in CTRI) does not read as none in India. The 0 is recomputed from the snapshot
JSON with gzip and json: no record with an Indian site is recruiting there."""

from __future__ import annotations

from tests.conftest import snapshot_protocols

COUNTRIES = ["CN", "US", "IN", "ES"]
OPEN = {"RECRUITING", "ENROLLING_BY_INVITATION"}


def _recruiting_in_india() -> int:
    found = set()
    for study in snapshot_protocols():
        if study["statusModule"].get("overallStatus") not in OPEN:
            continue
        sites = study.get("contactsLocationsModule", {}).get("locations", [])
        if any(
            s.get("country") == "India" and s.get("status", "RECRUITING") in OPEN for s in sites
        ):
            found.add(study["identificationModule"]["nctId"])
    return len(found)


def test_indias_zero_recruiting_names_the_register_not_loaded(full_store, client):
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import side_by_side
    from cartatlas.store import open_store

    assert _recruiting_in_india() == 0
    words = "0 (ClinicalTrials.gov only; CTRI not loaded)"
    with open_store(full_store, read_only=True) as store:
        section = side_by_side.build(ReportContext(store, COUNTRIES))
    rows = {row[0]: row[1:] for row in section.blocks[0].rows}
    assert rows["recruiting there now"][COUNTRIES.index("IN")].startswith(words + " ")
    assert "not loaded" not in rows["recruiting there now"][COUNTRIES.index("US")]
    page = client.get("/", params=dict(zip("abcd", COUNTRIES, strict=True)))
    assert page.status_code == 200 and words in page.text
