"""Speed work on the classifier must not change a single label or reason.

The digests below were produced by the classifier before its rules were compiled into
branch-split alternations (issue #20), on every record of the shared 2026-08-22 snapshots and
API v2 fixtures: once as read from the files, and once with the fields the snapshots leave out
(official title, detailed description, keywords, arms, intervention descriptions) filled from
the ones they keep, so the rules that read those fields are covered too.
A rule change that is meant to change labels must update them, and say so in its commit.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from cartatlas.classify.labels import classify_all
from cartatlas.classify.record import Intervention, TrialRecord

FULL_RECORDS = "2ffb4eb40d11a1861bd6e106c8a7e484a5efe7b413832148ff8831129d3b5216"
FILLED_RECORDS = "72de4239b534573c26eba19a8ae668c4d546acf46d209edf449852b393e8aff5"


def digest(records: list[TrialRecord]) -> str:
    """SHA-256 of every trial's label row and reasons, in trial ID order."""
    lines = [
        repr((item.row(), item.reasons))
        for item in classify_all(sorted(records, key=lambda r: r.trial_id))
    ]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def filled(record: TrialRecord) -> TrialRecord:
    return replace(
        record,
        official_title=record.official_title or record.title.upper(),
        detailed_description=record.detailed_description or record.brief_summary,
        keywords=record.keywords or record.conditions,
        arms=record.arms or tuple(f"Arm: {i.name}" for i in record.interventions),
        interventions=tuple(
            Intervention(i.name, i.type, i.description or record.title)
            for i in record.interventions
        ),
    )


def test_labels_and_reasons_of_full_records_unchanged(records):
    assert digest(list(records.values())) == FULL_RECORDS


def test_labels_and_reasons_of_filled_records_unchanged(records):
    assert digest([filled(r) for r in records.values()]) == FILLED_RECORDS
