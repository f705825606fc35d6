"""Approvals: every source row of each regulatory approval; ``note`` counts the approvals."""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter

from cartatlas.analyses.approvals import (
    APPROVAL_KEY,
    CHOICE_RULE,
    LAG_DEFINITION,
    approved_product_counts,
    lag_summary,
    oriented_lag,
)
from cartatlas.analyses.approvals import approvals_frame as analysed_approvals
from cartatlas.evidence.absence import no_approvals
from cartatlas.evidence.jurisdictions import expand_regional, shown_brand, stored_codes
from cartatlas.evidence.schema import Agency, Indication
from cartatlas.store import Store
from cartatlas.web import params
from cartatlas.web.api.common import SOURCE_COLUMNS, Listing, listing, select
from cartatlas.web.deps import EvidenceDep
from cartatlas.web.responses import records
from cartatlas.wording import noun

router = APIRouter(prefix="/approvals", tags=["approvals"])


def approvals_frame(
    store: Store,
    *,
    country: str | None = None,
    agency: str | None = None,
    product: params.ProductQuery = None,
    indication: str | None = None,
) -> pd.DataFrame:
    columns = [
        "a.product_id",
        "p.inn",
        "p.brands",
        "p.targets",
        "a.agency",
        "a.country",
        "a.indication",
        "a.indication_label",
        "a.line_of_therapy",
        "a.population",
        "a.approval_date",
        "a.kind",
        *(f"a.{c}" for c in SOURCE_COLUMNS),
    ]
    codes = stored_codes([country]) if country else []
    frame = select(
        store,
        f"SELECT {', '.join(columns)} FROM evidence_approvals a "
        "JOIN evidence_products p USING (product_id)",
        [
            (f"a.country IN ({', '.join('?' * len(codes))})", codes or None),
            ("a.agency = ?", agency),
            ("a.product_id = ?", product),
            ("a.indication = ?", indication),
        ],
        "a.approval_date, a.product_id, a.indication",
    )
    frame = expand_regional(frame, [country]) if country else frame
    # The brand in the row's country, or the brand used elsewhere marked as such (``shown_brand``),
    # so that a client never prints an empty brand for Carvykti in Canada.
    brand = [shown_brand(b, c) for b, c in zip(frame["brands"], frame["country"], strict=True)]
    return frame.assign(brand=brand)


@router.get("/lag", response_model=Listing, summary="Approval lag between two countries")
def list_lag(
    store: EvidenceDep,
    countries: params.CountriesQuery = ["CN", "US"],  # noqa: B006
) -> Listing:
    """Per target × indication, each country's first approval (product, date, line of therapy,
    population, kind) and ``lag_months`` from the first to the second, ordered so the median lag
    is ≥ 0 (as ``cartatlas approvals --lag``, the report and the dashboard); ``status`` says why
    a pair has no lag (approved in one country only, date not recorded), never 0. ``note``: the
    definition, the median lag and the pairs whose first approvals were for different
    populations; a country without any recorded approval is named "no data"."""
    codes = params.countries("countries", countries)
    if len(codes) != 2:
        raise params.bad_param("countries", codes, "the lag compares two countries, e.g. CN, US")
    frame = analysed_approvals(store, codes)
    a, b, lag = oriented_lag(frame, codes)
    counts = approved_product_counts(frame, codes)
    absent = [no_approvals(c) for c in codes if counts[c] is None]
    said = [f"Lag: {LAG_DEFINITION.format(a=a, b=b)}.", *absent]
    if summary := lag_summary(lag, a, b):
        said.append(f"Same target and indication, any product: {summary}")
    answer = listing(records(lag))
    answer.note = " ".join(said)
    return answer


@router.get("", response_model=Listing, summary="Regulatory approvals")
def list_approvals(
    store: EvidenceDep,
    country: params.CountryQuery = None,
    agency: Agency | None = None,
    product: params.ProductQuery = None,
    indication: Indication | None = None,
) -> Listing:
    """Approvals, oldest first; dates at the precision their source gives (``2021-06``). With
    ``country``, EU (EMA) approvals are included for EU/EEA states with ``via = "EU"``; an
    empty answer says why in ``note``; otherwise ``note`` says how many approvals the source
    rows describe."""
    code = params.country("country", country)
    frame = approvals_frame(
        store,
        country=code,
        agency=agency,
        product=params.product(store, "product", product),
        indication=indication,
    )
    answer = listing(records(frame), no_approvals(code) if code else None)
    if len(frame):
        # One approval can have several source rows: say how many approvals the rows describe,
        # the count the report, the dashboard and `cartatlas approvals` show.
        approvals = len(frame[APPROVAL_KEY].fillna("").drop_duplicates())
        answer.note = (
            f"{len(frame)} source {noun(len(frame), 'row')} describing {approvals} "
            f"{noun(approvals, 'approval')} (one per {' × '.join(APPROVAL_KEY)}); "
            f"the report and `cartatlas approvals` keep one row per approval: {CHOICE_RULE}"
        )
    return answer
