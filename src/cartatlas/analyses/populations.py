"""Which cohorts a pooled rate may mix: only those of the standard population.

A cohort of primary CNS lymphoma, or of patients after a failed CD19 CAR-T, answers a different
question from relapsed/refractory systemic disease and has a different expected response; pooled
with it, it would move a country's rate for reasons that have nothing to do with the country. The
curator states each study's ``population_group`` in studies.csv (from the study's own title and
quote; :data:`~cartatlas.evidence.schema.POPULATION_GROUPS`); cohorts outside ``standard`` are
listed per study with their own rate, marked, and named next to every pooled number.
"""

from __future__ import annotations

import pandas as pd

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
    "response, so each is shown on its own, marked, and never pooled (studies.csv "
    "population_group)"
)

#: What a country's pooled rate says when every cohort it has is in a special population.
ONLY_SPECIAL = "no data (only cohorts in special populations, shown separately, not pooled)"


def population_label(group: str) -> str:
    """The group as a table cell names it ("CNS lymphoma")."""
    return GROUP_NAMES[group].removeprefix("in ")


def is_standard(rows: pd.DataFrame) -> pd.Series:
    """True for the rows a pool may take (an unstated group is the default, standard)."""
    if "population_group" not in rows:  # no rows read: an empty frame without columns
        return pd.Series(True, index=rows.index)
    return rows["population_group"].fillna(STANDARD).eq(STANDARD)


def apart_sentence(rows: pd.DataFrame) -> str:
    """ "2 cohorts in CNS lymphoma (LOC-PCNSL-CART-FR in FR, Frigault2022-… in US) and 1 after
    prior CD19 CAR-T or other CD19-directed therapy (Xue2024-… in CN) are shown separately, not
    pooled (different populations)", or "" when ``rows`` hold none."""
    special = rows[~is_standard(rows)]
    if special.empty:
        return ""
    parts = []
    for group, name in GROUP_NAMES.items():
        part = special[special["population_group"] == group]
        if part.empty:
            continue
        named = ", ".join(
            f"{s} in {c}" for s, c in zip(part["study_id"], part["country_of_conduct"], strict=True)
        )
        count = counted(len(part), "cohort") if not parts else str(len(part))
        parts.append(f"{count} {name} ({named})")
    joined = and_list(parts)
    verb = "is" if len(special) == 1 else "are"
    return f"{joined} {verb} shown separately, not pooled (different populations)"


def only_special(rows: pd.DataFrame, country: str) -> bool:
    """Whether ``country`` has cohorts in ``rows`` but none of the standard population."""
    here = rows[rows["country_of_conduct"] == country]
    return not here.empty and not is_standard(here).any()
