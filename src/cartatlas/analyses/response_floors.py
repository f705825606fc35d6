"""The complete-response floor of a cohort that reports only a deeper complete response.

A stringent complete response (sCR, IMWG) is a complete response that also meets stricter
criteria, and an MRD-negative complete response (or remission) is one without measurable
residual disease: either is a complete response. A cohort that prints one of them but no CR row
(CARTITUDE-1: sCR 67 % of 97; CART19-BE-01: MRD-negative CR 27 of 38) has no row a CR pool can
take, yet its complete-response rate is at least that rate. Left out without that number, the
pool reads as the country's answer while such a trial, far above it, sits in a list of names (or
a country with one reads as having no data); so every surface that names such a cohort also
gives the floor it sets. The floor is never pooled: a lower bound is not an estimate.
"""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.populations import poolable
from cartatlas.analyses.study_rows import Endpoint, candidate_rows, select_study_rows
from cartatlas.evidence.source_strength import is_weak
from cartatlas.rounding import half_up
from cartatlas.store import Store

#: The results only a complete response can have, sCR first where a cohort prints both.
DEEPER = Endpoint(
    "CR_floor", "outcomes", ("sCR", "MRD_neg_CR"), label="stringent or MRD-negative CR"
)
#: How each is named beside its floor ("sCR 65/97").
DEEPER_NAMES = {"sCR": "sCR", "MRD_neg_CR": "MRD-negative CR"}

FLOOR_RULE = (
    "a stringent complete response (sCR) and an MRD-negative complete response are complete "
    "responses, so a cohort that reports only one of them responded completely at least as "
    "often as that rate; that floor is shown, never pooled"
)

FLOOR_COLUMNS = [
    "study_id",
    "country",
    "code",
    "name",
    "events",
    "n",
    "percent",
    "source_kind",
    "source_url",
]


def deeper_only(store: Store, indication: str, with_cr: set[str]) -> pd.DataFrame:
    """The sCR or MRD-negative CR row (``DEEPER``), chosen by the pools' own
    ``SELECTION_RULE``, of each cohort of ``indication`` that reports one but has no
    complete-response row (its study is not in ``with_cr``); cohorts read only on secondary
    pages, in special populations or reported for part of a trial are left out, as from the
    pools. Selected study rows, in any country."""
    rows = select_study_rows(candidate_rows(store, indication, DEEPER))
    if rows.empty:
        return rows
    return rows[~rows["study_id"].isin(with_cr) & poolable(rows)]


def as_floors(rows: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """``rows`` (with a ``country``) in ``countries`` as floors: ``FLOOR_COLUMNS``, percent
    0–100, in the order of ``countries``."""
    if rows.empty:
        return pd.DataFrame(columns=FLOOR_COLUMNS)
    rows = rows[rows["country"].isin(countries)]
    order = {country: i for i, country in enumerate(countries)}
    return (
        rows.assign(
            percent=100 * rows["events"] / rows["n"],
            name=rows["code"].map(DEEPER_NAMES),
            order=rows["country"].map(order),
        )
        .sort_values(["order", "study_id"])
        .reindex(columns=FLOOR_COLUMNS)
        .reset_index(drop=True)
    )


def complete_response_floors(
    store: Store, indication: str, countries: list[str], with_cr: set[str]
) -> pd.DataFrame:
    """The floors of the cohorts conducted in ``countries`` (:func:`deeper_only`)."""
    rows = deeper_only(store, indication, with_cr)
    if not rows.empty:
        rows = rows.assign(country=rows["country_of_conduct"])
    return as_floors(rows, countries)


def floor_sentence(floors: pd.DataFrame, rule: bool = True) -> str:
    """ "complete response at least 67% in CARTITUDE-1 (US; sCR 65/97); …" followed by
    ``FLOOR_RULE`` in brackets (``rule``), or "" for none."""
    if floors.empty:
        return ""
    parts = [
        f"at least {half_up(row.percent):.0f}% in {row.study_id} ({row.country}; "
        f"{row.name} {int(row.events)}/{int(row.n)}"
        + ("; news page" if is_weak(row.source_kind) else "")
        + ")"
        for row in floors.itertuples()
    ]
    text = f"complete response {'; '.join(parts)}"
    return f"{text} ({FLOOR_RULE})" if rule else text
