"""Durability, randomized comparisons, regulatory safety actions and coverage (who pays)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from fastapi import APIRouter
from pydantic import BaseModel

from cartatlas.analyses.durability import (
    MEDIANS_NOT_POOLED,
    POOLING_CAVEAT,
    POOLING_METHOD,
    comparisons_frame,
    left_out_unpooled,
    missing_hazard_ratios,
    pooled_hazard_ratios,
    survival_frame,
)
from cartatlas.analyses.treated_share import treated_percent
from cartatlas.evidence.absence import hazard_ratio_gaps_said, no_coverage, no_records
from cartatlas.evidence.jurisdictions import with_eu_if_member
from cartatlas.evidence.schema import Agency, Indication, TimeEndpoint
from cartatlas.web import params
from cartatlas.web.api.common import Listing, listing, select
from cartatlas.web.deps import EvidenceDep
from cartatlas.web.responses import plain, records

router = APIRouter(tags=["durability"])


def _where(frame: pd.DataFrame, **equal: object) -> pd.DataFrame:
    for column, value in equal.items():
        if value is not None:
            frame = frame[frame[column] == value]
    return frame


@router.get(
    "/survival",
    response_model=Listing,
    summary="Median and landmark survival",
    description="Per study and arm (`car-t` / `control`): medians in months (`not_reached` "
    "true when the source says so; an empty CI bound was printed as not reached) and landmark "
    "rates in % at `landmark_months`. " + MEDIANS_NOT_POOLED,
)
def list_survival(
    store: EvidenceDep,
    product: params.ProductQuery = None,
    indication: Indication | None = None,
    endpoint: TimeEndpoint | None = None,  # type: ignore[valid-type]
    country: params.CountryQuery = None,
) -> Listing:
    frame = survival_frame(store, params.product(store, "product", product), indication)
    code = params.country("country", country)
    narrowed = any(v is not None for v in (product, indication, endpoint))
    return listing(
        records(_where(frame, endpoint=endpoint, country_of_conduct=code)),
        # ES's survival was a bare [] while /api/outcomes and /api/safety say why they are empty
        no_records(f"survival rows from studies conducted in {code}", narrowed) if code else None,
    )


class Comparisons(BaseModel):
    """Trial rows as printed, and the pooled hazard ratios with the method used."""

    count: int
    items: list[dict[str, Any]]
    pooled: list[dict[str, Any]]
    method: str
    caveat: str
    missing_hazard_ratios: list[str]
    missing_hazard_ratios_said: str
    left_out_later_analyses: list[str]


@router.get("/comparisons", response_model=Comparisons, summary="Randomized CAR-T vs SoC")
def list_comparisons(
    store: EvidenceDep,
    product: params.ProductQuery = None,
    indication: Indication | None = None,
    endpoint: TimeEndpoint | None = None,  # type: ignore[valid-type]
) -> Comparisons:
    """Hazard ratios (< 1 favours CAR-T) with CI, p as printed, crossover and status
    (``immature`` / ``not_reported``). ``pooled``: every product's trials in the indications
    shown, pooled per indication and endpoint where two or more trials share it.
    ``missing_hazard_ratios``: randomized trials of approved products (in those indications, or
    the indication asked for) with no primary-endpoint or OS hazard ratio recorded, left out of
    the pooled estimates; ``missing_hazard_ratios_said``: the same in the words the CLI, report
    and dashboard print ("BELINDA (OS HR): no data (no source in the evidence base reports it;
    …)"), empty when none is missing. ``pooled[].caveat`` names the analysis each trial's
    pooled HR comes from, marks a news page as a weak source and names the other analyses a
    reader must weigh;
    ``left_out_later_analyses``: later analyses read only on secondary pages of trials that no
    pooled estimate shows."""
    product_id = params.product(store, "product", product)
    rows = _where(comparisons_frame(store, product_id, indication), endpoint=endpoint)
    shared = _where(comparisons_frame(store, None, indication), endpoint=endpoint)
    shared = shared[shared["indication"].isin(set(rows["indication"]))]
    pooled = []
    pools = pooled_hazard_ratios(shared)
    for p in pools:
        (low, high), (plow, phigh) = p.ci, p.pi
        pooled.append(
            {
                "indication": p.indication,
                "endpoint": p.endpoint,
                "studies": list(p.rows["study_id"]),
                "hr": plain(p.hr),
                "ci_low": plain(low),
                "ci_high": plain(high),
                "pi_low": plain(plow),
                "pi_high": plain(phigh),
                "tau2": plain(p.result.tau2),
                "i2": plain(p.result.i2),
                "caveat": p.caveat,
                "q_p": None if math.isnan(p.result.q_p) else p.result.q_p,
            }
        )
    items = records(rows)
    shown = {indication} if indication else set(rows["indication"])
    missing = missing_hazard_ratios(store, shown)
    return Comparisons(
        count=len(items),
        items=items,
        pooled=pooled,
        method=POOLING_METHOD,
        caveat=POOLING_CAVEAT,
        missing_hazard_ratios=missing,
        missing_hazard_ratios_said=hazard_ratio_gaps_said(missing) if missing else "",
        left_out_later_analyses=left_out_unpooled(shared, pools),
    )


@router.get("/regulatory-actions", response_model=Listing, summary="Regulatory safety actions")
def list_regulatory_actions(
    store: EvidenceDep, agency: Agency | None = None, country: params.CountryQuery = None
) -> Listing:
    """Boxed warnings, label and REMS changes and monitoring rules, oldest first; dates at
    the precision their source gives. A country of the EEA also gets the EMA's (``EU``)
    actions, as its approvals do."""
    code = params.country("country", country)
    codes = with_eu_if_member([code]) if code else None
    frame = select(
        store,
        "SELECT * FROM evidence_regulatory_actions",
        [
            ("agency = ?", agency),
            (f"country IN ({', '.join('?' * len(codes))})" if codes else "", codes),
        ],
        "action_date, agency",
    )
    return listing(records(frame.drop(columns=["source_line"])))


@router.get("/coverage", response_model=Listing, summary="Who pays: coverage per country")
def list_coverage(
    store: EvidenceDep, country: params.CountryQuery = None, product: params.ProductQuery = None
) -> Listing:
    """Payer or scheme, status, scope, conditions and date; ``product_id`` null means CAR-T
    as a class. Patients treated / eligible (with ``patients_as_of``, the date the counts refer
    to) and out-of-pocket amounts only where a source states them (null is "not stated", never
    zero); ``treated_percent`` is treated / eligible × 100 where the source gives both."""
    code = params.country("country", country)
    product_id = params.product(store, "product", product)
    frame = select(
        store,
        "SELECT * FROM evidence_coverage",
        [("country = ?", code), ("product_id = ?", product_id)],
        "country, effective_date",
    )
    frame = frame.assign(
        treated_percent=[
            treated_percent(t, e)
            for t, e in zip(frame["patients_treated"], frame["patients_eligible"], strict=True)
        ]
    )
    absent = no_coverage(code) if code and product_id is None else None
    return listing(records(frame.drop(columns=["source_line"])), absent)
