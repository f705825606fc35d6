"""Sensitivity and small-study diagnostics for a pooled result.

* ``leave_one_out``: refit without each study in turn, as metafor's ``leave1out`` (same
  measure, method and test; the stored effect sizes are reused). Back-transformed values of a
  PFT analysis use the harmonic mean of the sample sizes of the studies left in.
* ``egger_test``: regression test for funnel-plot asymmetry. The default (``model="rma"``) is
  metafor's ``regtest``: the meta-analytic model of the result with the standard error as
  moderator (Sterne & Egger 2005); ``model="lm"`` is the original weighted regression of Egger
  et al. (1997) with a multiplicative dispersion term. With PAS and PFT the standard error is a
  function of n only, which avoids the artefactual correlation the test has with PLO/PR.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import statsmodels.api as sm

from .glmm import GLMM, fit_glmm
from .measures import back_transformer
from .models import as_control
from .results import EggerResult, LeaveOneOutResult, MetaResult
from .rma import RmaFit, critical_value, fit_rma
from .tau2 import Tau2Control

__all__ = ["EGGER_PREDICTORS", "egger_test", "leave_one_out"]


def _refit(result: MetaResult, keep: np.ndarray, control: Tau2Control) -> RmaFit:
    s = result.studies
    if result.method == GLMM:
        return fit_glmm(
            s.events[keep], s.n[keep], s.yi[keep], s.vi[keep], None, result.test, result.level
        )
    return fit_rma(s.yi[keep], s.vi[keep], None, result.method, result.test, result.level, control)


def leave_one_out(
    result: MetaResult, control: Mapping[str, Any] | Tau2Control | None = None
) -> LeaveOneOutResult:
    """Pooled results with each study omitted in turn (needs k >= 2)."""
    k = result.k
    if k < 2:
        raise ValueError("leave-one-out needs at least 2 studies")
    tuning = as_control(control)
    rows = []
    for i in range(k):
        keep = np.arange(k) != i
        fit = _refit(result, keep, tuning)
        to_prop = back_transformer(result.measure, result.studies.n[keep])
        est, lo, hi = to_prop(np.array([fit.beta[0], fit.ci_low[0], fit.ci_high[0]]))
        rows.append(
            (
                fit.beta[0],
                fit.se[0],
                fit.stat[0],
                fit.pval[0],
                fit.ci_low[0],
                fit.ci_high[0],
                fit.qe,
                fit.qe_p,
                fit.tau2,
                fit.i2,
                fit.h2,
                est,
                min(lo, hi),
                max(lo, hi),
            )
        )
    columns = np.array(rows, dtype=float).T
    return LeaveOneOutResult(result.measure, result.studies.labels, *columns)


EGGER_PREDICTORS = {
    "sei": lambda vi, ni: np.sqrt(vi),
    "vi": lambda vi, ni: vi,
    "ni": lambda vi, ni: ni,
    "ninv": lambda vi, ni: 1 / ni,
    "sqrtni": lambda vi, ni: np.sqrt(ni),
    "sqrtninv": lambda vi, ni: 1 / np.sqrt(ni),
}
# Predictors that vanish for an infinitely precise study, so the intercept is a limit estimate.
_LIMIT_PREDICTORS = ("sei", "vi", "ninv", "sqrtninv")


def egger_test(result: MetaResult, model: str = "rma", predictor: str = "sei") -> EggerResult:
    """Regression test for funnel-plot asymmetry of a pooled result (metafor's ``regtest``).

    ``model="rma"`` adds ``predictor`` as a moderator to the result's own model (same method
    and test); ``model="lm"`` is Egger's weighted least squares regression.
    """
    if result.method == GLMM:
        raise ValueError(
            "method='GLMM': the regression test needs an inverse-variance model; "
            "run it on a fit with an inverse-variance method such as REML"
        )
    if model not in ("rma", "lm"):
        raise ValueError(f"model={model!r} is not one of rma, lm")
    if predictor not in EGGER_PREDICTORS:
        raise ValueError(f"predictor={predictor!r} is not one of {', '.join(EGGER_PREDICTORS)}")
    s = result.studies
    X = np.column_stack([np.ones(result.k), EGGER_PREDICTORS[predictor](s.vi, s.n)])
    if model == "rma":
        fit = fit_rma(s.yi, s.vi, X, result.method, result.test, result.level)
        stat, pval, df = fit.stat[1], fit.pval[1], fit.df
        slope, slope_se = fit.beta[1], fit.se[1]
        limit, limit_low, limit_high = fit.beta[0], fit.ci_low[0], fit.ci_high[0]
    else:
        if result.k < 3:
            raise ValueError("Egger's regression needs at least 3 studies")
        wls = sm.WLS(s.yi, X, weights=1 / s.vi).fit()
        stat, pval, df = wls.tvalues[1], wls.pvalues[1], float(wls.df_resid)
        slope, slope_se = wls.params[1], wls.bse[1]
        crit = critical_value(1 - result.level, df)
        limit = wls.params[0]
        limit_low, limit_high = limit - crit * wls.bse[0], limit + crit * wls.bse[0]
    if predictor not in _LIMIT_PREDICTORS:
        limit = limit_low = limit_high = math.nan
    return EggerResult(
        model=model,
        predictor=predictor,
        stat=float(stat),
        df=float(df),
        pval=float(pval),
        slope=float(slope),
        slope_se=float(slope_se),
        limit_estimate=float(limit),
        limit_ci_low=float(limit_low),
        limit_ci_high=float(limit_high),
    )
