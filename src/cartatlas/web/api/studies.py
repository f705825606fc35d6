"""Studies: the clinical studies of the knowledge base, and one study with its results."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Path

from cartatlas.evidence.absence import no_records
from cartatlas.evidence.schema import Indication
from cartatlas.store import Store
from cartatlas.web import params
from cartatlas.web.api import outcomes
from cartatlas.web.api.common import SOURCE_COLUMNS, Listing, listing, select
from cartatlas.web.deps import EvidenceDep
from cartatlas.web.errors import NotFound
from cartatlas.web.responses import records

router = APIRouter(prefix="/studies", tags=["studies"])

COLUMNS = (
    "study_id",
    "name",
    "product_id",
    "construct_name",
    "targets",
    "registry_ids",
    "countries",
    "country_of_conduct",
    "phase",
    "design",
    "indication",
    "population",
    "line_of_therapy",
    "median_follow_up_months",
    "real_world",
    "registrational",
    "overlaps_with",
    *SOURCE_COLUMNS,
)


def studies_frame(
    store: Store,
    *,
    study: str | None = None,
    product: str | None = None,
    indication: str | None = None,
    country: str | None = None,
    real_world: bool | None = None,
    registrational: bool | None = None,
) -> pd.DataFrame:
    """``country`` is the country of conduct (``docs/evidence-protocol.md`` gives the rule)."""
    return select(
        store,
        f"SELECT {', '.join(COLUMNS)} FROM evidence_studies",
        [
            ("study_id = ?", study),
            ("product_id = ?", product),
            ("indication = ?", indication),
            ("country_of_conduct = ?", country),
            ("real_world = ?", real_world),
            ("registrational = ?", registrational),
        ],
        "indication, study_id",
    )


@router.get("", response_model=Listing, summary="Clinical studies")
def list_studies(
    store: EvidenceDep,
    indication: Indication | None = None,
    country: params.ConductCountryQuery = None,
    product: params.ProductQuery = None,
    real_world: bool | None = None,
    registrational: bool | None = None,
) -> Listing:
    """Studies by indication, country of conduct, product and kind."""
    code = params.country("country", country)
    narrowed = any(v is not None for v in (indication, product, real_world, registrational))
    return listing(
        records(
            studies_frame(
                store,
                product=params.product(store, "product", product),
                indication=indication,
                country=code,
                real_world=real_world,
                registrational=registrational,
            )
        ),
        no_records(f"studies conducted in {code}", narrowed) if code else None,
    )


@router.get("/{study_id}", summary="One study with its outcomes and safety rows")
def get_study(store: EvidenceDep, study_id: Annotated[str, Path(max_length=100)]) -> dict[str, Any]:
    return study_profile(store, study_id)


def study_profile(store: Store, study_id: str) -> dict[str, Any]:
    """A study with its outcome and safety rows; 404 when the knowledge base has no such study."""
    frame = studies_frame(store, study=study_id)
    if frame.empty:
        raise NotFound(f"no study {study_id!r} in the knowledge base")
    return {
        "study": records(frame)[0],
        "outcomes": records(outcomes.results_frame(store, "outcomes", study=study_id)),
        "safety": records(outcomes.results_frame(store, "safety", study=study_id)),
    }
