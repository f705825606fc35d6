"""A stated count of approved products above the recorded one is "no data", never
contradicted: the approvals table takes only approvals with a regulator, label or manufacturer
source, so India's second CAR-T (known only from news) is not in it, and "India has approved two
CAR-T therapies" was contradicted by the one recorded. A count below the recorded one is still
contradicted. The recorded counts are read from approvals.csv directly."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, cli_records, rows

PAGE = "India has approved two CAR-T therapies.\n\nThe FDA has approved 3 CAR-T therapies.\n"


def _recorded(country: str) -> set[str]:
    return {r["product_id"] for r in rows("approvals.csv") if r["country"] == country}


def test_the_plain_counts_put_one_claim_above_and_one_below():
    assert len(_recorded("IN")) == 1 < 2
    assert len(_recorded("US")) > 3


def test_a_count_above_the_recorded_one_is_no_data_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    india, us = cli_records(evidence_store, tmp_path, PAGE)
    assert india["verdict"] == "no data"
    assert "a higher count cannot be checked" in india["evidence"]
    assert f"approved products in IN ({', '.join(sorted(_recorded('IN')))}) 1" in india["evidence"]
    assert us["verdict"] == "contradicted"
    assert_api_and_page(evidence_client, PAGE, ["no data", "contradicted"])
