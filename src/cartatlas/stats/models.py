"""One entry for fitting either model family, and the conversion of a fit into a MetaResult.

The inverse-variance models (``rma``) and the GLMM (``glmm``) produce the same kind of fit
object, so subgrouping, meta-regression and leave-one-out work for both without duplication.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .data import EffectSizeData, ProportionData
from .glmm import GLMM, fit_glmm
from .measures import escalc
from .results import MetaResult, StudyTable
from .rma import METHODS, TESTS, RmaFit, check_method, check_test, fit_rma, predict, tau2_confint
from .tau2 import Tau2Control

__all__ = ["as_control", "check_model", "fit_model", "summarise"]

GLMM_TESTS = ("z", "t")


def as_control(control: Mapping[str, Any] | Tau2Control | None) -> Tau2Control:
    """Accept metafor-style control settings as a dict (``threshold``, ``maxiter``, ...)."""
    if control is None:
        return Tau2Control()
    if isinstance(control, Tau2Control):
        return control
    known = {f.name for f in dataclasses.fields(Tau2Control)}
    unknown = sorted(set(control) - known)
    if unknown:
        raise ValueError(f"control has unknown setting(s) {unknown}; known: {sorted(known)}")
    return Tau2Control(**control)


def check_model(measure: str, method: str, test: str) -> tuple[str, str]:
    """Canonical (method, test); the GLMM is the binomial-normal model on the logit scale."""
    if isinstance(method, str) and method.upper() == GLMM:
        if measure != "PLO":
            raise ValueError(
                f"method='GLMM' models the logit of the proportion; it needs measure='PLO', "
                f"not measure={measure!r}"
            )
        return GLMM, check_test(test, GLMM_TESTS)
    return check_method(method, METHODS), check_test(test, TESTS)


def fit_model(
    data: ProportionData,
    X: np.ndarray | None,
    measure: str,
    method: str,
    test: str,
    level: float,
    add: float | None,
    to: str,
    control: Tau2Control,
) -> RmaFit:
    """Effect sizes for ``data`` and the model fitted to them (``X`` None: intercept only)."""
    yi, vi = escalc(data.events, data.n, measure, add, to)
    if method == GLMM:
        return fit_glmm(data.events, data.n, yi, vi, X, test, level)
    return fit_rma(yi, vi, X, method, test, level, control)


def summarise(fit: RmaFit, data: ProportionData | EffectSizeData, measure: str) -> MetaResult:
    """The public result of an intercept-only fit (counts are NaN for effect-size data)."""
    interval = tau2_confint(fit)
    pred = predict(fit)
    return MetaResult(
        measure=measure,
        method=fit.method,
        test=fit.test,
        level=1 - fit.alpha,
        k=fit.k,
        estimate=float(fit.beta[0]),
        se=float(fit.se[0]),
        stat=float(fit.stat[0]),
        pval=float(fit.pval[0]),
        ci_low=float(fit.ci_low[0]),
        ci_high=float(fit.ci_high[0]),
        df=fit.df,
        tau2=fit.tau2,
        tau2_ci_low=interval.tau2_low,
        tau2_ci_high=interval.tau2_high,
        i2=fit.i2,
        i2_ci_low=interval.i2_low,
        i2_ci_high=interval.i2_high,
        h2=fit.h2,
        h2_ci_low=interval.h2_low,
        h2_ci_high=interval.h2_high,
        q=fit.qe,
        q_df=fit.k - fit.p,
        q_p=fit.qe_p,
        pi_low=float(pred.pi_low[0]),
        pi_high=float(pred.pi_high[0]),
        studies=StudyTable(
            labels=data.labels,
            events=data.events,
            n=data.n,
            yi=fit.yi,
            vi=fit.vi,
            weights=fit.weights,
            groups=data.groups,
        ),
        q_lrt=getattr(fit, "qe_lrt", math.nan),
        q_lrt_p=getattr(fit, "qe_lrt_p", math.nan),
        converged=getattr(fit, "converged", True),
    )
