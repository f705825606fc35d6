"""Pooling effect sizes given with their standard errors: log hazard ratios, landmark survival.

metafor's ``rma(yi, sei = ...)`` (measure "GEN"): the same inverse-variance models, estimators,
tests, heterogeneity and prediction interval as ``meta_proportions`` (the same ``fit_rma``), only
the effect sizes come from the caller instead of ``escalc``.

Published hazard ratios and survival rates come with a confidence interval, not a standard
error; ``hr_to_log`` and ``logit_from_interval`` recover the standard error on the scale where
the interval is symmetric (log for a hazard ratio, as Cox models report it; logit for a
survival proportion, the scale ``meta_landmark`` pools on so that the pooled rate and its
interval stay inside (0, 1)).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .data import EffectSizeData, _as_float_vector, as_effect_data
from .distributions import norm_isf
from .measures import GENERIC
from .models import as_control, summarise
from .results import MetaResult
from .rma import alpha_from_level, check_method, check_test, fit_rma
from .tau2 import Tau2Control

__all__ = ["hr_to_log", "logit_from_interval", "meta_generic", "meta_landmark"]

Numbers = Sequence[float] | np.ndarray | float


def meta_generic(
    yi: Sequence[float] | np.ndarray,
    sei: Sequence[float] | np.ndarray,
    method: str = "REML",
    test: str = "z",
    *,
    labels: Sequence[str] | None = None,
    level: float = 0.95,
    control: Mapping[str, Any] | Tau2Control | None = None,
) -> MetaResult:
    """Pool effect sizes ``yi`` with standard errors ``sei`` (metafor ``rma(yi, sei=sei)``).

    method: "REML" (default), "DL", "DLIT", "ML", "PM", "PMM", "HE", "HS", "HSk", "SJ",
        "SJIT", "EB", or "CE"/"FE"/"EE" for the common-effect model; test: "z", "knha"
        (Knapp-Hartung; "hk", "hksj"), "adhoc" (its factor not below 1) or "t".
    Results are on the scale of ``yi`` (for log hazard ratios, exponentiate estimate and
    intervals); ``result.measure`` is "GEN" and ``backtransformed()`` is the identity.
    Raises ValueError naming the argument and study index for invalid input.
    """
    data = as_effect_data(yi, sei, labels)
    return _pool(data, GENERIC, method, test, level, control)


def meta_landmark(
    rates: Sequence[float] | np.ndarray,
    ci_low: Sequence[float] | np.ndarray,
    ci_high: Sequence[float] | np.ndarray,
    method: str = "REML",
    test: str = "z",
    *,
    labels: Sequence[str] | None = None,
    level: float = 0.95,
    ci_level: float = 0.95,
    control: Mapping[str, Any] | Tau2Control | None = None,
) -> MetaResult:
    """Pool landmark survival proportions (e.g. 24-month OS) on the logit scale.

    Each study's standard error comes from its published interval (``logit_from_interval``);
    the result has measure "PLO", so ``backtransformed()`` gives proportions.
    """
    yi, sei = logit_from_interval(rates, ci_low, ci_high, ci_level)
    data = as_effect_data(np.atleast_1d(yi), np.atleast_1d(sei), labels)
    return _pool(data, "PLO", method, test, level, control)


def _pool(
    data: EffectSizeData,
    measure: str,
    method: str,
    test: str,
    level: float,
    control: Mapping[str, Any] | Tau2Control | None,
) -> MetaResult:
    method, test = check_method(method), check_test(test)
    fit = fit_rma(data.yi, data.vi, None, method, test, level, as_control(control))
    return summarise(fit, data, measure)


def _interval_inputs(
    name: str, value: Numbers, low: Numbers, high: Numbers, level: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, bool]:
    scalar = np.ndim(value) == 0
    v, lo, hi = (
        _as_float_vector(np.atleast_1d(np.asarray(x, dtype=object)), label)
        for x, label in ((value, name), (low, "ci_low"), (high, "ci_high"))
    )
    if not v.size == lo.size == hi.size:
        raise ValueError(f"{name}, ci_low and ci_high must have the same length")
    bad = np.flatnonzero(~((lo < hi) & (lo <= v) & (v <= hi)))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"interval {i} is not ordered: need ci_low <= {name} <= ci_high with ci_low < "
            f"ci_high, got {lo[i]:g} / {v[i]:g} / {hi[i]:g}"
        )
    crit = norm_isf(alpha_from_level(level) / 2)
    return v, lo, hi, crit, scalar


def _out(yi: np.ndarray, sei: np.ndarray, scalar: bool) -> tuple[Any, Any]:
    return (float(yi[0]), float(sei[0])) if scalar else (yi, sei)


def hr_to_log(
    hr: Numbers, ci_low: Numbers, ci_high: Numbers, level: float = 0.95
) -> tuple[Any, Any]:
    """(log HR, its standard error) from a hazard ratio and its confidence interval.

    sei = (log ci_high - log ci_low) / (2 z_{1 - alpha/2}): the Wald interval of a Cox model is
    symmetric on the log scale. Scalars give floats, sequences give arrays.
    """
    v, lo, hi, crit, scalar = _interval_inputs("hr", hr, ci_low, ci_high, level)
    if (bad := np.flatnonzero(lo <= 0)).size:
        raise ValueError(f"ci_low[{int(bad[0])}] must be positive for a hazard ratio")
    return _out(np.log(v), (np.log(hi) - np.log(lo)) / (2 * crit), scalar)


def logit_from_interval(
    rate: Numbers, ci_low: Numbers, ci_high: Numbers, level: float = 0.95
) -> tuple[Any, Any]:
    """(logit rate, its standard error) from a proportion in (0, 1) and its interval.

    sei = (logit ci_high - logit ci_low) / (2 z_{1 - alpha/2}). Kaplan-Meier intervals are
    usually built on the log-log scale, so this is the average half-width on the logit scale:
    an approximation that is close for rates between about 10 % and 90 %.
    """
    v, lo, hi, crit, scalar = _interval_inputs("rate", rate, ci_low, ci_high, level)
    if (bad := np.flatnonzero((lo <= 0) | (hi >= 1))).size:
        raise ValueError(
            f"interval {int(bad[0])} must lie strictly inside (0, 1) for the logit scale"
        )

    def logit(p: np.ndarray) -> np.ndarray:
        return np.log(p / (1 - p))

    return _out(logit(v), (logit(hi) - logit(lo)) / (2 * crit), scalar)
