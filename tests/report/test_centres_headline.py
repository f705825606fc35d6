"""The access headline's centre count, recomputed from centres.csv by a plain route.

A count of one product's centres next to another country's count of all centres would read as a
difference in access, so the headline prefers counts for CAR-T as a whole and says "<product>
only" when a country has nothing else."""

from __future__ import annotations

import html

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
    count = ("more than " if latest["lower_bound"] == "true" else "") + latest["count"]
    count += f" in {latest['region']} only" if latest["region"] else ""
    return f"{country}: {count} ({latest['as_of']}{only})"  # its scope: in the centres table


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


@pytest.mark.parametrize(
    "pair", [("JP", "CN"), ("CN", "US"), ("ES", "DE"), ("KR", "CN"), ("GB", "FR")]
)
def test_the_headline_warns_when_the_counts_beside_each_other_are_not_like_for_like(
    evidence_store, pair
):
    latest = [_latest(c) for c in pair]
    years = [int(r["as_of"][:4]) for r in latest]
    one_product = any(r["product_id"] for r in latest)
    apart = max(years) - min(years) > 2
    regional = any(r["region"] for r in latest)
    with open_store(evidence_store, read_only=True) as store:
        ctx = ReportContext(store, list(pair))
        summary = centres_summary(ctx, _centres_frame(ctx))
    assert ("not like for like" in summary) == (one_product or apart or regional), (pair, summary)
    assert ("count covers" in summary) == regional
    assert ("one product's centres only" in summary) == one_product
    assert (f"from {min(years)} to {max(years)}" in summary) == apart


def test_a_lower_bound_reads_more_than_and_a_same_date_count_is_not_dropped(summary):
    """centres.csv gives CN's latest counts (eque-cel, zevor-cel, 2026-01-11) as "超200"
    (more than 200): the headline shows both, each as "more than 200", never a bare 200."""
    rows = [r for r in plain.rows("centres") if r["country"] == "CN"]
    latest_date = max(r["as_of"] for r in rows)
    latest = [r for r in rows if r["as_of"] == latest_date]
    assert len(latest) == 2 and all(r["lower_bound"] == "true" for r in latest)
    cn = summary.split("; US:")[0]
    for r in latest:
        assert r["product_id"] in cn
    assert cn.count(f"more than {latest[0]['count']}") >= 2
    assert f"CN: {latest[0]['count']} " not in cn


def test_the_centres_table_marks_every_lower_bound(evidence_store):
    from cartatlas.report.sections.access import _centres

    with open_store(evidence_store, read_only=True) as store:
        ctx = ReportContext(store, COUNTRIES)
        table = _centres(ctx, _centres_frame(ctx))
    shown = sorted((row[0], row[1], row[2]) for row in table.rows if row[1])
    expected = sorted(
        (
            r["country"],
            r["as_of"],
            ("more than " if r["lower_bound"] == "true" else "")
            + r["count"]
            + (f" in {r['region']} only" if r["region"] else ""),
        )
        for r in plain.rows("centres")
        if r["country"] in COUNTRIES
    )
    assert shown == expected


WEAK = {"news", "secondary"}


def test_every_count_the_cn_us_headline_gives_is_marked_weak_when_its_source_is(
    evidence_store, evidence_client
):
    """The latest count of each country and the counts of the same date that follow it ("and
    of the same date equecabtagene-autoleucel: more than 200") each carry the weak-source mark
    their row's source kind calls for, in the report and on the dashboard's overview and access
    page (the same-date counts went unmarked)."""
    said = []
    for country in ("CN", "US"):
        latest = _latest(country)
        same = [
            r
            for r in plain.rows("centres")
            if r["country"] == country
            and r["as_of"] == latest["as_of"]
            and bool(r["product_id"]) == bool(latest["product_id"])
            and r is not latest
            and r["product_id"] != latest["product_id"]
        ]
        for row in same:
            count = ("more than " if row["lower_bound"] == "true" else "") + row["count"]
            mark = " (weak source)" if row["source_kind"] in WEAK else ""
            said.append(f"of the same date {row['product_id']}: {count}{mark} [")
    assert said, "the data has a same-date count to check (CN 2026-01-11)"
    with open_store(evidence_store, read_only=True) as store:
        ctx = ReportContext(store, ["CN", "US"])
        text = centres_summary(ctx, _centres_frame(ctx))
    pages = [
        " ".join(html.unescape(evidence_client.get(p).text).split())
        for p in ("/?a=CN&b=US", "/q/access?a=CN&b=US")
    ]
    for fragment in said:
        assert fragment in text, (fragment, text)
        for page in pages:
            assert fragment.rstrip(" [") in page, fragment
