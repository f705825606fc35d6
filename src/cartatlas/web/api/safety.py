"""Safety: CRS and ICANS / neurotoxicity proportions per study, with the grading system used."""

from __future__ import annotations

from fastapi import APIRouter

from cartatlas.evidence.schema import Analysis, Indication, Safety
from cartatlas.web import params
from cartatlas.web.api.common import Listing
from cartatlas.web.api.outcomes import results_listing
from cartatlas.web.deps import EvidenceDep

router = APIRouter(prefix="/safety", tags=["safety"])

Event = Safety.model_fields["event"].annotation
Grade = Safety.model_fields["grade"].annotation


@router.get("", response_model=Listing, summary="Adverse-event proportions with exact 95% CIs")
def list_safety(
    store: EvidenceDep,
    product: params.ProductQuery = None,
    study: params.Text | None = None,
    indication: Indication | None = None,
    country: params.ConductCountryQuery = None,
    event: Event | None = None,  # type: ignore[valid-type]
    grade: Grade | None = None,  # type: ignore[valid-type]
    analysis: Analysis | None = None,
) -> Listing:
    """Rates are comparable only within one grading system (``grading``): Lee 2014, ASTCT 2019,
    Penn and CTCAE grade the same event differently."""
    return results_listing(
        store,
        "safety",
        params.country("country", country),
        product=params.product(store, "product", product),
        study=study,
        indication=indication,
        code=event,
        grade=grade,
        analysis=analysis,
    )
