"""A pooled cohort enters with its primary analysis (the paper's, or the regulator's label review
of it), and its later data cuts are listed beside the pool, never in it: ZUMA-5's follicular
lymphoma complete response is the label's independent-review 49/81, not the 5-year news report's
100/127. Recomputed from the CSV rows by the simple route (tests/golden/plain.py) and compared with
the pooling (the CLI, report and API: test_cross_surface.py)."""

from __future__ import annotations

import pytest

from cartatlas.analyses.success_rates import pool_by_country
from cartatlas.store import open_store
from tests.golden.plain import later, rows, selected

INDICATIONS = ("LBCL", "B-ALL", "MM", "FL", "MCL")
COUNTRIES = ["CN", "US"]


def _zuma5(endpoint: str) -> list[dict[str, str]]:
    return [o for o in rows("outcomes") if o["study_id"] == "ZUMA-5" and o["endpoint"] == endpoint]


def test_zuma5_fl_complete_response_is_the_label_irc_primary_analysis():
    """Straight from outcomes.csv: ZUMA-5's only CR rows are the FDA's IRC-read primary
    analysis and a later news report; the headline takes the first."""
    cr = _zuma5("CR")
    primary = [o for o in cr if o["analysis"] in ("primary", "label")]
    assert [(o["assessor"], o["events"], o["n"]) for o in primary] == [("IRC", "49", "81")]
    assert selected("FL", "CR", "US") == [("ZUMA-5", 49, 81)]
    assert later("FL", "CR", "US") == [("ZUMA-5", 100, 127)]
    assert ("ZUMA-5", 74, 81) in selected("FL", "ORR", "US")


def _cohorts(frame, country: str) -> list[tuple[str, int, int]]:
    """(study, events, n) of ``frame``'s rows conducted in ``country``, sorted."""
    here = frame[frame["country"] == country]
    return sorted(
        zip(here["study_id"], here["events"].astype(int), here["n"].astype(int), strict=True)
    )


@pytest.mark.parametrize("indication", INDICATIONS)
def test_pooled_rows_and_later_cuts_match_the_simple_route(indication, evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        for endpoint in ("CR", "ORR"):
            pooling = pool_by_country(store, indication, endpoint, COUNTRIES)
            for country in COUNTRIES:
                assert _cohorts(pooling.rows, country) == selected(indication, endpoint, country)
                assert _cohorts(pooling.later, country) == later(indication, endpoint, country)
