"""``subgroup`` of outcomes.csv (a row of one dose level or a selected subgroup, never pooled:
analyses/populations.py ``SUBGROUP_RULE``): a value outside the vocabulary is rejected with the
nearest valid one; a whole cohort recorded by adding up the dose cohorts its quote prints is
accepted only when the printed denominators add up to n."""

from __future__ import annotations

from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.evidence.checks import check_evidence
from tests.evidence.test_checks import _with, messages

# Three dose cohorts printed one by one, as CRB-402's source prints them.
COHORTS = (
    "83% (n=10/12) showed clinical response … The response rate in the 300 group was 43% "
    "(n=6/14), none complete, and 57% (n=4/7) in the 450 group"
)


def test_an_unknown_subgroup_names_the_nearest_valid_one(evidence_dir):
    message = (
        "outcomes.csv, row at line 2: subgroup: 'dose-level' is not a subgroup; write one of "
        "dose_level, selected_subgroup (empty means the study's whole cohort); "
        "did you mean 'dose_level'?"
    )
    folder = evidence_dir(**_with("outcomes", 0, subgroup="dose-level"))
    assert messages(folder) == [message]
    result = CliRunner().invoke(app, ["kb", "check", "--dir", str(folder)])
    assert result.exit_code != 0
    assert message in " ".join(result.output.split())


def test_a_stated_subgroup_and_an_empty_cell_are_accepted(evidence_dir):
    evidence = check_evidence(evidence_dir(**_with("outcomes", 0, subgroup="dose_level")))
    assert evidence.problems == []
    assert evidence.rows["outcomes"][0].get("subgroup") == "dose_level"
    assert check_evidence(evidence_dir()).rows["outcomes"][0].get("subgroup") is None


def _summed(**changes: str) -> dict[str, list[dict[str, str]]]:
    row = {"n": "33", "events": "20", "percent": "", "events_derived": "true"}
    return _with("outcomes", 0, source_quote=COHORTS, **{**row, **changes})


def test_a_whole_cohort_summed_over_the_printed_dose_cohorts_is_accepted(evidence_dir):
    assert messages(evidence_dir(**_summed())) == []


def test_a_sum_the_printed_cohorts_do_not_give_is_refused(evidence_dir):
    assert messages(evidence_dir(**_summed(n="34"))) == [
        "outcomes.csv, row at line 2: n: 34 does not appear in source_quote; quote the words "
        "that state it or correct the value",
        "outcomes.csv, row at line 2: events_derived: events can only be derived when the "
        "source's percent is recorded, by adding up cohorts whose 'x of y' counts the quote "
        "prints and whose denominators sum to n, or, for grade ≥3, by adding up the grade 3, 4 "
        "and 5 rows of a table the quote prints whole (grades 1 to 5 adding up to its any-grade "
        "count)",
    ]
