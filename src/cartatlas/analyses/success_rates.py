"""Pool response (or adverse-event) rates by country of conduct, with the test for a difference.

The model is the binomial-normal GLMM with a logit link (exact likelihood, no continuity
correction). If it does not converge, or a subgroup has too few studies to fit it, the pooling
falls back to the logit-transformed random-effects model (REML τ², Knapp–Hartung inference) and
says so in ``method_note``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cartatlas.analyses.fits import fitted
from cartatlas.analyses.populations import ONLY_SPECIAL, is_standard, only_special, poolable
from cartatlas.analyses.response_floors import complete_response_floors
from cartatlas.analyses.study_rows import (
    ENDPOINTS,
    SELECTION_RULE,
    code_names,
    later_study_rows,
    studies_without_endpoint,
    study_rows,
)
from cartatlas.evidence.absence import no_cohorts
from cartatlas.evidence.source_strength import SECONDARY_ONLY, on_secondary_pages
from cartatlas.store import Store

if TYPE_CHECKING:  # the statistics libraries load when a pooling runs, not with the module
    from cartatlas.stats import MetaResult
    from cartatlas.stats.results import MetaRegressionResult

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


@dataclass(frozen=True)
class CountrySummary:
    """One country's rate: pooled when it has several studies, else that study's own proportion
    with its exact (Clopper–Pearson) interval. Proportions, not logits; ``logit``/``logit_se``
    carry what a comparison between countries needs."""

    country: str
    k: int
    patients: int
    estimate: float
    ci_low: float
    ci_high: float
    pi_low: float | None  # prediction interval: only when k > 1
    pi_high: float | None
    tau2: float | None
    i2: float | None
    method: str
    logit: float
    logit_se: float


@dataclass(frozen=True)
class CountryComparison:
    """The test for a difference between the countries, named so every surface can state it."""

    test: str
    statistic: str
    p: float


@dataclass
class CountryPooling:
    indication: str
    endpoint: str
    countries: list[str]
    rows: pd.DataFrame
    result: MetaResult | None  # the joint model, for forest plots; None when it cannot be fitted
    method_note: str
    missing: list[str] = field(default_factory=list)
    summaries: dict[str, CountrySummary] = field(default_factory=dict)
    comparison: CountryComparison | None = None
    refusal: str | None = None  # why rows that exist were not pooled (e.g. grading systems)
    left_out: list[str] = field(default_factory=list)  # cohorts without this endpoint's row
    # cohorts whose only row for this endpoint is from a secondary page: listed, never pooled
    secondary_only: list[str] = field(default_factory=list)
    # the selected rows of cohorts in special populations (``POPULATION_RULE``): shown per
    # study, marked, never pooled
    apart: pd.DataFrame = field(default_factory=pd.DataFrame)
    # complete-response pools: cohorts left out that report only sCR, with the floor it sets
    # (``FLOOR_RULE``): shown beside the pool, never in it
    floors: pd.DataFrame = field(default_factory=pd.DataFrame)
    # later data cuts of pooled cohorts (``ANALYSIS_PREFERENCE``): listed beside the pool, never
    # in it
    later: pd.DataFrame = field(default_factory=pd.DataFrame)
    # safety rows ``GRADING_RULE`` keeps out of the pool (graded with another system, or with
    # none stated): listed, as the rule says, never pooled
    graded_apart: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def has_data(self) -> bool:
        return bool(self.summaries)


def _fit(
    rows: pd.DataFrame, method: str, test: str, by_country: bool, measure: str = "PLO"
) -> MetaResult:
    """The model fitted to ``rows``, once per distinct input (:mod:`~cartatlas.analyses.fits`)."""
    from cartatlas.stats import GLMMConvergenceWarning, meta_proportions

    events = tuple(float(v) for v in rows["events"])
    n = tuple(float(v) for v in rows["n"])
    subgroups = tuple(rows["country"]) if by_country else None
    labels = tuple(rows["label"])
    # Called under _fit_countries' filter that makes a convergence warning an error.
    return fitted(
        (
            "meta_proportions",
            "warnings as errors",
            events,
            n,
            measure,
            method,
            test,
            subgroups,
            labels,
        ),
        lambda: meta_proportions(
            np.array(events),
            np.array(n),
            measure=measure,
            method=method,
            test=test,
            subgroups=list(subgroups) if subgroups is not None else None,
            labels=list(labels),
        ),
        (GLMMConvergenceWarning, ValueError, ArithmeticError),
    )


HEADLINE_SOURCE_RULE = (
    "a cohort whose only row for a measure is from a secondary page (aggregator, blog) is "
    "listed in the detail tables, marked, but left out of every pooled rate and comparison"
)


def secondary_only(rows: pd.DataFrame) -> list[str]:
    """ "FUMANBA-1 (CN)" for each selected study row read only on a secondary page."""
    weak = rows[on_secondary_pages(rows)]
    return [f"{s} ({c})" for s, c in zip(weak["study_id"], weak["country_of_conduct"], strict=True)]


def absent_reason(pooling: CountryPooling, country: str) -> str | None:
    """Why ``country`` has no rate although it has cohorts for the measure: ``ONLY_SPECIAL``
    when all of them are in special populations (``POPULATION_RULE``), ``SECONDARY_ONLY`` when
    all are known only from secondary pages; None when it has none at all, or when a cohort of
    the standard population is left out for reporting no row of the measure (the caller says
    which cohorts are missing, and ``left_out`` names that one: "only special populations"
    would hide it)."""
    secondary = _names(pooling.secondary_only, country)
    if _names(pooling.left_out, country):
        return None
    if not secondary and not pooling.apart.empty and only_special(pooling.apart, country):
        return ONLY_SPECIAL
    return SECONDARY_ONLY if secondary else None


def country_absence(pooling: CountryPooling, country: str) -> str:
    """Why ``country`` has no rate, in the same words on every surface (CLI ``meta``, the
    explorer page and API, the report's success, safety and side-by-side tables): the reason
    its cohorts were not pooled, or that no cohort conducted there reports the measure in the
    indication at all."""
    label = ENDPOINTS[pooling.endpoint].label
    return absent_reason(pooling, country) or no_cohorts(country, label, pooling.indication)


def _names(cohorts: list[str], country: str) -> bool:
    """Whether a list of cohorts ("FUMANBA-1 (CN)", "CART19-BE-01 (ES; reports MRD_neg_CR)")
    names one conducted in ``country``."""
    return any(f"({country})" in s or f"({country};" in s for s in cohorts)


def pooled_rows(chosen: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """The selected study rows (``study_rows``) conducted in one of ``countries``, labelled for
    plots, without rows read only on secondary pages (``HEADLINE_SOURCE_RULE``) or of cohorts in
    special populations (``POPULATION_RULE``)."""
    rows = chosen[chosen["country_of_conduct"].isin(countries)]
    rows = rows[poolable(rows)].copy()
    rows["country"] = rows["country_of_conduct"]
    rows["label"] = rows["study_id"]  # short enough for a forest plot's label column
    order = {country: i for i, country in enumerate(countries)}
    rows["order"] = rows["country"].map(order)
    return rows.sort_values(["order", "study_id"]).drop(columns="order")


GRADING_RULE = (
    "safety rates are pooled and compared only within one stated grading system that every "
    "compared country has studies in (the one with most studies if several); rows graded with "
    "another system or with none stated are listed but not pooled"
)


def within_one_grading(rows: pd.DataFrame) -> tuple[pd.DataFrame, str | None, str | None]:
    """Apply ``GRADING_RULE``: (rows to pool, grading system chosen, refusal reason or None)."""
    present = list(dict.fromkeys(rows["country"]))
    graded = rows.dropna(subset=["grading"])
    shared = [
        (len(part), grading)
        for grading, part in graded.groupby("grading")
        if set(present) <= set(part["country"])
    ]
    if not shared:
        stated = {
            country: ", ".join(
                f"{g} {n}" for g, n in part["grading"].fillna("not stated").value_counts().items()
            )
            for country, part in rows.groupby("country", sort=False)
        }
        reason = (
            "not pooled: "
            + (
                "no stated grading system is shared by " + " and ".join(present)
                if len(present) > 1
                else "no grading system is stated"
            )
            + " ("
            + "; ".join(f"{c}: {text}" for c, text in stated.items())
            + "), and rates graded differently are not comparable"
        )
        return rows.iloc[0:0], None, reason
    _, grading = max(shared)
    return rows[rows["grading"] == grading], grading, None


def _exact_summary(country: str, events: float, n: float) -> CountrySummary:
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(events, n, alpha=0.05, method="beta")
    x, m = (events + 0.5, n + 1.0) if events in (0, n) else (events, n)
    return CountrySummary(
        country,
        1,
        int(n),
        events / n,
        float(low),
        float(high),
        None,
        None,
        None,
        None,
        "single study: its proportion with an exact (Clopper–Pearson) 95% CI",
        math.log(x / (m - x)),
        math.sqrt(1 / x + 1 / (m - x)),
    )


def _pooled_summary(country: str, result: MetaResult, patients: int, note: str) -> CountrySummary:
    bt = result.backtransformed()
    return CountrySummary(
        country,
        result.k,
        patients,
        bt.estimate,
        bt.ci_low,
        bt.ci_high,
        bt.pi_low,
        bt.pi_high,
        result.tau2,
        result.i2,
        note,
        result.estimate,
        result.se,
    )


def _compare(
    summaries: dict[str, CountrySummary],
    rows: pd.DataFrame,
    joint: MetaResult | None,
    measure: str,
) -> CountryComparison | None:
    """The named test for a difference: the model's Q-test when every country pools several
    studies; Fisher's exact test when each of two countries has one study; otherwise a Wald test
    on the logit scale (single study: its logit and binomial variance; pooled: the model's)."""
    from scipy.stats import chi2, fisher_exact

    if len(summaries) < 2:
        return None
    if (
        joint is not None
        and joint.subgroups is not None
        and all(s.k > 1 for s in summaries.values())
    ):
        sub = joint.subgroups
        return CountryComparison(
            "Q-test for subgroup differences (separate τ² per country)",
            f"Q = {sub.q_between:.2f}, df = {sub.q_between_df}",
            float(sub.q_between_p),
        )
    if len(summaries) == 2 and all(s.k == 1 for s in summaries.values()):
        (_, a), (_, b) = rows.groupby("country", sort=False)
        table = [
            [int(a["events"].iloc[0]), int(a["n"].iloc[0] - a["events"].iloc[0])],
            [int(b["events"].iloc[0]), int(b["n"].iloc[0] - b["events"].iloc[0])],
        ]
        odds, p = fisher_exact(table)
        return CountryComparison(
            "Fisher's exact test (one study per country)", f"odds ratio {odds:.2f}", float(p)
        )
    if measure != "PLO":
        return None  # a single study's variance is only defined here on the logit scale
    weights = np.array([1 / s.logit_se**2 for s in summaries.values()])
    logits = np.array([s.logit for s in summaries.values()])
    centre = float(np.sum(weights * logits) / np.sum(weights))
    q = float(np.sum(weights * (logits - centre) ** 2))
    df = len(summaries) - 1
    return CountryComparison(
        "Wald test on the logit scale (a single study enters with its binomial variance)",
        f"z = {math.copysign(math.sqrt(q), logits[0] - logits[1]):.2f}"
        if df == 1
        else f"χ² = {q:.2f}, df = {df}",
        float(chi2.sf(q, df)),
    )


def _fit_countries(
    rows: pd.DataFrame, attempts: list[tuple[str, str]], measure: str
) -> tuple[MetaResult | None, dict[str, MetaResult], str]:
    """Fit the joint model (for plots) and one model per country with several studies, trying
    each (method, test) in turn until all fit; returns the joint fit, per-country fits, note."""
    from cartatlas.stats import GLMMConvergenceWarning
    from cartatlas.stats.tau2 import ConvergenceError

    counts = rows["country"].value_counts()
    several = [c for c in dict.fromkeys(rows["country"]) if counts[c] > 1]
    note = ""
    for method, test in attempts:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", GLMMConvergenceWarning)
                # One study in a country: metafor (and cartatlas.stats) use z; nothing to warn.
                warnings.filterwarnings("ignore", message="test set to", category=UserWarning)
                fits = {
                    c: _fit(rows[rows["country"] == c], method, test, False, measure)
                    for c in several
                }
                try:
                    joint = _fit(rows, method, test, rows["country"].nunique() > 1, measure)
                except (ValueError, ArithmeticError):
                    joint = None  # too few studies for the joint model: no forest diamonds
        except (GLMMConvergenceWarning, ConvergenceError, ValueError, ArithmeticError) as exc:
            note = f"{method} could not be fitted ({exc}); "
            continue
        return joint, fits, note + (_describe(method, test, measure) if several else "")
    return None, {}, note + "no model fitted"


def pool_by_country(
    store: Store,
    indication: str,
    endpoint: str,
    countries: list[str],
    method: str | None = None,
    test: str | None = None,
    measure: str = "PLO",
) -> CountryPooling:
    """Rate of ``endpoint`` for ``indication`` per country of conduct, and the named test for a
    difference. Several studies: pooled (GLMM first, unless ``method`` is given). One study: its
    own proportion with an exact CI. Safety endpoints follow ``GRADING_RULE``; cohorts known
    only from secondary pages are named in ``secondary_only``, not pooled
    (``HEADLINE_SOURCE_RULE``); cohorts in special populations are in ``apart``, not pooled
    (``POPULATION_RULE``). ``measure`` is the scale of pooling (logit by default; the
    others for the web explorer's comparisons)."""
    if endpoint not in ENDPOINTS:
        raise ValueError(f"endpoint {endpoint!r} is not one of {', '.join(ENDPOINTS)}")
    chosen = study_rows(store, indication, endpoint)
    rows = pooled_rows(chosen, countries)
    pooling = pool_rows(rows, indication, endpoint, countries, method, test, measure)
    pooling.left_out = studies_without_endpoint(store, indication, endpoint, countries)
    here = chosen[chosen["country_of_conduct"].isin(countries)]
    pooling.secondary_only = secondary_only(here[is_standard(here)])
    pooling.apart = apart_rows(here)
    pooling.later = later_of(later_study_rows(store, indication, endpoint), pooling.rows)
    if endpoint == "CR":
        with_cr = set(chosen["study_id"])
        pooling.floors = complete_response_floors(store, indication, countries, with_cr)
    return pooling


def later_of(later: pd.DataFrame, pooled: pd.DataFrame) -> pd.DataFrame:
    """The later data cuts of the cohorts in ``pooled`` (the pool's own rows), in its order,
    with a ``country``."""
    later = later[later["study_id"].isin(set(pooled["study_id"]))].copy()
    later["country"] = later["country_of_conduct"]
    order = {study: i for i, study in enumerate(pooled["study_id"])}
    return later.sort_values("study_id", key=lambda s: s.map(order), kind="stable").reset_index(
        drop=True
    )


def later_sentence(later: pd.DataFrame) -> str:
    """ "later data cuts of pooled cohorts, not pooled: ZUMA-5 (US) CR 100/127 (78.7%, longer
    follow-up, news)", or "" when there is none: said beside the pooled rate, so the earlier
    analysis it rests on is not read as the trial's last word."""
    if later.empty:
        return ""
    cuts = [
        f"{row.study_id} ({row.country}) {code_names([row.code])} {row.events}/{row.n} "
        f"({100 * row.events / row.n:.1f}%, "
        + ", ".join(
            v for v in (row.assessor if isinstance(row.assessor, str) else "", row.source_kind) if v
        )
        + ")"
        for row in later.itertuples()
    ]
    return f"later data cuts of pooled cohorts, not pooled: {'; '.join(cuts)}"


def apart_rows(chosen: pd.DataFrame) -> pd.DataFrame:
    """The selected rows of cohorts in special populations (``POPULATION_RULE``), in the order
    of :func:`pooled_rows`, with a ``country``: listed per study beside a pool, never in it."""
    special = chosen[~is_standard(chosen)].copy()
    special["country"] = special["country_of_conduct"]
    return special.sort_values(["country", "study_id"]).reset_index(drop=True)


def pool_rows(
    rows: pd.DataFrame,
    indication: str,
    endpoint: str,
    countries: list[str],
    method: str | None = None,
    test: str | None = None,
    measure: str = "PLO",
) -> CountryPooling:
    """:func:`pool_by_country` over study rows already chosen and given a ``country`` and a
    ``label`` (the same-product comparison and the sensitivity analysis choose their own).
    Rows read only on secondary pages (``HEADLINE_SOURCE_RULE``) and rows of cohorts in special
    populations (``POPULATION_RULE``) are dropped here too."""
    rows = rows[poolable(rows)]
    missing = [c for c in countries if c not in set(rows["country"])]
    refusal = grading = None
    graded_apart = rows.iloc[0:0]
    if ENDPOINTS[endpoint].table == "safety" and not rows.empty:
        before = rows
        rows, grading, refusal = within_one_grading(rows)
        graded_apart = before[~before.index.isin(rows.index)]
    present = list(dict.fromkeys(rows["country"]))
    if rows.empty:
        note = refusal or "no data"
        return CountryPooling(
            indication,
            endpoint,
            countries,
            rows,
            None,
            note,
            missing,
            refusal=refusal,
            graded_apart=graded_apart,
        )
    attempts = [(method, test or "z")] if method else [GLMM, FALLBACK]
    joint, fits, note = _fit_countries(rows, attempts, measure)
    summaries: dict[str, CountrySummary] = {}
    for country in present:
        part = rows[rows["country"] == country]
        patients = int(part["n"].sum())
        if len(part) == 1:
            summaries[country] = _exact_summary(
                country, float(part["events"].iloc[0]), float(part["n"].iloc[0])
            )
        elif country in fits:
            summaries[country] = _pooled_summary(country, fits[country], patients, note)
    if any(s.k == 1 for s in summaries.values()):
        note = "; ".join(
            filter(
                None,
                [
                    note,
                    "a country with one study shows that study's proportion with "
                    "an exact (Clopper–Pearson) 95% CI",
                ],
            )
        )
    if grading:
        note += f"; {grading} grading only ({GRADING_RULE})"
    comparison = _compare(summaries, rows, joint, measure)
    return CountryPooling(
        indication,
        endpoint,
        countries,
        rows,
        joint,
        note,
        missing,
        summaries,
        comparison,
        graded_apart=graded_apart,
    )


MEASURE_NAMES = {
    "PLO": "logit",
    "PAS": "arcsine square root",
    "PFT": "Freeman–Tukey double arcsine",
    "PR": "raw",
}


def _describe(method: str, test: str, measure: str = "PLO") -> str:
    if method == "GLMM":
        return "binomial-normal GLMM (logit link, maximum likelihood), Wald z inference"
    inference = "Knapp–Hartung t" if test == "knha" else "Wald z" if test == "z" else test
    model = (
        "common-effect (inverse variance)" if method == "CE" else f"random effects, τ² by {method}"
    )
    return f"{MEASURE_NAMES[measure]} proportions, {model}, {inference} inference"


def difference_wording(p: float) -> str:
    """Plain words that follow the p-value, the same on every surface."""
    if p < 0.05:
        return (
            "the countries differ (p < 0.05); differences between the studies other than "
            "country may explain it"
        )
    return "no statistically clear difference, which is not proof of equality"


def adjusted_comparison(
    pooling: CountryPooling, adjust: list[str], method: str = "REML", test: str = "knha"
) -> MetaRegressionResult:
    """Meta-regression on country plus the named moderators (line, real_world, phase)."""
    from cartatlas.stats import meta_regression

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


__all__ = [
    "GRADING_RULE",
    "SELECTION_RULE",
    "CountryComparison",
    "CountryPooling",
    "CountrySummary",
    "adjusted_comparison",
    "difference_wording",
    "pool_by_country",
    "poolable",
    "pool_rows",
]
