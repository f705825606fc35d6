"""Bad input: a ValueError that names the argument and the offending study index."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cartatlas.stats
from cartatlas.stats import ConvergenceError, meta_proportions


@pytest.mark.parametrize(
    ("events", "n", "message"),
    [
        ([3, -1, 4], [10, 10, 10], r"events\[1\] is negative"),
        ([3, 11, 4], [10, 10, 10], r"events\[1\] = 11 exceeds n\[1\] = 10"),
        ([3, 1, 4], [10, 0, 10], r"n\[1\] must be positive"),
        ([3, 1, 4], [10, -5, 10], r"n\[1\] must be positive"),
        ([3, float("nan"), 4], [10, 10, 10], r"events\[1\] is NaN"),
        ([3, 1, 4], [10, 10, np.nan], r"n\[2\] is NaN"),
        ([3, None, 4], [10, 10, 10], r"events\[1\] is NaN"),
        ([3, "x", 4], [10, 10, 10], r"events\[1\] is not a number"),
        ([3, 1, 4], [10, 10], r"events has 3 values but n has 2"),
        ([], [], "empty"),
        ([3, 1, np.inf], [10, 10, 10], r"events\[2\] is infinite"),
    ],
)
def test_bad_counts(events, n, message):
    with pytest.raises(ValueError, match=message):
        meta_proportions(events, n)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"measure": "OR"}, "measure='OR'"),
        ({"method": "BAYES"}, "method='BAYES'"),
        ({"test": "wald"}, "test='wald'"),
        ({"level": 1.5}, "level"),
        ({"to": "sometimes"}, "to='sometimes'"),
        ({"add": -1}, "add"),
        ({"subgroups": ["a", "b"]}, "subgroups has 2 values"),
        ({"subgroups": ["a", None, "b"]}, r"subgroups\[1\] is missing"),
        ({"labels": ["a"]}, "labels has 1 values"),
        ({"control": {"tolerance": 1}}, "control has unknown setting"),
    ],
)
def test_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        meta_proportions([3, 1, 4], [10, 10, 10], **kwargs)


def test_accepts_pandas_and_numpy():
    frame = pd.DataFrame({"x": [3, 1, 4], "n": [10, 12, 14]}, index=[7, 8, 9])
    a = meta_proportions(frame["x"], frame["n"])
    b = meta_proportions(np.array([3, 1, 4]), (10, 12, 14))
    assert a.estimate == b.estimate


def test_no_correction_and_zero_events_is_reported_by_study():
    with pytest.raises(ValueError, match=r"events\[1\] = 0"):
        meta_proportions([3, 0, 4], [10, 10, 10], to="none")


def test_fisher_scoring_failure_is_an_error():
    with pytest.raises(ConvergenceError, match="did not converge"):
        meta_proportions([3, 9, 4, 20], [10, 12, 40, 25], control={"maxiter": 1, "threshold": 0})


def test_package_imports_nothing_else_from_cartatlas():
    package = Path(cartatlas.stats.__file__).parent
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.level <= 1, f"{path.name} imports from outside cartatlas.stats"
                assert node.level == 1 or not (node.module or "").startswith("cartatlas"), path
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("cartatlas") for a in node.names), path
