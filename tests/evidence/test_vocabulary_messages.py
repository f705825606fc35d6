"""Every closed-vocabulary miss of the checker is worded by one function
(``cartatlas.inputs.not_one_of``): a pydantic literal (grading), the schema's own vocabularies
(subgroup) and the indications of a price all say the value, what it should be, how to write
it and the nearest allowed value, in the same words."""

from __future__ import annotations

import pytest

from cartatlas.inputs import not_one_of
from tests.evidence.test_checks import _with, messages

INDICATIONS = "LBCL, FL, MCL, MZL, B-ALL, CLL, MM, gastric, SLE, other"

CASES = [
    (
        ("safety", 0, "grading", "ASTCT2019"),
        "safety.csv, row at line 2: grading: 'ASTCT2019' is not one of the allowed values; write ",
        "; did you mean 'ASTCT'?",
    ),
    (
        ("outcomes", 0, "subgroup", "dose-level"),
        "outcomes.csv, row at line 2: subgroup: 'dose-level' is not a subgroup; write one of ",
        "; did you mean 'dose_level'?",
    ),
    (
        ("prices", 0, "indication", "LBLC"),
        "prices.csv, row at line 2: indication: 'LBLC' is not an indication; write one of "
        f"{INDICATIONS}, or several joined by '|' (B-ALL|LBCL)",
        "; did you mean 'LBCL'?",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0][2] for c in CASES])
def test_each_vocabulary_miss_names_the_nearest_value_in_the_same_words(case, evidence_dir):
    (table, index, column, value), start, end = case
    (message,) = messages(evidence_dir(**_with(table, index, **{column: value})))
    assert message.startswith(start)
    assert message.endswith(end)


def test_the_shared_wording():
    assert not_one_of("FAD", ["FDA", "EMA"], "an agency", "FDA or EMA") == (
        "'FAD' is not an agency; write FDA or EMA; did you mean 'FDA'?"
    )
    assert not_one_of("xyz", ["FDA", "EMA"], "an agency", "FDA or EMA") == (
        "'xyz' is not an agency; write FDA or EMA"
    )
