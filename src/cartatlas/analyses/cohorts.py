"""How many cohorts each country contributes to the response-rate comparison.

The evidence protocol aims at a number of published cohorts per country and indication; this
counts them the way ``cartatlas meta`` selects them (one row per cohort, later reports of a cohort
and cohorts known only from secondary pages left out, country of conduct established), so the
yield the protocol reports is reproducible rather than a hand count. Cohorts in special
populations (primary CNS lymphoma, after prior CD19 CAR-T, …) count as cohorts found but are
never pooled (``POPULATION_RULE``): ``apart`` says how many, and ``pooled_patients`` leaves them
out, so no count reads as a pooled n that includes them. A cohort whose every response row is
of one dose level or a selected subgroup (``SUBGROUP_RULE``) is apart in the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from cartatlas.analyses.populations import is_standard
from cartatlas.analyses.study_rows import study_rows
from cartatlas.evidence.source_strength import on_secondary_pages
from cartatlas.store import Store

RESPONSE_ENDPOINTS = ("CR", "ORR")


@dataclass(frozen=True)
class CohortCount:
    indication: str
    country: str
    cohorts: int
    real_world: int
    patients: int  # the largest response denominator of each cohort, summed
    study_ids: tuple[str, ...]
    apart: int = 0  # cohorts in special populations or only of a subgroup: never pooled
    pooled_patients: int = 0  # ``patients`` of the cohorts a pool may take


def cohort_counts(store: Store, indications: list[str], countries: list[str]) -> list[CohortCount]:
    """Cohorts per indication × country that ``meta`` would pool for CR or ORR."""
    counts = []
    for indication in indications:
        chosen = [
            rows[~on_secondary_pages(rows)]
            for rows in (study_rows(store, indication, e) for e in RESPONSE_ENDPOINTS)
        ]
        for country in countries:
            sizes: dict[str, int] = {}
            pooled: dict[str, int] = {}  # the same, over the rows a pool may take
            real_world: set[str] = set()
            for rows in chosen:
                here = rows[rows["country_of_conduct"] == country]
                for study, n, flag, whole in zip(
                    here["study_id"], here["n"], here["real_world"], is_standard(here), strict=True
                ):
                    sizes[study] = max(sizes.get(study, 0), int(n))
                    if whole:
                        pooled[study] = max(pooled.get(study, 0), int(n))
                    if flag is True:
                        real_world.add(study)
            counts.append(
                CohortCount(
                    indication,
                    country,
                    len(sizes),
                    len(real_world),
                    sum(sizes.values()),
                    tuple(sorted(sizes)),
                    len(set(sizes) - set(pooled)),
                    sum(pooled.values()),
                )
            )
    return counts
