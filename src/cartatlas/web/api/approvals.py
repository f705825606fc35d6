"""Approvals: one row per regulatory approval (product × agency × indication × date)."""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter

from cartatlas.evidence.schema import Agency, Indication
from cartatlas.store import Store
from cartatlas.web import params
from cartatlas.web.api.common import SOURCE_COLUMNS, Listing, listing, select
from cartatlas.web.deps import EvidenceDep
from cartatlas.web.responses import records

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
    return select(
        store,
        f"SELECT {', '.join(columns)} FROM evidence_approvals a "
        "JOIN evidence_products p USING (product_id)",
        [
            ("a.country = ?", country),
            ("a.agency = ?", agency),
            ("a.product_id = ?", product),
            ("a.indication = ?", indication),
        ],
        "a.approval_date, a.product_id, a.indication",
    )


@router.get("", response_model=Listing, summary="Regulatory approvals")
def list_approvals(
    store: EvidenceDep,
    country: params.CountryQuery = None,
    agency: Agency | None = None,
    product: params.ProductQuery = None,
    indication: Indication | None = None,
) -> Listing:
    """Approvals, oldest first; dates at the precision their source gives (``2021-06``)."""
    code = params.country("country", country)
    return listing(
        records(
            approvals_frame(
                store,
                country=code,
                agency=agency,
                product=params.product(store, "product", product),
                indication=indication,
            )
        )
    )
