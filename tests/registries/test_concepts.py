"""The shared concept functions: countries, statuses, phases, partial dates, IDs, free text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartatlas.registries import concepts
from cartatlas.registries.countries import country_code
from cartatlas.registries.query import default_query, sql_patterns


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("United States", "US"),
        ("China", "CN"),
        ("Korea, Republic of", "KR"),
        ("South Korea", "KR"),
        ("Taiwan", "TW"),
        ("Hong Kong", "HK"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Turkey (Türkiye)", "TR"),
        ("Czechia", "CZ"),
        ("Czech Republic", "CZ"),
        ("Russian Federation", "RU"),
        ("Russia", "RU"),
        ("Iran, Islamic Republic of", "IR"),
        ("Viet Nam", "VN"),
        ("Côte d'Ivoire", "CI"),
        ("The Netherlands", "NL"),
        ("Christmas Island", "CX"),
        ("Puerto Rico", "PR"),
        ("UK", "GB"),
    ],
)
def test_country_names(name: str, code: str) -> None:
    assert country_code(name) == code


def test_unknown_country_is_none() -> None:
    assert (
        country_code("Atlantis") is None and country_code("") is None and country_code(None) is None
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Active, not recruiting", "ACTIVE_NOT_RECRUITING"),
        ("ACTIVE_NOT_RECRUITING", "ACTIVE_NOT_RECRUITING"),
        ("Unknown status", "UNKNOWN"),
        ("Not yet recruiting", "NOT_YET_RECRUITING"),
        ("Pending", "NOT_YET_RECRUITING"),
        ("Not Recruiting", "NOT_RECRUITING"),
        ("Temporary halt", "SUSPENDED"),
        ("Stopped early", "TERMINATED"),
        ("gibberish", "UNKNOWN"),
        ("", None),
        (None, None),
    ],
)
def test_status(raw, expected) -> None:
    assert concepts.status(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["PHASE1", "PHASE2"], ("PHASE1", "PHASE2")),
        ("Phase 1/Phase 2", ("PHASE1", "PHASE2")),
        ("PHASE2/PHASE3", ("PHASE2", "PHASE3")),
        ("Phase I/II", ("PHASE1", "PHASE2")),
        ("Early Phase 1", ("EARLY_PHASE1",)),
        ("0", ("EARLY_PHASE1",)),
        ("Phase 4", ("PHASE4",)),
        ("N/A", ("NA",)),
        ("Not Applicable", ("NA",)),
        ("Phase1", ("PHASE1",)),
        ("", ()),
        ("New Treatment Measure Clinical Study", ()),
    ],
)
def test_phases(raw, expected) -> None:
    assert concepts.phases(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected", "precision"),
    [
        ("2019", "2019", "year"),
        ("2019-05", "2019-05", "month"),
        ("May 2019", "2019-05", "month"),
        ("May 15, 2019", "2019-05-15", "day"),
        ("20/05/2019", "2019-05-20", "day"),
        ("2017/09/01", "2017-09-01", "day"),
        ("20190520", "2019-05-20", "day"),
        ("21 September 2026", "2026-09-21", "day"),
        ("2019-13", None, None),
        ("soon", None, None),
    ],
)
def test_partial_dates_keep_precision(raw, expected, precision) -> None:
    assert concepts.partial_date(raw) == expected
    assert concepts.date_precision(expected) == precision


def test_us_style_dates_when_asked() -> None:
    assert concepts.partial_date("08/28/2026 20:14:44", day_first=False) == "2026-08-28"
    assert concepts.partial_date("08/28/2026 20:14:44") is None  # no 28th month


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from([4, 7, 10])
)
def test_iso_partial_dates_round_trip(day: date, length: int) -> None:
    iso = day.isoformat()[:length]
    assert concepts.partial_date(iso) == iso
    assert concepts.date_precision(iso) == {4: "year", 7: "month", 10: "day"}[length]


@pytest.mark.parametrize(
    ("value", "registry"),
    [
        ("NCT01234567", "CTGOV"),
        ("ChiCTR2000031234", "CHICTR"),
        ("ChiCTR-OPC-17012345", "CHICTR"),
        ("2015-001894-41", "EUCTR"),
        ("jRCT2033210001", "JPRN"),
        ("CTRI/2021/05/033456", "CTRI"),
        ("ACTRN12619000123456", "ANZCTR"),
        ("ISRCTN12345678", "ISRCTN"),
        ("109063", None),
        ("AS0006", None),
    ],
)
def test_registry_ids(value: str, registry: str | None) -> None:
    assert concepts.id_registry(value) == registry


def test_clean_text_decodes_entities_and_breaks() -> None:
    assert (
        concepts.clean_text("a&amp;amp;b&lt;br&gt;c&#x0D;&lt;br&gt;  d  <b>e</b>") == "a&b\nc\nd e"
    )
    assert concepts.split_list("x;y&lt;br&gt;x;;") == ["x", "y"]
    assert concepts.clean_text("   ") is None


def test_query_terms() -> None:
    query = default_query()
    assert '"chimeric antigen receptor"' in query and '"tisagenlecleucel"' in query
    acronyms, phrases = sql_patterns()
    assert "CAR" in acronyms and "ciltacabtagene" in phrases
