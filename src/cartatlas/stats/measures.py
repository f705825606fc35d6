"""Effect sizes for a single proportion and their back-transformations.

Mirrors metafor's ``escalc()`` for ``measure`` in PR, PLO, PAS, PFT (metafor 3.8,
Viechtbauer 2010) including its default continuity correction, and the inverse transformations
``transf.ilogit``, ``transf.iarcsin`` and ``transf.ipft.hm``, so that every pooled number can be
compared one-to-one with metafor.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

__all__ = [
    "GENERIC",
    "MEASURES",
    "CORRECTION_TARGETS",
    "FreemanTukeyWarning",
    "back_transform",
    "check_measure",
    "escalc",
    "ipft",
    "pft",
]

MEASURES: dict[str, str] = {
    "PLO": "logit-transformed proportion",
    "PAS": "arcsine square-root transformed proportion",
    "PFT": "Freeman-Tukey double arcsine transformed proportion",
    "PR": "raw proportion",
}
CORRECTION_TARGETS = ("only0", "all", "if0all", "none")
# metafor's name for effect sizes given directly (yi with sei or vi): log hazard ratios, logits
# of survival rates, ... They are reported on their own scale (no back-transformation).
GENERIC = "GEN"

# escalc() adds nothing for the variance-stabilising transformations unless asked to: both are
# finite at 0 and 1, so a correction would only add bias.
_DEFAULT_ADD = {"PLO": 0.5, "PR": 0.5, "PAS": 0.0, "PFT": 0.0}

FREEMAN_TUKEY_ADVICE = (
    "measure='PFT' (Freeman-Tukey double arcsine) is discouraged for pooling proportions: "
    "its inverse needs a single sample size, and the harmonic mean of the study sizes used here "
    "(as metafor's transf.ipft.hm) can put the back-transformed pooled proportion and its "
    "interval far from the data when study sizes differ (Schwarzer et al. 2019, Res Synth "
    "Methods 10:476-483). Prefer method='GLMM' or measure='PLO'."
)


class FreemanTukeyWarning(UserWarning):
    """Issued whenever measure='PFT' is used; see ``FREEMAN_TUKEY_ADVICE``."""


def check_measure(measure: str) -> str:
    """Canonical measure name (case-insensitive)."""
    canonical = measure.upper() if isinstance(measure, str) else measure
    if canonical not in MEASURES:
        raise ValueError(f"measure={measure!r} is not one of {', '.join(MEASURES)}")
    return canonical


def warn_if_freeman_tukey(measure: str, stacklevel: int = 3) -> None:
    if measure == "PFT":
        warnings.warn(FREEMAN_TUKEY_ADVICE, FreemanTukeyWarning, stacklevel=stacklevel)


def _corrected_counts(
    events: np.ndarray, n: np.ndarray, add: float, to: str
) -> tuple[np.ndarray, np.ndarray]:
    """Events and non-events after escalc's continuity correction (``add`` to both cells)."""
    non_events = n - events
    if to == "none" or add == 0:
        return events, non_events
    if to == "all":
        hit = np.ones(events.shape, dtype=bool)
    else:
        hit = (events == 0) | (non_events == 0)
        if to == "if0all":
            hit[:] = hit.any()
    return events + add * hit, non_events + add * hit


