"""A count of treatment centres ("China has over 200 CAR-T treatment centres") is checked against
the published counts (evidence_centres): a count of one product's centres or one region's is the
least the country has, an undated claim meets the latest year's counts, and a country with no
count has no data, never 0. Each verdict is recomputed here from the raw rows of centres.csv and
must be the same on the CLI, the API and the dashboard's article page."""

from __future__ import annotations

import pytest

from cartatlas.analyses.article.unread import UNREAD_REASON
from tests.articles.surfaces import assert_api_and_page, cli_records, rows


def latest_counts(country: str) -> list[dict]:
    """The country's published centre counts of its latest year, from the CSV."""
    mine = [r for r in rows("centres.csv") if r["country"] == country]
    year = max(r["as_of"][:4] for r in mine)
    return [r for r in mine if r["as_of"].startswith(year)]


def expected_verdict(country: str, low: float, high: float | None) -> str:
    """The range rule by hand: each count a floor unless it covers every product and region
    and is exact; a floor inside when low ≤ floor and no ceiling, outside when it passes the
    ceiling, else unplaced; ≥ 75 % inside supported, 25–75 % partly, fewer contradicted."""
    inside = placed = 0
    for r in latest_counts(country):
        count = int(r["count"])
        floor = r["lower_bound"] == "true" or r["product_id"] or r["region"]
        least = count + 1 if r["lower_bound"] == "true" else count
        if floor:
            if high is not None and least > high:
                placed += 1
            elif high is None and least >= low:
                placed += 1
                inside += 1
        else:
            placed += 1
            inside += low <= count and (high is None or count <= high)
    if not placed:
        return "no data"
    share = inside / placed
    return "supported" if share >= 0.75 else "partly supported" if share >= 0.25 else "contradicted"


@pytest.mark.parametrize(
    ("sentence", "country", "low", "high"),
    [
        ("China has over 200 CAR-T treatment centres.", "CN", 200, None),
        ("Fewer than 100 hospitals in China offer CAR-T.", "CN", 0, 100),
        ("Spain has 40 designated CAR-T centres.", "ES", 40, 40),
        ("Germany has more than 45 accredited centers.", "DE", 45, None),
    ],
)
def test_a_centre_count_is_checked_on_every_surface(
    evidence_store, evidence_client, tmp_path, sentence, country, low, high
):
    (record,) = cli_records(evidence_store, tmp_path, sentence + "\n")
    expected = expected_verdict(country, low, high)
    assert record["verdict"] == expected, record["evidence"]
    assert record["metric"] == "centre_count"
    assert record["countries"] == [country]
    for r in latest_counts(country):
        if expected != "no data":
            assert f"as of {r['as_of']}" in record["evidence"]
    assert_api_and_page(evidence_client, sentence + "\n", [expected])


def test_china_over_200_centres_rests_on_the_product_floors():
    """The rows this headline rests on: the latest CN counts are product counts given as
    "more than 200", so "over 200 centres" is supported by floors, never by an exact total."""
    latest = latest_counts("CN")
    assert latest and all(r["product_id"] and r["lower_bound"] == "true" for r in latest)
    assert expected_verdict("CN", 200, None) == "supported"
    assert expected_verdict("CN", 0, 100) == "contradicted"


def test_a_country_without_a_published_count_has_no_data_not_zero(evidence_store, tmp_path):
    assert not [r for r in rows("centres.csv") if r["country"] == "BR"]
    (record,) = cli_records(evidence_store, tmp_path, "Brazil has 12 CAR-T centres.\n")
    assert record["verdict"] == "no data"
    assert "no published count of treatment centres for BR" in record["evidence"]
    assert " 0 " not in f" {record['evidence']} "


def test_a_centre_count_of_no_named_country_is_not_checked(evidence_store, tmp_path):
    (record,) = cli_records(evidence_store, tmp_path, "The network has 12 CAR-T centres.\n")
    assert record["verdict"] == "not checkable"
    assert record["reason"] == UNREAD_REASON


def test_a_dated_count_of_a_year_without_counts_has_no_data(evidence_store, tmp_path):
    years = sorted({r["as_of"][:4] for r in rows("centres.csv") if r["country"] == "CN"})
    assert "2019" not in years
    (record,) = cli_records(
        evidence_store, tmp_path, "As of 2019, China had 50 CAR-T treatment centres.\n"
    )
    assert record["verdict"] == "no data"
    assert record["evidence"] == (
        "no published count of treatment centres for CN of 2019 in the evidence base "
        f"(counts of {', '.join(years)} left out)"
    )
