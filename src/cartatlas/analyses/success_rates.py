"""Pool response (or adverse-event) rates by country of conduct, with the test for a difference.

The model is the binomial-normal GLMM with a logit link (exact likelihood, no continuity
correction). If it does not converge, or a subgroup has too few studies to fit it, the pooling
falls back to the logit-transformed random-effects model (REML τ², Knapp–Hartung inference) and
says so in ``method_note``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import pandas as pd

from cartatlas.analyses.study_rows import ENDPOINTS, SELECTION_RULE, study_rows
from cartatlas.stats import GLMMConvergenceWarning, MetaResult, meta_proportions, meta_regression
from cartatlas.stats.results import MetaRegressionResult
from cartatlas.store import Store

GLMM = ("GLMM", "z")
FALLBACK = ("REML", "knha")
MODERATORS = {"line": "line_of_therapy", "real_world": "real_world", "phase": "phase"}


def line_group(line: object) -> str:
    """Coarse line of therapy, so a handful of studies can carry it as a moderator:
    "early" (first or second line), "later" (third line or beyond), "mixed" (second line or
    later, as many trials enrol) or "not stated"."""
    if not isinstance(line, str) or not line.strip():
        return "not stated"
    text = line.upper()
    if any(f"{n}L+" in text for n in (3, 4, 5, 6)):
        return "later"
    if "2L+" in text or "R/R" in text:
        return "mixed"
    return "early" if ("1L" in text or "2L" in text) else "not stated"


@dataclass
class CountryPooling:
    indication: str
    endpoint: str
    countries: list[str]
    rows: pd.DataFrame
    result: MetaResult | None
    method_note: str
    missing: list[str] = field(default_factory=list)

    @property
    def by_country(self) -> dict[str, MetaResult]:
        if self.result is None:
            return {}
        if self.result.subgroups is None:
            return {self.rows["country"].iloc[0]: self.result}
        return self.result.subgroups.groups


def _fit(rows: pd.DataFrame, method: str, test: str, by_country: bool) -> MetaResult:
    return meta_proportions(
        rows["events"].to_numpy(float),
        rows["n"].to_numpy(float),
        measure="PLO",
        method=method,
        test=test,
        subgroups=rows["country"].tolist() if by_country else None,
        labels=rows["label"].tolist(),
    )


def pooled_rows(store: Store, indication: str, endpoint: str, countries: list[str]) -> pd.DataFrame:
    """The selected study rows conducted in one of ``countries``, labelled for plots."""
    rows = study_rows(store, indication, endpoint)
    rows = rows[rows["country_of_conduct"].isin(countries)].copy()
    rows["country"] = rows["country_of_conduct"]
    rows["label"] = rows["study_id"]  # short enough for a forest plot's label column
    order = {country: i for i, country in enumerate(countries)}
    rows["order"] = rows["country"].map(order)
    return rows.sort_values(["order", "study_id"]).drop(columns="order")


def pool_by_country(
    store: Store,
    indication: str,
    endpoint: str,
    countries: list[str],
    method: str | None = None,
    test: str | None = None,
) -> CountryPooling:
    """Pool ``endpoint`` for ``indication`` per country (GLMM first, unless ``method`` is given)."""
    if endpoint not in ENDPOINTS:
        raise ValueError(f"endpoint {endpoint!r} is not one of {', '.join(ENDPOINTS)}")
    rows = pooled_rows(store, indication, endpoint, countries)
    present = list(dict.fromkeys(rows["country"]))
    missing = [c for c in countries if c not in present]
    if rows.empty:
        return CountryPooling(indication, endpoint, countries, rows, None, "no data", missing)
    by_country = len(present) > 1
    attempts = [(method, test or "z")] if method else [GLMM, FALLBACK]
    note = ""
    for tried_method, tried_test in attempts:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", GLMMConvergenceWarning)
                # One study in a country: metafor (and cartatlas.stats) use z; nothing to warn.
                warnings.filterwarnings("ignore", message="test set to", category=UserWarning)
                result = _fit(rows, tried_method, tried_test, by_country)
        except (GLMMConvergenceWarning, ValueError, ArithmeticError) as exc:
            note = f"{tried_method} could not be fitted ({exc}); "
            continue
        note += _describe(tried_method, tried_test)
        return CountryPooling(indication, endpoint, countries, rows, result, note, missing)
    return CountryPooling(
        indication, endpoint, countries, rows, None, note + "no model fitted", missing
    )


def _describe(method: str, test: str) -> str:
    if method == "GLMM":
        return "binomial-normal GLMM (logit link, maximum likelihood), Wald z inference"
    inference = "Knapp–Hartung t" if test == "knha" else test
    return f"logit proportions, random effects (τ² by {method}), {inference} inference"


def adjusted_comparison(
    pooling: CountryPooling, adjust: list[str], method: str = "REML", test: str = "knha"
) -> MetaRegressionResult:
    """Meta-regression on country plus the named moderators (line, real_world, phase)."""
    unknown = [name for name in adjust if name not in MODERATORS]
    if unknown:
        raise ValueError(
            f"--adjust {', '.join(unknown)} is not a moderator; choose from {', '.join(MODERATORS)}"
        )
    rows = pooling.rows
    moderators = {"country": rows["country"].astype(str).tolist()}
    for name in adjust:
        column = rows[MODERATORS[name]]
        values = (
            [line_group(v) for v in column]
            if name == "line"
            else column.fillna("not reported").astype(str).tolist()
        )
        if len(set(values)) > 1:  # a moderator with one level explains nothing
            moderators[name] = values
    return meta_regression(
        rows["events"].to_numpy(float),
        rows["n"].to_numpy(float),
        moderators,
        measure="PLO",
        method=method,
        test=test,
        labels=rows["label"].tolist(),
    )


__all__ = ["SELECTION_RULE", "CountryPooling", "adjusted_comparison", "pool_by_country"]
