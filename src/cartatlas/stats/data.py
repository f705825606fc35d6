"""Validated study-level input: event counts, sample sizes, labels and subgroups.

Validation happens once, at the boundary, so that the estimators can assume clean arrays.
Every error names the argument and the index of the offending study, because the person who
has to fix it is looking at a spreadsheet row, not at a traceback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["EffectSizeData", "ProportionData", "as_effect_data", "as_proportion_data"]


@dataclass(frozen=True)
class ProportionData:
    """Events and sample sizes of k studies, already checked.

    ``labels`` are study labels (defaults ``"Study 1"``...), ``groups`` the subgroup label of each
    study or ``None``.
    """

    events: np.ndarray
    n: np.ndarray
    labels: tuple[str, ...]
    groups: tuple[str, ...] | None = None

    @property
    def k(self) -> int:
        return int(self.events.size)

    def subset(self, mask: np.ndarray) -> ProportionData:
        """The studies where ``mask`` is true, in their original order."""
        idx = np.flatnonzero(mask)
        return ProportionData(
            events=self.events[idx],
            n=self.n[idx],
            labels=tuple(self.labels[i] for i in idx),
            groups=None if self.groups is None else tuple(self.groups[i] for i in idx),
        )


def _first(mask: np.ndarray) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _as_float_vector(values: object, name: str) -> np.ndarray:
    if isinstance(values, str | bytes):
        raise ValueError(f"{name} must be a sequence of numbers, not a string")
    try:
        out = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        out = None
    if out is None or out.ndim != 1:
        # Slow path only to name the offending element.
        try:
            items = list(values)  # type: ignore[call-overload]
        except TypeError:
            raise ValueError(f"{name} must be a sequence of numbers") from None
        for i, value in enumerate(items):
            if value is None:
                raise ValueError(f"{name}[{i}] is missing (None)")
            try:
                float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{name}[{i}] is not a number: {value!r}") from None
        raise ValueError(f"{name} must be a one-dimensional sequence of numbers")
    if (i := _first(~np.isfinite(out))) is not None:
        what = "NaN (missing)" if np.isnan(out[i]) else "infinite"
        raise ValueError(f"{name}[{i}] is {what}")
    return out


def _as_labels(values: object, name: str, k: int) -> tuple[str, ...]:
    try:
        items = list(values)  # type: ignore[call-overload]
    except TypeError:
        raise ValueError(f"{name} must be a sequence of labels") from None
    if len(items) != k:
        raise ValueError(f"{name} has {len(items)} values but events has {k}")
    out = []
    for i, item in enumerate(items):
        if item is None or (isinstance(item, float) and math.isnan(item)):
            raise ValueError(f"{name}[{i}] is missing")
        out.append(str(item))
    return tuple(out)


def as_proportion_data(
    events: object,
    n: object,
    labels: object | None = None,
    subgroups: object | None = None,
) -> ProportionData:
    """Check and package study counts.

    Raises ``ValueError`` naming the argument and study index for negative counts, events > n,
    n = 0, NaN or missing values, and for arguments whose lengths differ.
    """
    ev = _as_float_vector(events, "events")
    nn = _as_float_vector(n, "n")
    if ev.size != nn.size:
        raise ValueError(f"events has {ev.size} values but n has {nn.size}; lengths must match")
    if ev.size == 0:
        raise ValueError("events is empty; at least one study is needed")
    if (i := _first(nn <= 0)) is not None:
        raise ValueError(f"n[{i}] must be positive, got {nn[i]:g}")
    if (i := _first(ev < 0)) is not None:
        raise ValueError(f"events[{i}] is negative ({ev[i]:g})")
    if (i := _first(ev > nn)) is not None:
        raise ValueError(f"events[{i}] = {ev[i]:g} exceeds n[{i}] = {nn[i]:g}")
    k = ev.size
    if labels is None:
        study_labels = tuple(f"Study {i + 1}" for i in range(k))
    else:
        study_labels = _as_labels(labels, "labels", k)
    groups = None if subgroups is None else _as_labels(subgroups, "subgroups", k)
    return ProportionData(events=ev, n=nn, labels=study_labels, groups=groups)


@dataclass(frozen=True)
class EffectSizeData:
    """Effect sizes ``yi`` with sampling variances ``vi`` of k studies, already checked.

    Counts are unknown for such data (a hazard ratio has no events / n); ``events`` and ``n``
    are NaN so that results and tables built for proportions say "not available" rather than 0.
    """

    yi: np.ndarray
    vi: np.ndarray
    labels: tuple[str, ...]
    groups: tuple[str, ...] | None = None

    @property
    def k(self) -> int:
        return int(self.yi.size)

    @property
    def events(self) -> np.ndarray:
        return np.full(self.k, np.nan)

    @property
    def n(self) -> np.ndarray:
        return np.full(self.k, np.nan)


def as_effect_data(yi: object, sei: object, labels: object | None = None) -> EffectSizeData:
    """Check effect sizes and their standard errors (both finite, ``sei`` > 0, same length)."""
    y = _as_float_vector(yi, "yi")
    se = _as_float_vector(sei, "sei")
    if y.size != se.size:
        raise ValueError(f"yi has {y.size} values but sei has {se.size}; lengths must match")
    if y.size == 0:
        raise ValueError("yi is empty; at least one study is needed")
    if (i := _first(se <= 0)) is not None:
        raise ValueError(f"sei[{i}] must be positive, got {se[i]:g}")
    k = y.size
    study_labels = (
        tuple(f"Study {i + 1}" for i in range(k))
        if labels is None
        else _as_labels(labels, "labels", k)
    )
    return EffectSizeData(yi=y, vi=se**2, labels=study_labels)
