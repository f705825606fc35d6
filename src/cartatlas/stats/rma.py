"""Random- and common-effect (meta-regression) models: fit, inference, heterogeneity, prediction.

Follows metafor's ``rma.uni`` (Viechtbauer 2010), ``confint.rma.uni`` (Q-profile interval,
Viechtbauer 2007) and ``predict.rma``:

* weights 1/(v_i + tau^2); z tests, or t tests with k - p df (``test="t"``), or Knapp-Hartung
  (``test="knha"``: t with k - p df and the covariance scaled by the weighted residual mean
  square, Knapp & Hartung 2003 / Hartung & Knapp 2001), or with that factor not below 1
  (``test="adhoc"``, Knapp & Hartung's ad hoc correction);
* Cochran's Q with weights 1/v_i; I^2 and H^2 from tau^2 and the "typical" within-study
  variance (k - p) / tr P (Higgins & Thompson 2002), which for the common-effect model reduce
  to the Q-based definitions;
* prediction interval pred +/- crit * sqrt(se^2 + tau^2), crit from N(0,1) or t(k - p) as the
  test (Riley et al. 2011 discuss the choice).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from .distributions import (
    chi2_isf,
    chi2_ppf,
    chi2_sf,
    f_sf,
    norm_isf,
    norm_sf,
    t_isf,
    t_sf,
)
from .linalg import weighted_rss, wls
from .roots import RootNotFound, uniroot
from .tau2 import ESTIMATORS, Tau2Control, estimate_tau2

__all__ = [
    "METHODS",
    "TESTS",
    "Prediction",
    "RmaFit",
    "alpha_from_level",
    "check_method",
    "check_test",
    "critical_value",
    "fit_rma",
    "heterogeneity",
    "predict",
    "tau2_confint",
    "wald_inference",
]

COMMON_EFFECT = "CE"
METHODS = (COMMON_EFFECT, *ESTIMATORS)
_METHOD_ALIASES = {"FE": COMMON_EFFECT, "EE": COMMON_EFFECT, "HSK": "HSk", "MP": "PM"}
TESTS = ("z", "t", "knha", "adhoc")
#: Tests with t quantiles on k - p df and a covariance scaled by the weighted residual mean square.
KNAPP_HARTUNG = ("knha", "adhoc")


_TEST_ALIASES = {"hk": "knha", "hksj": "knha", "kh": "knha"}


def check_method(method: str, allowed: tuple[str, ...] = METHODS) -> str:
    """Canonical method name (case-insensitive; FE and EE mean the common-effect model CE;
    "HSk" is spelt as metafor spells it; "MP" is metafor's other name for "PM")."""
    upper = method.upper() if isinstance(method, str) else method
    canonical = _METHOD_ALIASES.get(upper, upper)
    if canonical not in allowed:
        raise ValueError(f"method={method!r} is not one of {', '.join(allowed)} (or FE/EE)")
    return canonical


def check_test(test: str, allowed: tuple[str, ...] = TESTS) -> str:
    """Canonical test name (case-insensitive; "hk"/"hksj" mean Knapp-Hartung, "knha")."""
    lower = test.lower() if isinstance(test, str) else test
    canonical = _TEST_ALIASES.get(lower, lower)
    if canonical not in allowed:
        raise ValueError(f"test={test!r} is not one of {', '.join(allowed)}")
    return canonical


def alpha_from_level(level: float) -> float:
    """Two-sided alpha from a confidence level given as 0.95 or 95 (as metafor's ``.level``;
    levels below 50% are rejected as almost certainly a mistake)."""
    valid = isinstance(level, int | float) and (0.5 <= level < 1 or 50 <= level < 100)
    if not valid:
        raise ValueError(f"level={level!r} must be in [0.5, 1) or [50, 100), e.g. 0.95 or 95")
    return (100 - level) / 100 if level > 1 else 1 - level


@dataclass(frozen=True)
class RmaFit:
    """A fitted (meta-regression) model on the transformed scale. Arrays are per coefficient."""

    yi: np.ndarray
    vi: np.ndarray
    X: np.ndarray
    method: str
    test: str
    alpha: float
    tau2: float
    beta: np.ndarray
    vb: np.ndarray
    se: np.ndarray
    stat: np.ndarray
    pval: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    df: float  # k - p for t-based tests, NaN for z
    qe: float
    qe_p: float
    i2: float
    h2: float
    vt: float  # typical within-study variance behind I^2
    qm: float
    qm_df: tuple[int, float]  # (numerator df, denominator df or NaN)
    qm_p: float

    @property
    def k(self) -> int:
        return int(self.yi.size)

    @property
    def p(self) -> int:
        return int(self.X.shape[1])

    def critical_value(self) -> float:
        return critical_value(self.alpha, self.df)

    @property
    def weights(self) -> np.ndarray:
        """Percentage weights of the studies, 100 w_i / sum(w), w_i = 1/(v_i + tau^2)."""
        w = 1 / (self.vi + self.tau2)
        return 100 * w / w.sum()


def critical_value(alpha: float, df: float) -> float:
    """Two-sided critical value: N(0,1) when ``df`` is NaN, else t(df) (NaN when df = 0)."""
    if math.isnan(df):
        return norm_isf(alpha / 2)
    return t_isf(alpha / 2, df) if df > 0 else math.nan


def _check_design(X: np.ndarray, k: int, random_effects: bool) -> None:
    p = X.shape[1]
    if k == 1 and p == 1:
        return
    needed = p + 1 if random_effects else p
    if k < needed:
        raise ValueError(
            f"{k} studies cannot support {p} coefficient(s)"
            + (" and tau^2" if random_effects else "")
            + f"; at least {needed} are needed"
        )
    eigenvalues = np.linalg.eigvalsh(X.T @ X)
    if eigenvalues.min() <= 1e-7:
        raise ValueError("the moderator matrix is not of full rank (redundant or constant columns)")


# metafor's ``evtol``: from this ratio of sampling variances on, the weights span more than
# seven orders of magnitude and the fit may not be numerically stable.
DISPARATE_VARIANCES = 1e7


def _warn_if_variances_disparate(vi: np.ndarray) -> None:
    """Warn, as metafor does, when max(v) / min(v) >= 1e7 (e.g. standard errors 1e-3 and 10):
    the results are still computed, but the caller must know they may be unstable."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = vi.max() / vi.min()
    if math.isfinite(ratio) and ratio >= DISPARATE_VARIANCES:
        warnings.warn(
            f"ratio of largest to smallest sampling variance is {ratio:.3g} (>= 1e7): the "
            "results may not be numerically stable (metafor warns the same); check the "
            "standard errors",
            RuntimeWarning,
            stacklevel=4,
        )


def fit_rma(
    yi: np.ndarray,
    vi: np.ndarray,
    X: np.ndarray | None = None,
    method: str = "REML",
    test: str = "z",
    level: float = 0.95,
    control: Tau2Control | None = None,
) -> RmaFit:
    """Fit the model y_i = x_i'beta + u_i + e_i, u_i ~ N(0, tau^2), e_i ~ N(0, v_i).

    ``X`` defaults to an intercept (pooling). ``method`` is a tau^2 estimator or "CE" for the
    common-effect model; ``test`` is "z", "t", "knha" (Knapp-Hartung) or "adhoc" (Knapp-Hartung
    with its scale factor not below 1, metafor's ``test="adhoc"``: with two or three studies
    that agree closely the plain factor falls far below 1 and the interval comes out narrower
    than the common-effect model's z interval).
    """
    method = check_method(method)
    test = check_test(test)
    alpha = alpha_from_level(level)
    control = control or Tau2Control()
    yi = np.asarray(yi, float)
    vi = np.asarray(vi, float)
    k = yi.size
    X = np.ones((k, 1)) if X is None else np.asarray(X, float)
    _check_design(X, k, method != COMMON_EFFECT)
    p = X.shape[1]
    if k == 1 and test != "z":
        warnings.warn('test set to "z" because k = 1 (as metafor does)', UserWarning, stacklevel=3)
        test = "z"
    _warn_if_variances_disparate(vi)
    if method == COMMON_EFFECT and test in KNAPP_HARTUNG:
        warnings.warn(
            "Knapp-Hartung is not meant for the common-effect model", UserWarning, stacklevel=3
        )
    tau2 = 0.0 if method == COMMON_EFFECT or k == 1 else estimate_tau2(yi, vi, X, method, control)

    fit = wls(X, yi, 1 / (vi + tau2))
    vb = fit.A
    if test in KNAPP_HARTUNG:
        rss = fit.rss
        factor = 0.0 if rss <= np.finfo(float).eps else rss / (k - p)
        vb = vb * (max(1.0, factor) if test == "adhoc" else factor)
    return RmaFit(
        yi=yi,
        vi=vi,
        X=X,
        method=method,
        tau2=tau2,
        beta=fit.beta,
        vb=vb,
        **wald_inference(fit.beta, vb, test, alpha, k),
        **heterogeneity(yi, vi, X, tau2, method == COMMON_EFFECT),
    )


def wald_inference(
    beta: np.ndarray, vb: np.ndarray, test: str, alpha: float, k: int
) -> dict[str, Any]:
    """Tests and intervals for the coefficients and the omnibus QM test of all but the
    intercept (of the intercept alone when it is the only coefficient), as metafor."""
    p = beta.size
    se = np.sqrt(np.diag(vb))
    with np.errstate(divide="ignore", invalid="ignore"):  # se = 0: +/-inf as in metafor
        stat = beta / se
    btt = np.arange(1, p) if p > 1 else np.arange(1)
    m = btt.size
    b = beta[btt]
    qm = float(b @ np.linalg.solve(vb[np.ix_(btt, btt)], b)) if np.all(se[btt] > 0) else math.nan
    t_based = test in ("t", *KNAPP_HARTUNG)
    df = float(k - p) if t_based else math.nan
    if t_based:
        qm /= m
        qm_p = f_sf(qm, m, k - p) if k > p else math.nan
        pval = 2 * t_sf(np.abs(stat), k - p) if k > p else np.full(p, math.nan)
    else:
        qm_p = chi2_sf(qm, m)
        pval = 2 * norm_sf(np.abs(stat))
    crit = critical_value(alpha, df)
    return {
        "test": test,
        "alpha": alpha,
        "se": se,
        "stat": stat,
        "pval": np.asarray(pval, float),
        "ci_low": beta - crit * se,
        "ci_high": beta + crit * se,
        "df": df,
        "qm": qm,
        "qm_df": (m, df),
        "qm_p": qm_p,
    }


def heterogeneity(
    yi: np.ndarray, vi: np.ndarray, X: np.ndarray, tau2: float, common_effect: bool
) -> dict[str, float]:
    """Cochran's Q (weights 1/v), its p-value, I^2 (%), H^2 and the typical variance vt."""
    k, p = X.shape
    if k <= p:
        return {"qe": 0.0, "qe_p": 1.0, "i2": 0.0, "h2": 1.0, "vt": 0.0}
    fe = wls(X, yi - yi.mean(), 1 / vi)
    qe = max(0.0, fe.rss)
    vt = (k - p) / fe.trace_p()
    if common_effect:
        i2 = max(0.0, 100 * (qe - (k - p)) / qe) if qe > 0 else 0.0
        h2 = qe / (k - p)
    else:
        i2 = 100 * tau2 / (vt + tau2)
        h2 = tau2 / vt + 1
    return {"qe": qe, "qe_p": chi2_sf(qe, k - p), "i2": i2, "h2": h2, "vt": vt}


@dataclass(frozen=True)
class Tau2Interval:
    """Q-profile confidence interval for tau^2 with the implied intervals for I^2 and H^2."""

    tau2_low: float
    tau2_high: float
    i2_low: float
    i2_high: float
    h2_low: float
    h2_high: float


_NO_INTERVAL = Tau2Interval(*([math.nan] * 6))


def tau2_confint(fit: RmaFit) -> Tau2Interval:
    """Q-profile interval (Viechtbauer 2007) exactly as ``confint.rma.uni``.

    The bounds are where the generalised Q statistic crosses the chi^2_{k-p} quantiles, searched
    on [0, max(100, 10 tau^2)]. When Q(0) is already below the lower quantile both bounds are 0
    (metafor's "null/empty set"). NaN for k = 1, the common-effect model and the GLMM.
    """
    if fit.k == 1 or fit.method not in ESTIMATORS:
        return _NO_INTERVAL
    k, p = fit.k, fit.p
    low = min(0.0, fit.tau2)
    high = max(100.0, fit.tau2 * 10, low * 10)
    crit_u = chi2_isf(fit.alpha / 2, k - p)
    crit_l = chi2_ppf(fit.alpha / 2, k - p)

    def q_minus(target: float):
        return lambda t: weighted_rss(fit.X, fit.yi, 1 / (fit.vi + t)) - target

    q_high = q_minus(0.0)(high)
    q_low = q_minus(0.0)(low)

    def root(target: float) -> float:
        try:
            return uniroot(
                q_minus(target), low, high, f_lower=q_low - target, f_upper=q_high - target
            )
        except RootNotFound:
            warnings.warn("Q-profile search for a tau^2 bound failed", RuntimeWarning, 3)
            return math.nan

    if q_low < crit_l:
        tau2_low = tau2_high = low
    else:
        tau2_high = high if q_high > crit_l else root(crit_l)
    if q_high > crit_u:
        tau2_low = tau2_high = high
    elif q_low < crit_u:
        tau2_low = low
    else:
        tau2_low = root(crit_u)

    def i2(t: float) -> float:
        return 100 * t / (fit.vt + t)

    def h2(t: float) -> float:
        return t / fit.vt + 1

    return Tau2Interval(
        tau2_low, tau2_high, i2(tau2_low), i2(tau2_high), h2(tau2_low), h2(tau2_high)
    )


@dataclass(frozen=True)
class Prediction:
    """Predicted mean effects with confidence and prediction intervals (transformed scale)."""

    pred: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    pi_low: np.ndarray
    pi_high: np.ndarray


def predict(fit: RmaFit, X_new: np.ndarray | None = None) -> Prediction:
    """``predict.rma``: X_new beta with CI and PI. The common-effect model assumes no
    between-study variance, so its PI equals the CI (metafor >= 4 reports it that way)."""
    X_new = np.ones((1, 1)) if X_new is None else np.atleast_2d(np.asarray(X_new, float))
    pred = X_new @ fit.beta
    vpred = np.einsum("ij,jk,ik->i", X_new, fit.vb, X_new)
    se = np.sqrt(np.where(vpred < 0, np.nan, vpred))
    crit = fit.critical_value()
    half = crit * np.sqrt(vpred + fit.tau2)  # tau^2 = 0 for the common-effect model: PI = CI
    return Prediction(pred, se, pred - crit * se, pred + crit * se, pred - half, pred + half)
