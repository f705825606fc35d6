"""Trials: search the current registry trials with their classifier labels; one trial with
its sites.

The search runs over the process's classified frame (:mod:`cartatlas.web.registry`) rather than
``registry_read.find_trials``, which reads and rebuilds the frame from the store on every call;
the status and phase vocabulary is the same (``registries.concepts``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Path, Query

from cartatlas.registries import concepts
from cartatlas.web import params
from cartatlas.web.deps import RequiredRegistryDep
from cartatlas.web.errors import NotFound
from cartatlas.web.registry import SITE_COLUMNS, TRIAL_COLUMNS, RegistryData, TrialFilters
from cartatlas.web.responses import csv_response, records

router = APIRouter(prefix="/trials", tags=["trials"])

SponsorType = Literal["industry", "academic-hospital", "government", "unknown"]


async def trial_filters(
    text: Annotated[
        params.Text | None,
        Query(
            description="words as people type them, best match first: abbreviations, synonyms "
            "and Chinese terms are understood ('r/r MM', 'DLBCL', '狼疮', '上海 淋巴瘤')"
        ),
    ] = None,
    country: params.CountryQuery = None,
    target: Annotated[
        params.Text | None, Query(description="CAR target as the classifier names it, e.g. CD19")
    ] = None,
    disease: Annotated[
        params.Text | None,
        Query(
            description="disease area (LBCL, solid:lung, autoimmune:SLE) or group "
            "(haematological, solid, autoimmune)"
        ),
    ] = None,
    phase: Annotated[
        params.Text | None,
        Query(
            description="e.g. 1, 2, 1/2, Phase II (documented as the registry codes)",
            json_schema_extra={"enum": list(concepts.PHASES)},
        ),
    ] = None,
    status: Annotated[
        params.Text | None,
        Query(
            description="registry status, e.g. RECRUITING",
            json_schema_extra={"enum": sorted(concepts.STATUSES)},
        ),
    ] = None,
    recruiting_now: Annotated[
        bool, Query(alias="recruiting", description="only trials recruiting now")
    ] = False,
    sponsor_type: SponsorType | None = None,
    age: params.AgeQuery = None,
    car: Annotated[
        bool, Query(description="only trials the classifier labels as CAR (false: all)")
    ] = True,
) -> TrialFilters:
    """The search parameters, checked: phase and status must mean something in the registry
    vocabulary (422 otherwise)."""
    phases = concepts.phases(phase) if phase else ()
    if phase and not phases:
        raise params.bad_param(
            "phase", phase, f"unknown phase; use one of {', '.join(concepts.PHASES)}"
        )
    wanted_status = concepts.status(status) if status else None
    if status and wanted_status == "UNKNOWN" and "UNKNOWN" not in status.upper():
        raise params.bad_param(
            "status", status, f"unknown status; use one of {', '.join(sorted(concepts.STATUSES))}"
        )
    return TrialFilters(
        text=text.strip().lower() or None if text else None,
        country=params.country("country", country),
        target=target.strip().lower() or None if target else None,
        disease=disease.strip().lower() or None if disease else None,
        phase=phases,
        status=wanted_status,
        recruiting=recruiting_now,
        sponsor_type=sponsor_type,
        age=age,
        car=car,
    )


def search(registry: RegistryData, f: TrialFilters) -> pd.DataFrame:
    """Matching trials as a frame, latest start first."""
    index = registry.index(f.car)
    return index.frame.iloc[index.search(f)].reset_index(drop=True)


def find_trial(registry: RegistryData, trial_id: str) -> pd.Series:
    """A trial by its key or any of its registrations (``ChiCTR…`` matched to an NCT); 404."""
    position = registry.built("positions").get(trial_id.strip().upper())
    if position is None:
        raise NotFound(f"no current trial {trial_id!r} in the store")
    return registry.trials.iloc[position]


def trial_sites(registry: RegistryData, trial_id: str) -> pd.DataFrame:
    sites = registry.sites_by_trial.get(trial_id)
    return sites[SITE_COLUMNS] if sites is not None else pd.DataFrame(columns=SITE_COLUMNS)


@router.get(
    "",
    summary="Search trials (JSON page or CSV of every match)",
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def list_trials(
    registry: RequiredRegistryDep,
    filters: Annotated[TrialFilters, Depends(trial_filters)],
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
    format: Literal["json", "csv"] = "json",
) -> Any:
    """``nct_id`` is the trial's key (its NCT number, or its own registry ID when it has none).
    ``format=csv`` returns every matching trial, not one page."""
    if format == "csv":
        return csv_response(search(registry, filters)[TRIAL_COLUMNS], "cartatlas-trials.csv")
    return trial_page(registry, filters, page, per_page)


def trial_page(
    registry: RegistryData, filters: TrialFilters, page: int, per_page: int
) -> dict[str, Any]:
    index = registry.index(filters.car)
    found = index.search(filters)
    start = (page - 1) * per_page
    return {
        "total": len(found),
        "page": page,
        "per_page": per_page,
        "pages": -(-len(found) // per_page),
        "items": [index.rows[i] for i in found[start : start + per_page]],
        "attribution": registry.notes,
    }


@router.get("/{trial_id}", summary="One trial with its sites")
def get_trial(
    registry: RequiredRegistryDep,
    trial_id: Annotated[str, Path(max_length=64)],
) -> dict[str, Any]:
    return trial_detail(registry, trial_id)


def trial_detail(registry: RegistryData, trial_id: str) -> dict[str, Any]:
    row = find_trial(registry, trial_id)
    trial = records(row.to_frame().T, [*TRIAL_COLUMNS, "official_title", "brief_summary"])[0]
    return {
        "trial": trial,
        "sites": records(trial_sites(registry, row["nct_id"])),
        "attribution": registry.notes,
    }
