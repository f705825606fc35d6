"""Meta-analysis on demand: pool a response or adverse-event rate by country of conduct with
the measure, τ² estimator and inference the caller chooses; the forest plot as SVG.

``method=auto`` is the report's model (:func:`~cartatlas.analyses.success_rates.pool_by_country`:
binomial-normal GLMM, or REML with Knapp–Hartung when the GLMM cannot be fitted). Any other
method fits :func:`~cartatlas.stats.meta_proportions` on the same selected study rows.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request, Response

from cartatlas.analyses.study_rows import ENDPOINTS, SELECTION_RULE
from cartatlas.analyses.success_rates import pool_by_country, pooled_rows
from cartatlas.evidence.schema import Indication
from cartatlas.report.figures import svg
from cartatlas.stats import (
    ConvergenceError,
    GLMMConvergenceWarning,
    MetaResult,
    forest_plot,
    meta_proportions,
)
from cartatlas.store import Store
from cartatlas.web import params
from cartatlas.web.api.outcomes import with_exact_ci
from cartatlas.web.cache import Memo
from cartatlas.web.deps import EvidenceDep, MemoDep
from cartatlas.web.errors import NotFound
from cartatlas.web.responses import plain, records

router = APIRouter(prefix="/meta", tags=["meta-analysis"])

Endpoint = Literal["ORR", "CR", "CRS_any", "CRS_3plus", "ICANS_any", "ICANS_3plus"]
Measure = Literal["PLO", "PAS", "PFT", "PR"]
Method = Literal["auto", "GLMM", "REML", "DL", "ML", "PM", "HE", "SJ", "EB", "CE"]
MEASURE_NAMES = {
    "PLO": "logit",
    "PAS": "arcsine square root",
    "PFT": "Freeman–Tukey double arcsine",
    "PR": "raw proportion",
}
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
    "doi",
    "pmid",
]


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
    rows: pd.DataFrame
    result: MetaResult | None
    model: str
    missing: list[str]
    notes: list[str] = field(default_factory=list)


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


def _describe(method: str, measure: str, test: str) -> str:
    inference = "Knapp–Hartung t" if test == "knha" else "Wald z"
    if method == "CE":
        model = "common-effect (inverse variance)"
    else:
        model = f"random effects, τ² by {method}"
    return f"{MEASURE_NAMES[measure]} proportions, {model}, {inference} inference"


def run_meta(store: Store, q: MetaQuery) -> MetaRun:
    """Fit the analysis; a model that cannot be fitted gives ``result=None`` and says why."""
    countries = list(q.countries)
    if q.method == "auto" and q.measure == "PLO" and not q.knha:
        pooling = pool_by_country(store, q.indication, q.endpoint, countries)
        return MetaRun(q, pooling.rows, pooling.result, pooling.method_note, pooling.missing)
    rows = pooled_rows(store, q.indication, q.endpoint, countries)
    present = list(dict.fromkeys(rows["country"]))
    missing = [c for c in countries if c not in present]
    method = "REML" if q.method == "auto" else q.method
    test = "knha" if q.knha else "z"
    if rows.empty:
        return MetaRun(q, rows, None, "no data", missing)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = meta_proportions(
                rows["events"].to_numpy(float),
                rows["n"].to_numpy(float),
                measure=q.measure,
                method=method,
                test=test,
                subgroups=rows["country"].tolist() if len(present) > 1 else None,
                labels=rows["label"].tolist(),
            )
            model = (
                "binomial-normal GLMM (logit link, maximum likelihood), Wald z inference"
                if method == "GLMM"
                else _describe(method, q.measure, test)
            )
        except (ValueError, ArithmeticError, ConvergenceError, GLMMConvergenceWarning) as exc:
            result, model = None, f"{method} could not be fitted: {exc}"
    notes = list(dict.fromkeys(str(w.message) for w in caught))
    return MetaRun(q, rows, result, model, missing, notes)


def cached_meta(store: Store, memo: Memo, q: MetaQuery) -> MetaRun:
    return memo.get(store, ("meta", q), lambda: run_meta(store, q))


def _pooled(result: MetaResult, rows: pd.DataFrame) -> dict[str, Any]:
    bt = result.backtransformed()
    many = result.k > 1
    return {
        "studies": result.k,
        "patients": int(rows["n"].sum()),
        "estimate": plain(bt.estimate),
        "ci_low": plain(bt.ci_low),
        "ci_high": plain(bt.ci_high),
        "pi_low": plain(bt.pi_low) if many else None,
        "pi_high": plain(bt.pi_high) if many else None,
        "tau2": plain(result.tau2),
        "i2": plain(result.i2) if many else None,
        "q": plain(result.q),
        "q_p": plain(result.q_p),
    }


def by_country(run: MetaRun) -> dict[str, MetaResult]:
    if run.result is None:
        return {}
    if run.result.subgroups is None:
        return {run.rows["country"].iloc[0]: run.result}
    return run.result.subgroups.groups


def study_table(run: MetaRun) -> pd.DataFrame:
    """The pooled studies with their observed rate and exact 95% CI (percent)."""
    return with_exact_ci(run.rows.reindex(columns=STUDY_COLUMNS))


def meta_payload(run: MetaRun) -> dict[str, Any]:
    q = run.query
    groups = by_country(run)
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
        "missing": run.missing,
        "pooled": {
            "by_country": {
                c: _pooled(r, run.rows[run.rows["country"] == c]) for c, r in groups.items()
            },
            "overall": _pooled(run.result, run.rows) if run.result is not None else None,
        },
        "subgroup_test": None
        if sub is None
        else {
            "q_between": plain(sub.q_between),
            "df": sub.q_between_df,
            "p": plain(sub.q_between_p),
            "common_tau2_test": plain(sub.qm),
            "common_tau2_p": plain(sub.qm_p),
        },
        "studies": records(study_table(run)),
    }


def forest_svg(run: MetaRun) -> str:
    """The stats library's forest plot of the run, as SVG text; 404 without a fitted model."""
    if run.result is None:
        q = run.query
        raise NotFound(
            f"nothing to plot: {run.model} for {q.endpoint} in {q.indication} "
            f"({', '.join(q.countries)})"
        )
    label = ENDPOINTS[run.query.endpoint].label
    figure = forest_plot(
        run.result,
        title=f"{label} — {run.query.indication}",
        xlabel=label[0].upper() + label[1:],
        percent=True,
    )
    return svg(figure)


