"""A bare "CRS" is cytokine release syndrome, not complete response ("CRs"): "Severe CRS occurs
in less than 10% of DLBCL patients treated in the US" was checked as a complete-response rate
and contradicted. The grade ≥ 3 CRS rates are recomputed from safety.csv."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, claims_table, cli_records, rows

PAGE = "Severe CRS occurs in less than 10% of DLBCL patients treated in the US.\n"


def test_severe_crs_is_checked_as_crs_on_every_surface(evidence_store, evidence_client, tmp_path):
    studies = {r["study_id"]: r for r in rows("studies.csv")}
    rates = [
        100 * int(r["events"]) / int(r["n"])
        for r in rows("safety.csv")
        if (r["event"], r["grade"]) == ("CRS", "3plus")
        and (studies[r["study_id"]]["indication"], studies[r["study_id"]]["country_of_conduct"])
        == ("LBCL", "US")
    ]
    assert rates and all(rate < 10 for rate in rates)
    [record] = cli_records(evidence_store, tmp_path, PAGE)
    assert record["metric"] == "CRS_3plus" and record["verdict"] == "supported"
    assert record["evidence"].startswith(f"{len(rates)} of {len(rates)} study rates in range")
    assert_api_and_page(evidence_client, PAGE, ["supported"])
    [table] = claims_table(
        evidence_store,
        tmp_path,
        "claims:\n  - id: crs\n    text: severe CRS under 10%\n    metric: CRS_3plus\n"
        "    indication: LBCL\n    countries: [US]\n    range: [0, 10]\n",
    )
    assert table["evidence"].startswith(f"{len(rates)} of {len(rates)} study rates in range")


def test_plural_complete_responses_stay_cr():
    from cartatlas.analyses.article.names import endpoints

    assert [code for code, _ in endpoints("CRs were durable; CRS was mild")] == ["CR", "CRS"]
