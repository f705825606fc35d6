"""Meta-analysis on demand: pool a response or adverse-event rate by country of conduct with
the measure, τ² estimator and inference the caller chooses; the forest plot as SVG.

``method=auto`` is the report's model (:func:`~cartatlas.analyses.success_rates.pool_by_country`:
binomial-normal GLMM, or REML with Knapp–Hartung when the GLMM cannot be fitted). Any other
method fits :func:`~cartatlas.stats.meta_proportions` on the same selected study rows.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request, Response

from cartatlas.analyses.figures import forest_title, subgroup_test_note
from cartatlas.analyses.like_for_like import (
    ASSIGNMENT_RULE,
    SameProduct,
    by_product,
    no_rate_reason,
)
from cartatlas.analyses.populations import (
    POPULATION_RULE,
    SUBGROUP_RULE,
    apart_rule,
    apart_sentence,
    population_label,
)
from cartatlas.analyses.response_floors import FLOOR_RULE
from cartatlas.analyses.study_labels import study_labels
from cartatlas.analyses.study_rows import ENDPOINTS, LATER_RULE, SELECTION_RULE
from cartatlas.analyses.success_rates import (
    GRADING_RULE,
    CountryPooling,
    CountrySummary,
    country_absence,
    difference_wording,
    pool_by_country,
)
from cartatlas.evidence.schema import Indication
from cartatlas.store import Store
from cartatlas.web import params
from cartatlas.web.api.outcomes import with_exact_ci
from cartatlas.web.cache import Memo
from cartatlas.web.deps import EvidenceDep, MemoDep
from cartatlas.web.errors import NotFound
from cartatlas.web.responses import plain, records
from cartatlas.web.stored import same_product_key, same_product_name, stored

if TYPE_CHECKING:
    from cartatlas.stats import MetaResult

router = APIRouter(prefix="/meta", tags=["meta-analysis"])

Endpoint = Literal["ORR", "CR", "CRS_any", "CRS_3plus", "ICANS_any", "ICANS_3plus"]
Measure = Literal["PLO", "PAS", "PFT", "PR"]
#: Every τ² estimator ``cartatlas.stats`` fits (spelt out, so that serving loads no statistics
#: library; tests/web/test_api_meta_methods.py keeps it equal to ``stats.tau2.ESTIMATORS``).
Method = Literal[
    "auto",
    "GLMM",
    "CE",
    "DL",
    "DLIT",
    "REML",
    "ML",
    "PM",
    "PMM",
    "HE",
    "HS",
    "HSk",
    "SJ",
    "SJIT",
    "EB",
]

STUDY_COLUMNS = [
    "study_id",
    "name",
    "product",
    "country",
    "code",
    "analysis",
    "denominator",
    "assessor",
    "grading",
    "line_of_therapy",
    "real_world",
    "events",
    "n",
    "source_url",
    "source_kind",
    "doi",
    "pmid",
]


#: A cohort in a special population, listed beside the pool (``POPULATION_RULE``).
APART_COLUMNS = [*STUDY_COLUMNS[:4], "population_group", "subgroup", *STUDY_COLUMNS[4:]]


@dataclass(frozen=True)
class MetaQuery:
    indication: str
    endpoint: str
    countries: tuple[str, ...]
    measure: str
    method: str
    knha: bool

    def as_params(self) -> list[tuple[str, str]]:
        """The query string that reproduces this analysis."""
        return [
            ("indication", self.indication),
            ("endpoint", self.endpoint),
            *(("countries", c) for c in self.countries),
            ("measure", self.measure),
            ("method", self.method),
            ("knha", str(self.knha).lower()),
        ]


@dataclass
class MetaRun:
    query: MetaQuery
    pooling: CountryPooling
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> pd.DataFrame:
        return self.pooling.rows

    @property
    def result(self) -> MetaResult | None:
        return self.pooling.result

    @property
    def model(self) -> str:
        return self.pooling.method_note

    @property
    def missing(self) -> list[str]:
        return self.pooling.missing


async def meta_query(
    indication: Indication = "LBCL",
    endpoint: Endpoint = "CR",
    countries: params.CountriesQuery = ["CN", "US"],  # noqa: B006
    measure: Annotated[Measure, Query(description="effect measure (scale of pooling)")] = "PLO",
    method: Annotated[
        Method, Query(description="τ² estimator, CE (common effect), GLMM, or auto")
    ] = "auto",
    knha: Annotated[bool, Query(description="Knapp–Hartung inference (otherwise Wald z)")] = False,
) -> MetaQuery:
    """Checked parameters: the GLMM needs the logit measure and has no Knapp–Hartung form."""
    if method == "GLMM" and measure != "PLO":
        raise params.bad_param("measure", measure, "the GLMM models the logit: use measure=PLO")
    if method == "GLMM" and knha:
        raise params.bad_param("knha", knha, "Knapp–Hartung does not apply to the GLMM")
    return MetaQuery(
        indication,
        endpoint,
        tuple(params.countries("countries", countries)),
        measure,
        method,
        knha,
    )


MetaQueryDep = Annotated[MetaQuery, Depends(meta_query)]
#: The rule across parameters that OpenAPI cannot state (each value alone is valid).
GLMM_RULE = {
    422: {
        "description": "A parameter is not valid, or the combination is not: method=GLMM "
        "models the logit (measure=PLO only) and has no Knapp–Hartung form (knha=false only)."
    }
}


def run_meta(store: Store, q: MetaQuery) -> MetaRun:
    """Pool as :func:`pool_by_country` does, with the chosen measure, method and inference; a
    country with one study shows that study's proportion with its exact CI, never a model error.
    """
    countries = list(q.countries)
    auto = q.method == "auto" and q.measure == "PLO" and not q.knha
    method = None if auto else ("REML" if q.method == "auto" else q.method)
    test = None if auto else ("knha" if q.knha else "z")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pooling = pool_by_country(
            store, q.indication, q.endpoint, countries, method, test, measure=q.measure
        )
    notes = list(dict.fromkeys(str(w.message) for w in caught))
    return MetaRun(q, pooling, notes)


def cached_meta(store: Store, memo: Memo, q: MetaQuery) -> MetaRun:
    return memo.get(store, ("meta", q), lambda: run_meta(store, q))


def _summary(summary: CountrySummary) -> dict[str, Any]:
    return {
        "studies": summary.k,
        "patients": summary.patients,
        "estimate": plain(summary.estimate),
        "ci_low": plain(summary.ci_low),
        "ci_high": plain(summary.ci_high),
        "pi_low": plain(summary.pi_low) if summary.pi_low is not None else None,
        "pi_high": plain(summary.pi_high) if summary.pi_high is not None else None,
        "tau2": plain(summary.tau2) if summary.tau2 is not None else None,
        "i2": plain(summary.i2) if summary.i2 is not None and summary.k > 1 else None,
        "method": summary.method,
    }


def _overall(result: MetaResult, rows: pd.DataFrame) -> dict[str, Any]:
    bt = result.backtransformed()
    return {
        "studies": result.k,
        "patients": int(rows["n"].sum()),
        "estimate": plain(bt.estimate),
        "ci_low": plain(bt.ci_low),
        "ci_high": plain(bt.ci_high),
        "pi_low": plain(bt.pi_low) if result.k > 1 else None,
        "pi_high": plain(bt.pi_high) if result.k > 1 else None,
        "tau2": plain(result.tau2),
        "i2": plain(result.i2) if result.k > 1 else None,
        "q": plain(result.q),
        "q_p": plain(result.q_p),
    }


def study_table(run: MetaRun) -> pd.DataFrame:
    """The pooled studies with their observed rate and exact 95% CI (percent)."""
    return with_exact_ci(run.rows.reindex(columns=STUDY_COLUMNS))


def meta_payload(run: MetaRun) -> dict[str, Any]:
    q = run.query
    pooling = run.pooling
    comparison = pooling.comparison
    sub = run.result.subgroups if run.result is not None else None
    return {
        "query": {
            "indication": q.indication,
            "endpoint": q.endpoint,
            "endpoint_label": ENDPOINTS[q.endpoint].label,
            "countries": list(q.countries),
            "measure": q.measure,
            "method": q.method,
            "knha": q.knha,
        },
        "model": run.model,
        "notes": run.notes,
        "selection_rule": SELECTION_RULE,
        "grading_rule": GRADING_RULE if ENDPOINTS[q.endpoint].table == "safety" else None,
        "refusal": pooling.refusal,
        "missing": run.missing,
        "absent_reasons": {c: country_absence(pooling, c) for c in run.missing},
        "left_out": pooling.left_out,
        "secondary_only": pooling.secondary_only,
        "complete_response_floors": records(pooling.floors),
        "floor_rule": FLOOR_RULE if not pooling.floors.empty else None,
        "population_rule": POPULATION_RULE,
        "subgroup_rule": SUBGROUP_RULE,
        "apart_rule": apart_rule(pooling.apart),
        "not_pooled": apart_sentence(pooling.apart),
        "apart": records(
            with_exact_ci(
                pooling.apart.reindex(columns=APART_COLUMNS).assign(
                    population=lambda f: [
                        population_label(group, subgroup)
                        for group, subgroup in zip(
                            f["population_group"], f["subgroup"], strict=True
                        )
                    ]
                )
            )
        ),
        "later_rule": LATER_RULE,
        "later": records(with_exact_ci(pooling.later.reindex(columns=STUDY_COLUMNS))),
        "pooled": {
            "by_country": {c: _summary(s) for c, s in pooling.summaries.items()},
            "overall": _overall(run.result, run.rows) if run.result is not None else None,
        },
        "comparison": None
        if comparison is None
        else {
            "test": comparison.test,
            "statistic": comparison.statistic,
            "p": plain(comparison.p),
            "wording": difference_wording(comparison.p),
        },
        "subgroup_test": None
        if sub is None
        else {
            "q_between": plain(sub.q_between),
            "df": sub.q_between_df,
            "p": plain(sub.q_between_p),
            "common_tau2_test": plain(sub.qm),
            "common_tau2_p": plain(sub.qm_p),
            "reported": subgroup_test_note(pooling),
        },
        "studies": records(study_table(run)),
        # the grading rule's "listed but not pooled": each with its system and exact CI
        "graded_apart": records(
            with_exact_ci(pooling.graded_apart.reindex(columns=STUDY_COLUMNS), after="n")
        ),
    }


def forest_svg(store: Store, run: MetaRun) -> str:
    """The stats library's forest plot of the run, as SVG text; 404 without a fitted model."""
    if run.result is None:
        q = run.query
        raise NotFound(
            f"nothing to plot: {run.model} for {q.endpoint} in {q.indication} "
            f"({', '.join(q.countries)})"
        )
    from cartatlas.report.figures import svg  # matplotlib: when a plot is asked for
    from cartatlas.stats import forest_plot

    label = ENDPOINTS[run.query.endpoint].label
    figure = forest_plot(
        run.result,
        title=forest_title(run.pooling),
        xlabel=label[0].upper() + label[1:],
        percent=True,
        common_tau2_test=False,
        names=study_labels(store),
    )
    return svg(figure)


