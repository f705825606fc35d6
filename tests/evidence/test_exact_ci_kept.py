"""The exact CI kept per (events, n) is the Clopper–Pearson interval, recomputed here from the
beta distribution's quantiles (a separate route from statsmodels' ``proportion_confint``)."""

from __future__ import annotations

import pytest
from scipy.stats import beta

from cartatlas.evidence.queries import Proportion, exact_ci


@pytest.mark.parametrize(("events", "n"), [(0, 10), (5, 10), (10, 10), (47, 101), (1, 3)])
def test_exact_ci_is_clopper_pearson(events, n):
    low = 0.0 if events == 0 else beta.ppf(0.025, events, n - events + 1)
    high = 1.0 if events == n else beta.ppf(0.975, events + 1, n - events)
    expected = pytest.approx((100 * low, 100 * high), abs=1e-9)
    assert exact_ci(events, n) == expected
    assert Proportion(events, n).ci() == expected  # asked again: the kept value, the same
