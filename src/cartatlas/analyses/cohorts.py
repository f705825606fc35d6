"""How many cohorts each country contributes to the response-rate comparison.

The evidence protocol aims at a number of published cohorts per country and indication; this
counts them the way ``cartatlas meta`` selects them (one row per cohort, later reports of a cohort
and cohorts known only from secondary pages left out, country of conduct established), so the
yield the protocol reports is reproducible rather than a hand count. Cohorts in special
populations (primary CNS lymphoma, after prior CD19 CAR-T, …) count as cohorts found but are
never pooled (``POPULATION_RULE``): ``apart`` says how many, and ``pooled_patients`` leaves them
out, so no count reads as a pooled n that includes them.
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
    apart: int = 0  # cohorts in special populations: counted here, never pooled
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
            real_world: set[str] = set()
            special: set[str] = set()
            for rows in chosen:
                here = rows[rows["country_of_conduct"] == country]
                special.update(here.loc[~is_standard(here), "study_id"])
                for study, n, flag in zip(
                    here["study_id"], here["n"], here["real_world"], strict=True
                ):
                    sizes[study] = max(sizes.get(study, 0), int(n))
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
                    len(special),
                    sum(n for study, n in sizes.items() if study not in special),
                )
            )
    return counts
