"""Who may enrol: the age limits a ClinicalTrials.gov record states, in years.

Shared by ``cartatlas trials --age`` and the web trial finder so both read ages the same way.
"""

from __future__ import annotations

import json
import re

_AGE = re.compile(r"(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)", re.IGNORECASE)
_PER_YEAR = {"year": 1, "month": 12, "week": 52.18, "day": 365.25, "hour": 8766, "minute": 525960}


def age_in_years(text: object) -> float | None:
    """ "18 Years" → 18.0, "6 Months" → 0.5; ``None`` when the registry states no limit."""
    match = _AGE.search(text) if isinstance(text, str) else None
    if not match:
        return None
    return round(float(match.group(1)) / _PER_YEAR[match.group(2).lower()], 2)


def eligibility_module(raw: object) -> dict:
    """The record's ``eligibilityModule`` (empty for other registries' records)."""
    if not isinstance(raw, str) or not raw:
        return {}
    return json.loads(raw).get("protocolSection", {}).get("eligibilityModule", {})


def age_limits(raw: object) -> tuple[float | None, float | None]:
    """Eligible ages (minimum, maximum) from a raw ClinicalTrials.gov record."""
    module = eligibility_module(raw)
    return age_in_years(module.get("minimumAge")), age_in_years(module.get("maximumAge"))


def admits(age: float, low: float | None, high: float | None) -> bool:
    """Whether a patient of ``age`` years is inside the limits (a missing limit admits)."""
    return not (low is not None and low == low and age < low) and not (
        high is not None and high == high and age > high
    )
