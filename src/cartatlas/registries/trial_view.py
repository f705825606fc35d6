"""One trial as a patient or clinician wants to read it (``cartatlas trial NCT…``): what it
tests, where (sites with city and status), whom to contact and who may enrol, where the record
says so, and links to every registry that holds it."""

from __future__ import annotations

import json
from typing import Any

from cartatlas.missing import is_missing
from cartatlas.registries.eligibility import age_in_years, eligibility_module
from cartatlas.registries.links import registry_url
from cartatlas.store.connection import Store
from cartatlas.store.registry_read import current_studies, sites

SITE_FIELDS = ("facility", "city", "state", "country", "status")


class TrialNotFound(LookupError):
    """No current trial has that ID (under any of its registrations)."""

    user_facing = True  # its message is written for the user: one line, no traceback


def _contacts(raw: object) -> list[dict[str, str]]:
    """Central contacts and overall officials with the fields the record gives."""
    if not isinstance(raw, str) or not raw:
        return []
    module = json.loads(raw).get("protocolSection", {}).get("contactsLocationsModule", {})
    people = [
        *({**c, "kind": "contact"} for c in module.get("centralContacts", [])),
        *({**o, "kind": "official"} for o in module.get("overallOfficials", [])),
    ]
    keep = ("kind", "name", "role", "affiliation", "phone", "email")
    return [{k: str(p[k]) for k in keep if p.get(k)} for p in people]


def trial_view(store: Store, trial_id: str) -> dict[str, Any]:
    """The trial whose NCT number or registry ID (any case; ``ChiCTR…`` finds its NCT match)
    is ``trial_id``."""
    wanted = trial_id.strip().upper()
    frame = current_studies(store, include_raw=True)
    ids = [
        {str(n).upper(), str(t).upper(), *(a.split(":", 1)[-1].upper() for a in also)}
        for n, t, also in zip(
            frame["nct_id"], frame["trial_id"], frame["also_registered_as"], strict=True
        )
    ]
    hits = [i for i, names in enumerate(ids) if wanted in names]
    if not hits:
        raise TrialNotFound(
            f"no current trial {trial_id!r} in the store (`cartatlas trials --text …` finds "
            "trials by words)"
        )
    row = frame.iloc[hits[0]]
    eligibility = eligibility_module(row["raw"])
    registrations = [(row["registry"], row["trial_id"])] + [
        tuple(a.split(":", 1)) for a in row["also_registered_as"]
    ]
    site_rows = sites(store)
    site_rows = site_rows[site_rows["study_key"] == row["study_key"]]
    return {
        "trial_id": row["trial_id"] if is_missing(row["nct_id"]) else row["nct_id"],
        "title": row["title"],
        "official_title": row["official_title"],
        "status": row["status"],
        "phases": list(row["phases"]),
        "start_date": row["start_date"],
        "enrollment": None if is_missing(row["enrollment"]) else int(row["enrollment"]),
        "sponsor": row["sponsor_name"],
        "conditions": list(row["conditions"]),
        "interventions": list(row["interventions"]),
        "countries": list(row["countries"]),
        "eligibility": {
            "minimum_age_years": age_in_years(eligibility.get("minimumAge")),
            "maximum_age_years": age_in_years(eligibility.get("maximumAge")),
            "sex": eligibility.get("sex"),
            "healthy_volunteers": eligibility.get("healthyVolunteers"),
            "criteria": eligibility.get("eligibilityCriteria"),
        },
        "contacts": _contacts(row["raw"]),
        "sites": [
            {k: (None if is_missing(v) else v) for k, v in site.items()}
            for site in site_rows[list(SITE_FIELDS)].to_dict("records")
        ],
        "links": [registry_url(registry, key) for registry, key in registrations],
    }
