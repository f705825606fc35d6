"""The complete-response floor of a myeloma cohort that reports only a stringent CR.

A stringent complete response (sCR, IMWG) is a complete response that also meets stricter
criteria, so every sCR is a CR. A cohort that prints its sCR rate but no CR-or-better rate
(CARTITUDE-1: sCR 67 % of 97) has no row a CR pool can take, yet its complete-response rate is
at least that sCR rate. Left out without that number, the pool reads as the country's answer
while its largest pivotal trial, far above it, sits in a list of names; so every surface that
names such a cohort also gives the floor its sCR sets. The floor is never pooled: a lower bound
is not an estimate.
"""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.populations import poolable
from cartatlas.analyses.study_rows import Endpoint, candidate_rows, select_study_rows
from cartatlas.evidence.source_strength import is_weak
from cartatlas.rounding import half_up
from cartatlas.store import Store

STRINGENT = Endpoint("sCR", "outcomes", ("sCR",), label="stringent complete response")

FLOOR_RULE = (
    "a stringent complete response (sCR) is a complete response, so a cohort that reports only "
    "sCR responded completely at least as often as its sCR rate; that floor is shown, never "
    "pooled"
)

FLOOR_COLUMNS = ["study_id", "country", "events", "n", "percent", "source_kind", "source_url"]


def stringent_only(store: Store, indication: str, with_cr: set[str]) -> pd.DataFrame:
    """The sCR row, chosen by the pools' own ``SELECTION_RULE``, of each cohort of
    ``indication`` that reports sCR but has no complete-response row (its study is not in
    ``with_cr``); cohorts read only on secondary pages or in special populations are left out,
    as from the pools. Selected study rows, in any country."""
    rows = select_study_rows(candidate_rows(store, indication, STRINGENT))
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
        rows.assign(percent=100 * rows["events"] / rows["n"], order=rows["country"].map(order))
        .sort_values(["order", "study_id"])
        .reindex(columns=FLOOR_COLUMNS)
        .reset_index(drop=True)
    )


def complete_response_floors(
    store: Store, indication: str, countries: list[str], with_cr: set[str]
) -> pd.DataFrame:
    """The floors of the cohorts conducted in ``countries`` (:func:`stringent_only`)."""
    rows = stringent_only(store, indication, with_cr)
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
        f"sCR {int(row.events)}/{int(row.n)}"
        + ("; news page" if is_weak(row.source_kind) else "")
        + ")"
        for row in floors.itertuples()
    ]
    text = f"complete response {'; '.join(parts)}"
    return f"{text} ({FLOOR_RULE})" if rule else text
