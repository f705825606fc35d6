"""Weighted least squares pieces shared by the tau^2 estimators and the model fit.

metafor builds k x k projection matrices P = W - W X (X'WX)^-1 X'W. Every quantity it needs
(y'Py, y'PPy, tr P, tr PP) has a closed form in p x p matrices, which is what is used here:
the same numbers, without O(k^2) memory, and fast enough for thousands of fits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["WLS", "inverse", "mad", "weighted_rss", "wls"]


def inverse(m: np.ndarray) -> np.ndarray:
    """Inverse of a small symmetric positive-definite matrix (1 x 1 without LAPACK overhead)."""
    if m.shape == (1, 1):
        return 1.0 / m
    return np.linalg.inv(m)


@dataclass(frozen=True)
class WLS:
    """Weighted least squares of ``y`` on ``X`` with weights ``w``.

    ``A`` is (X'WX)^-1, ``resid`` is y - X beta. ``rss`` is y'Py (the generalised Q statistic).
    """

    w: np.ndarray
    xw: np.ndarray
    beta: np.ndarray
    A: np.ndarray
    resid: np.ndarray

    @property
    def rss(self) -> float:
        return float(np.dot(self.w * self.resid, self.resid))

    @property
    def rss2(self) -> float:
        """y'PPy = ||W r||^2, because P y = W (y - X beta)."""
        wr = self.w * self.resid
        return float(np.dot(wr, wr))

    def trace_p(self) -> float:
        """tr P = sum(w) - tr(A X'W^2 X)."""
        return float(self.w.sum() - np.trace(self.A @ (self.xw.T @ self.xw)))

    def trace_pp(self) -> float:
        """tr PP = sum(w^2) - 2 tr(A X'W^3 X) + tr((A X'W^2 X)^2)."""
        b = self.A @ (self.xw.T @ self.xw)
        c = self.A @ (self.xw.T @ (self.xw * self.w[:, None]))
        return float(np.dot(self.w, self.w) - 2 * np.trace(c) + np.sum(b * b.T))


def wls(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> WLS:
    xw = X * w[:, None]
    A = inverse(X.T @ xw)
    beta = A @ (xw.T @ y)
    return WLS(w=w, xw=xw, beta=beta, A=A, resid=y - X @ beta)


def weighted_rss(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    """y'Py alone (the generalised Q statistic), the inner loop of the root searches for tau^2."""
    if X.shape[1] == 1:  # intercept only: the weighted mean needs no matrix algebra
        r = y - np.dot(w, y) / w.sum()
        return float(np.dot(w * r, r))
    return wls(X, y, w).rss


def mad(x: np.ndarray) -> float:
    """R's ``mad()``: median absolute deviation scaled by 1.4826."""
    return float(1.4826 * np.median(np.abs(x - np.median(x))))
