"""Pivotal-trial safety rows added for issue #15 (KarMMa-3's label safety set), recomputed from
the words of each row's quote by a plain route — read the printed n and percentages with a
regular expression, derive events as round(percent × n / 100), take an exact Clopper–Pearson
interval — and asserted on safety.csv, the CLI (``safety``) and the API (``/api/safety``).

The FDA reviewers' abstract prints only percentages of "the 222 recipients of ide-cel"; a count
derived from a whole-number percentage may differ from the true count by one, which is why the
rows are marked ``events_derived`` (shown as "derived" / "≈").

TRANSCEND CLL 004's grade ≥3 neurological events are the sum of the grade 3, 4 and 5 rows of the
paper's Table 4 (worst grade per patient); the plain route reads every grade row of the quote,
checks that grades 1–5 add up to the printed any-grade count, and adds grades 3–5."""

from __future__ import annotations

import csv
import io
import json
import re

from typer.testing import CliRunner

from cartatlas.cli import app
from tests.golden import plain

STUDY = "KarMMa-3"
PRODUCT = "idecabtagene-vicleucel"

#: (event, grade) -> the words of the quote that print its percentage
PATTERNS = {
    ("CRS", "any"): r"cytokine release syndrome occurred in (\d+)%",
    ("CRS", "3plus"): r"cytokine release syndrome occurred in \d+% \(grade ≥3, (\d+)%\)",
    ("neurotoxicity", "any"): r"neurologic toxicity in (\d+)%",
    ("neurotoxicity", "3plus"): r"neurologic toxicity in \d+% \(grade ≥3, (\d+)%\)",
}


def _label_rows() -> dict[tuple[str, str], dict[str, str]]:
    rows = [r for r in plain.rows("safety") if r["study_id"] == STUDY and r["analysis"] == "label"]
    return {(r["event"], r["grade"]): r for r in rows}


def _from_quote(row: dict[str, str], event: str, grade: str) -> tuple[int, int]:
    """(events, n) read from the quote's own words, the count rounded half up."""
    n = int(re.search(r"Among the (\d+) recipients of ide-cel", row["source_quote"]).group(1))
    percent = int(re.search(PATTERNS[(event, grade)], row["source_quote"]).group(1))
    return int(percent * n / 100 + 0.5), n


def test_karmma3_label_safety_rows_follow_from_their_quote():
    rows = _label_rows()
    assert set(rows) == set(PATTERNS)
    for (event, grade), row in rows.items():
        events, n = _from_quote(row, event, grade)
        assert (int(row["events"]), int(row["n"])) == (events, n), (event, grade)
        assert row["events_derived"] == "true"
        assert row["grading"] == "", "the abstract names no grading system"
    assert {k: _from_quote(r, *k) for k, r in rows.items()} == {
        ("CRS", "any"): (202, 222),
        ("CRS", "3plus"): (11, 222),
        ("neurotoxicity", "any"): (102, 222),
        ("neurotoxicity", "3plus"): (24, 222),
    }


def test_cli_and_api_show_karmma3_label_safety(evidence_store, evidence_client):
    expected = {k: _from_quote(r, *k) for k, r in _label_rows().items()}
    served = evidence_client.get(
        "/api/safety", params={"study": STUDY, "analysis": "label"}
    ).json()["items"]
    assert {(r["event"], r["grade"]): (r["events"], r["n"]) for r in served} == expected
    for row in served:
        low, high = plain.clopper_pearson(row["events"], row["n"])
        assert abs(row["ci_low"] - 100 * low) <= 0.05 + 1e-9
        assert abs(row["ci_high"] - 100 * high) <= 0.05 + 1e-9
    args = ["--db", evidence_store, "safety", "--product", PRODUCT, "--format", "csv"]
    shown = csv.DictReader(io.StringIO(CliRunner().invoke(app, args).stdout))
    cli = {
        (r["event"], r["grade"]): (int(r["events"]), int(r["n"]))
        for r in shown
        if r["study"] == STUDY and r["analysis"] == "label"
    }
    assert cli == expected


CLL_STUDY = "TRANSCEND-CLL-004"
PRODUCT_CLL = "lisocabtagene-maraleucel"


def _cll_neuro_row(grade: str) -> dict[str, str]:
    [row] = [
        r
        for r in plain.rows("safety")
        if r["study_id"] == CLL_STUDY
        and r["analysis"] == "primary"
        and r["event"] == "neurotoxicity"
        and r["grade"] == grade
    ]
    return row


def _grade_sum(quote: str) -> tuple[int, int]:
    """(grade ≥3 events, n) from the table's own words: "Full population (n=117)", "Any grade 53",
    "Grade k x" for k = 1..5; the five rows must add up to the any-grade count."""
    n = int(re.search(r"Full population \(n=(\d+)\)", quote).group(1))
    total = int(re.search(r"Any grade (\d+)", quote).group(1))
    grades = {int(k): int(x) for k, x in re.findall(r"Grade (\d) (\d+)", quote)}
    assert sorted(grades) == [1, 2, 3, 4, 5] and sum(grades.values()) == total
    return grades[3] + grades[4] + grades[5], n


def test_transcend_cll_grade_3_neuro_events_add_up_from_table_4():
    row = _cll_neuro_row("3plus")
    assert _grade_sum(row["source_quote"]) == (int(row["events"]), int(row["n"])) == (22, 117)
    assert row["events_derived"] == "true" and row["percent"] == ""
    any_grade = _cll_neuro_row("any")  # the same table's any-grade row, already recorded
    assert (int(any_grade["events"]), int(any_grade["n"])) == (53, 117)


def test_cli_api_and_coverage_show_transcend_cll_grade_3_neuro_events(
    evidence_store, evidence_client
):
    expected = _grade_sum(_cll_neuro_row("3plus")["source_quote"])
    served = evidence_client.get(
        "/api/safety", params={"study": CLL_STUDY, "analysis": "primary"}
    ).json()["items"]
    [api] = [r for r in served if (r["event"], r["grade"]) == ("neurotoxicity", "3plus")]
    assert (api["events"], api["n"]) == expected
    low, high = plain.clopper_pearson(*expected)
    assert abs(api["ci_low"] - 100 * low) <= 0.05 + 1e-9
    assert abs(api["ci_high"] - 100 * high) <= 0.05 + 1e-9
    args = ["--db", evidence_store, "safety", "--product", "liso-cel", "--format", "csv"]
    shown = csv.DictReader(io.StringIO(CliRunner().invoke(app, args).stdout))
    [cli] = [
        r
        for r in shown
        if (r["study"], r["analysis"], r["event"], r["grade"])
        == (CLL_STUDY, "primary", "neurotoxicity", "3plus")
    ]
    assert (int(cli["events"]), int(cli["n"])) == expected
    assert cli["ci95"] == f"{100 * low:.1f}–{100 * high:.1f}"
    args = ["--db", evidence_store, "kb", "coverage", "--format", "json"]
    coverage = json.loads(CliRunner().invoke(app, args).stdout)
    [cll] = [c for c in coverage if (c["product"], c["indication"]) == (PRODUCT_CLL, "CLL")]
    assert cll["ICANS ≥3"] == "yes"
