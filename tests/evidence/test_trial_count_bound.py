"""A trial count given as "more than N" is stored with ``lower_bound`` (trial_counts.csv), and
``kb check`` wants the quote to say so, as for treatment centres."""

from __future__ import annotations

from cartatlas.evidence.checks import check_evidence


def _trial_count(**changes: str) -> dict[str, str]:
    row = {
        "country": "CN",
        "registry": "BioWorld/Cortellis",
        "as_of": "2024-01-31",
        "scope": "CAR T trials registered in China",
        "count": "300",
        "lower_bound": "true",
        "source_url": "https://example.org/z",
        "source_kind": "news",
        "accessed": "2026-12-06",
        "source_quote": "there were more than 300 CAR T trials registered in China",
        **changes,
    }
    return {k: v for k, v in row.items() if v != ""}


def test_kb_check_wants_the_bound_in_the_quote(evidence_dir):
    assert check_evidence(evidence_dir(trial_counts=[_trial_count()])).problems == []
    problems = check_evidence(
        evidence_dir(trial_counts=[_trial_count(source_quote="there were 300 CAR T trials")])
    ).problems
    assert [str(p) for p in problems] == [
        "trial_counts.csv, row at line 2: lower_bound: the quote does not say 'more than'; "
        "quote the words that state it"
    ]
