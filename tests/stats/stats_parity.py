"""Shared helpers for the metafor parity tests: the reference JSON and a tolerant comparison."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

REFERENCE = Path(__file__).parent / "reference" / "metafor_reference.json"

RMA_RTOL = 1e-6  # rma.uni quantities
GLMM_RTOL = 1e-4  # rma.glmm
# lme4 is accurate to ~1e-5 relative: its default optimiser stops short of the maximum, and for
# very large tau^2 its quadrature is centred/scaled from a not fully converged PIRLS step. So
# GLMM values below 1 in magnitude (logit-scale estimates near 0, statistics near 0,
# probabilities) are compared on the absolute scale: |ours - metafor| <= 1e-4 * max(|metafor|, 1).
GLMM_FLOOR = 1.0
# Values smaller than FLOOR in magnitude are compared on the absolute scale (deviation relative
# to FLOOR): tau^2 = 0 computed as 1e-17 by one side and 0 by the other is not a disagreement.
FLOOR = 1e-4


@cache
def reference() -> dict[str, Any]:
    return json.loads(REFERENCE.read_text())


def dataset(name: str) -> dict[str, Any]:
    d = reference()["datasets"][name]
    return {
        "events": np.atleast_1d(np.asarray(d["events"], float)),
        "n": np.atleast_1d(np.asarray(d["n"], float)),
        "groups": None if d.get("groups") is None else list(np.atleast_1d(d["groups"])),
        "moderators": d.get("moderators"),
    }


def case_id(case: dict[str, Any]) -> str:
    keys = ("dataset", "measure", "method", "test", "model", "level")
    return "-".join(str(case[k]) for k in keys if k in case and case[k] is not None)


_SPECIAL = {"NA": math.nan, "NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf, None: math.nan}


def as_array(value: Any) -> np.ndarray:
    """Numbers from the JSON, where R's NA/NaN/Inf/-Inf are strings (and NULL is null)."""
    items = np.atleast_1d(np.asarray(value, dtype=object))
    return np.array([_SPECIAL[v] if v is None or isinstance(v, str) else v for v in items], float)


def deviations(actual: Any, expected: Any, floor: float = FLOOR) -> np.ndarray:
    """|actual - expected| / max(|expected|, floor); 0 where both are NaN, inf where only one
    is (metafor's NA must be our NaN and vice versa)."""
    a, e = as_array(actual), as_array(expected)
    if e.size == 1 and a.size > 1:  # R's NULL/NA for a whole vector, e.g. no PI under FE
        e = np.full(a.shape, e[0])
    if a.shape != e.shape:
        return np.full(max(a.size, e.size), np.inf)
    with np.errstate(invalid="ignore"):
        out = np.abs(a - e) / np.maximum(np.abs(e), floor)
    both_nan = np.isnan(a) & np.isnan(e)
    one_nan = np.isnan(a) ^ np.isnan(e)
    out[both_nan | (a == e)] = 0.0  # a == e also covers equal infinities
    out[one_nan] = np.inf
    return out


def compare(
    actual: dict[str, Any], expected: dict[str, Any], rtol: float, floor: float = FLOOR
) -> list[str]:
    """Mismatch descriptions for every key of ``expected`` present in ``actual``."""
    problems = []
    for key, want in expected.items():
        if key not in actual:
            continue
        dev = deviations(actual[key], want, floor)
        if np.any(dev > rtol):
            problems.append(
                f"{key}: got {actual[key]!r}, metafor {want!r} (max dev {dev.max():.2g})"
            )
    return problems
