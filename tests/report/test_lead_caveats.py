"""Caveats next to the pooled numbers, recomputed from the CSV rows: a caveat's lines of therapy
stay apart, the follow-up column says how many pooled cohorts report a follow-up, and a pooled
hazard ratio says which analysis of each trial it pools and whether its source calls it
immature."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cartatlas.evidence.reading import BUNDLED_DIR as DATA_DIR
from cartatlas.report.context import ReportContext
from cartatlas.report.model import Paragraph
from cartatlas.report.sections import durability, success
from cartatlas.store import open_store
from tests.golden import plain


@pytest.fixture(scope="module")
def sections(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        ctx = ReportContext(store, ["CN", "US"])
        return {"success": success.build(ctx), "durability": durability.build(ctx)}


def test_caveat_keeps_lines_of_therapy_apart(sections):
    """Lines such as "r/r" hold a slash: joined by slashes they read as "r/r/r/r"."""
    # the caveat beside each indication's pooled rates, below the short answer
    answer = " ".join(b.text for b in sections["success"].blocks if isinstance(b, Paragraph))
    assert "r/r/r" not in answer
    # MM in CN pools cohorts of three lines, one of them "r/r" (recomputed from the CSV rows)
    studies = pd.read_csv(DATA_DIR / "studies.csv").set_index("study_id")
    pooled = [s for s, _, _ in plain.selected("MM", "CR", "CN")]
    lines = sorted(set(studies.loc[pooled, "line_of_therapy"].dropna()))
    assert "r/r" in lines and len(lines) == 3
    assert f"lines {lines[0]}, {lines[1]} and {lines[2]}" in answer


def test_follow_up_column_says_how_many_cohorts_report_it(sections):
    differs = [
        b for b in sections["success"].blocks if getattr(b, "title", "").startswith("What differs")
    ]
    assert differs
    for table in differs:
        for row in table.rows:
            follow = row[-1]
            assert not re.fullmatch(r"(\d+)–\1.*", follow), follow  # no "19–19"
            # by name: a pool mixing endpoints (B-ALL) adds an endpoint column after the country
            pooled = int(row[table.columns.index("real-world cohorts")].split(" of ")[1])
            counted = re.search(r"\((\d+) of (\d+) cohorts\)", follow)
            if counted:
                assert int(counted.group(2)) == pooled and int(counted.group(1)) < pooled
    # LBCL, US: the pooled cohorts, of which only some print a median follow-up
    studies = pd.read_csv(DATA_DIR / "studies.csv").set_index("study_id")
    pooled = [s for s, _, _ in plain.selected("LBCL", "CR", "US")]
    months = studies.loc[pooled, "median_follow_up_months"].dropna()
    assert 1 < len(months) < len(pooled)
    expected = f"{months.min():.0f}–{months.max():.0f} ({len(months)} of {len(pooled)} cohorts)"
    lbcl = next(t for t in differs if t.rows[1][0] == "US" and t.rows[1][1].startswith("2L 1, "))
    assert lbcl.rows[1][-1] == expected


def test_pooled_hazard_ratio_names_each_trials_analysis_and_source(sections):
    """MM OS pools each trial's latest OS hazard ratio; the full statement below the short
    answer says beside each trial's own HR which analysis it is (with its follow-up, and
    "immature" where the source says so), marks a news page as a weak source, and names the
    stronger source's earlier analysis."""
    rows = pd.read_csv(DATA_DIR / "comparisons.csv")
    rows = rows[
        (rows["endpoint"] == "OS")
        & rows["study_id"].isin(["CARTITUDE-4", "KarMMa-3"])
        & (rows["source_kind"] != "secondary")
        & rows["hr"].notna()
        & rows["ci_low"].notna()
    ]
    order = {"longer_follow_up": 0, "primary": 1, "label": 2}
    latest = rows.sort_values(by="analysis", key=lambda a: a.map(order)).drop_duplicates("study_id")
    answer = sections["durability"].blocks[0].text  # the full statement below the short answer
    for r in latest.itertuples():
        said = "primary analysis" if r.analysis == "primary" else r.analysis.replace("_", " ")
        if not pd.isna(r.follow_up_months):
            said += f", {r.follow_up_months:g} months"
        if r.status == "immature":
            said += ", immature"
        if r.source_kind in ("news", "secondary"):
            host = r.source_url.split("/")[2].removeprefix("www.")
            said += f"; {r.source_kind} page {host}, weak source"
        assert f"{r.study_id} {r.hr:g} ({r.ci_low:g}–{r.ci_high:g}; {said})" in answer
    assert "0.78 (0.5–1.2" in answer  # the journal's immature primary analysis is still named


def test_differences_table_counts_the_later_reports_in_each_pool(sections):
    """MM, CN: the cohorts whose complete response comes from a later report (no primary-analysis
    row that is not on a secondary page), counted from the CSV files, are named beside the pool
    where a reader compares it with the US pool of primary analyses."""
    studies = pd.read_csv(DATA_DIR / "studies.csv")
    outcomes = pd.read_csv(DATA_DIR / "outcomes.csv")
    cn_mm = studies[
        (studies["indication"] == "MM")
        & (studies["country_of_conduct"] == "CN")
        & studies["overlaps_with"].isna()
    ]["study_id"]
    cr = outcomes[
        outcomes["study_id"].isin(cn_mm)
        & (outcomes["endpoint"] == "CR")
        & (outcomes["source_kind"] != "secondary")
    ]
    analyses = cr.groupby("study_id")["analysis"].agg(set)
    later = sum("primary" not in a and "longer_follow_up" in a for a in analyses)
    primary = sum("primary" in a for a in analyses)
    differs = [
        b for b in sections["success"].blocks if getattr(b, "title", "").startswith("What differs")
    ]
    column = differs[0].columns.index("analysis (cohorts)")
    [cn_row] = [
        row
        for t in differs
        for row in t.rows
        if row[0] == "CN" and row[2] == f"0 of {len(plain.selected('MM', 'CR', 'CN'))}"
    ]
    assert later and cn_row[column] == f"primary {primary}, longer follow up {later}"
