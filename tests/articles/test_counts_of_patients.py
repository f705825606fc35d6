"""A rate written as counts of patients ("59 of 101 patients had a complete response") is a
rate claim like "58.4%": it was left unchecked. "2 of 3 trials" is no rate of patients. The
rows are read from outcomes.csv directly."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, cli_records, rows

PAGE = (
    "In ZUMA-1, 59 of 101 patients had a complete response.\n\n"
    "In ZUMA-1, 70 of 101 patients had a complete response.\n\n"
    "In China, 2 of 3 trials reported complete response.\n"
)


def test_the_counts_match_one_analysis_and_none():
    zuma1 = {
        (int(r["events"]), int(r["n"]))
        for r in rows("outcomes.csv")
        if r["study_id"] == "ZUMA-1" and r["endpoint"] == "CR" and not r["subgroup"]
    }
    assert (59, 101) in zuma1
    assert all(abs(100 * x / n - 100 * 70 / 101) > 1 for x, n in zuma1)


def test_counts_of_patients_are_checked_as_rates_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    records = cli_records(evidence_store, tmp_path, PAGE)
    assert [r["words"] for r in records[:2]] == ["59 of 101", "70 of 101"]
    assert [r["verdict"] for r in records] == ["supported", "contradicted", "not checkable"]
    assert records[0]["value"] == 58.4 and records[0]["trial"] == "ZUMA-1"
    assert_api_and_page(evidence_client, PAGE, ["supported", "contradicted", "not checkable"])
