"""Binomial-normal random-effects model (logit link) by maximum likelihood.

    x_i ~ Binomial(n_i, expit(x_i'beta + sigma u_i)),   u_i ~ N(0, 1),   tau^2 = sigma^2

The model of metafor's ``rma.glmm(measure="PLO")`` (model "UM.FS"; Stijnen, Hamza & Ozdemir
2010), which metafor fits with ``lme4::glmer(nAGQ = 7)``. The marginal likelihood of each
study is a one-dimensional integral, evaluated by adaptive Gauss-Hermite quadrature (Liu &
Pierce 1994; Pinheiro & Bates 1995): nodes centred at the conditional mode of u_i and scaled
by its conditional curvature, 7 nodes as lme4 by default. The approximated likelihood is the
one lme4 maximises, so both find the same maximum; lme4 stops earlier (its Nelder-Mead
tolerances), which bounds the agreement at roughly 1e-5.

Standard errors come from the Hessian of the deviance in (sigma, beta), as lme4's ``vcov``
does by default. Heterogeneity tests follow ``rma.glmm``: a Wald-type and a likelihood-ratio
test of the fixed-effects logistic model against the saturated model, both from ``glm``'s
iteratively reweighted least squares, which is reproduced here because the Wald-type test of
studies with 0 or n events depends on where ``glm`` stops.

A fit that does not reach a stationary point with a positive-definite Hessian is flagged
(``converged=False``) and raises a ``GLMMConvergenceWarning``; it is never silent.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from .distributions import chi2_sf
from .linalg import inverse, wls
from .rma import RmaFit, alpha_from_level, heterogeneity, wald_inference

__all__ = ["GLMM", "GLMMConvergenceWarning", "GlmmFit", "fit_glmm"]

GLMM = "GLMM"
N_NODES = 7
_DBL_EPS = np.finfo(float).eps


class GLMMConvergenceWarning(RuntimeWarning):
    """The GLMM optimiser did not reach a verified maximum."""


@dataclass(frozen=True)
class GlmmFit(RmaFit):
    """An RmaFit whose ``qe``/``qe_p`` are the Wald-type test, plus the likelihood-ratio test."""

    qe_lrt: float = math.nan
    qe_lrt_p: float = math.nan
    loglik: float = math.nan
    converged: bool = True

    @property
    def weights(self) -> np.ndarray:
        """A GLMM has no inverse-variance study weights."""
        return np.full(self.k, math.nan)


# ---------------------------------------------------------------------------------------------
# glm(family = binomial) as R computes it


def _logit_inverse(eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """mu and d mu / d eta with R's thresholds (binomial()$linkinv and $mu.eta, in C)."""
    e = np.exp(np.clip(eta, -30, 30))
    outside = np.abs(eta) > 30
    odds = np.where(eta < -30, _DBL_EPS, np.where(eta > 30, 1 / _DBL_EPS, e))
    return odds / (1 + odds), np.where(outside, _DBL_EPS, e / (1 + e) ** 2)


