"""A grade ≥3 count may be the sum of the grade 3, 4 and 5 rows of a worst-grade safety table the
quote prints whole; ``kb check`` refuses every other unprinted sum."""

from __future__ import annotations

import pytest

from tests.evidence.conftest import VALID
from tests.evidence.test_checks import messages

#: The neurological-events block of a worst-grade table (TRANSCEND CLL 004, Table 4 layout).
TABLE = (
    "Full population (n=101) … Patients with neurological events … Any grade 53 (45%) … "
    "Grade 1 13 (11%) … Grade 2 18 (15%) … Grade 3 21 (18%) … Grade 4 1 (1%) … Grade 5 0"
)


def _with(index: int, **changes: str) -> dict[str, list[dict[str, str]]]:
    """The valid safety rows, every one with an ``events_derived`` cell, one of them changed."""
    rows = [{**row, "events_derived": "false"} for row in VALID["safety"]]
    rows[index].update(changes)
    return {"safety": rows}


def _summed(**changes: str) -> dict[str, list[dict[str, str]]]:
    row = {"events": "22", "percent": "", "events_derived": "true", "source_quote": TABLE}
    return _with(1, **{**row, **changes})


REFUSED = (
    "safety.csv, row at line 3: events_derived: events can only be derived when the source's "
    "percent is recorded, by adding up cohorts whose 'x of y' counts the quote prints and whose "
    "denominators sum to n, or, for grade ≥3, by adding up the grade 3, 4 and 5 rows of a table "
    "the quote prints whole (grades 1 to 5 adding up to its any-grade count)"
)


def test_grade_3_4_and_5_rows_of_a_whole_table_may_be_added_up(evidence_dir):
    assert messages(evidence_dir(**_summed())) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"events": "21"},  # grade 3 alone is not the ≥3 count
        {"source_quote": TABLE.replace(" … Grade 5 0", "")},  # grade 5 not printed
        {"source_quote": TABLE.replace("Any grade 53", "Any grade 54")},  # rows miss a patient
        {"source_quote": TABLE + " … Patients with CRS … Any grade 99 … Grade 3 10"},  # two tables
    ],
)
def test_a_sum_the_whole_table_does_not_give_is_refused(evidence_dir, changes):
    assert messages(evidence_dir(**_summed(**changes))) == [REFUSED]


def test_an_any_grade_row_is_never_a_grade_sum(evidence_dir):
    changes = {"events": "22", "percent": "", "events_derived": "true", "source_quote": TABLE}
    folder = evidence_dir(**_with(0, **changes))
    assert messages(folder)[-1] == REFUSED.replace("line 3", "line 2")


NOT_IN_QUOTE = (
    "safety.csv, row at line 3: n: 10 does not appear in source_quote; quote the words that state "
    "it or correct the value"
)


@pytest.mark.parametrize(
    "changes, problems",
    [
        ({"source_quote": TABLE.replace("Any grade 53", "Any grade " + "9" * 5000)}, [REFUSED]),
        ({"source_quote": TABLE.replace("Grade 4 1", "Grade 4 " + "9" * 5000)}, [REFUSED]),
        (
            {"source_quote": "4 of 9 and 1 of " + "1" * 5000, "events": "5", "n": "10"},
            [NOT_IN_QUOTE, REFUSED],
        ),
    ],
    ids=["any grade", "grade row", "cohort"],
)
def test_a_digit_run_past_python_int_limit_is_no_count(evidence_dir, changes, problems):
    """A quote printing 5,000 digits stopped `kb check` and `kb load` whole with "ValueError:
    Exceeds the limit (4300 digits) for integer string conversion (unexpected …)": its row is
    refused, naming file, line and field, and the rest is checked."""
    assert messages(evidence_dir(**_summed(**changes))) == problems
