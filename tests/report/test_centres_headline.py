"""The access headline's centre count, recomputed from centres.csv by a plain route.

A count of one product's centres next to another country's count of all centres would read as a
difference in access, so the headline prefers counts for CAR-T as a whole and says "<product>
only" when a country has nothing else."""

from __future__ import annotations

import pytest

from cartatlas.report.context import ReportContext
from cartatlas.report.sections.access import _centres_frame, centres_summary
from cartatlas.store import open_store
from tests.golden import plain

COUNTRIES = ["CN", "US", "DE", "ES", "GB", "FR", "IT", "JP", "KR", "IN", "AU"]


def _expected(country: str) -> str | None:
    rows = sorted(
        (r for r in plain.rows("centres") if r["country"] == country),
        key=lambda r: (r["as_of"], r["product_id"]),
    )
    if not rows:
        return None
    overall = [r for r in rows if not r["product_id"]]
    latest = (overall or rows)[-1]
    only = "" if overall else f"; {latest['product_id']} only"
    return f"{country}: {latest['count']} ({latest['scope']}, {latest['as_of']}{only})"


@pytest.fixture(scope="module")
def summary(evidence_store) -> str:
    with open_store(evidence_store, read_only=True) as store:
        ctx = ReportContext(store, COUNTRIES)
        return centres_summary(ctx, _centres_frame(ctx))


@pytest.mark.parametrize("country", COUNTRIES)
def test_the_headline_gives_the_latest_overall_count_or_names_the_product(summary, country):
    expected = _expected(country)
    if expected is None:
        assert f"{country}: no data" in summary
    else:
        assert expected in summary


def _latest(country: str) -> dict:
    rows = sorted(
        (r for r in plain.rows("centres") if r["country"] == country),
        key=lambda r: (r["as_of"], r["product_id"]),
    )
    return ([r for r in rows if not r["product_id"]] or rows)[-1]


@pytest.mark.parametrize("pair", [("JP", "CN"), ("CN", "US"), ("ES", "DE"), ("KR", "CN")])
def test_the_headline_warns_when_the_counts_beside_each_other_are_not_like_for_like(
    evidence_store, pair
):
    latest = [_latest(c) for c in pair]
    years = [int(r["as_of"][:4]) for r in latest]
    one_product = any(r["product_id"] for r in latest)
    apart = max(years) - min(years) > 2
    with open_store(evidence_store, read_only=True) as store:
        ctx = ReportContext(store, list(pair))
        summary = centres_summary(ctx, _centres_frame(ctx))
    assert ("not like for like" in summary) == (one_product or apart), (pair, summary)
    assert ("one product's centres only" in summary) == one_product
    assert (f"from {min(years)} to {max(years)}" in summary) == apart
