"""``population_group`` of studies.csv (which cohorts a pool may take, analyses/populations.py):
a value outside the vocabulary is rejected with the nearest valid one; an empty cell is the
standard population, unless the study's own name or line of therapy names a population the
pools leave out, which the curator must then state."""

from __future__ import annotations

from cartatlas.evidence.checks import check_evidence
from tests.evidence.test_checks import _with, messages


def test_an_unknown_group_names_the_nearest_valid_one(evidence_dir):
    message = messages(evidence_dir(**_with("studies", 0, population_group="cns-lymphoma")))[0]
    assert message.startswith("studies.csv, row at line 2: population_group: 'cns-lymphoma'")
    assert "did you mean 'cns_lymphoma'?" in message
    assert "empty means standard" in message


def test_an_empty_group_is_the_standard_population(evidence_dir):
    evidence = check_evidence(evidence_dir(**_with("studies", 0, population_group="")))
    assert evidence.problems == []
    assert evidence.rows["studies"][0].get("population_group") == "standard"


def test_an_empty_group_on_a_cns_lymphoma_study_is_refused(evidence_dir):
    changes = _with("studies", 0, population_group="", line_of_therapy="r/r (primary CNS lymphoma)")
    message = messages(evidence_dir(**changes))[0]
    assert message.startswith("studies.csv, row at line 2: population_group: empty")
    assert "write cns_lymphoma" in message


def test_a_stated_group_is_the_curators_decision(evidence_dir):
    """A cohort whose reported rows are of the standard population (a CAR-naive arm of a trial
    that also treated CAR-exposed patients) is written standard and accepted."""
    changes = _with(
        "studies", 0, population_group="standard", line_of_therapy="r/r (CAR-naive and CAR-exposed)"
    )
    assert check_evidence(evidence_dir(**changes)).problems == []
    changes = _with("studies", 0, population_group="", name="CD20 CAR-T after CD19 CAR-T failure")
    assert "write after_cd19_therapy" in messages(evidence_dir(**changes))[0]
