"""``meta_proportions``: the entry point for pooling single proportions."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .data import as_proportion_data
from .measures import check_measure, warn_if_freeman_tukey
from .models import as_control, check_model, fit_model, summarise
from .results import MetaResult
from .subgroups import subgroup_analysis
from .tau2 import Tau2Control

__all__ = ["meta_proportions"]


def meta_proportions(
    events: Sequence[float] | np.ndarray,
    n: Sequence[float] | np.ndarray,
    measure: str = "PLO",
    method: str = "REML",
    test: str = "z",
    subgroups: Sequence[Any] | None = None,
    *,
    labels: Sequence[str] | None = None,
    level: float = 0.95,
    add: float | None = None,
    to: str = "only0",
    control: Mapping[str, Any] | Tau2Control | None = None,
) -> MetaResult:
    """Pool proportions ``events / n`` across studies.

    measure: "PLO" (logit, default), "PAS" (arcsine), "PFT" (Freeman-Tukey; warns), "PR" (raw).
    method: tau^2 estimator "REML" (default), "DL", "DLIT", "ML", "PM", "PMM", "HE", "HS",
        "HSk", "SJ", "SJIT", "EB"; "CE" (or "FE"/"EE") for the common-effect model; "GLMM" for
        the binomial-normal model (PLO only).
    test: "z" (default), "knha" (Knapp-Hartung), "adhoc" (its factor not below 1) or "t"; the
        GLMM allows "z" and "t".
    subgroups: one label per study; adds per-subgroup results and tests for differences.
    add, to: continuity correction as metafor's escalc (default 1/2 to studies with 0 or n
        events for PLO and PR, none for PAS and PFT).
    level: confidence level, 0.95 or 95.
    control: settings of the iterative estimators, e.g. {"maxiter": 500, "stepadj": 0.5}.

    Results are on the ``measure`` scale; ``result.backtransformed()`` gives proportions.
    Raises ValueError naming the argument (and study index) for invalid input.
    """
    measure = check_measure(measure)
    method, test = check_model(measure, method, test)
    data = as_proportion_data(events, n, labels, subgroups)
    tuning = as_control(control)
    warn_if_freeman_tukey(measure)
    fit = fit_model(data, None, measure, method, test, level, add, to, tuning)
    result = summarise(fit, data, measure)
    if data.groups is None:
        return result
    return dataclasses.replace(
        result,
        subgroups=subgroup_analysis(data, measure, method, test, level, add, to, tuning),
    )
