"""Result objects: immutable numbers plus ``summary()``, ``to_dict()`` and ``to_frame()``.

Everything is reported on the analysis (transformed) scale, the scale on which the model is
fitted and on which metafor reports; proportions come from ``backtransformed()``. Coefficients
of a meta-regression are never back-transformed (a back-transformed slope has no meaning),
only predictions are.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .measures import GENERIC, MEASURES, back_transformer

__all__ = [
    "BackTransformed",
    "CoefficientTable",
    "EggerResult",
    "LeaveOneOutResult",
    "MetaRegressionResult",
    "MetaResult",
    "PredictionTable",
    "StudyTable",
    "SubgroupResult",
]

_TEST_NAMES = {
    "z": "z",
    "t": "t",
    "knha": "Knapp-Hartung t",
    "adhoc": "Knapp-Hartung t (factor ≥ 1)",
}
_METHOD_NAMES = {
    "CE": "common-effect",
    "DL": "DerSimonian-Laird",
    "DLIT": "iterated DerSimonian-Laird",
    "REML": "restricted maximum likelihood",
    "ML": "maximum likelihood",
    "PM": "Paule-Mandel",
    "PMM": "median-unbiased Paule-Mandel",
    "HE": "Hedges",
    "HS": "Hunter-Schmidt",
    "HSk": "Hunter-Schmidt, small-k corrected",
    "SJ": "Sidik-Jonkman",
    "SJIT": "iterated Sidik-Jonkman",
    "EB": "empirical Bayes",
    "GLMM": "binomial-normal GLMM (ML, adaptive Gauss-Hermite)",
}


def _f(x: float, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "NA"
    return f"{x:.{digits}f}"


def _p(x: float) -> str:
    """A p-value with its relation: "p < .0001" or "p = 0.0123"."""
    if math.isnan(x):
        return "p = NA"
    return "p < .0001" if x < 1e-4 else f"p = {x:.4f}"


def _p_cell(x: float) -> str:
    """A p-value for a table column."""
    if math.isnan(x):
        return "NA"
    return "<.0001" if x < 1e-4 else f"{x:.4f}"


def _pct(level: float) -> str:
    return f"{100 * level:g}%"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = [indent + "  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines += [indent + "  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def _clean(value: Any) -> Any:
    """Plain Python scalars for to_dict()."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return [_clean(v) for v in value.tolist()]
    if isinstance(value, tuple):
        return [_clean(v) for v in value]
    return value


@dataclass(frozen=True)
class BackTransformed:
    """Pooled estimate and intervals on the proportion scale."""

    measure: str
    estimate: float
    ci_low: float
    ci_high: float
    pi_low: float
    pi_high: float

    def to_dict(self) -> dict[str, float]:
        return {
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "pi_low": self.pi_low,
            "pi_high": self.pi_high,
        }


