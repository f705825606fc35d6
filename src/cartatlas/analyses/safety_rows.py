"""Which cohorts a country comparison of CRS and ICANS lists, one row per cohort and endpoint.

The pivotal trials of most approved products (ZUMA-1, JULIET, ZUMA-7, KarMMa, KarMMa-3,
CARTITUDE-4, ...) are multinational: pooled for no country (``country_of_conduct``), they
were also left out of the safety tables, so the US rows of LBCL showed only liso-cel studies
(CRS any grade about 40%) and none of axi-cel's pivotal 93%. A haematologist reads such a
table as the country's safety record. The tables therefore list, after the compared
countries' cohorts, each multinational cohort that treated patients in one of the compared
countries (or whose countries are not recorded), marked as multinational: shown, never counted
for a country nor pooled (``success_rates.pool_by_country`` still takes only cohorts conducted
in a country)."""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.study_rows import study_rows, treating_countries
from cartatlas.store import Store

MULTINATIONAL = "multinational"
#: The four columns of a safety table, in order.
SAFETY = ("CRS_any", "CRS_3plus", "ICANS_any", "ICANS_3plus")
LISTING_RULE = (
    "multinational trials that treated patients in a compared country (or whose countries are "
    "not recorded) are listed after the countries' own cohorts, marked multinational; they are "
    "counted for no country and pooled for none"
)


def _treated_in(countries: object, compared: list[str]) -> bool:
    """True when the study's recorded treating countries include one of ``compared``, or none
    are recorded (a trial whose countries are unknown may have treated patients there)."""
    treated = treating_countries(countries)
    return not treated or not set(compared).isdisjoint(treated)


def safety_rows(store: Store, indication: str, countries: list[str]) -> dict[str, pd.DataFrame]:
    """Per safety endpoint: the selected row of each cohort conducted in ``countries``, then of
    each multinational cohort listed by ``LISTING_RULE`` (``multinational`` True)."""
    found = {}
    for endpoint in SAFETY:
        rows = study_rows(store, indication, endpoint)
        own = rows["country_of_conduct"].isin(countries)
        listed = (rows["country_of_conduct"] == MULTINATIONAL) & rows["countries"].map(
            lambda c: _treated_in(c, countries)
        ).astype(bool)
        found[endpoint] = rows[own | listed].assign(multinational=~own[own | listed])
    return found
