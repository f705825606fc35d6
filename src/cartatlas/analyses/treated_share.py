"""How many patients received CAR-T against how many were eligible, as one source counts them.

A coverage row may carry a count of patients treated and of patients eligible (both from the same
source, ``evidence/schema.py`` ``Coverage``) and the date the counts refer to. The share is
shown only when both counts are there, always beside the two counts and their date, since a
percentage alone hides how small or old the population is. It is a ratio of two counts from
the source, not an estimate from a sample, so no confidence interval is given.
"""

from __future__ import annotations

from cartatlas.missing import is_missing

#: Said next to every share shown.
SHARE_CAVEAT = (
    "Treated / eligible is the ratio of the two counts one source gives (its own definition of "
    "eligible, its own population and years); it is not a sample estimate and has no CI."
)


def _count(value: object) -> int | None:
    return None if is_missing(value) else int(value)


def treated_percent(treated: object, eligible: object) -> float | None:
    """Patients treated as a percentage of patients eligible, to one decimal; None unless the
    source gives both counts and at least one patient was eligible."""
    done, of = _count(treated), _count(eligible)
    if done is None or not of:
        return None
    return round(100 * done / of, 1)


def treated_phrase(row: dict) -> str:
    """ "treated 122 of eligible 2,241 (5.4%), counts as of 2020", or whichever count is stated
    ("eligible 200; treated not stated"); empty when the row counts no patients."""
    done, of = _count(row.get("patients_treated")), _count(row.get("patients_eligible"))
    if done is None and of is None:
        return ""
    if done is not None and of is not None:
        share = treated_percent(done, of)
        said = f"treated {done:,} of eligible {of:,}" + ("" if share is None else f" ({share:g}%)")
    elif done is not None:
        said = f"treated {done:,}; eligible not stated"
    else:
        said = f"eligible {of:,}; treated not stated"
    as_of = row.get("patients_as_of")
    dated = isinstance(as_of, str) and as_of.strip()
    return said + (f", counts as of {as_of}" if dated else ", date of the counts not stated")
