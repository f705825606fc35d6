"""The one "is this value missing" judgement every layer prints "no data" or an empty cell by."""

from __future__ import annotations

import datetime
import decimal

import numpy as np
import pandas as pd
import pytest

from cartatlas.missing import is_missing

MISSING = [
    None,
    float("nan"),
    np.float32("nan"),
    np.float64("nan"),
    decimal.Decimal("NaN"),
    pd.NA,
    pd.NaT,
    np.datetime64("NaT"),
]
PRESENT = [0, 0.0, False, np.int64(0), float("inf"), pd.Timestamp("2020-01-01")]
PRESENT += [datetime.date(2020, 1, 1), "", " ", "nan", "NA", [], (), {}]


@pytest.mark.parametrize("value", MISSING, ids=repr)
def test_none_nan_na_and_nat_are_missing(value: object) -> None:
    assert is_missing(value)


@pytest.mark.parametrize("value", PRESENT, ids=repr)
def test_zero_text_and_containers_are_values(value: object) -> None:
    """0 is a count of none, and text (even "" or "nan") is what a source wrote."""
    assert not is_missing(value)


@pytest.mark.parametrize("value", MISSING + PRESENT, ids=repr)
def test_agrees_with_pandas_on_every_scalar_but_text(value: object) -> None:
    if isinstance(value, (str, list, tuple, dict)):
        return
    assert is_missing(value) == bool(pd.isna(value))
