"""meta_generic / meta_landmark / hr_to_log against metafor's rma(yi, sei = ...) for every
estimator x test on hazard-ratio, homogeneous, heterogeneous, identical, k = 1, k = 2, simulated
and landmark-survival data sets, at the tolerance of the proportion cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from stats_parity import RMA_RTOL, as_array, case_id, compare, reference
from test_stats_pooled import pooled_values

from cartatlas.stats import (
    ConvergenceError,
    hr_to_log,
    logit_from_interval,
    meta_generic,
    meta_landmark,
)

CASES = reference()["generic"]
SETS = reference()["generic_datasets"]


def generic_fit(case):
    d = SETS[case["dataset"]]
    level = case["level"]
    if "rate" in d:
        return meta_landmark(
            as_array(d["rate"]),
            as_array(d["lo"]),
            as_array(d["hi"]),
            case["method"],
            case["test"],
            level=level,
        )
    if "hr" in d:
        yi, sei = hr_to_log(
            as_array(d["hr"]), as_array(d["lo"]), as_array(d["hi"]), d.get("level", 0.95)
        )
    else:
        yi, sei = as_array(d["yi"]), as_array(d["sei"])
    return meta_generic(yi, sei, case["method"], case["test"], level=level)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_matches_metafor(case):
    if "error" in case:  # metafor stops (Fisher scoring did not converge); so must we
        with pytest.raises(ConvergenceError):
            generic_fit(case)
        return
    problems = compare(pooled_values(generic_fit(case)), case["expected"], RMA_RTOL)
    assert not problems, "\n".join(problems)


def test_every_method_and_test_is_covered():
    combos = {(c["method"], c["test"]) for c in CASES}
    assert combos >= {
        (m, t)
        for m in ("FE", "DL", "REML", "ML", "PM", "HE", "SJ", "EB")
        for t in ("z", "t", "knha", "adhoc")
    }


@pytest.mark.parametrize("name", [n for n in SETS if "hr" in SETS[n] or "rate" in SETS[n]])
def test_interval_conversions_match_r(name):
    d = SETS[name]
    convert = logit_from_interval if "rate" in d else hr_to_log
    value = d["rate"] if "rate" in d else d["hr"]
    yi, sei = convert(
        np.atleast_1d(as_array(value)), as_array(d["lo"]), as_array(d["hi"]), d.get("level", 0.95)
    )
    assert np.allclose(yi, as_array(d["yi"]), rtol=1e-12)
    assert np.allclose(sei, as_array(d["sei"]), rtol=1e-12)


def test_hr_to_log_by_hand():
    yi, sei = hr_to_log(0.5, 0.25, 1.0)
    assert yi == pytest.approx(math.log(0.5))
    assert sei == pytest.approx(math.log(4) / (2 * 1.959963984540054))
    assert isinstance(yi, float)


def test_hunter_schmidt_by_hand():
    yi, sei = np.array([-0.9, -0.1, -0.6, 0.3]), np.array([0.2, 0.3, 0.25, 0.4])
    w = 1 / sei**2
    q = np.sum(w * (yi - np.sum(w * yi) / w.sum()) ** 2)
    k = yi.size
    assert meta_generic(yi, sei, "HS").tau2 == pytest.approx((q - k) / w.sum(), rel=1e-12)
    hsk = meta_generic(yi, sei, "hsk").tau2  # any case, as every method name
    assert hsk == pytest.approx((q * k / (k - 1) - k) / w.sum(), rel=1e-12)


def test_disparate_variances_warn_as_metafor():
    with pytest.warns(RuntimeWarning, match="largest to smallest sampling variance"):
        meta_generic([0.1, 0.5, -0.2], [1e-3, 10, 0.5])


def test_common_effect_prediction_interval_is_the_ci():
    res = meta_generic([-0.9, -0.4, -0.6], [0.2, 0.3, 0.25], method="FE")
    assert (res.pi_low, res.pi_high) == (res.ci_low, res.ci_high)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: meta_generic([0.1, 0.2], [0.1]), "lengths must match"),
        (lambda: meta_generic([0.1, 0.2], [0.1, 0.0]), r"sei\[1\] must be positive"),
        (lambda: meta_generic([0.1, float("nan")], [0.1, 0.2]), r"yi\[1\] is NaN"),
        (lambda: meta_generic([0.1], [0.1], method="XX"), "method='XX'"),
        (lambda: meta_generic([0.1], [0.1], test="w"), "test='w'"),
        (lambda: hr_to_log(0.5, 0.6, 0.9), "not ordered"),
        (lambda: hr_to_log(0.5, 0.0, 0.9), "must be positive"),
        (lambda: logit_from_interval(0.5, 0.2, 1.0), r"inside \(0, 1\)"),
    ],
)
def test_bad_input_names_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()
