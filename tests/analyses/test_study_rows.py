"""One row per cohort, chosen by the stated preference, on the bundled evidence."""

from __future__ import annotations

from cartatlas.analyses.study_rows import ENDPOINTS, candidate_rows, study_rows
from cartatlas.store import open_store


def test_one_row_per_study_and_primary_analysis_preferred(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        candidates = candidate_rows(store, "LBCL", ENDPOINTS["CR"])
        chosen = study_rows(store, "LBCL", "CR")
    assert chosen["study_id"].is_unique
    # ZUMA-1 has primary, longer follow-up and label rows: the primary one is used.
    zuma = candidates[candidates["study_id"] == "ZUMA-1"]
    assert set(zuma["analysis"]) >= {"primary", "longer_follow_up"}
    assert chosen.set_index("study_id").loc["ZUMA-1", "analysis"] == "primary"


def test_later_reports_of_a_cohort_are_never_pooled(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        overlapping = {
            sid
            for (sid,) in store.execute(
                "SELECT study_id FROM evidence_studies WHERE overlaps_with IS NOT NULL"
            )
        }
        pooled = set()
        for indication in ("LBCL", "B-ALL", "MM"):
            for endpoint in ENDPOINTS:
                pooled |= set(study_rows(store, indication, endpoint)["study_id"])
    assert overlapping, "the bundled evidence links later reports to their cohorts"
    assert not overlapping & pooled


def test_b_all_complete_remission_prefers_cr_with_incomplete_recovery(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        rows = study_rows(store, "B-ALL", "CR").set_index("study_id")
        has_both = {
            sid
            for (sid,) in store.execute(
                "SELECT study_id FROM evidence_outcomes WHERE endpoint = 'CR_CRi' INTERSECT "
                "SELECT study_id FROM evidence_outcomes WHERE endpoint = 'CR'"
            )
        }
    assert has_both
    for study in has_both & set(rows.index):
        assert rows.loc[study, "code"] == "CR_CRi"