@router.get(
    "",
    summary="Pool a rate by country (estimates, heterogeneity, subgroup test)",
    responses=GLMM_RULE,
)
def meta(store: EvidenceDep, memo: MemoDep, q: MetaQueryDep, request: Request) -> dict[str, Any]:
    """Proportions are 0–1; study rates and CIs in ``studies`` are percent. ``forest_svg``: the
    forest plot of the same analysis."""
    forest = f"{request.app.url_path_for('meta_forest')}?{urlencode(q.as_params())}"
    return {**meta_payload(cached_meta(store, memo, q)), "forest_svg": forest}


@router.get(
    "/forest.svg",
    name="meta_forest",
    summary="Forest plot (SVG) of the same analysis",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}}, **GLMM_RULE},
)
def meta_forest(store: EvidenceDep, memo: MemoDep, q: MetaQueryDep) -> Response:
    return Response(forest_svg(store, cached_meta(store, memo, q)), media_type="image/svg+xml")


def forest_frames(store: Store, run: MetaRun) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The run as the interactive forest chart reads it: study rows, each labelled by its
    product and study (``study_labels``), and pooled rows (percent)."""
    names = study_labels(store)
    studies = study_table(run).assign(label=lambda f: [names.get(s, s) for s in f["study_id"]])
    pooled = [
        {
            "country": country,
            "k": summary.k,
            "percent": round(100 * summary.estimate, 1),
            "ci_low": round(100 * summary.ci_low, 1),
            "ci_high": round(100 * summary.ci_high, 1),
            "pi_low": round(100 * summary.pi_low, 1) if summary.pi_low is not None else None,
            "pi_high": round(100 * summary.pi_high, 1) if summary.pi_high is not None else None,
        }
        for country, summary in run.pooling.summaries.items()
    ]
    return studies, pd.DataFrame(pooled)


#: The like-for-like view's countries when none are given (kept in the store by the server).
SAME_PRODUCT_COUNTRIES = ("US", "CN")


@router.get("/same-product", summary="One product's results in its trials in each country")
def same_product_view(
    store: EvidenceDep,
    memo: MemoDep,
    product: Annotated[str, Query(description="product ID, INN, alias or brand (cilta-cel)")],
    countries: params.CountriesQuery = list(SAME_PRODUCT_COUNTRIES),  # noqa: B006
) -> dict[str, Any]:
    """Like for like: per indication and endpoint, the product's own studies in each country
    (multinational trials by ``assignment_rule``), rates with exact or pooled 95% CIs and the
    named test for a difference. Proportions are 0–1."""
    product_id = params.product(store, "product", product, memo)
    wanted = tuple(params.countries("countries", countries))
    answers = same_product_answers(store, memo, wanted)
    return answers.get(product_id) or same_product_answer(product_id, wanted, [])


def same_product_answers(store: Store, memo: Memo, countries: tuple[str, ...]) -> dict:
    """Every product's like-for-like answer for ``countries``, built at once per data version
    (the study rows of every indication and endpoint are read and selected once for all
    products: read per request, they cost most of a second) and kept in the store when the
    server built them (:mod:`cartatlas.web.stored`)."""
    return memo.get(
        store,
        same_product_key(countries),
        lambda: stored(
            store,
            same_product_name(countries),
            lambda: {
                product: same_product_answer(product, countries, comparisons)
                for product, comparisons in by_product(store, list(countries)).items()
            },
        ),
    )


def same_product_answer(
    product_id: str, countries: tuple[str, ...], comparisons: list[SameProduct]
) -> dict[str, Any]:
    return {
        "product": product_id,
        "countries": list(countries),
        "assignment_rule": ASSIGNMENT_RULE,
        "floor_rule": FLOOR_RULE,
        "comparisons": [
            {
                "indication": c.indication,
                "endpoint": c.endpoint,
                "by_country": {k: _summary(s) for k, s in c.pooling.summaries.items()},
                "studies": {
                    k: list(part["study_id"])
                    for k, part in c.pooling.rows.groupby("country", sort=False)
                },
                "comparison": None
                if c.pooling.comparison is None
                else {
                    "test": c.pooling.comparison.test,
                    "p": plain(c.pooling.comparison.p),
                    "wording": difference_wording(c.pooling.comparison.p),
                },
                "refusal": c.pooling.refusal,
                "missing": c.pooling.missing,
                "absent_reasons": {k: no_rate_reason(c, k) for k in c.pooling.missing},
                "complete_response_floors": records(c.pooling.floors),
            }
            for c in comparisons
        ],
    }
