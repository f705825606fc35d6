"""The stated definition of "recruiting in a country" says what the code counts: a site that is
not yet recruiting is not closed, yet it does not count (the text used to say "a site not
registered as closed", which would have counted it)."""

from __future__ import annotations

import pandas as pd

from cartatlas.registries.concepts import RECRUITING_DEFINITION, recruiting_in


def test_only_recruiting_or_statusless_sites_of_recruiting_trials_count():
    sites = pd.DataFrame(
        {
            "trial_id": ["T1", "T2", "T3", "T4", "T5"],
            "country_code": ["IN"] * 5,
            "status": [None, "RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING", None],
        }
    )
    status = {"T1": "RECRUITING", "T2": "ENROLLING_BY_INVITATION", "T3": "RECRUITING"}
    status |= {"T4": "RECRUITING", "T5": "COMPLETED"}
    assert recruiting_in(sites, status, "IN") == {"T1", "T2"}
    assert "a site without a status counts" in RECRUITING_DEFINITION
    assert "a site not yet recruiting, withdrawn or closed does not" in RECRUITING_DEFINITION