@dataclass(frozen=True, repr=False)
class StudyTable:
    """Per-study input and effect sizes; ``weights`` in percent (NaN for the GLMM)."""

    labels: tuple[str, ...]
    events: np.ndarray
    n: np.ndarray
    yi: np.ndarray
    vi: np.ndarray
    weights: np.ndarray
    groups: tuple[str, ...] | None = None

    @property
    def proportions(self) -> np.ndarray:
        return self.events / self.n

    def exact_ci(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Clopper-Pearson intervals of the observed proportions (independent of the measure);
        NaN for effect-size data, which has no counts."""
        if np.all(np.isnan(self.events)):
            return np.full(self.events.shape, np.nan), np.full(self.events.shape, np.nan)
        from statsmodels.stats.proportion import proportion_confint  # heavy: load when asked

        low, high = proportion_confint(self.events, self.n, alpha=1 - level, method="beta")
        return np.asarray(low, float), np.asarray(high, float)

    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        low, high = self.exact_ci(level)
        frame = pd.DataFrame(
            {
                "study": self.labels,
                "events": self.events,
                "n": self.n,
                "proportion": self.proportions,
                "ci_low": low,
                "ci_high": high,
                "yi": self.yi,
                "vi": self.vi,
                "weight": self.weights,
            }
        )
        if self.groups is not None:
            frame.insert(1, "subgroup", self.groups)
        return frame


@dataclass(frozen=True, repr=False)
class MetaResult:
    """Pooled proportion from ``meta_proportions``.

    Estimates, intervals and tau^2 are on the ``measure`` scale; ``i2`` is in percent (as in
    metafor); ``stat`` is the z or t statistic and ``df`` its degrees of freedom (NaN for z).
    For the GLMM, ``q``/``q_p`` are the Wald-type and ``q_lrt``/``q_lrt_p`` the likelihood-ratio
    heterogeneity tests, and there is no Q-profile interval for tau^2 (NaN).
    """

    measure: str
    method: str
    test: str
    level: float
    k: int
    estimate: float
    se: float
    stat: float
    pval: float
    ci_low: float
    ci_high: float
    df: float
    tau2: float
    tau2_ci_low: float
    tau2_ci_high: float
    i2: float
    i2_ci_low: float
    i2_ci_high: float
    h2: float
    h2_ci_low: float
    h2_ci_high: float
    q: float
    q_df: int
    q_p: float
    pi_low: float
    pi_high: float
    studies: StudyTable
    q_lrt: float = math.nan
    q_lrt_p: float = math.nan
    converged: bool = True
    subgroups: SubgroupResult | None = None

    @property
    def tau(self) -> float:
        return math.sqrt(self.tau2)

    def backtransformed(self) -> BackTransformed:
        """Estimate, CI and PI as proportions (PFT: inverse at the harmonic mean of n)."""
        f = back_transformer(self.measure, self.studies.n)
        values = f(np.array([self.estimate, self.ci_low, self.ci_high, self.pi_low, self.pi_high]))
        est, lo, hi, plo, phi = (float(v) for v in values)
        return BackTransformed(
            self.measure, est, min(lo, hi), max(lo, hi), min(plo, phi), max(plo, phi)
        )

    _SCALARS = [
        "measure",
        "method",
        "test",
        "level",
        "k",
        "estimate",
        "se",
        "stat",
        "pval",
        "ci_low",
        "ci_high",
        "df",
        "tau2",
        "tau2_ci_low",
        "tau2_ci_high",
        "i2",
        "i2_ci_low",
        "i2_ci_high",
        "h2",
        "h2_ci_low",
        "h2_ci_high",
        "q",
        "q_df",
        "q_p",
        "pi_low",
        "pi_high",
        "q_lrt",
        "q_lrt_p",
        "converged",
    ]

    def to_dict(self) -> dict[str, Any]:
        """All scalars, ``backtransformed`` and ``subgroups`` nested, studies as records."""
        out = {name: _clean(getattr(self, name)) for name in self._SCALARS}
        out["backtransformed"] = self.backtransformed().to_dict()
        out["subgroups"] = None if self.subgroups is None else self.subgroups.to_dict()
        out["studies"] = self.studies.to_frame(self.level).to_dict(orient="records")
        return out

    def _row(self) -> dict[str, Any]:
        row = {name: _clean(getattr(self, name)) for name in self._SCALARS}
        row.update({f"prop_{k}": v for k, v in self.backtransformed().to_dict().items()})
        return row

    def to_frame(self) -> pd.DataFrame:
        """One row per subgroup (if any) and one for the overall analysis."""
        rows, index = [], []
        if self.subgroups is not None:
            for name, res in self.subgroups.groups.items():
                rows.append(res._row())
                index.append(name)
        rows.append(self._row())
        index.append("Overall")
        return pd.DataFrame(rows, index=pd.Index(index, name="analysis"))

    def _heading(self) -> str:
        model = "Common-effect" if self.method == "CE" else "Random-effects"
        if self.method == "GLMM":
            model = "Random-effects (GLMM)"
        df = "" if math.isnan(self.df) else f", df = {self.df:g}"
        data = "proportions" if self.measure in MEASURES else "effect sizes"
        scale = MEASURES.get(self.measure, "given with standard errors")
        return (
            f"{model} meta-analysis of {data} (k = {self.k})\n"
            f"Measure: {self.measure} ({scale}); "
            f"method: {self.method} ({_METHOD_NAMES[self.method]}); "
            f"test: {_TEST_NAMES[self.test]}{df}"
        )

    def summary(self) -> str:
        level = _pct(self.level)
        bt = self.backtransformed()
        lines = [self._heading(), ""]
        what = "effect" if self.measure == GENERIC else "proportion"
        lines.append(
            f"Pooled {what}: {bt.estimate:.4f} ({level} CI {bt.ci_low:.4f} to {bt.ci_high:.4f})"
        )
        if not math.isnan(bt.pi_low):
            lines.append(f"{level} prediction interval: {bt.pi_low:.4f} to {bt.pi_high:.4f}")
        stat = "t" if self.test in ("t", "knha", "adhoc") else "z"
        lines += ["", f"On the {self.measure} scale:"]
        lines.append(
            _table(
                ["estimate", "se", stat, "p", "ci.lb", "ci.ub", "pi.lb", "pi.ub"],
                [
                    [
                        _f(self.estimate),
                        _f(self.se),
                        _f(self.stat, 3),
                        _p_cell(self.pval),
                        _f(self.ci_low),
                        _f(self.ci_high),
                        _f(self.pi_low),
                        _f(self.pi_high),
                    ]
                ],
            )
        )
        lines += ["", "Heterogeneity:"]
        if self.method != "CE":
            tau2_ci = (
                ""
                if math.isnan(self.tau2_ci_low)
                else f" ({level} CI {_f(self.tau2_ci_low)} to {_f(self.tau2_ci_high)})"
            )
            lines.append(f"  tau^2 = {_f(self.tau2)}{tau2_ci}, tau = {_f(self.tau)}")
        i2_ci = (
            ""
            if math.isnan(self.i2_ci_low)
            else f" ({level} CI {_f(self.i2_ci_low, 1)}% to {_f(self.i2_ci_high, 1)}%)"
        )
        lines.append(f"  I^2 = {_f(self.i2, 1)}%{i2_ci}, H^2 = {_f(self.h2, 2)}")
        label = "Wald-type Q" if self.method == "GLMM" else "Q"
        lines.append(f"  {label}(df = {self.q_df}) = {_f(self.q, 2)}, {_p(self.q_p)}")
        if self.method == "GLMM":
            lrt = f"{_f(self.q_lrt, 2)}, {_p(self.q_lrt_p)}"
            lines.append(f"  Likelihood-ratio(df = {self.q_df}) = {lrt}")
            if not self.converged:
                lines.append("  WARNING: the GLMM fit did not converge; do not use these numbers.")
        if self.subgroups is not None:
            lines += ["", self.subgroups.summary()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (
            f"MetaResult(measure={self.measure!r}, method={self.method!r}, test={self.test!r}, "
            f"k={self.k}, estimate={self.estimate:.6g}, ci=({self.ci_low:.6g}, "
            f"{self.ci_high:.6g}), tau2={self.tau2:.6g}, i2={self.i2:.4g})"
        )


@dataclass(frozen=True, repr=False)
class SubgroupResult:
    """Per-subgroup pooled results and the two tests for subgroup differences.

    ``q_between`` (df = G - 1): each subgroup has its own tau^2; the subgroup estimates are
    compared by a common-effect (inverse-variance) meta-analysis of the estimates with their
    standard errors, whose Q is the test (Borenstein et al. 2009, ch. 19; meta's ``update(...,
    subgroup=)``). ``qm``: one meta-regression on the subgroup factor with a common tau^2;
    its omnibus test of the G - 1 contrasts (chi^2, or F(G - 1, k - G) with Knapp-Hartung/t).
    """

    groups: dict[str, MetaResult]
    q_between: float
    q_between_df: int
    q_between_p: float
    qm: float
    qm_df: tuple[int, float]
    qm_p: float
    tau2_common: float

    @property
    def qm_distribution(self) -> str:
        return "chi2" if math.isnan(self.qm_df[1]) else "F"

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": {name: res.to_dict() for name, res in self.groups.items()},
            "q_between": self.q_between,
            "q_between_df": self.q_between_df,
            "q_between_p": self.q_between_p,
            "qm": self.qm,
            "qm_df": _clean(self.qm_df),
            "qm_p": self.qm_p,
            "tau2_common": self.tau2_common,
        }

    def summary(self) -> str:
        any_res = next(iter(self.groups.values()))
        level = _pct(any_res.level)
        rows = []
        for name, res in self.groups.items():
            bt = res.backtransformed()
            rows.append(
                [
                    name,
                    str(res.k),
                    _f(bt.estimate),
                    f"{_f(bt.ci_low)} to {_f(bt.ci_high)}",
                    _f(res.tau2),
                    _f(res.i2, 1),
                ]
            )
        lines = ["Subgroups:"]
        lines.append(_table(["subgroup", "k", "proportion", f"{level} CI", "tau^2", "I^2"], rows))
        lines.append(
            f"  Test for subgroup differences (separate tau^2): Q_between(df = "
            f"{self.q_between_df}) = {_f(self.q_between, 2)}, {_p(self.q_between_p)}"
        )
        if self.qm_distribution == "F":
            qm = f"F({self.qm_df[0]}, {self.qm_df[1]:g})"
        else:
            qm = f"QM(df = {self.qm_df[0]})"
        lines.append(
            f"  Test for subgroup differences (common tau^2 = {_f(self.tau2_common)}): "
            f"{qm} = {_f(self.qm, 2)}, {_p(self.qm_p)}"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


@dataclass(frozen=True, repr=False)
class CoefficientTable:
    """Meta-regression coefficients on the transformed scale."""

    names: tuple[str, ...]
    estimate: np.ndarray
    se: np.ndarray
    stat: np.ndarray
    pval: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "estimate": self.estimate,
                "se": self.se,
                "stat": self.stat,
                "pval": self.pval,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
            },
            index=pd.Index(self.names, name="coefficient"),
        )


@dataclass(frozen=True, repr=False)
class PredictionTable:
    """Predicted effects for given moderator values, on both scales."""

    measure: str
    moderators: pd.DataFrame
    pred: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    pi_low: np.ndarray
    pi_high: np.ndarray
    n: np.ndarray = field(default_factory=lambda: np.empty(0))

    def backtransformed(self) -> pd.DataFrame:
        """Proportions: estimate, CI and PI (PFT: harmonic mean of the fitted studies' n)."""
        f = back_transformer(self.measure, self.n)
        lo, hi = f(self.ci_low), f(self.ci_high)
        plo, phi = f(self.pi_low), f(self.pi_high)
        return pd.DataFrame(
            {
                "estimate": f(self.pred),
                "ci_low": np.minimum(lo, hi),
                "ci_high": np.maximum(lo, hi),
                "pi_low": np.minimum(plo, phi),
                "pi_high": np.maximum(plo, phi),
            },
            index=self.moderators.index,
        )

    def to_frame(self) -> pd.DataFrame:
        transformed = pd.DataFrame(
            {
                "pred": self.pred,
                "se": self.se,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "pi_low": self.pi_low,
                "pi_high": self.pi_high,
            },
            index=self.moderators.index,
        )
        props = self.backtransformed().add_prefix("prop_")
        return pd.concat([self.moderators, transformed, props], axis=1)


@dataclass(frozen=True, repr=False)
class MetaRegressionResult:
    """Mixed-effects meta-regression. ``qe`` tests residual heterogeneity, ``qm`` the moderators
    (all coefficients but the intercept); ``r2`` is the percentage of tau^2 accounted for
    (metafor's pseudo-R^2; NaN for the GLMM)."""

    measure: str
    method: str
    test: str
    level: float
    k: int
    coefficients: CoefficientTable
    tau2: float
    tau2_ci_low: float
    tau2_ci_high: float
    i2: float
    h2: float
    r2: float
    qe: float
    qe_df: int
    qe_p: float
    qm: float
    qm_df: tuple[int, float]
    qm_p: float
    studies: StudyTable
    predictor: Any = field(default=None, compare=False)  # callable: moderators -> table
    converged: bool = True  # False only for a GLMM whose optimiser failed (it also warns)

    def predict(self, moderators: Mapping[str, Sequence[Any]] | pd.DataFrame) -> PredictionTable:
        """Predictions (and back-transformed proportions) at the given moderator values."""
        return self.predictor(moderators)

    def to_dict(self) -> dict[str, Any]:
        out = {
            name: _clean(getattr(self, name))
            for name in [
                "measure",
                "method",
                "test",
                "level",
                "k",
                "tau2",
                "tau2_ci_low",
                "tau2_ci_high",
                "i2",
                "h2",
                "r2",
                "qe",
                "qe_df",
                "qe_p",
                "qm",
                "qm_df",
                "qm_p",
            ]
        }
        out["coefficients"] = self.coefficients.to_frame().to_dict(orient="index")
        return out

    def to_frame(self) -> pd.DataFrame:
        return self.coefficients.to_frame()

    def summary(self) -> str:
        stat = "t" if self.test in ("t", "knha", "adhoc") else "z"
        c = self.coefficients
        rows = [
            [
                name,
                _f(c.estimate[i]),
                _f(c.se[i]),
                _f(c.stat[i], 3),
                _p_cell(c.pval[i]),
                _f(c.ci_low[i]),
                _f(c.ci_high[i]),
            ]
            for i, name in enumerate(c.names)
        ]
        if math.isnan(self.qm_df[1]):
            qm = f"QM(df = {self.qm_df[0]})"
        else:
            qm = f"F({self.qm_df[0]}, {self.qm_df[1]:g})"
        lines = [
            f"Meta-regression of proportions (k = {self.k}); measure: {self.measure}; "
            f"method: {self.method}; test: {_TEST_NAMES[self.test]}",
            "",
            f"Residual heterogeneity: tau^2 = {_f(self.tau2)}, I^2 = {_f(self.i2, 1)}%, "
            f"H^2 = {_f(self.h2, 2)}, R^2 = {_f(self.r2, 1)}%",
            f"  QE(df = {self.qe_df}) = {_f(self.qe, 2)}, {_p(self.qe_p)}",
            f"Moderators: {qm} = {_f(self.qm, 3)}, {_p(self.qm_p)}",
            "",
            f"Coefficients ({self.measure} scale; not back-transformed):",
            _table(["", "estimate", "se", stat, "p", "ci.lb", "ci.ub"], rows),
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


@dataclass(frozen=True, repr=False)
class LeaveOneOutResult:
    """Results with each study omitted in turn (row i omits study i)."""

    measure: str
    labels: tuple[str, ...]
    estimate: np.ndarray
    se: np.ndarray
    stat: np.ndarray
    pval: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    q: np.ndarray
    q_p: np.ndarray
    tau2: np.ndarray
    i2: np.ndarray
    h2: np.ndarray
    prop_estimate: np.ndarray
    prop_ci_low: np.ndarray
    prop_ci_high: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        names = [
            "estimate",
            "se",
            "stat",
            "pval",
            "ci_low",
            "ci_high",
            "q",
            "q_p",
            "tau2",
            "i2",
            "h2",
            "prop_estimate",
            "prop_ci_low",
            "prop_ci_high",
        ]
        return pd.DataFrame(
            {name: getattr(self, name) for name in names},
            index=pd.Index(self.labels, name="omitted"),
        )

    def to_dict(self) -> dict[str, Any]:
        return self.to_frame().to_dict(orient="index")

    def summary(self) -> str:
        return "Leave-one-out analysis:\n" + self.to_frame().round(4).to_string()

    def __str__(self) -> str:
        return self.summary()


@dataclass(frozen=True)
class EggerResult:
    """Regression test for funnel-plot asymmetry (Egger et al. 1997; metafor ``regtest``).

    ``stat``/``pval`` test the slope on the standard error; ``limit_*`` is the intercept, the
    estimate for a study of infinite precision (Stanley & Doucouliagos 2014), with its CI.
    """

    model: str
    predictor: str
    stat: float
    df: float
    pval: float
    slope: float
    slope_se: float
    limit_estimate: float
    limit_ci_low: float
    limit_ci_high: float

    def to_dict(self) -> dict[str, Any]:
        return {k: _clean(v) for k, v in self.__dict__.items()}

    def summary(self) -> str:
        dist = "z" if math.isnan(self.df) else f"t(df = {self.df:g})"
        return (
            f"Egger-type test for funnel plot asymmetry (model: {self.model}, predictor: "
            f"{self.predictor}): {dist} = {_f(self.stat, 3)}, {_p(self.pval)}\n"
            f"Limit estimate (as se -> 0): {_f(self.limit_estimate)} "
            f"(CI {_f(self.limit_ci_low)} to {_f(self.limit_ci_high)})"
        )

    def __str__(self) -> str:
        return self.summary()
