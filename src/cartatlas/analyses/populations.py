"""Which cohorts a pooled rate may mix: only those of the standard population.

A cohort of primary CNS lymphoma, or of patients after a failed CD19 CAR-T, answers a different
question from relapsed/refractory systemic disease and has a different expected response; pooled
with it, it would move a country's rate for reasons that have nothing to do with the country. The
curator states each study's ``population_group`` in studies.csv (from the study's own title and
quote; :data:`~cartatlas.evidence.schema.POPULATION_GROUPS`); cohorts outside ``standard`` are
listed per study with their own rate, marked, and named next to every pooled number.

The same holds for an outcome row that counts only part of a trial (outcomes.csv ``subgroup``:
one dose level, or a subgroup picked by a patient feature): pooling the best dose level of a
dose-finding trial beside whole cohorts inflates the pooled rate, so such a row is listed apart
with the reason, never pooled.
"""

from __future__ import annotations

import pandas as pd

from cartatlas.evidence.source_strength import on_secondary_pages
from cartatlas.wording import and_list, counted

STANDARD = "standard"

#: How a cohort of each group is named next to a pooled number ("2 cohorts in …").
GROUP_NAMES = {
    "cns_lymphoma": "in CNS lymphoma",
    "cns_leukaemia": "in B-ALL with CNS involvement",
    "after_cd19_therapy": "after prior CD19 CAR-T or other CD19-directed therapy",
    "isolated_extramedullary": "in isolated extramedullary relapse",
}

POPULATION_RULE = (
    "only cohorts of the standard population (relapsed/refractory systemic disease of the "
    "indication, any line, adults and children together) are pooled; cohorts chosen for CNS "
    "lymphoma, CNS leukaemia, isolated extramedullary relapse or for patients after prior CD19 "
    "CAR-T or other CD19-directed therapy are different populations with a different expected "
    "response, so each is shown on its own, marked, and never pooled"
)  # the curator's field: studies.csv population_group (readers see the words, not the field)

#: Why a row of part of a trial is listed apart (outcomes.csv ``subgroup``).
SUBGROUP_REASONS = {
    "dose_level": "dose-level subgroup only",
    "selected_subgroup": "selected subgroup only",
}

#: How such a row is named next to a pooled number ("1 cohort reported for one dose level only").
SUBGROUP_NAMES = {
    "dose_level": "reported for one dose level only",
    "selected_subgroup": "reported for a selected subgroup only",
}

SUBGROUP_RULE = (
    "a result reported only for one dose level or for a selected subgroup of a trial, not for "
    "its whole treated or evaluable cohort, is shown on its own with the reason and never pooled: "
    "picking the best dose level inflates a pooled rate"
)  # the curator's field: outcomes.csv subgroup

#: What a country's pooled rate says when every cohort it has is in a special population.
ONLY_SPECIAL = "no data (only cohorts in special populations, shown separately, not pooled)"


def population_label(group: object, subgroup: object = None) -> str:
    """Why a row is listed apart, as a table cell names it ("CNS lymphoma", "dose-level
    subgroup only")."""
    if isinstance(subgroup, str):
        return SUBGROUP_REASONS[subgroup]
    return GROUP_NAMES[str(group)].removeprefix("in ")


def _subgroup(rows: pd.DataFrame) -> pd.Series:
    """Each row's ``subgroup`` (outcomes.csv), empty for rows of a table without the column."""
    if "subgroup" in rows:
        return rows["subgroup"]
    return pd.Series(None, index=rows.index, dtype=object)


def is_standard(rows: pd.DataFrame) -> pd.Series:
    """True for the rows a pool may take: a cohort of the standard population (an unstated
    group is the default, standard) counted whole, not one dose level or selected subgroup."""
    if "population_group" not in rows:  # no rows read: an empty frame without columns
        return pd.Series(True, index=rows.index)
    return rows["population_group"].fillna(STANDARD).eq(STANDARD) & _subgroup(rows).isna()


def poolable(rows: pd.DataFrame) -> pd.Series:
    """The study rows a pooled rate, a comparison, a claim's verdict or a complete-response
    floor may count: not read only on a secondary page (``HEADLINE_SOURCE_RULE``) and not of a
    cohort in a special population or of part of a trial (:func:`is_standard`)."""
    return ~on_secondary_pages(rows) & is_standard(rows)


def apart_sentence(rows: pd.DataFrame) -> str:
    """ "2 cohorts in CNS lymphoma (LOC-PCNSL-CART-FR in FR, Frigault2022-… in US) and 1 after
    prior CD19 CAR-T or other CD19-directed therapy (Xue2024-… in CN) are shown separately, not
    pooled (different populations)", or "" when ``rows`` hold none."""
    special = rows[~is_standard(rows)]
    if special.empty:
        return ""
    subgroup = _subgroup(special)
    whole = subgroup.isna()
    named_parts = [
        (name, special[whole & (special["population_group"] == group)])
        for group, name in GROUP_NAMES.items()
    ] + [(name, special[subgroup == code]) for code, name in SUBGROUP_NAMES.items()]
    parts = []
    for name, part in named_parts:
        if part.empty:
            continue
        named = ", ".join(
            f"{s} in {c}" for s, c in zip(part["study_id"], part["country_of_conduct"], strict=True)
        )
        count = counted(len(part), "cohort") if not parts else str(len(part))
        parts.append(f"{count} {name} ({named})")
    joined = and_list(parts)
    verb = "is" if len(special) == 1 else "are"
    why = []
    if (whole & ~special["population_group"].fillna(STANDARD).eq(STANDARD)).any():
        why.append("different populations")
    if subgroup.notna().any():
        why.append("part of a trial, not its whole cohort")
    return f"{joined} {verb} shown separately, not pooled ({'; '.join(why)})"


def apart_rule(rows: pd.DataFrame) -> str:
    """The rule(s) that keep ``rows`` (listed apart) out of a pool: ``POPULATION_RULE``,
    ``SUBGROUP_RULE`` or both, joined."""
    rules = []
    subgroup = _subgroup(rows).notna()
    if (~is_standard(rows) & ~subgroup).any():
        rules.append(POPULATION_RULE)
    if subgroup.any():
        rules.append(SUBGROUP_RULE)
    return "; ".join(rules)


def only_special(rows: pd.DataFrame, country: str) -> bool:
    """Whether ``country`` has cohorts in ``rows`` but none of the standard population."""
    here = rows[rows["country_of_conduct"] == country]
    return not here.empty and not is_standard(here).any()
