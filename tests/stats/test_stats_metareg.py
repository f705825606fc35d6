"""Meta-regression (categorical + continuous moderators) against metafor's rma(mods = ~ ...),
confint() and predict(newmods = ...)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stats_parity import GLMM_FLOOR, GLMM_RTOL, RMA_RTOL, case_id, compare, dataset, reference

from cartatlas.stats import meta_regression

CASES = reference()["metareg"]


def fit_values(res) -> dict:
    """Coefficients and heterogeneity of a fitted regression, keyed as in the reference."""
    c = res.coefficients
    return {
        "estimate": c.estimate,
        "se": c.se,
        "stat": c.stat,
        "pval": c.pval,
        "ci_low": c.ci_low,
        "ci_high": c.ci_high,
        "tau2": res.tau2,
        "tau2_ci_low": res.tau2_ci_low,
        "tau2_ci_high": res.tau2_ci_high,
        "i2": res.i2,
        "h2": res.h2,
        "r2": res.r2,
        "qe": res.qe,
        "qe_p": res.qe_p,
        "qm": res.qm,
        "qm_p": res.qm_p,
    }


def regression_values(res, new_moderators) -> dict:
    pred = res.predict(new_moderators)
    bt = pred.backtransformed()
    return {
        **fit_values(res),
        "pred": pred.pred,
        "pred_se": pred.se,
        "pred_ci_low": pred.ci_low,
        "pred_ci_high": pred.ci_high,
        "pred_pi_low": pred.pi_low,
        "pred_pi_high": pred.pi_high,
        "bt_pred": bt["estimate"].to_numpy(),
        "bt_ci_low": bt["ci_low"].to_numpy(),
        "bt_ci_high": bt["ci_high"].to_numpy(),
        "bt_pi_low": bt["pi_low"].to_numpy(),
        "bt_pi_high": bt["pi_high"].to_numpy(),
    }


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_matches_metafor(case):
    d = dataset(case["dataset"])
    moderators = {name: d["moderators"][name] for name in case["moderators"]}
    res = meta_regression(
        d["events"], d["n"], moderators, case["measure"], case["method"], case["test"]
    )
    values = regression_values(res, case["new_moderators"])
    if case["method"] == "GLMM":
        problems = compare(values, case["expected_precise"], GLMM_RTOL, GLMM_FLOOR)
        problems += compare(values, case["expected"], GLMM_RTOL, GLMM_FLOOR)
    else:
        problems = compare(values, case["expected"], RMA_RTOL)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", reference()["metareg_r2_na"], ids=case_id)
def test_unfittable_intercept_only_model_gives_r2_na_as_metafor(case):
    """The intercept-only fit behind R^2 may fail to converge where the regression converges;
    metafor then reports R^2 as NA and keeps the regression, and so must we (it had raised)."""
    d = dataset(case["dataset"])
    moderators = {name: d["moderators"][name] for name in case["moderators"]}
    res = meta_regression(
        d["events"], d["n"], moderators, case["measure"], case["method"], case["test"]
    )
    values = fit_values(res)
    problems = compare(values, case["expected"], RMA_RTOL)
    assert not problems, "\n".join(problems)


def test_coefficient_names_and_reference_level():
    d = dataset("simulated")
    res = meta_regression(d["events"], d["n"], d["moderators"])
    assert res.coefficients.names == (
        "intercept",
        "country[Germany]",
        "country[Italy]",
        "country[Spain]",
        "year",
    )
    assert list(res.to_frame().index) == list(res.coefficients.names)


def test_categorical_order_follows_pandas_categories():
    d = dataset("simulated")
    country = pd.Categorical(d["moderators"]["country"], ["Spain", "France", "Germany", "Italy"])
    res = meta_regression(d["events"], d["n"], {"country": country})
    assert res.coefficients.names[1] == "country[France]"
    sorted_levels = meta_regression(d["events"], d["n"], {"country": d["moderators"]["country"]})
    assert res.qm == pytest.approx(sorted_levels.qm, rel=1e-10)  # the omnibus test is invariant


@pytest.mark.parametrize(
    ("moderators", "message"),
    [
        ({"x": [1.0, np.nan, 2.0]}, r"'x'\[1\] is missing"),
        ({"g": ["a", "a", "a"]}, "single level"),
        ({"x": [1.0, 2.0]}, "2 rows but events has 3"),
        ({}, "empty"),
    ],
)
def test_bad_moderators(moderators, message):
    with pytest.raises(ValueError, match=message):
        meta_regression([1, 2, 3], [10, 10, 10], moderators)


def test_unknown_level_in_prediction():
    res = meta_regression([1, 2, 3, 5], [10, 10, 10, 10], {"g": ["a", "b", "a", "b"]})
    with pytest.raises(ValueError, match=r"'g'\[0\] = 'c'"):
        res.predict({"g": ["c"]})
