"""Estimators of the between-study variance tau^2, one function per estimator.

Each follows metafor's ``rma.uni`` (3.8) step for step: the same starting values, the same
Fisher-scoring updates with step halving, the same stopping rule (change < 1e-5) and the same
root finder, so the returned tau^2 equals metafor's to rounding error rather than merely to its
convergence tolerance. All estimators work with moderators (``X`` is the k x p model matrix);
like metafor they use the mean-centred outcomes, which changes nothing mathematically but keeps
the sums well conditioned.

References: DerSimonian & Laird (1986); Hedges & Olkin (1985) for HE; Sidik & Jonkman (2005)
for SJ; Paule & Mandel (1982) for PM; Morris (1983) for EB; Viechtbauer (2005) for ML/REML.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .distributions import chi2_ppf
from .linalg import WLS, mad, weighted_rss, wls
from .roots import R_DEFAULT_TOL, RootNotFound, uniroot

__all__ = [
    "ESTIMATORS",
    "ConvergenceError",
    "Tau2Control",
    "estimate_tau2",
    "tau2_dl",
    "tau2_dlit",
    "tau2_eb",
    "tau2_he",
    "tau2_hs",
    "tau2_hsk",
    "tau2_ml",
    "tau2_pm",
    "tau2_pmm",
    "tau2_reml",
    "tau2_sj",
    "tau2_sjit",
]


class ConvergenceError(RuntimeError):
    """An iterative estimator did not converge; the message says what to try."""


@dataclass(frozen=True)
class Tau2Control:
    """Tuning of the iterative estimators; the defaults are metafor's.

    ``threshold``/``maxiter``/``stepadj`` drive Fisher scoring (ML, REML, EB); ``tol`` is the
    root-finder tolerance for PM; ``tau2_max`` defaults to max(100, 10 * mad(y)^2).
    """

    threshold: float = 1e-5
    maxiter: int = 100
    stepadj: float = 1.0
    tau2_init: float | None = None
    tau2_min: float = 0.0
    tau2_max: float | None = None
    tol: float = R_DEFAULT_TOL
    ll0check: bool = True

    def upper_bound(self, y: np.ndarray) -> float:
        if self.tau2_max is not None:
            return self.tau2_max
        return max(100.0, 10 * mad(y) ** 2)


def _ols_pieces(y: np.ndarray, v: np.ndarray, X: np.ndarray) -> tuple[float, float]:
    """OLS residual sum of squares and tr(P V) with P = I - X (X'X)^-1 X'."""
    fit = wls(X, y, np.ones_like(y))
    leverage = np.einsum("ij,jk,ik->i", X, fit.A, X)
    return fit.rss, float(np.dot(v, 1 - leverage))


def tau2_he(y: np.ndarray, v: np.ndarray, X: np.ndarray, control: Tau2Control) -> float:
    """Hedges (method-of-moments on OLS residuals); untruncated, as the starting value."""
    k, p = X.shape
    rss, tr_pv = _ols_pieces(y, v, X)
    return (rss - tr_pv) / (k - p)


def tau2_dl(y: np.ndarray, v: np.ndarray, X: np.ndarray, control: Tau2Control) -> float:
    """DerSimonian-Laird: method of moments on Cochran's Q with weights 1/v."""
    k, p = X.shape
    fit = wls(X, y, 1 / v)
    return (fit.rss - (k - p)) / fit.trace_p()


def _hunter_schmidt(y: np.ndarray, v: np.ndarray, X: np.ndarray, small_k: bool) -> float:
    k, p = X.shape
    fit = wls(X, y, 1 / v)
    q = fit.rss * k / (k - p) if small_k else fit.rss
    return (q - k) / fit.w.sum()


def tau2_hs(y: np.ndarray, v: np.ndarray, X: np.ndarray, control: Tau2Control) -> float:
    """Hunter-Schmidt: (Q - k) / sum(1/v), Q with weights 1/v (Viechtbauer et al. 2015)."""
    return _hunter_schmidt(y, v, X, small_k=False)


def tau2_hsk(y: np.ndarray, v: np.ndarray, X: np.ndarray, control: Tau2Control) -> float:
    """Hunter-Schmidt with the small-k correction: (Q k / (k - p) - k) / sum(1/v)."""
    return _hunter_schmidt(y, v, X, small_k=True)


def tau2_sj(y: np.ndarray, v: np.ndarray, X: np.ndarray, control: Tau2Control) -> float:
    """Sidik-Jonkman: one re-weighting step from the variance of the outcomes."""
    k, p = X.shape
    tau0 = control.tau2_init if control.tau2_init is not None else float(np.mean(y**2))
    fit = wls(X, y, 1 / (v + tau0))
    return tau0 * fit.rss / (k - p)


def _generalised_q(y: np.ndarray, v: np.ndarray, X: np.ndarray, tau2: float) -> float:
    return weighted_rss(X, y, 1 / (v + tau2))


def _iterate(
    update: Callable[[float], float], start: float, control: Tau2Control, name: str
) -> float:
    """metafor's fixed-point loop (DLIT, SJIT): repeat until the change is below threshold."""
    tau2, change, iteration = start, control.threshold + 1, 0
    while change > control.threshold:
        iteration += 1
        old, tau2 = tau2, update(tau2)
        change = abs(old - tau2)
        if iteration > control.maxiter:
            raise ConvergenceError(
                f"{name}: the iterative estimator did not converge in {control.maxiter} "
                "iterations; try a larger maxiter or another method"
            )
    return tau2


def tau2_dlit(y: np.ndarray, v: np.ndarray, X: np.ndarray, control: Tau2Control) -> float:
    """Iterated DerSimonian-Laird: DL with weights 1/(v + tau^2) until tau^2 stops changing
    (from 0, truncated at tau2_min in every step, as metafor)."""
    k, p = X.shape

    def update(tau2: float) -> float:
        fit = wls(X, y, 1 / (v + tau2))
        return max(control.tau2_min, (fit.rss - (k - p)) / fit.trace_p())

    start = control.tau2_init if control.tau2_init is not None else 0.0
    return _iterate(update, start, control, "DLIT")


def tau2_sjit(y: np.ndarray, v: np.ndarray, X: np.ndarray, control: Tau2Control) -> float:
    """Iterated Sidik-Jonkman: the SJ re-weighting repeated to its fixed point."""
    k, p = X.shape

    def update(tau2: float) -> float:
        return tau2 * wls(X, y, 1 / (v + tau2)).rss / (k - p)

    start = control.tau2_init if control.tau2_init is not None else float(np.mean(y**2))
    return _iterate(update, start, control, "SJIT")


def tau2_pm(y: np.ndarray, v: np.ndarray, X: np.ndarray, control: Tau2Control) -> float:
    """Paule-Mandel: the tau^2 at which the generalised Q equals its expectation k - p."""
    k, p = X.shape
    return _paule_mandel(y, v, X, control, k - p, "PM")


def tau2_pmm(y: np.ndarray, v: np.ndarray, X: np.ndarray, control: Tau2Control) -> float:
    """Median-unbiased Paule-Mandel (metafor's "PMM"): Q equals the median of chi^2_{k-p}."""
    k, p = X.shape
    return _paule_mandel(y, v, X, control, chi2_ppf(0.5, k - p), "PMM")


def _paule_mandel(
    y: np.ndarray, v: np.ndarray, X: np.ndarray, control: Tau2Control, target: float, name: str
) -> float:
    low, high = control.tau2_min, control.upper_bound(y)
    q_low = _generalised_q(y, v, X, low)
    if q_low < target:
        return low
    q_high = _generalised_q(y, v, X, high)
    if q_high > target:
        raise ConvergenceError(
            f"{name}: tau2_max = {high:g} is too low (Q still above {target:g} there); "
            "raise control tau2_max or use another method"
        )
    try:
        return uniroot(
            lambda t: _generalised_q(y, v, X, t) - target,
            low,
            high,
            tol=control.tol,
            maxiter=control.maxiter,
            f_lower=q_low - target,
            f_upper=q_high - target,
        )
    except RootNotFound as exc:
        raise ConvergenceError(f"{name}: root search for tau^2 failed ({exc})") from exc


def _step_reml(fit: WLS, k: int, p: int) -> float:
    return (fit.rss2 - fit.trace_p()) / fit.trace_pp()


def _step_ml(fit: WLS, k: int, p: int) -> float:
    return (fit.rss2 - fit.w.sum()) / np.dot(fit.w, fit.w)


def _step_eb(fit: WLS, k: int, p: int) -> float:
    return (fit.rss * k / (k - p) - k) / fit.w.sum()


def _log_likelihood(
    y: np.ndarray, v: np.ndarray, X: np.ndarray, tau2: float, restricted: bool
) -> float:
    """(Restricted) log-likelihood as in metafor's ll0check (REML without the |X'X| term)."""
    k, p = X.shape
    fit = wls(X, y, 1 / (v + tau2))
    ll = -0.5 * np.sum(np.log(v + tau2)) - 0.5 * fit.rss
    if not restricted:
        return ll - 0.5 * k * math.log(2 * math.pi)
    logdet = np.linalg.slogdet(fit.xw.T @ X)[1]
    return ll - 0.5 * (k - p) * math.log(2 * math.pi) - 0.5 * logdet


def _fisher_scoring(
    y: np.ndarray,
    v: np.ndarray,
    X: np.ndarray,
    control: Tau2Control,
    step: Callable[[WLS, int, int], float],
    name: str,
) -> float:
    k, p = X.shape
    if control.tau2_init is None:
        tau2 = max(0.0, tau2_he(y, v, X, control), control.tau2_min)
    else:
        tau2 = control.tau2_init
    change = control.threshold + 1
    iteration = 0
    while change > control.threshold:
        iteration += 1
        old = tau2
        adj = float(step(wls(X, y, 1 / (v + tau2)), k, p)) * control.stepadj
        if math.isnan(adj):
            adj = 0.0
        if tau2 + adj < control.tau2_min:
            # metafor halves the step until it is feasible; from the boundary itself that only
            # ends when the step underflows to zero, which is what this shortcut returns.
            if tau2 <= control.tau2_min:
                adj = 0.0
            while tau2 + adj < control.tau2_min:
                adj /= 2
        tau2 = tau2 + adj
        change = abs(old - tau2)
        if iteration > control.maxiter:
            raise ConvergenceError(
                f"{name}: Fisher scoring did not converge in {control.maxiter} iterations; "
                "try control stepadj=0.5 or a larger maxiter"
            )
    if name in ("ML", "REML") and control.ll0check and tau2 > control.threshold:
        restricted = name == "REML"
        ll0 = _log_likelihood(y, v, X, 0.0, restricted)
        ll = _log_likelihood(y, v, X, tau2, restricted)
        if ll0 - ll > control.tol:
            warnings.warn(
                f"{name}: Fisher scoring may have stopped at a local maximum; tau^2 set to 0 "
                "because the likelihood is higher there (as metafor does)",
                RuntimeWarning,
                stacklevel=4,
            )
            tau2 = 0.0
    return tau2


def tau2_reml(y: np.ndarray, v: np.ndarray, X: np.ndarray, control: Tau2Control) -> float:
    """Restricted maximum likelihood by Fisher scoring."""
    return _fisher_scoring(y, v, X, control, _step_reml, "REML")


def tau2_ml(y: np.ndarray, v: np.ndarray, X: np.ndarray, control: Tau2Control) -> float:
    """Maximum likelihood by Fisher scoring."""
    return _fisher_scoring(y, v, X, control, _step_ml, "ML")


def tau2_eb(y: np.ndarray, v: np.ndarray, X: np.ndarray, control: Tau2Control) -> float:
    """Empirical Bayes (Morris 1983), which coincides with Paule-Mandel at convergence."""
    return _fisher_scoring(y, v, X, control, _step_eb, "EB")


ESTIMATORS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray, Tau2Control], float]] = {
    "DL": tau2_dl,
    "DLIT": tau2_dlit,
    "REML": tau2_reml,
    "ML": tau2_ml,
    "PM": tau2_pm,
    "PMM": tau2_pmm,
    "HE": tau2_he,
    "HS": tau2_hs,
    "HSk": tau2_hsk,
    "SJ": tau2_sj,
    "SJIT": tau2_sjit,
    "EB": tau2_eb,
}


def estimate_tau2(
    y: np.ndarray, v: np.ndarray, X: np.ndarray, method: str, control: Tau2Control
) -> float:
    """tau^2 by ``method``, truncated at ``control.tau2_min`` as metafor does for every method."""
    centred = y - y.mean()
    return max(control.tau2_min, ESTIMATORS[method](centred, v, X, control))
