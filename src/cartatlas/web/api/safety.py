"""Safety: CRS and ICANS / neurotoxicity proportions per study, with the grading system used."""

from __future__ import annotations

from fastapi import APIRouter

from cartatlas.evidence.absence import no_records
from cartatlas.evidence.schema import Analysis, Indication, Safety
from cartatlas.web import params
from cartatlas.web.api.common import Listing, listing
from cartatlas.web.api.outcomes import results_frame
from cartatlas.web.deps import EvidenceDep
from cartatlas.web.responses import records

router = APIRouter(prefix="/safety", tags=["safety"])

Event = Safety.model_fields["event"].annotation
Grade = Safety.model_fields["grade"].annotation


@router.get("", response_model=Listing, summary="Adverse-event proportions with exact 95% CIs")
def list_safety(
    store: EvidenceDep,
    product: params.ProductQuery = None,
    study: params.Text | None = None,
    indication: Indication | None = None,
    country: params.CountryQuery = None,
    event: Event | None = None,  # type: ignore[valid-type]
    grade: Grade | None = None,  # type: ignore[valid-type]
    analysis: Analysis | None = None,
) -> Listing:
    """Rates are comparable only within one grading system (``grading``): Lee 2014, ASTCT 2019,
    Penn and CTCAE grade the same event differently."""
    code = params.country("country", country)
    return listing(
        records(
            results_frame(
                store,
                "safety",
                product=params.product(store, "product", product),
                study=study,
                indication=indication,
                country=code,
                code=event,
                grade=grade,
                analysis=analysis,
            )
        ),
        no_records(
            f"safety rows from studies conducted in {code}",
            any(v is not None for v in (product, study, indication, event, grade, analysis)),
        )
        if code
        else None,
    )
