"""Where records come from: ClinicalTrials.gov API v2 JSON files, or the normalized store.

The classifier core never reads files or databases; these functions turn a source into
:class:`~cartatlas.classify.record.TrialRecord` objects and nothing else.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from cartatlas.classify.record import Intervention, TrialRecord, from_api_v2
from cartatlas.missing import is_missing
from cartatlas.store.connection import Store


def read_api_v2(paths: Iterable[Path]) -> Iterator[TrialRecord]:
    """Records from API v2 files: ``.json`` (one study) or ``.jsonl``/``.jsonl.gz`` (one a line).

    A study that appears in several files is yielded once, from the last file that has it, so
    overlapping snapshots (oncology and autoimmune share a few trials) are classified once.
    """
    latest: dict[str, TrialRecord] = {}
    for path in paths:
        for study in _studies(Path(path)):
            record = from_api_v2(study)
            latest.pop(record.trial_id, None)
            latest[record.trial_id] = record
    yield from latest.values()


def _studies(path: Path) -> Iterator[dict]:
    if path.suffix == ".json":
        yield json.loads(path.read_text("utf-8"))
        return
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def read_store(store: Store) -> Iterator[TrialRecord]:
    """Records of the store's current trials, through the registry read API.

    ClinicalTrials.gov rows keep their API v2 JSON (``raw``), which has the fields the store's
    columns flatten away (intervention descriptions, keywords, arms, collaborators); other
    registries' rows are built from the normalized columns.
    """
    from cartatlas.store.registry_read import current_study_batches

    for batch in current_study_batches(store, READ_BATCH, include_raw=True):
        yield from (_record(row) for row in batch.to_dict("records"))


#: Trials read at once, columns and raw JSON: a whole store's (about 10 KB each) would hold
#: 1 GB at 100,000 trials, which the import's flat-memory goal (600 MB) cannot afford.
READ_BATCH = 2_000


def _record(row: dict) -> TrialRecord:
    """One trial's record: from its API v2 JSON when it is a ClinicalTrials.gov row."""
    nct_id = row.get("nct_id")
    trial_id = row["trial_id"] if is_missing(nct_id) or not nct_id else nct_id
    raw = row.get("raw")
    if row.get("registry") == "CTGOV" and raw:
        record = from_api_v2(json.loads(raw))
    else:
        record = TrialRecord(
            trial_id=trial_id,
            title=row.get("title") or "",
            official_title=row.get("official_title") or "",
            brief_summary=row.get("brief_summary") or "",
            conditions=tuple(row.get("conditions") or ()),
            interventions=tuple(Intervention(n) for n in row.get("interventions") or ()),
            sponsor_name=row.get("sponsor_name") or "",
            sponsor_class=row.get("sponsor_class") or "",
            site_countries=tuple(row.get("countries") or ()),
            start_date=row.get("start_date"),
            phases=tuple(row.get("phases") or ()),
            status=row.get("status"),
            study_type=row.get("study_type"),
        )
    return replace(record, trial_id=trial_id)
