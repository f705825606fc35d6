"""Brent's root finder exactly as R's ``uniroot`` (``R_zeroin2`` in R's stats/src/zeroin.c).

metafor finds the Paule-Mandel estimate and the Q-profile interval for tau^2 with ``uniroot``
at its default tolerance (``.Machine$double.eps^0.25`` ~ 1.2e-4). Those numbers are only as
exact as that tolerance, so agreeing with metafor to 1e-6 means taking the *same* iterates,
not a more accurate root. ``scipy.optimize.brentq`` is the same algorithm but differs in its
tolerance test and step acceptance, hence this port.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

__all__ = ["RootNotFound", "uniroot"]

_EPS = sys.float_info.epsilon
R_DEFAULT_TOL = _EPS**0.25


class RootNotFound(RuntimeError):
    """The root finder exhausted its iterations or the bracket had no sign change."""


def uniroot(
    f: Callable[[float], float],
    lower: float,
    upper: float,
    tol: float = R_DEFAULT_TOL,
    maxiter: int = 1000,
    f_lower: float | None = None,
    f_upper: float | None = None,
) -> float:
    """Root of ``f`` in ``[lower, upper]``, returning what R's ``uniroot(...)$root`` returns."""
    fa = f(lower) if f_lower is None else f_lower
    fb = f(upper) if f_upper is None else f_upper
    if fa * fb > 0:
        raise RootNotFound("f() values at end points not of opposite sign")
    a, b = lower, upper
    c, fc = a, fa
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    for _ in range(maxiter + 1):
        prev_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * _EPS * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0.0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:  # two distinct points: secant step
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:  # inverse quadratic interpolation
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tol_act * q) / 2) and p < abs(prev_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    raise RootNotFound(f"no convergence in {maxiter} iterations")
