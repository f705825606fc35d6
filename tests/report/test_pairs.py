"""Any pair of countries: every section of the report says a number with its source or
"no data (reason)", never a false zero (tests/web/test_pairs_overview.py: the dashboard).

The expected approval counts are recomputed here from approvals.csv with the csv module and an
EEA list written out in this file, not with the code under test.
"""

from __future__ import annotations

import csv
import re

import pytest

from cartatlas.evidence.reading import BUNDLED_DIR
from cartatlas.report.build import report_for
from cartatlas.report.context import ReportContext
from cartatlas.report.model import CITATION, Figure, Table
from cartatlas.store import open_store

PAIRS = [
    ("CN", "US"),
    ("IN", "CN"),
    ("ES", "US"),
    ("DE", "US"),
    ("JP", "CN"),
    ("GB", "US"),
    ("KR", "CN"),
    ("IL", "US"),
    ("CA", "AU"),  # Health Canada and TGA rows (issue 18, regulators beyond FDA/NMPA/EMA)
]
# EU27 + Iceland, Liechtenstein, Norway, written out independently of the code under test.
EEA = set(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)
FALSE_ZERO = re.compile(
    r"\b0 (CAR-T )?(products?|approvals?|prices?|centres?|studies|patients|cohorts?)\b"
)
# Sections whose answer speaks for each country (the others list trials or rules, not countries).
PER_COUNTRY = {
    "compare",
    "success",
    "approvals",
    "cost",
    "access",
    "types",
    "activity",
    "safety",
    "outlook",
}
BARE_NO_DATA = re.compile(r"no data(?! \()", re.IGNORECASE)


def expected_products(country: str) -> int:
    """Distinct products with an approval that applies in ``country``, from the CSV."""
    with (BUNDLED_DIR / "approvals.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = set()
    for row in rows:
        own = row["country"] == country
        # A former member (GB) took over an EU authorisation dated before it left (2020), never an
        # undated one: no date says the authorisation applied there.
        dated_before_exit = bool(row["approval_date"]) and row["approval_date"][:4] <= "2020"
        eu = row["country"] == "EU" and (country in EEA or (country == "GB" and dated_before_exit))
        if own or eu:
            found.add(row["product_id"])
    return len(found)


@pytest.fixture(scope="module")
def shared_trials(full_store):
    """The classified registry frame, computed once and shared by the eight reports."""
    with open_store(full_store, read_only=True) as store:
        ctx = ReportContext(store, ["CN", "US"])
        return ctx.trials


def _blank_svg(self, fname, **kwargs) -> None:
    """Stands in for matplotlib's ``savefig``: these tests read each section's text and tables
    (a figure's data table included), not its drawing, which is a third of a report's build;
    the other report tests draw every figure."""
    fname.write("<svg></svg>")


@pytest.fixture(scope="module")
def reports(full_store, shared_trials):
    from matplotlib.figure import Figure as MatplotlibFigure

    built = {}
    with pytest.MonkeyPatch.context() as patch, open_store(full_store, read_only=True) as store:
        patch.setattr(MatplotlibFigure, "savefig", _blank_svg)
        for pair in PAIRS:
            ctx = ReportContext(store, list(pair))
            ctx.__dict__["trials"] = shared_trials  # the cached_property's slot
            built[pair] = report_for(ctx, None)
    return built


def _cells(block) -> list[str]:
    table = block.data if isinstance(block, Figure) else block
    if not isinstance(table, Table):
        return []
    return [table.title, table.note or "", *(c for row in table.rows for c in row)]


@pytest.mark.parametrize("pair", PAIRS, ids=["-".join(p) for p in PAIRS])
def test_every_report_section_gives_a_sourced_number_or_a_reason(reports, pair):
    report = reports[pair]
    for section in report.sections:
        texts = [section.answer, *(c for b in section.blocks for c in _cells(b))]
        for text in texts:
            assert not BARE_NO_DATA.search(text), (section.key, text)
            assert not FALSE_ZERO.search(text), (section.key, text)
        if section.key in PER_COUNTRY:
            for country in pair:
                assert country in section.answer, (section.key, country, section.answer)
        # A number in the answer is sourced there or in the section's tables (pooled rates
        # cite their studies in the table behind the forest plot).
        numbers = re.sub(r"no data \([^)]*\)", "", section.answer)
        if re.search(r"\d", re.sub(r"\b(19|20)\d\d\b", "", numbers)):
            assert any(CITATION.search(t) for t in texts), (section.key, section.answer)


@pytest.mark.parametrize("pair", PAIRS, ids=["-".join(p) for p in PAIRS])
def test_approval_counts_and_absence_match_the_csv(reports, pair):
    answer = next(s for s in reports[pair].sections if s.key == "approvals").answer
    for country in pair:
        n = expected_products(country)
        if n:
            assert f"{n} CAR-T product{'' if n == 1 else 's'} approved in {country}" in answer
        else:
            reason = f"no data (no approvals recorded for {country} in the evidence base)"
            assert reason in answer[0].lower() + answer[1:]


def test_more_than_two_countries_get_a_side_by_side_table(full_store, shared_trials):
    countries = ["CN", "US", "IN", "ES"]
    with open_store(full_store, read_only=True) as store:
        ctx = ReportContext(store, countries)
        ctx.__dict__["trials"] = shared_trials
        report = report_for(ctx, None)
    first = report.sections[0]
    assert first.key == "compare"
    table = first.blocks[0]
    assert table.columns == ["", *countries]
    rows = {row[0]: row[1:] for row in table.rows}
    for country, cell in zip(countries, rows["approved CAR-T products"], strict=True):
        n = expected_products(country)
        assert cell.startswith(f"{n}, first recorded ") if n else cell.startswith("no data (")
        if n:
            assert CITATION.search(cell)
    for label, cells in rows.items():
        for cell in cells:
            assert CITATION.search(cell) or re.fullmatch(r"no data \(.+\)", cell), (label, cell)
    trials = shared_trials
    for country, cell in zip(
        countries, rows["registered CAR trials with a site there"], strict=True
    ):
        assert cell.startswith(f"{sum(country in cs for cs in trials['countries'])} ")
