"""A grade said of the syndrome before its rate makes it a grade ≥ 3 rate: "In China, severe
cytokine release syndrome (grade 3 or higher) occurs in about 5% of myeloma patients" was read
as an any-grade rate (the grade sat in a parenthesis the reader cut off) and contradicted by the
any-grade rates of 90–100 %. An aside holding a figure of its own still qualifies that figure
only. The CN myeloma CRS rates of each grade band are recomputed from safety.csv."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, cli_records, rows

PAGE = (
    "In China, severe cytokine release syndrome (grade 3 or higher) occurs in about 5% of "
    "myeloma patients treated with CAR-T.\n\n"
    "In China, CRS (grade 3 or higher in 10%) occurred in 90% of myeloma patients.\n"
)


def _cn_mm_crs(grade: str) -> list[str]:
    """ "17/48" per CN myeloma study row of CRS in ``grade`` (any, 3plus)."""
    studies = {r["study_id"]: r for r in rows("studies.csv")}
    return [
        f"({r['events']}/{r['n']}"
        for r in rows("safety.csv")
        if (r["event"], r["grade"]) == ("CRS", grade)
        and (studies[r["study_id"]]["indication"], studies[r["study_id"]]["country_of_conduct"])
        == ("MM", "CN")
    ]


def test_each_rate_is_read_in_its_own_grade_band_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    records = cli_records(evidence_store, tmp_path, PAGE)
    assert [r["metric"] for r in records] == ["CRS_3plus", "CRS_3plus", "CRS_any"]
    severe, aside, anygrade = (r["evidence"] for r in records)
    assert any(rate in severe for rate in _cn_mm_crs("3plus"))
    assert not any(rate in severe for rate in _cn_mm_crs("any"))
    assert any(rate in anygrade for rate in _cn_mm_crs("any"))
    assert any(rate in aside for rate in _cn_mm_crs("3plus"))
    assert_api_and_page(evidence_client, PAGE, [r["verdict"] for r in records])
    api = evidence_client.post("/api/check-article", json={"text": PAGE}).json()
    assert [c["metric"] for c in api["claims"]] == ["CRS_3plus", "CRS_3plus", "CRS_any"]
