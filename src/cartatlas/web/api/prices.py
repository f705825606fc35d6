"""Prices: local currency, US dollars at the same year's rate, PPP, and any recorded currency.

Conversions follow :mod:`cartatlas.analyses.cost`: only the rate of the price's own year is
used; without it the converted value is ``null`` ("no data"), never another year's rate.
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Query
from pydantic import StringConstraints

from cartatlas.analyses.cost import confidential_discount, exchange_rates, prices_frame
from cartatlas.analyses.headline_prices import in_headline
from cartatlas.analyses.responder_cost import PAIRING_RULE, cost_per_responder
from cartatlas.evidence.absence import no_prices
from cartatlas.evidence.schema import Price
from cartatlas.store import Store
from cartatlas.web import params
from cartatlas.web.api.common import Listing, listing
from cartatlas.web.deps import EvidenceDep
from cartatlas.web.errors import NotFound
from cartatlas.web.responses import records

router = APIRouter(prefix="/prices", tags=["prices"])

PriceKind = Price.model_fields["kind"].annotation
CurrencyQuery = Annotated[
    Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")] | None,
    Query(description="ISO 4217 code to convert into as well (at the price year's rate)"),
]


def _rates(store: Store, currency: str) -> pd.DataFrame:
    """Units of ``currency`` per US dollar by year (the rate the cost analysis uses); 404 when
    the knowledge base has no rate for it (which currencies have rates depends on the data, not
    on the request's form)."""
    if currency == "USD":
        return pd.DataFrame({"year": [], "per_usd": [], "source_url": []})
    every = exchange_rates(store)
    rates = every.loc[every["currency"] == currency, ["year", "per_usd", "source_url"]]
    rates = rates.sort_values("year").reset_index(drop=True)
    if rates.empty:
        _, rows = store.query("SELECT DISTINCT currency FROM evidence_exchange_rates")
        known = ", ".join(sorted({"USD", *(r[0] for r in rows)}))
        raise NotFound(f"no exchange rate recorded for {currency}; known: {known}")
    return rates


def converted_prices(
    store: Store,
    *,
    country: str | None = None,
    product: str | None = None,
    kind: str | None = None,
    currency: str | None = None,
) -> pd.DataFrame:
    if country:
        countries = [country]
    else:
        _, rows = store.query("SELECT DISTINCT country FROM evidence_prices ORDER BY country")
        countries = [r[0] for r in rows]
    frame = prices_frame(store, countries) if countries else pd.DataFrame()
    if frame.empty:
        return frame
    frame = frame.assign(
        in_headline=in_headline(frame),  # on every price of the country
        confidential_discount=frame["note"].map(confidential_discount),
    )
    if product:
        frame = frame[frame["product_id"] == product]
    if kind:
        frame = frame[frame["kind"] == kind]
    if currency:
        code = currency.upper()
        rates = _rates(store, code)
        by_year = dict(zip(rates["year"], rates["per_usd"], strict=True))
        source = dict(zip(rates["year"], rates["source_url"], strict=True))
        frame = frame.assign(
            target_currency=code,
            in_target_currency=[
                usd * (1.0 if code == "USD" else by_year.get(year, float("nan")))
                for usd, year in zip(frame["usd"], frame["year"], strict=True)
            ],
            target_fx_source=[source.get(year) for year in frame["year"]],
        )
    return frame.reset_index(drop=True)


@router.get(
    "/per-responder", response_model=Listing, summary="Cost per complete responder (derived)"
)
def list_cost_per_responder(
    store: EvidenceDep,
    countries: params.CountriesQuery = ["CN", "US"],  # noqa: B006
) -> Listing:
    """Each registrational trial's price (USD, ``price_usd``) divided by its complete-response
    rate (``events`` / ``n``; CR/CRi in B-ALL): ``cost_usd``, the report's and dashboard's
    cost-per-responder table and ``cartatlas prices --per-responder``; ``null`` with the reason
    in ``status`` where no price pairs with the trial. ``note``: the pairing rule."""
    codes = params.countries("countries", countries)
    frame = cost_per_responder(store, codes)
    answer = listing(records(frame))
    answer.note = f"price ÷ complete-response rate; pairing: {PAIRING_RULE}"
    return answer


@router.get("", response_model=Listing, summary="Prices with currency conversion")
def list_prices(
    store: EvidenceDep,
    country: params.CountryQuery = None,
    product: params.ProductQuery = None,
    kind: PriceKind | None = None,  # type: ignore[valid-type]
    currency: CurrencyQuery = None,
) -> Listing:
    """Each price with ``usd`` (same-year exchange rate, source in ``fx_source``),
    ``intl_dollars`` (PPP), ``indication`` (named by the source, else the product's only
    approved one), ``in_headline`` (whether the report's headline price range counts it: for
    each product, indication, country and year, the prices of the strongest sources),
    ``confidential_discount`` (the note says the payer pays less under a confidential discount,
    as NHS England does) and, with ``currency``, ``in_target_currency``."""
    code = params.country("country", country)
    frame = converted_prices(
        store,
        country=code,
        product=params.product(store, "product", product),
        kind=kind,
        currency=currency,
    )
    return listing(records(frame), no_prices(code) if code else None)
