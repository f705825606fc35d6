"""A safety rate refused for one country (no stated grading system) still says that the other
compared country has no data, on the report's safety paragraph, `cartatlas meta` and the
dashboard's meta-analysis page (which said the refusal twice),
recomputed from safety.csv and studies.csv with the csv module.

Before: the report's LBCL note for CN vs US read "CRS, any grade: not pooled: no grading system
is stated (US: not stated 3), and rates graded differently are not comparable." and `cartatlas
meta --indication LBCL --endpoint CRS_any` printed the same and nothing else: neither said that
no cohort conducted in CN reports CRS of any grade in LBCL, so the missing country read as
refused for its grading, not as absent."""

from __future__ import annotations

import html
import json

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import safety as safety_section
from cartatlas.store import open_store
from tests.golden import plain

PAIRS = (("CN", "US"), ("JP", "CN"), ("DE", "US"))
INDICATIONS = ("LBCL", "B-ALL", "MM", "FL", "MCL")
#: endpoint -> (label as printed, event codes in order of preference, grade band)
ENDPOINTS = {
    "CRS_any": ("CRS, any grade", ("CRS",), "any"),
    "CRS_3plus": ("CRS, grade ≥3", ("CRS",), "3plus"),
    "ICANS_any": ("ICANS / neurotoxicity, any grade", ("ICANS", "neurotoxicity"), "any"),
    "ICANS_3plus": ("ICANS / neurotoxicity, grade ≥3", ("ICANS", "neurotoxicity"), "3plus"),
}


def own_cohorts(indication: str, country: str) -> set[str]:
    """Cohorts conducted in ``country`` (earlier reports only) with any safety row."""
    studies = {
        s["study_id"]
        for s in plain.rows("studies")
        if s["indication"] == indication
        and s["country_of_conduct"] == country
        and not s["overlaps_with"]
    }
    return {r["study_id"] for r in plain.rows("safety") if r["study_id"] in studies}


def pooled_rows(indication: str, endpoint: str, country: str) -> list[dict[str, str]]:
    """Each standard-population cohort's one row for ``endpoint`` (secondary pages only when
    nothing else, ICANS before neurotoxicity, primary analysis first, strongest source), without
    rows read only on secondary pages: the rows a country's rate would pool."""
    _, codes, grade = ENDPOINTS[endpoint]
    cohorts = {s for s in own_cohorts(indication, country) if not plain.special_population(s)}
    best = plain.best_safety_rows(cohorts, tuple(codes), grade)
    return [row for row in best.values() if row["source_kind"] != "secondary"]


def refused_for_one(pair: tuple[str, str]) -> list[tuple[str, str, str, str]]:
    """(indication, endpoint, country with rows, country without) where both countries have
    cohorts of their own in the indication, only one has rows for the endpoint, and none of its
    rows states a grading system: refused, with the other country absent."""
    cases = []
    for indication in INDICATIONS:
        if not all(own_cohorts(indication, c) for c in pair):
            continue
        for endpoint in ENDPOINTS:
            rows = {c: pooled_rows(indication, endpoint, c) for c in pair}
            present = [c for c in pair if rows[c]]
            if len(present) == 1 and not any(r["grading"] for r in rows[present[0]]):
                absent = next(c for c in pair if c not in present)
                cases.append((indication, endpoint, present[0], absent))
    return cases


def _note(paragraph: str, label: str) -> str:
    """The part of an indication's paragraph that is ``label``'s refusal."""
    start = paragraph.index(f"{label}: not pooled")
    ends = [
        i
        for other, _, _ in ENDPOINTS.values()
        if (i := paragraph.find(f"{other}: not pooled", start + 1)) > 0
    ]
    return paragraph[start : min(ends, default=len(paragraph))]


def test_the_plain_route_finds_such_cases():
    cases = refused_for_one(("CN", "US"))
    assert ("LBCL", "CRS_any", "US", "CN") in cases, cases


@pytest.mark.parametrize("pair", PAIRS, ids="-".join)
def test_absent_country_is_named_beside_a_refusal(pair, evidence_store, evidence_client):
    cases = refused_for_one(pair)
    with open_store(evidence_store, read_only=True) as store:
        section = safety_section.build(ReportContext(store, list(pair)))
    paragraphs = {
        b.text.split("**")[1]: b.text for b in section.blocks if getattr(b, "text", "")[:2] == "**"
    }
    for indication, endpoint, present, absent in cases:
        label = ENDPOINTS[endpoint][0]
        note = _note(paragraphs[indication], label)
        assert f"({present}: not stated " in note, note
        assert f"{absent}: no data (" in note, note
        assert present + ": no data" not in note
        cli = CliRunner().invoke(
            app,
            ["--db", evidence_store, "meta", "--indication", indication, "--endpoint", endpoint]
            + ["--countries", *pair, "--format", "json"],
        )
        assert cli.exit_code == 0, cli.output
        assert f"{absent}: no data (" in cli.stderr, cli.stderr
        document = json.loads(cli.stdout)
        assert document["missing"] == [absent] and "not pooled" in document["refusal"]
        query = {"indication": indication, "endpoint": endpoint, "countries": list(pair)}
        page = html.unescape(evidence_client.get("/meta", params=query).text)
        assert f"{absent}: no data (" in page
        assert page.count(document["refusal"]) == 1, "the refusal is said once"
