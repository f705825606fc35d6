"""Meta-regression of proportions on categorical and continuous moderators.

The model matrix is built as R's ``model.matrix(~ ...)`` with treatment contrasts: an intercept,
one column per continuous moderator, and for a categorical moderator one indicator per level
except the first (the reference). Levels are sorted (R's ``factor()``) unless the column is a
pandas Categorical, whose category order is kept. The omnibus test QM covers every coefficient
but the intercept (Wald chi^2, or F with Knapp-Hartung/t), as ``rma(mods = ...)``; R^2 is
metafor's proportional reduction of tau^2 against the intercept-only model (Raudenbush 2009).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import WLS

from .data import ProportionData, as_proportion_data
from .glmm import GLMM
from .measures import check_measure, warn_if_freeman_tukey
from .models import as_control, check_model, fit_model
from .results import CoefficientTable, MetaRegressionResult, PredictionTable, StudyTable
from .rma import COMMON_EFFECT, RmaFit, predict, tau2_confint
from .tau2 import ConvergenceError, Tau2Control

__all__ = ["Design", "build_design", "meta_regression"]

Moderators = Mapping[str, Sequence[Any]] | pd.DataFrame


@dataclass(frozen=True)
class _Term:
    name: str
    levels: tuple[Any, ...] | None  # None: continuous

    def columns(self, values: pd.Series) -> list[np.ndarray]:
        if self.levels is None:
            return [values.to_numpy(dtype=float)]
        unknown = ~values.isin(self.levels)
        if unknown.any():
            i = int(np.flatnonzero(unknown.to_numpy())[0])
            raise ValueError(
                f"moderator {self.name!r}[{i}] = {values.iloc[i]!r} is not one of the levels "
                f"{list(self.levels)} seen in the fitted data"
            )
        return [(values == level).to_numpy(dtype=float) for level in self.levels[1:]]

    def labels(self) -> list[str]:
        if self.levels is None:
            return [self.name]
        return [f"{self.name}[{level}]" for level in self.levels[1:]]


@dataclass(frozen=True)
class Design:
    """How moderator values become model-matrix columns; reused for predictions."""

    terms: tuple[_Term, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return ("intercept", *(label for term in self.terms for label in term.labels()))

    def matrix(self, moderators: Moderators) -> np.ndarray:
        frame = _as_frame(moderators)
        missing = [term.name for term in self.terms if term.name not in frame]
        if missing:
            raise ValueError(f"moderators lack column(s) {missing}")
        columns = [np.ones(len(frame))]
        for term in self.terms:
            columns += term.columns(frame[term.name])
        return np.column_stack(columns)


def _as_frame(moderators: Moderators) -> pd.DataFrame:
    if isinstance(moderators, pd.DataFrame):
        return moderators.reset_index(drop=True)
    if not isinstance(moderators, Mapping):
        raise ValueError("moderators must be a mapping of name -> values or a DataFrame")
    return pd.DataFrame({name: _as_series(values) for name, values in moderators.items()})


def _as_series(values: Any) -> pd.Series:
    """A column keeping categorical dtypes (category order defines the reference level)."""
    if isinstance(values, pd.Series):
        return values.reset_index(drop=True)
    if isinstance(values, pd.Categorical):
        return pd.Series(values)
    return pd.Series(list(values))


def _is_categorical(values: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)


def build_design(moderators: Moderators, k: int) -> Design:
    """Design for the moderators of k studies; raises ValueError naming bad entries."""
    frame = _as_frame(moderators)
    if frame.shape[1] == 0:
        raise ValueError("moderators is empty; give at least one moderator")
    if len(frame) != k:
        raise ValueError(f"moderators have {len(frame)} rows but events has {k}")
    terms = []
    for name in frame.columns:
        values = frame[name]
        if (missing := np.flatnonzero(values.isna().to_numpy())).size:
            raise ValueError(f"moderator {name!r}[{int(missing[0])}] is missing")
        if isinstance(values.dtype, pd.CategoricalDtype):
            levels = tuple(c for c in values.cat.categories if (values == c).any())
        elif _is_categorical(values):
            levels = tuple(sorted(values.unique(), key=str))
        else:
            if (bad := np.flatnonzero(~np.isfinite(values.to_numpy(float)))).size:
                raise ValueError(f"moderator {name!r}[{int(bad[0])}] is not finite")
            terms.append(_Term(str(name), None))
            continue
        if len(levels) < 2:
            raise ValueError(f"moderator {name!r} has a single level {levels!r}; it cannot vary")
        terms.append(_Term(str(name), levels))
    return Design(tuple(terms))


def _pseudo_r2(
    fit: RmaFit,
    data: ProportionData,
    measure: str,
    level: float,
    add: float | None,
    to: str,
    control: Tau2Control,
) -> float:
    """metafor's R^2 (%): the share of tau^2 explained, against the intercept-only model; for
    the common-effect model the adjusted R^2 of the weighted regression; NaN for the GLMM."""
    if fit.method == GLMM:
        return math.nan
    if fit.method == COMMON_EFFECT:
        if np.var(fit.yi) == 0:
            return 0.0
        adjusted = WLS(fit.yi, fit.X, weights=1 / fit.vi).fit().rsquared_adj
        return max(0.0, 100 * adjusted)
    try:
        total = fit_model(data, None, measure, fit.method, fit.test, level, add, to, control).tau2
    except ConvergenceError:
        # metafor fits the intercept-only model inside try() and reports R^2 as NA when it
        # fails: the regression itself stands, only the share of tau^2 explained is unknown.
        return math.nan
    return 0.0 if total <= 0 else max(0.0, 100 * (total - fit.tau2) / total)


def fit_regression(
    data: ProportionData,
    design: Design,
    moderators: Moderators,
    measure: str,
    method: str,
    test: str,
    level: float,
    add: float | None,
    to: str,
    control: Tau2Control,
) -> MetaRegressionResult:
    """Fit an already validated meta-regression (shared with the subgroup analysis)."""
    X = design.matrix(moderators)
    fit = fit_model(data, X, measure, method, test, level, add, to, control)
    interval = tau2_confint(fit)
    r2 = _pseudo_r2(fit, data, measure, level, add, to, control)

    def predictor(new: Moderators) -> PredictionTable:
        frame = _as_frame(new)
        pred = predict(fit, design.matrix(frame))
        return PredictionTable(
            measure=measure,
            moderators=frame,
            pred=pred.pred,
            se=pred.se,
            ci_low=pred.ci_low,
            ci_high=pred.ci_high,
            pi_low=pred.pi_low,
            pi_high=pred.pi_high,
            n=data.n,
        )

    return MetaRegressionResult(
        measure=measure,
        method=fit.method,
        test=fit.test,
        level=1 - fit.alpha,
        k=fit.k,
        coefficients=CoefficientTable(
            names=design.names,
            estimate=fit.beta,
            se=fit.se,
            stat=fit.stat,
            pval=fit.pval,
            ci_low=fit.ci_low,
            ci_high=fit.ci_high,
        ),
        tau2=fit.tau2,
        tau2_ci_low=interval.tau2_low,
        tau2_ci_high=interval.tau2_high,
        i2=fit.i2,
        h2=fit.h2,
        r2=r2,
        qe=fit.qe,
        qe_df=fit.k - fit.p,
        qe_p=fit.qe_p,
        qm=fit.qm,
        qm_df=fit.qm_df,
        qm_p=fit.qm_p,
        studies=StudyTable(
            labels=data.labels,
            events=data.events,
            n=data.n,
            yi=fit.yi,
            vi=fit.vi,
            weights=fit.weights,
        ),
        predictor=predictor,
        converged=getattr(fit, "converged", True),
    )


def meta_regression(
    events: Sequence[float] | np.ndarray,
    n: Sequence[float] | np.ndarray,
    moderators: Moderators,
    measure: str = "PLO",
    method: str = "REML",
    test: str = "z",
    *,
    labels: Sequence[str] | None = None,
    level: float = 0.95,
    add: float | None = None,
    to: str = "only0",
    control: Mapping[str, Any] | Tau2Control | None = None,
) -> MetaRegressionResult:
    """Mixed-effects meta-regression of proportions (``method="GLMM"`` for the binomial GLMM).

    ``moderators`` maps names to one value per study; strings, booleans and pandas Categoricals
    are categorical, numbers continuous. Predictions for new moderator values, back-transformed
    to proportions, come from ``result.predict({...})``.
    """
    measure = check_measure(measure)
    method, test = check_model(measure, method, test)
    data = as_proportion_data(events, n, labels)
    design = build_design(moderators, data.k)
    warn_if_freeman_tukey(measure)
    return fit_regression(
        data, design, moderators, measure, method, test, level, add, to, as_control(control)
    )