def _binomial_deviance(y: np.ndarray, mu: np.ndarray, n: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(y > 0, y * np.log(y / mu), 0.0)
        b = np.where(y < 1, (1 - y) * np.log((1 - y) / (1 - mu)), 0.0)
    return float(np.sum(2 * n * (a + b)))


@dataclass(frozen=True)
class _GlmFit:
    beta: np.ndarray
    eta: np.ndarray
    w: np.ndarray  # working weights of the last weighted least squares step
    deviance: float
    converged: bool


def _glm_logit(x: np.ndarray, n: np.ndarray, X: np.ndarray, maxit: int = 25) -> _GlmFit:
    """R's ``glm.fit`` for a binomial logit model (start, IRLS and stopping rule)."""
    y = x / n
    start = (n * y + 0.5) / (n + 1)
    eta = np.log(start / (1 - start))
    dev_old = _binomial_deviance(y, _logit_inverse(eta)[0], n)
    for _ in range(maxit):
        mu, dmu = _logit_inverse(eta)
        z = eta + (y - mu) / dmu
        w = n * dmu**2 / (mu * (1 - mu))
        beta, *_ = np.linalg.lstsq(X * np.sqrt(w)[:, None], z * np.sqrt(w), rcond=None)
        eta = X @ beta
        mu, _ = _logit_inverse(eta)
        dev = _binomial_deviance(y, mu, n)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < 1e-8:
            return _GlmFit(beta, eta, w, dev, True)
        dev_old = dev
    return _GlmFit(beta, eta, w, dev, False)


# ---------------------------------------------------------------------------------------------
# Adaptive Gauss-Hermite likelihood


def _gauss_hermite(n_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and log weights for E[f(Z)], Z ~ N(0, 1)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(n_nodes)
    return nodes, np.log(weights / math.sqrt(2 * math.pi))


_NODES, _LOG_WEIGHTS = _gauss_hermite(N_NODES)


def _conditional_modes(
    eta0: np.ndarray, sigma: float, x: np.ndarray, n: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mode of each study's log integrand x eta - n log(1 + e^eta) - u^2/2 and the curvature
    1 + sigma^2 n mu (1 - mu) there, by damped Newton (the integrand is strictly concave)."""

    def objective(u: np.ndarray) -> np.ndarray:
        eta = eta0 + sigma * u
        return x * eta - n * np.logaddexp(0.0, eta) - 0.5 * u * u

    u = np.zeros_like(eta0)
    g = objective(u)
    for _ in range(100):
        mu = special.expit(eta0 + sigma * u)
        curvature = 1 + sigma * sigma * n * mu * (1 - mu)
        step = (sigma * (x - n * mu) - u) / curvature
        for _ in range(30):
            g_new = objective(u + step)
            worse = g_new < g - 1e-12 * np.abs(g)
            if not worse.any():
                break
            step = np.where(worse, step / 2, step)
        u = u + step
        g = g_new
        if np.all(np.abs(step) <= 1e-12 * (1 + np.abs(u))):
            break
    mu = special.expit(eta0 + sigma * u)
    return u, 1 + sigma * sigma * n * mu * (1 - mu)


def _study_log_likelihoods(
    params: np.ndarray, x: np.ndarray, n: np.ndarray, X: np.ndarray, log_choose: np.ndarray
) -> np.ndarray:
    beta, sigma = params[:-1], params[-1]
    nodes, log_weights = _NODES, _LOG_WEIGHTS
    eta0 = X @ beta
    mode, curvature = _conditional_modes(eta0, sigma, x, n)
    scale = 1 / np.sqrt(curvature)
    u = mode[:, None] + scale[:, None] * nodes[None, :]
    eta = eta0[:, None] + sigma * u
    log_f = x[:, None] * eta - n[:, None] * np.logaddexp(0.0, eta)
    terms = log_weights + log_f - 0.5 * u * u + 0.5 * nodes * nodes
    return np.log(scale) + _log_sum_exp_rows(terms) + log_choose


def _log_sum_exp_rows(terms: np.ndarray) -> np.ndarray:
    """``scipy.special.logsumexp(terms, axis=1)``, the same arithmetic in the same order (so
    the same bits) without its array-API dispatch, which cost half of every GLMM fit: the
    largest term of each row is taken out of the sum and added back through ``log1p``. Rows
    whose result is not finite are left to SciPy's own handling of infinities and NaN."""
    top = terms.max(axis=1, keepdims=True)
    is_top = terms == top
    count = is_top.sum(axis=1, keepdims=True).astype(terms.dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        rest = np.exp(np.where(is_top, -np.inf, terms) - top).sum(axis=1, keepdims=True)
    rest = np.where(rest == 0, rest, rest / count)
    out = (np.log1p(rest) + np.log(count) + top)[:, 0]
    return out if np.all(np.isfinite(out)) else special.logsumexp(terms, axis=1)


Objective = Callable[[np.ndarray], float]


def _deviance(params: np.ndarray, *args: np.ndarray) -> float:
    return float(-2 * np.sum(_study_log_likelihoods(params, *args)))


def _gradient(f: Objective, params: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Five-point central differences (error O(h^4)): the optimum is only as exact as this."""
    g = np.empty_like(params)
    for j in range(params.size):
        e = np.zeros_like(params)
        e[j] = h[j]
        g[j] = (f(params - 2 * e) - 8 * f(params - e) + 8 * f(params + e) - f(params + 2 * e)) / (
            12 * h[j]
        )
    return g


def _hessian(f: Objective, params: np.ndarray, h: np.ndarray) -> np.ndarray:
    m = params.size
    f0 = f(params)
    H = np.empty((m, m))
    for i in range(m):
        ei = np.zeros(m)
        ei[i] = h[i]
        H[i, i] = (f(params + ei) - 2 * f0 + f(params - ei)) / h[i] ** 2
        for j in range(i):
            ej = np.zeros(m)
            ej[j] = h[j]
            H[i, j] = H[j, i] = (
                f(params + ei + ej)
                - f(params + ei - ej)
                - f(params - ei + ej)
                + f(params - ei - ej)
            ) / (4 * h[i] * h[j])
    return H


def _maximise(f: Objective, start: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Minimise the deviance: BFGS to get close, then Newton steps on a finite-difference
    Hessian until the step is negligible. The deviance is even in sigma, so sigma is left
    unconstrained and sigma = 0 is an ordinary stationary point."""

    def steps(p: np.ndarray, h: float) -> np.ndarray:
        return h * np.maximum(1.0, np.abs(p))

    def gradient(p: np.ndarray) -> np.ndarray:
        return _gradient(f, p, steps(p, 1e-3))

    def hessian(p: np.ndarray) -> np.ndarray:
        return _hessian(f, p, steps(p, 1e-4))

    res = optimize.minimize(f, start, jac=gradient, method="BFGS", options={"gtol": 1e-6})
    params = res.x
    converged = False
    for _ in range(20):
        H = hessian(params)
        g = gradient(params)
        try:
            step = -np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)):
            break
        f0 = f(params)
        t = 1.0
        while f(params + t * step) > f0 + 1e-10 * abs(f0) and t > 1e-4:
            t /= 2
        params = params + t * step
        if np.max(np.abs(t * step) / np.maximum(1.0, np.abs(params))) < 1e-9:
            converged = True
            break
    H = hessian(params)
    g = gradient(params)
    eig = np.linalg.eigvalsh(H)
    scale = max(1.0, abs(f(params)))
    converged = converged and np.max(np.abs(g)) < 1e-5 * scale and eig.min() > -1e-6 * scale
    return params, H, converged


def _standardising_map(X: np.ndarray) -> np.ndarray:
    """Matrix M such that X M is X with its non-indicator columns centred and scaled to unit SD
    (identity without an intercept); coefficients then map back as beta = M beta_std."""
    p = X.shape[1]
    M = np.eye(p)
    if p == 1 or not np.all(X[:, 0] == 1):
        return M
    for j in range(1, p):
        if np.all((X[:, j] == 0) | (X[:, j] == 1)):
            continue
        mean, sd = X[:, j].mean(), X[:, j].std(ddof=1)
        M[0, j] = -mean / sd
        M[j, j] = 1 / sd
    return M


_FITTED: dict[bytes, GlmmFit] = {}
_FITTED_MAX = 512
_FITTED_LOCK = threading.Lock()


def fit_glmm(
    events: np.ndarray,
    n: np.ndarray,
    yi: np.ndarray,
    vi: np.ndarray,
    X: np.ndarray | None = None,
    test: str = "z",
    level: float = 0.95,
) -> GlmmFit:
    """Fit the binomial-normal model; ``yi``/``vi`` (escalc, PLO) only feed I^2 as in metafor.

    A converged fit is kept for the process and returned again for the same input: a subgroup
    analysis refits each country that was just pooled on its own, and the report and dashboard
    pool the same rows several times (each fit costs tens of milliseconds). A fit that did not
    converge is never kept, so its warning is raised again on every call."""
    arrays = [np.asarray(a, float) for a in (events, n, yi, vi)]
    arrays.append(np.ones((arrays[0].size, 1)) if X is None else np.asarray(X, float))
    key = repr((test, level, [(a.shape, a.tobytes()) for a in arrays])).encode()
    fit = _FITTED.get(key)
    if fit is None:
        fit = _fit_glmm(events, n, yi, vi, X, test, level)
        if fit.converged:
            with _FITTED_LOCK:
                if len(_FITTED) >= _FITTED_MAX:
                    _FITTED.pop(next(iter(_FITTED)))
                _FITTED[key] = fit
    return fit


def _fit_glmm(
    events: np.ndarray,
    n: np.ndarray,
    yi: np.ndarray,
    vi: np.ndarray,
    X: np.ndarray | None,
    test: str,
    level: float,
) -> GlmmFit:
    alpha = alpha_from_level(level)
    x = np.asarray(events, float)
    n = np.asarray(n, float)
    k = x.size
    X = np.ones((k, 1)) if X is None else np.asarray(X, float)
    p = X.shape[1]
    if k < p + 1:
        raise ValueError(
            f"the GLMM needs at least {p + 1} studies to estimate {p} coefficient(s) and tau^2; "
            f"got k = {k}"
        )
    if np.all(x == 0) or np.all(x == n):
        raise ValueError(
            "events: every study has 0 events (or every study has n events); the logit-scale "
            "GLMM has no finite maximum likelihood estimate"
        )
    if np.linalg.eigvalsh(X.T @ X).min() <= 1e-7:
        raise ValueError("the moderator matrix is not of full rank (redundant or constant columns)")

    fixed = _glm_logit(x, n, X)
    saturated = _glm_logit(x, n, np.eye(k))
    # Wald-type test of the saturated against the fixed-effects model: the weighted residual
    # sum of squares of the saturated linear predictor, weights from glm's last IRLS step.
    qe_wald = max(0.0, wls(X, saturated.eta, saturated.w).rss)
    qe_lrt = max(0.0, fixed.deviance - saturated.deviance)

    log_choose = special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)
    # As rma.glmm (scaleX): fit with standardised continuous moderators, which keeps the
    # optimisation well conditioned, and map the coefficients back afterwards.
    back = _standardising_map(X)
    X_fit = X @ back
    args = (x, n, X_fit, log_choose)

    def deviance(params: np.ndarray) -> float:
        return _deviance(params, *args)

    sigma0 = math.sqrt(max(float(np.var(yi)) - float(np.mean(vi)), 0.05))
    start = np.append(np.linalg.solve(back, fixed.beta), sigma0)
    params, H, converged = _maximise(deviance, start)
    params[-1] = abs(params[-1])
    # sigma = 0 is a stationary point (the deviance is even in sigma); report it exactly when
    # the optimiser ends numerically on it.
    at_zero = np.append(params[:-1], 0.0)
    if params[-1] < 1e-6 and deviance(at_zero) <= deviance(params) + 1e-10 * abs(deviance(params)):
        params = at_zero
    sigma = params[-1]
    # lme4: vcov from the inverse Hessian of the deviance (2 H^-1), falling back to the
    # beta block alone when the full Hessian is not positive definite (sigma at 0).
    vb = 2 * np.linalg.inv(H)[:p, :p] if np.linalg.eigvalsh(H).min() > 0 else 2 * inverse(H[:p, :p])
    beta = back @ params[:-1]
    vb = back @ vb @ back.T
    if not converged:
        warnings.warn(
            "GLMM: the maximum likelihood fit did not converge (no stationary point with a "
            "positive-definite Hessian); results are unreliable",
            GLMMConvergenceWarning,
            stacklevel=4,
        )
    het = heterogeneity(np.asarray(yi, float), np.asarray(vi, float), X, sigma**2, False)
    df_q = k - p
    return GlmmFit(
        yi=np.asarray(yi, float),
        vi=np.asarray(vi, float),
        X=X,
        method=GLMM,
        tau2=sigma**2,
        beta=beta,
        vb=vb,
        **wald_inference(beta, vb, test, alpha, k),
        qe=qe_wald,
        qe_p=chi2_sf(qe_wald, df_q),
        i2=het["i2"],
        h2=het["h2"],
        vt=het["vt"],
        qe_lrt=qe_lrt,
        qe_lrt_p=chi2_sf(qe_lrt, df_q),
        loglik=-0.5 * deviance(params),
        converged=converged,
    )
