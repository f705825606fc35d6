"""Tail probabilities and quantiles of the reference distributions.

The same special functions ``scipy.stats`` calls internally (so the same numbers), without its
per-call argument checking, which would otherwise dominate the time of a single small fit.
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["chi2_isf", "chi2_ppf", "chi2_sf", "f_sf", "norm_isf", "norm_sf", "t_isf", "t_sf"]


def norm_sf(x: np.ndarray | float) -> np.ndarray | float:
    return special.ndtr(-np.asarray(x))


def norm_isf(q: float) -> float:
    return float(-special.ndtri(q))


def t_sf(x: np.ndarray | float, df: float) -> np.ndarray | float:
    return special.stdtr(df, -np.asarray(x))


def t_isf(q: float, df: float) -> float:
    return float(-special.stdtrit(df, q))


def chi2_sf(x: float, df: float) -> float:
    return float(special.chdtrc(df, x))


def chi2_isf(q: float, df: float) -> float:
    return float(special.chdtri(df, q))


def chi2_ppf(q: float, df: float) -> float:
    return float(special.chdtri(df, 1.0 - q))


def f_sf(x: float, dfn: float, dfd: float) -> float:
    return float(special.fdtrc(dfn, dfd, x))
