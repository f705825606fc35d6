"""Subgroup analysis: pooled estimate per subgroup and two tests for subgroup differences.

* Separate tau^2 per subgroup: each subgroup is pooled on its own; the G estimates and their
  standard errors are then compared by an inverse-variance common-effect meta-analysis whose
  Q statistic (df = G - 1) is the test (Borenstein et al. 2009, ch. 19; the test of R's meta).
  In metafor: ``rma(yi = estimates, sei = ses, method = "FE")$QE``.
* Common tau^2: one meta-regression on the subgroup factor; the omnibus test QM of its G - 1
  contrasts (chi^2_{G-1}, or F(G - 1, k - G) with Knapp-Hartung/t). In metafor:
  ``rma(yi, vi, mods = ~ factor(group))$QM``.

Subgroups are reported in order of first appearance; the tests do not depend on the order.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .data import ProportionData
from .distributions import chi2_sf
from .metareg import build_design, fit_regression
from .models import fit_model, summarise
from .results import MetaResult, SubgroupResult
from .tau2 import Tau2Control

__all__ = ["q_between", "subgroup_analysis"]


def q_between(estimates: np.ndarray, se: np.ndarray) -> tuple[float, int, float]:
    """Q, df and p of the common-effect comparison of subgroup estimates."""
    if estimates.size < 2 or not np.all(se > 0):
        return math.nan, max(estimates.size - 1, 0), math.nan
    w = 1 / se**2
    mean = np.sum(w * estimates) / np.sum(w)
    q = float(np.sum(w * (estimates - mean) ** 2))
    df = estimates.size - 1
    return q, df, chi2_sf(q, df)


def subgroup_analysis(
    data: ProportionData,
    measure: str,
    method: str,
    test: str,
    level: float,
    add: float | None,
    to: str,
    control: Tau2Control,
) -> SubgroupResult:
    """Per-subgroup results and both tests for ``data.groups``."""
    if data.groups is None:
        raise ValueError("subgroups are needed for a subgroup analysis")
    names = list(dict.fromkeys(data.groups))
    groups = np.asarray(data.groups, dtype=object)
    results: dict[str, MetaResult] = {}
    for name in names:
        part = data.subset(groups == name)
        try:
            fit = fit_model(part, None, measure, method, test, level, add, to, control)
        except ValueError as exc:
            raise ValueError(f"subgroups: subgroup {name!r} cannot be pooled: {exc}") from exc
        results[name] = summarise(fit, part, measure)
    q, df, p = q_between(
        np.array([r.estimate for r in results.values()]),
        np.array([r.se for r in results.values()]),
    )
    if len(names) > 1:
        moderators = {"subgroup": pd.Categorical(data.groups, categories=names)}
        common = fit_regression(
            data,
            build_design(moderators, data.k),
            moderators,
            measure,
            method,
            test,
            level,
            add,
            to,
            control,
        )
        qm, qm_df, qm_p, tau2_common = common.qm, common.qm_df, common.qm_p, common.tau2
    else:
        qm, qm_df, qm_p, tau2_common = math.nan, (0, math.nan), math.nan, math.nan
    return SubgroupResult(
        groups=results,
        q_between=q,
        q_between_df=df,
        q_between_p=p,
        qm=qm,
        qm_df=qm_df,
        qm_p=qm_p,
        tau2_common=tau2_common,
    )
