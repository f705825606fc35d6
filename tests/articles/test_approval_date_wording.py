"""An approval-date verdict says where it looked and what it could not date: "Kymriah was
approved in China in 2020" said "no approval of tisagenlecleucel recorded" though approvals.csv
holds its FDA and EMA approvals (none in CN), and Yikaida's undated NMPA row was printed "NMPA
LBCL ." with nothing where the date goes. Recomputed from approvals.csv, on the CLI and API."""

from __future__ import annotations

from tests.articles.surfaces import cli_records, rows

PAGE = (
    "Kymriah was approved in China in 2020.\n\n"
    "China's NMPA approved Yikaida (axicabtagene ciloleucel) in 2021.\n"
)


def test_the_rows_behind_both_verdicts():
    tisa = {r["country"] for r in rows("approvals.csv") if r["product_id"] == "tisagenlecleucel"}
    assert "US" in tisa and "CN" not in tisa
    axi_cn = [
        r
        for r in rows("approvals.csv")
        if r["product_id"] == "axicabtagene-ciloleucel" and r["country"] == "CN"
    ]
    assert any(not r["approval_date"] for r in axi_cn)
    assert any(r["approval_date"].startswith("2021") for r in axi_cn)


def test_approval_date_verdicts_name_the_country_and_the_undated(
    evidence_store, evidence_client, tmp_path
):
    records = cli_records(evidence_store, tmp_path, PAGE)
    dates = [r for r in records if r["metric"] == "approval_date"]
    assert [r["verdict"] for r in dates] == ["no data", "supported"], dates
    assert dates[0]["evidence"] == "no approval of tisagenlecleucel recorded in CN"
    assert "date not recorded" in dates[1]["evidence"]
    assert not dates[1]["evidence"].endswith(" .")
    assert " ;" not in dates[1]["evidence"]
    api = evidence_client.post("/api/check-article", json={"text": PAGE}).json()
    assert [c["evidence"] for c in api["claims"] if c["metric"] == "approval_date"] == [
        r["evidence"] for r in dates
    ]
