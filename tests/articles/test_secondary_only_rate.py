"""A product's rate that only a secondary page reports ("axi-cel achieved 58% CR in China":
AxiCel-RW-China, 59/101) stays "no data", since verdicts never count a secondary page, but the
evidence now says why, naming the study and its count, on the CLI, the API and the article
page; it read "CN: no data" beside the very study that reports the rate. The row is read straight
from the CSVs."""

from __future__ import annotations

from tests.articles.surfaces import cli_records, rows

PAGE = "In China, axi-cel achieved a 58% complete response rate in large B-cell lymphoma.\n"


def _secondary_rows() -> list[dict]:
    studies = {r["study_id"]: r for r in rows("studies.csv")}
    return [
        r
        for r in rows("outcomes.csv")
        if r["endpoint"] == "CR"
        and studies[r["study_id"]]["product_id"] == "axicabtagene-ciloleucel"
        and studies[r["study_id"]]["indication"] == "LBCL"
        and studies[r["study_id"]]["country_of_conduct"] == "CN"
    ]


def test_a_rate_only_a_secondary_page_reports_is_named_beside_no_data(
    evidence_store, evidence_client, tmp_path
):
    [row] = _secondary_rows()
    assert row["source_kind"] == "secondary"
    count = f"({row['events']}/{row['n']}, 95% CI"
    [record] = cli_records(evidence_store, tmp_path, PAGE)
    assert record["verdict"] == "no data"
    assert "only secondary pages report it" in record["evidence"]
    assert f"{row['study_id']} " in record["evidence"] and count in record["evidence"]
    assert "not counted for a verdict" in record["evidence"]
    [api] = evidence_client.post("/api/check-article", json={"text": PAGE}).json()["claims"]
    assert (api["verdict"], api["evidence"]) == ("no data", record["evidence"])
    page = evidence_client.post("/article", data={"text": PAGE}).text
    assert "only secondary pages report it" in page and count in page
