"""No headline number rests on a secondary source (issue 14).

Headlines are the report's lead text per section (which the dashboard overview shows as each
question's card), the claims verdicts and the cost per responder. From the raw CSV rows (plain
route, tests/golden/plain.py) this lists every number a secondary row alone would put there — a
cohort's rate with its exact CI, a hazard ratio with its CI — and asserts none of them appears,
while the cohorts and trials behind the headline are those of the stronger rows only.
"""

from __future__ import annotations

import math
import warnings

import pytest

from cartatlas.analyses.claims import EXAMPLE, load_claims
from cartatlas.analyses.claims.check import check_claim
from cartatlas.analyses.responder_cost import cost_per_responder
from cartatlas.report.build import build_report
from cartatlas.report.model import Paragraph
from cartatlas.store import open_store
from cartatlas.web.app import create_app
from tests.golden import plain

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

COUNTRIES = ["CN", "US"]
INDICATIONS = ("LBCL", "B-ALL", "MM", "FL", "MCL")
SECONDARY_ONLY = "no data (only secondary sources)"


def _rate_with_ci(events: int, n: int) -> str:
    """A single cohort's rate as a lead prints it: "85% (74–92%)"."""
    low, high = plain.clopper_pearson(events, n)
    return f"{100 * events / n:.0f}% ({100 * low:.0f}–{100 * high:.0f}%)"


def _secondary_cohorts() -> list[tuple[str, str, str, str, int, int]]:
    """(indication, endpoint, country, study, events, n) of each cohort whose only row for a
    response endpoint is from a secondary page."""
    found = []
    for indication in INDICATIONS:
        for endpoint in ("CR", "ORR"):
            for country in COUNTRIES:
                chosen = plain.chosen_rows(indication, endpoint, country)
                for study in plain.secondary_only(indication, endpoint, country):
                    row = chosen[study]
                    found.append(
                        (indication, endpoint, country, study, int(row["events"]), int(row["n"]))
                    )
    return found


def _secondary_hazard_ratios() -> list[str]:
    """Each hazard ratio with a CI read only on a secondary page, as the leads print it."""
    return [
        f"{float(r['hr']):g} ({float(r['ci_low']):g}–{float(r['ci_high']):g})"
        for r in plain.rows("comparisons")
        if r["source_kind"] == "secondary" and r["hr"] and r["ci_low"]
    ]


SECONDARY_COHORTS = _secondary_cohorts()


@pytest.fixture(scope="module")
def report(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        return build_report(store, COUNTRIES, load_claims(EXAMPLE))


@pytest.fixture(scope="module")
def leads(report) -> dict[str, str]:
    """Each section's short answer and the paragraphs that state it in full below it."""
    return {
        s.key: " ".join([s.answer, *(b.text for b in s.blocks if isinstance(b, Paragraph))])
        for s in report.sections
    }


def test_the_data_has_secondary_only_cohorts_to_check():
    """The check below is not vacuous: the knowledge base holds such cohorts today."""
    assert SECONDARY_COHORTS


@pytest.mark.parametrize("cohort", SECONDARY_COHORTS, ids=lambda c: "-".join(map(str, c[:4])))
def test_no_lead_states_a_secondary_only_rate(cohort, leads):
    indication, endpoint, country, study, events, n = cohort
    rate = _rate_with_ci(events, n)
    for key, text in leads.items():
        assert rate not in text, (key, study)
    assert f"{study} ({country})" in leads["success"] or endpoint == "ORR"


def test_no_lead_states_a_secondary_hazard_ratio(leads):
    """A secondary page's HR is never a headline number (the lead may name it only in the
    sentence that says it was left out)."""
    for number in _secondary_hazard_ratios():
        for key, text in leads.items():
            shown = text.replace(f"reports HR {number}", "")
            assert number not in shown, (key, number)


@pytest.mark.parametrize(
    ("indication", "endpoint"), [("LBCL", "CR"), ("B-ALL", "CR"), ("MM", "CR")]
)
def test_pooled_patients_in_the_lead_count_only_stronger_rows(indication, endpoint, leads):
    """The lead's "(k studies …, N patients)" per country is the plain route's cohorts without
    secondary rows, and it says how many of them were read on news pages; where a country has
    none left, it says so."""
    for country in COUNTRIES:
        chosen = plain.selected(indication, endpoint, country)
        if chosen:
            k, patients = len(chosen), sum(n for _, _, n in chosen)
            basis = f"{k} studies, pooled" if k > 1 else "1 study, exact CI"
            rows = plain.chosen_rows(indication, endpoint, country).values()
            news = sum(o["source_kind"] == "news" for o in rows)
            weak = f"; {news} of {k} from news pages" if news else ""
            weak = "; from a news page" if news and k == 1 else weak
            assert f"in {country} ({basis}, {patients} patients{weak})" in leads["success"]
        elif plain.secondary_only(indication, endpoint, country):
            assert f"{country}: {SECONDARY_ONLY}" in leads["success"]


def test_claims_verdicts_count_no_secondary_row(evidence_store):
    """A range verdict lists each study rate it counts: never a secondary-only cohort's."""
    claims = load_claims(EXAMPLE).claims
    weak = {study for _, _, _, study, _, _ in SECONDARY_COHORTS}
    with open_store(evidence_store, read_only=True) as store:
        for claim in claims:
            evidence = check_claim(store, claim).evidence
            for study in weak:
                assert f"{study} " not in evidence.split("not in this pool")[0], (claim.id, study)


def test_cost_per_responder_never_divides_by_a_secondary_rate(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        frame = cost_per_responder(store, COUNTRIES)
    for row in frame.itertuples():
        weak = row.study_id in plain.secondary_only(row.indication, "CR", row.trial_country)
        assert (row.status == SECONDARY_ONLY) == weak
        if weak:
            assert row.cost_usd is None or math.isnan(row.cost_usd)


def test_dashboard_overview_shows_the_same_leads(evidence_store):
    with TestClient(create_app(evidence_store)) as client:
        page = client.get("/", params={"a": "CN", "b": "US"}).text
    for _, _, _, _, events, n in SECONDARY_COHORTS:
        assert _rate_with_ci(events, n).replace("–", "&ndash;") not in page
        assert _rate_with_ci(events, n) not in page
