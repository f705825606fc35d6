"""Landscape: CAR trial counts and shares by country and any dimensions, and yearly shares.

A country's rows do not depend on which other countries are asked for (each trial counts once
per country of its sites, shares are of the same country's trials), so each table is counted
once per data version for every country and a request only picks its countries' rows: counting
took tens of milliseconds per request."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from cartatlas.analyses.landscape.counts import ALL, count, yearly_shares
from cartatlas.registries.concepts import STATUS_DIMENSION
from cartatlas.web import params
from cartatlas.web.api.common import Listing, listing
from cartatlas.web.deps import MemoDep, RequiredRegistryDep, StoreDep
from cartatlas.web.responses import records

router = APIRouter(prefix="/landscape", tags=["landscape"])

Dimension = Literal[
    "year", "phase", "target", "disease", "group", "status", "sponsor", "source", "cell", "in_vivo"
]


def _listing(rows: list[dict[str, Any]], countries: list[str]) -> Listing:
    """The rows of the chosen countries and of ``all``, in the table's order."""
    wanted = {*countries, ALL}
    return listing([row for row in rows if row["country"] in wanted])


@router.get("", response_model=Listing, summary="CAR trial counts by country and dimensions")
def landscape(
    store: StoreDep,
    memo: MemoDep,
    registry: RequiredRegistryDep,
    countries: params.CountriesQuery = ["CN", "US"],  # noqa: B006
    by: Annotated[list[Dimension], Query(min_length=1, max_length=3)] = ["year"],  # noqa: B006
) -> Listing:
    """Trials per country × ``by`` (``share``: of the country's CAR trials), plus ``all``.
    Counting rules: each trial once per country where it has a site; multi-valued labels once
    per value."""
    codes = params.countries("countries", countries)
    dimensions = tuple(dict.fromkeys(by))
    rows = memo.get(
        store,
        ("landscape", dimensions),
        lambda: records(count(registry.car_trials, list(dimensions), None)),
    )
    answer = _listing(rows, codes)
    if "status" in dimensions:  # RECRUITING here is not the recruiting count of other surfaces
        answer.note = STATUS_DIMENSION
    return answer


@router.get("/shares", response_model=Listing, summary="Yearly shares of trial kinds")
def shares(
    store: StoreDep,
    memo: MemoDep,
    registry: RequiredRegistryDep,
    countries: params.CountriesQuery = ["CN", "US"],  # noqa: B006
) -> Listing:
    """Per country and start year: trials, and the shares allogeneic, solid-tumour,
    autoimmune and in vivo (fractions of ``trials``). A trial counts as allogeneic only when its
    registry text says so, and countries differ in how often it states a cell source at all, so
    ``stating_source`` gives the trials that state one and ``allogeneic_of_stating`` the
    allogeneic share among them, with its exact (Clopper–Pearson) 95% CI
    ``allogeneic_of_stating_low``–``allogeneic_of_stating_high`` (null when none states one)."""
    codes = params.countries("countries", countries)
    rows = memo.get(
        store, "landscape-shares", lambda: records(yearly_shares(registry.car_trials, None))
    )
    return _listing(rows, codes)
