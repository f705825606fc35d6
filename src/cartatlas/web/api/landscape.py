"""Landscape: CAR trial counts and shares by country and any dimensions, and yearly shares."""

from __future__ import annotations

from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, Query

from cartatlas.analyses.landscape.counts import ALL, count, yearly_shares
from cartatlas.web import params
from cartatlas.web.api.common import Listing, listing
from cartatlas.web.deps import RequiredRegistryDep
from cartatlas.web.responses import records

router = APIRouter(prefix="/landscape", tags=["landscape"])

Dimension = Literal[
    "year", "phase", "target", "disease", "group", "status", "sponsor", "source", "cell", "in_vivo"
]


def _listing(table: pd.DataFrame, countries: list[str]) -> Listing:
    """The rows of the chosen countries and of ``all``."""
    return listing(records(table[table["country"].isin([*countries, ALL])]))


@router.get("", response_model=Listing, summary="CAR trial counts by country and dimensions")
def landscape(
    registry: RequiredRegistryDep,
    countries: params.CountriesQuery = ["CN", "US"],  # noqa: B006
    by: Annotated[list[Dimension], Query(min_length=1, max_length=3)] = ["year"],  # noqa: B006
) -> Listing:
    """Trials per country × ``by`` (``share``: of the country's CAR trials), plus ``all``.
    Counting rules: each trial once per country where it has a site; multi-valued labels once
    per value."""
    codes = params.countries("countries", countries)
    dimensions = list(dict.fromkeys(by))
    return _listing(count(registry.car_trials, dimensions, codes), codes)


@router.get("/shares", response_model=Listing, summary="Yearly shares of trial kinds")
def shares(
    registry: RequiredRegistryDep,
    countries: params.CountriesQuery = ["CN", "US"],  # noqa: B006
) -> Listing:
    """Per country and start year: trials, and the shares allogeneic, solid-tumour,
    autoimmune and in vivo."""
    codes = params.countries("countries", countries)
    return _listing(yearly_shares(registry.car_trials, codes), codes)