@router.get("", summary="Pool a rate by country (estimates, heterogeneity, subgroup test)")
def meta(store: EvidenceDep, memo: MemoDep, q: MetaQueryDep, request: Request) -> dict[str, Any]:
    """Proportions are 0–1; study rates and CIs in ``studies`` are percent. ``forest_svg``: the
    forest plot of the same analysis."""
    forest = f"{request.app.url_path_for('meta_forest')}?{urlencode(q.as_params())}"
    return {**meta_payload(cached_meta(store, memo, q)), "forest_svg": forest}


@router.get("/forest.svg", name="meta_forest", summary="Forest plot (SVG) of the same analysis")
def meta_forest(store: EvidenceDep, memo: MemoDep, q: MetaQueryDep) -> Response:
    return Response(forest_svg(cached_meta(store, memo, q)), media_type="image/svg+xml")


def forest_frames(run: MetaRun) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The run as the interactive forest chart reads it: study rows and pooled rows (percent)."""
    studies = study_table(run).assign(label=lambda f: f["study_id"])
    pooled = []
    for country, result in by_country(run).items():
        bt = result.backtransformed()
        many = result.k > 1  # one study has no prediction interval of its own
        pooled.append(
            {
                "country": country,
                "k": result.k,
                "percent": round(100 * bt.estimate, 1),
                "ci_low": round(100 * bt.ci_low, 1),
                "ci_high": round(100 * bt.ci_high, 1),
                "pi_low": round(100 * bt.pi_low, 1) if many else None,
                "pi_high": round(100 * bt.pi_high, 1) if many else None,
            }
        )
    return studies, pd.DataFrame(pooled)
