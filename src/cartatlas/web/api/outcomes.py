"""Outcomes: response proportions per study, each with its exact (Clopper–Pearson) 95% CI.

:func:`results_frame` also serves the safety router: both tables are proportions of a study's
patients and are read the same way.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
from fastapi import APIRouter

from cartatlas.evidence.absence import no_records
from cartatlas.evidence.queries import CI_METHOD, Proportion
from cartatlas.evidence.schema import Analysis, Indication, Outcome
from cartatlas.rounding import half_up
from cartatlas.store import Store
from cartatlas.web import params
from cartatlas.web.api.common import SOURCE_COLUMNS, Listing, listing, select
from cartatlas.web.deps import EvidenceDep
from cartatlas.web.responses import records

router = APIRouter(prefix="/outcomes", tags=["outcomes"])

Kind = Literal["outcomes", "safety"]
Endpoint = Outcome.model_fields["endpoint"].annotation
_DETAIL = {
    "outcomes": ("endpoint", "assessor", "analysis", "denominator", "follow_up_months"),
    "safety": ("event", "grade", "grading", "analysis"),
}
_CODE = {"outcomes": "endpoint", "safety": "event"}


def with_exact_ci(frame: pd.DataFrame, after: str | None = None) -> pd.DataFrame:
    """``percent`` (events / n) and its exact 95% CI ``ci_low``–``ci_high``, in percent, inserted
    after the column ``after`` (default: at the end)."""
    shares = [Proportion(int(e), int(n)) for e, n in zip(frame["events"], frame["n"], strict=True)]
    intervals = [share.ci() for share in shares]
    at = frame.columns.get_loc(after) + 1 if after else len(frame.columns)
    out = frame.copy()
    out.insert(at, "percent", [half_up(share.percent, 1) for share in shares])
    out.insert(at + 1, "ci_low", [round(low, 1) for low, _ in intervals])
    out.insert(at + 2, "ci_high", [round(high, 1) for _, high in intervals])
    return out


def results_frame(
    store: Store,
    kind: Kind,
    *,
    product: str | None = None,
    study: str | None = None,
    indication: str | None = None,
    country: str | None = None,
    code: str | None = None,
    grade: str | None = None,
    analysis: str | None = None,
) -> pd.DataFrame:
    """Rows of ``evidence_outcomes`` or ``evidence_safety`` with their study's product,
    indication and country of conduct, the percentage recomputed from events / n and its CI."""
    columns = [
        "o.study_id",
        "s.name AS study_name",
        "s.product_id",
        "s.construct_name",
        "s.indication",
        "s.country_of_conduct",
        *(f"o.{c}" for c in _DETAIL[kind]),
        "o.n",
        "o.events",
        "o.percent AS printed_percent",
        "o.events_derived",
        *(f"o.{c}" for c in SOURCE_COLUMNS),
    ]
    frame = select(
        store,
        f"SELECT {', '.join(columns)} FROM evidence_{kind} o "
        "JOIN evidence_studies s USING (study_id)",
        [
            ("s.product_id = ?", product),
            ("o.study_id = ?", study),
            ("s.indication = ?", indication),
            ("s.country_of_conduct = ?", country),
            (f"o.{_CODE[kind]} = ?", code),
            ("o.grade = ?", grade),
            ("o.analysis = ?", analysis),
        ],
        f"o.study_id, o.analysis, o.{_CODE[kind]}",
    )
    frame = with_exact_ci(frame, after="printed_percent")
    frame["ci_method"] = CI_METHOD
    return frame


def results_listing(
    store: Store, kind: Kind, country: str | None, **filters: str | None
) -> Listing:
    """The :func:`results_frame` rows as a listing; filtered to a country of conduct, an empty
    answer says why ("no data (no safety rows from studies conducted in JP …)") rather than
    a bare empty list. ``filters`` are :func:`results_frame`'s other keywords."""
    what = "response" if kind == "outcomes" else "safety"
    return listing(
        records(results_frame(store, kind, country=country, **filters)),
        no_records(
            f"{what} rows from studies conducted in {country}",
            any(v is not None for v in filters.values()),
        )
        if country
        else None,
    )


@router.get("", response_model=Listing, summary="Response proportions with exact 95% CIs")
def list_outcomes(
    store: EvidenceDep,
    product: params.ProductQuery = None,
    study: params.Text | None = None,
    indication: Indication | None = None,
    country: params.ConductCountryQuery = None,
    endpoint: Endpoint | None = None,  # type: ignore[valid-type]
    analysis: Analysis | None = None,
) -> Listing:
    """ORR, CR and the other endpoints per study and analysis; ``country`` is the country of
    conduct. ``percent`` is events / n, ``ci_low``–``ci_high`` its exact 95% interval."""
    return results_listing(
        store,
        "outcomes",
        params.country("country", country),
        product=params.product(store, "product", product),
        study=study,
        indication=indication,
        code=endpoint,
        analysis=analysis,
    )
