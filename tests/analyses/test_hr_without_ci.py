"""A randomized trial whose hazard ratio is recorded without its CI (BELINDA's EFS 1.07, read
on a review page) is never pooled, but every surface that shows the pooled LBCL EFS hazard
ratio names it beside the number; values are read from the raw CSV rows, not from the code."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from tests.analyses.test_durability import _csv, _raw_trials
from tests.golden.plain import hazard_without_ci


def _said(row: dict[str, str]) -> str:
    return f"BELINDA EFS ({row['analysis']}; secondary page medicalonline.jp, weak source) " + (
        f"reports HR {float(row['hr']):g} without a CI"
    )


@pytest.fixture(scope="module")
def belinda() -> dict[str, str]:
    [row] = hazard_without_ci("LBCL", "EFS")
    assert row["study_id"] == "BELINDA" and row["primary_endpoint"] == "true"
    assert row["hr"] in row["source_quote"] and not row["ci_low"] and not row["p_value"]
    return row


def test_the_trial_without_ci_is_left_out_of_the_pool(belinda):
    pooled = {t["study_id"] for t in _raw_trials("LBCL", "EFS")}
    assert pooled == {"ZUMA-7", "TRANSFORM"} and belinda["study_id"] not in pooled


def test_cli_names_it_beside_the_pooled_hr(belinda, evidence_store, monkeypatch):
    monkeypatch.setenv("CARTATLAS_DB", evidence_store)
    out = CliRunner().invoke(app, ["durability", "--indication", "LBCL"]).output
    [line] = [s for s in out.splitlines() if s.startswith("Pooled HR, LBCL EFS")]
    assert _said(belinda) in line
    cover = CliRunner().invoke(app, ["kb", "coverage", "--randomized"]).output
    assert f"primary HR: {float(belinda['hr']):g}, primary" in " ".join(cover.split())


def test_api_and_report_name_it_beside_the_pooled_hr(belinda, evidence_client, evidence_store):
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import durability
    from cartatlas.store import open_store

    body = evidence_client.get("/api/comparisons", params={"indication": "LBCL"}).json()
    (pooled,) = [p for p in body["pooled"] if p["endpoint"] == "EFS"]
    assert _said(belinda) in pooled["caveat"]
    with open_store(evidence_store, read_only=True) as store:
        detail = durability.build(ReportContext(store, ["CN", "US"])).blocks[0].text
    assert _said(belinda) in " ".join(detail.split())


#: comparisons.csv rows added for issue 15 in session 28: (study, endpoint, analysis).
ADDED = [("BELINDA", "EFS", "primary"), ("TRANSFORM", "EFS", "label")]


def _raw(study: str, endpoint: str, analysis: str) -> dict[str, str]:
    [row] = [
        r
        for r in _csv("comparisons")
        if (r["study_id"], r["endpoint"], r["analysis"]) == (study, endpoint, analysis)
    ]
    return row


def _printed(row: dict[str, str]) -> str:
    """ "0.34 (0.22–0.51)" from the raw strings: the HR, and its CI where the row has one."""
    text = f"{float(row['hr']):g}"
    if row["ci_low"]:
        text += f" ({float(row['ci_low']):g}–{float(row['ci_high']):g})"
    return text


@pytest.mark.parametrize(("study", "endpoint", "analysis"), ADDED)
def test_added_rows_read_the_same_on_cli_and_api(
    study, endpoint, analysis, evidence_client, evidence_store, monkeypatch
):
    raw = _raw(study, endpoint, analysis)
    for number in (raw["hr"], raw["ci_low"], raw["ci_high"]):
        assert number in raw["source_quote"]
    monkeypatch.setenv("CARTATLAS_DB", evidence_store)
    out = " ".join(CliRunner().invoke(app, ["durability", "--indication", "LBCL"]).output.split())
    said = f"study: {study} endpoint: {endpoint} primary: yes analysis: {analysis} HR (95% CI): "
    assert said + _printed(raw) in out
    body = evidence_client.get("/api/comparisons", params={"indication": "LBCL"}).json()
    [item] = [
        i
        for i in body["items"]
        if (i["study_id"], i["endpoint"], i["analysis"]) == (study, endpoint, analysis)
    ]
    assert item["hr"] == float(raw["hr"]) and item["source_url"] == raw["source_url"]
    assert item["ci_low"] == (float(raw["ci_low"]) if raw["ci_low"] else None)