def escalc(
    events: np.ndarray,
    n: np.ndarray,
    measure: str = "PLO",
    add: float | None = None,
    to: str = "only0",
) -> tuple[np.ndarray, np.ndarray]:
    """Observed effect sizes ``yi`` and sampling variances ``vi`` as metafor's ``escalc``.

    ``add`` defaults to 1/2 for PLO and PR and to 0 for PAS and PFT, added to the event and the
    non-event count of studies with 0 or n events (``to="only0"``); ``to`` may also be "all",
    "if0all" or "none". Inputs are assumed validated (see ``data.as_proportion_data``).
    """
    measure = check_measure(measure)
    if to not in CORRECTION_TARGETS:
        raise ValueError(f"to={to!r} is not one of {', '.join(CORRECTION_TARGETS)}")
    add = _DEFAULT_ADD[measure] if add is None else float(add)
    if not np.isfinite(add) or add < 0:
        raise ValueError(f"add must be a non-negative number, got {add!r}")
    xi, mi = _corrected_counts(np.asarray(events, float), np.asarray(n, float), add, to)
    ni = xi + mi
    pri = xi / ni
    if measure == "PR":
        yi = pri
        vi = pri * (1 - pri) / ni
    elif measure == "PLO":
        with np.errstate(divide="ignore"):
            yi = np.log(pri / (1 - pri))
            vi = 1 / xi + 1 / mi
    elif measure == "PAS":
        yi = np.arcsin(np.sqrt(pri))
        vi = 1 / (4 * ni)
    else:  # PFT
        yi = 0.5 * (np.arcsin(np.sqrt(xi / (ni + 1))) + np.arcsin(np.sqrt((xi + 1) / (ni + 1))))
        vi = 1 / (4 * ni + 2)
    bad = np.flatnonzero(~np.isfinite(yi) | ~(vi > 0))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"events[{i}] = {events[i]:g} of n[{i}] = {n[i]:g}: measure={measure!r} has no finite "
            "estimate with a positive variance for a proportion of 0 or 1 without a continuity "
            "correction; use add > 0 with to='only0' (the default)"
        )
    return yi, vi


def pft(p: np.ndarray | float, n: np.ndarray | float) -> np.ndarray:
    """Freeman-Tukey double arcsine of proportion ``p`` with sample size ``n`` (transf.pft)."""
    x = np.asarray(p, float) * n
    return 0.5 * (np.arcsin(np.sqrt(x / (n + 1))) + np.arcsin(np.sqrt((x + 1) / (n + 1))))


def ipft(t: np.ndarray | float, n: np.ndarray | float) -> np.ndarray:
    """Miller's (1978) inverse of the double arcsine for sample size ``n`` (transf.ipft).

    Values beyond the transforms of 0 and 1 map to 0 and 1, and values in between where the
    closed form is undefined to NaN, exactly as metafor does.
    """
    t = np.atleast_1d(np.asarray(t, float))
    n = np.broadcast_to(np.asarray(n, float), t.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.sin(2 * t)
        p = 0.5 * (1 - np.sign(np.cos(2 * t)) * np.sqrt(1 - (s + (s - 1 / s) / n) ** 2))
    p = np.where(t > pft(1.0, n), 1.0, p)
    return np.where(t < pft(0.0, n), 0.0, p)


def _iarcsin(t: np.ndarray) -> np.ndarray:
    p = np.sin(t) ** 2
    p = np.where(t < 0, 0.0, p)
    return np.where(t > np.arcsin(1.0), 1.0, p)


def _ilogit(t: np.ndarray) -> np.ndarray:
    # 1/(1+exp(-t)) loses relative precision for large negative t; this form keeps it.
    e = np.exp(-np.abs(t))
    return np.where(t >= 0, 1 / (1 + e), e / (1 + e))


def back_transformer(
    measure: str, n: np.ndarray | None = None
) -> Callable[[np.ndarray], np.ndarray]:
    """The function taking values on the ``measure`` scale to proportions.

    For PFT the inverse needs one sample size; following metafor's ``transf.ipft.hm`` it is the
    harmonic mean of ``n`` (the sample sizes of the studies behind the pooled value).
    """
    if measure == GENERIC:
        return np.asarray
    measure = check_measure(measure)
    if measure == "PLO":
        return _ilogit
    if measure == "PAS":
        return _iarcsin
    if measure == "PR":
        return np.asarray
    if n is None or np.size(n) == 0:
        raise ValueError("the PFT back-transformation needs the studies' sample sizes n")
    n_harmonic = 1 / np.mean(1 / np.asarray(n, float))
    return lambda t: ipft(t, n_harmonic)


def back_transform(
    values: np.ndarray | float, measure: str, n: np.ndarray | None = None
) -> np.ndarray:
    """Proportions corresponding to ``values`` on the ``measure`` scale; see back_transformer."""
    return np.asarray(back_transformer(measure, n)(np.atleast_1d(np.asarray(values, float))))
