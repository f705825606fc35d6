"""Products: the knowledge base's CAR-T products, and one product with all its evidence."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Path

from cartatlas.analyses.approvals import product_approvals
from cartatlas.evidence.jurisdictions import approval_countries
from cartatlas.evidence.queries import resolve_product
from cartatlas.store import Store
from cartatlas.web import params
from cartatlas.web.api import outcomes, prices, studies
from cartatlas.web.api.common import SOURCE_COLUMNS, Listing, listing, select
from cartatlas.web.deps import EvidenceDep
from cartatlas.web.responses import records

router = APIRouter(prefix="/products", tags=["products"])

COLUMNS = (
    "product_id",
    "inn",
    "aliases",
    "brands",
    "targets",
    "cell_source",
    "costimulatory",
    "binder_origin",
    "manufacturer",
    "developer_country",
    *SOURCE_COLUMNS,
)


def products_frame(store: Store, country: str | None = None) -> pd.DataFrame:
    """Products (``|``-joined lists as in the knowledge base) with ``approved_in``: the
    countries with a recorded approval (``EU`` as issued); with ``country``, only products
    approved there, an EU approval counting for every state it applies to."""
    frame = select(store, f"SELECT {', '.join(COLUMNS)} FROM evidence_products", [], "product_id")
    _, rows = store.query(
        "SELECT DISTINCT product_id, country, approval_date FROM evidence_approvals"
    )
    stored: dict[str, list[tuple[str, str | None]]] = {}
    for product_id, code, date in sorted(rows, key=lambda r: (r[0], r[1], r[2] or "")):
        stored.setdefault(product_id, []).append((code, date))
    approved = {p: list(dict.fromkeys(c for c, _ in pairs)) for p, pairs in stored.items()}
    frame["approved_in"] = [approved.get(p, []) for p in frame["product_id"]]
    if country:
        keep = [country in approval_countries(stored.get(p, [])) for p in frame["product_id"]]
        frame = frame[keep]
    return frame.reset_index(drop=True)


def product_profile(store: Store, key: str) -> dict[str, Any]:
    """Everything the knowledge base holds on one product (404 for an unknown key)."""
    product_id = resolve_product(store, key)
    frame = products_frame(store)
    return {
        "product": records(frame[frame["product_id"] == product_id])[0],
        # One row per approval, as on every other surface; the other sources are listed in it.
        "approvals": records(product_approvals(store, product_id)),
        "studies": records(studies.studies_frame(store, product=product_id)),
        "outcomes": records(outcomes.results_frame(store, "outcomes", product=product_id)),
        "safety": records(outcomes.results_frame(store, "safety", product=product_id)),
        "prices": records(prices.converted_prices(store, product=product_id)),
    }


@router.get("", response_model=Listing, summary="CAR-T products")
def list_products(store: EvidenceDep, country: params.CountryQuery = None) -> Listing:
    """Every product; with ``country``, those with an approval there."""
    code = params.country("country", country)
    return listing(records(products_frame(store, code)))


@router.get("/{key}", summary="One product with its approvals, studies, results and prices")
def get_product(store: EvidenceDep, key: Annotated[str, Path(max_length=100)]) -> dict[str, Any]:
    """``key``: product ID, INN, alias (``axi-cel``) or brand (``Yescarta``); 404 if unknown."""
    return product_profile(store, key)
