"""Cohorts that a pool leaves out because they report no row for its endpoint are named next to
the pooled rate (CARTITUDE-1 reports sCR, not CR, so the US myeloma CR pool lacks it), recomputed
here from outcomes.csv and studies.csv."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cartatlas.analyses.study_rows import ENDPOINTS, endpoint_codes
from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import success
from cartatlas.store import open_store
from tests.golden import plain


def _expected(indication: str, countries: list[str]) -> list[str]:
    codes = set(endpoint_codes(ENDPOINTS["CR"], indication))
    studies = {
        r["study_id"]: r
        for r in plain.rows("studies")
        if r["indication"] == indication
        and r["country_of_conduct"] in countries
        and not r["overlaps_with"]
    }
    reported: dict[str, list[str]] = {}
    for row in plain.rows("outcomes"):
        if row["study_id"] in studies and row["endpoint"] not in reported.get(row["study_id"], []):
            reported.setdefault(row["study_id"], []).append(row["endpoint"])
    return sorted(
        f"{s} ({studies[s]['country_of_conduct']}; reports {', '.join(map(_said, ends))})"
        for s, ends in reported.items()
        if not set(ends) & codes
    )


def _said(endpoint: str) -> str:
    """An endpoint as the text names it (tests/report/test_code_words.py)."""
    return {"VGPR_plus": "VGPR or better", "MRD_neg_CR": "MRD-negative CR"}.get(endpoint, endpoint)


def test_cli_and_report_name_the_cohorts_without_a_cr_row(evidence_store):
    expected = _expected("MM", ["CN", "US"])
    assert "CARTITUDE-1 (US; reports ORR, sCR)" in expected
    cli = CliRunner().invoke(
        app,
        ["--db", evidence_store, "meta", "--indication", "MM", "--endpoint", "CR"]
        + ["--format", "json"],
    )
    assert cli.exit_code == 0, cli.output
    assert sorted(json.loads(cli.stdout)["left_out"]) == expected
    with open_store(evidence_store, read_only=True) as store:
        section = success.build(ReportContext(store, ["CN", "US"]))
    paragraphs = " ".join(getattr(block, "text", "") for block in section.blocks)
    assert all(item in paragraphs for item in expected)


def test_rows_read_on_news_or_secondary_pages_are_marked_in_the_studies_table(evidence_store):
    """Each study row behind a pooled rate says when its numbers were read on a weak page: the
    kind is looked up in outcomes.csv by study, endpoint and events/n."""
    names = {r["study_id"]: r["name"] for r in plain.rows("studies")}
    kinds: dict[tuple[str, str], set[str]] = {}  # several sources may print the same numbers
    for r in plain.rows("outcomes"):
        key = (names[r["study_id"]], f"{r['events']}/{r['n']}")
        kinds.setdefault(key, set()).add(r["source_kind"] in ("news", "secondary"))
    with open_store(evidence_store, read_only=True) as store:
        section = success.build(ReportContext(store, ["CN", "US"]))
    tables = [b for b in section.blocks if getattr(b, "title", "").startswith("Studies behind")]
    tables += [
        b.data for b in section.blocks if getattr(getattr(b, "data", None), "title", "") != ""
    ]
    checked = 0
    for table in tables:
        if table is None or "events/n" not in getattr(table, "columns", []):
            continue
        for row in table.rows:
            study = row[1].rsplit(" (", 1)[0]
            weak_options = kinds.get((study, row[4]))
            if weak_options is None:
                continue
            assert ("weak source" in row[-1]) in weak_options, row
            checked += 1
    assert checked
