"""Products: the knowledge base's CAR-T products, and one product with all its evidence."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Path

from cartatlas.evidence.queries import resolve_product
from cartatlas.store import Store
from cartatlas.web import params
from cartatlas.web.api import approvals, outcomes, prices, studies
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
    countries with a recorded approval; with ``country``, only products approved there."""
    frame = select(store, f"SELECT {', '.join(COLUMNS)} FROM evidence_products", [], "product_id")
    _, rows = store.query("SELECT DISTINCT product_id, country FROM evidence_approvals")
    approved: dict[str, list[str]] = {}
    for product_id, code in sorted(rows):
        approved.setdefault(product_id, []).append(code)
    frame["approved_in"] = [approved.get(p, []) for p in frame["product_id"]]
    if country:
        frame = frame[[country in c for c in frame["approved_in"]]]
    return frame.reset_index(drop=True)


def brand_in(brands: object, country: str) -> str | None:
    """The brand a product is sold under in ``country`` (``US:Yescarta|CN:Yikaida``)."""
    for brand in (brands if isinstance(brands, str) else "").split("|"):
        code, _, name = brand.partition(":")
        if code.strip() == country:
            return name.strip()
    return None


def product_profile(store: Store, key: str) -> dict[str, Any]:
    """Everything the knowledge base holds on one product (404 for an unknown key)."""
    product_id = resolve_product(store, key)
    frame = products_frame(store)
    return {
        "product": records(frame[frame["product_id"] == product_id])[0],
        "approvals": records(approvals.approvals_frame(store, product=product_id)),
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
