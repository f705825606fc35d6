"""A rate said of one named trial is checked against that trial's own rows, every analysis of
its whole cohort, in its own indication: "Cilta-cel achieved a complete response in 67% of
patients in CARTITUDE-1" was contradicted by a real-world study's 70%. The trials' rows are read
from the CSVs directly."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, cli_records, rows

PAGE = (
    "Cilta-cel achieved a complete response in 67% of patients in CARTITUDE-1.\n\n"
    "In ZUMA-1, the complete response rate was 58% in large B-cell lymphoma.\n\n"
    "In ZUMA-1, the complete response rate was 70% in large B-cell lymphoma.\n\n"
    "The pilot study reported a complete response rate of 58% in large B-cell lymphoma.\n"
)


def _whole_cohort(study: str, endpoint: str) -> dict[str, tuple[int, int]]:
    return {
        r["analysis"]: (int(r["events"]), int(r["n"]))
        for r in rows("outcomes.csv")
        if r["study_id"] == study and r["endpoint"] == endpoint and not r["subgroup"]
    }


def test_the_plain_rows_set_each_verdict():
    assert _whole_cohort("CARTITUDE-1", "CR") == {}  # no CR row: no data, not contradicted
    zuma1 = _whole_cohort("ZUMA-1", "CR")
    rates = sorted(round(100 * x / n, 1) for x, n in zuma1.values())
    assert any(57.5 <= r < 58.5 for r in rates)  # 58% is one analysis: supported
    assert max(rates) < 69.5  # 70% is above them all: contradicted


def test_a_named_trial_is_checked_against_its_own_analyses_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    records = cli_records(evidence_store, tmp_path, PAGE)
    verdicts = [r["verdict"] for r in records]
    assert verdicts[:3] == ["no data", "supported", "contradicted"]
    assert records[0]["evidence"].startswith("CARTITUDE-1: no data")
    assert "Sidana" not in records[0]["evidence"] and "Sidana" not in records[0]["plain"]
    assert [r["trial"] for r in records] == ["CARTITUDE-1", "ZUMA-1", "ZUMA-1", None]
    assert records[0]["indication"] == "MM"  # the trial's own, not the page's main disease
    for x, n in _whole_cohort("ZUMA-1", "CR").values():
        assert f"({x}/{n}," in records[1]["evidence"]
    assert_api_and_page(evidence_client, PAGE, verdicts)


def test_a_named_trial_takes_the_pages_country_where_the_page_names_one(evidence_store, tmp_path):
    """The trial's own country labels its claim only on a page naming none: on a page about the
    US, "In ZUMA-1 … 58%" is a US claim, not one of ZUMA-1's first listed country (CA)."""
    page = (
        "In the US, Yescarta achieved a complete response rate of 54% in DLBCL.\n\n"
        "In ZUMA-1, the complete response rate was 58% in large B-cell lymphoma.\n"
    )
    records = cli_records(evidence_store, tmp_path, page)
    assert (records[1]["trial"], records[1]["countries"]) == ("ZUMA-1", ["US"])
    assert records[1]["verdict"] == "supported"
