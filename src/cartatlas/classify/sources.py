"""Where records come from: ClinicalTrials.gov API v2 JSON files, or the normalized store.

The classifier core never reads files or databases; these functions turn a source into
:class:`~cartatlas.classify.record.TrialRecord` objects and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from cartatlas.classify.record import Intervention, TrialRecord, from_api_v2
from cartatlas.missing import is_missing
from cartatlas.registries.record import RecordError
from cartatlas.store.connection import Store


def read_api_v2(
    paths: Iterable[Path], on_rejected: Callable[[str], None] | None = None
) -> Iterator[TrialRecord]:
    """Records from API v2 files, read as ``cartatlas import`` reads them (a study, a page,
    JSON Lines, ``.gz``, ``.zip``; a byte order mark, a cut-off gzip).

    A study that appears in several files is yielded once, from the last file that has it, so
    overlapping snapshots (oncology and autoimmune share a few trials) are classified once. A
    record that cannot be read — or a file that cannot — is told to ``on_rejected`` as
    "file line N: field: why" and skipped; the others are read (a bad line used to end the
    command with "JSONDecodeError … unexpected")."""
    from cartatlas.registries.ctgov_files import read_entries

    latest: dict[str, TrialRecord] = {}
    for path in paths:
        for location, text in read_entries(Path(path)):
            record = text if isinstance(text, RecordError) else _api_v2_record(location, text)
            if isinstance(record, RecordError):
                if on_rejected:
                    on_rejected(f"{location}: {record.field}: {record.message}")
                continue
            latest.pop(record.trial_id, None)
            latest[record.trial_id] = record
    yield from latest.values()


def _api_v2_record(location: str, text: str) -> TrialRecord | RecordError:
    """One entry's record, or why it is none: decoded and, when it is no API v2 study, located
    as ``import`` does it (``parse_guarded``: a record nested too deeply or otherwise unreadable
    is rejected alone)."""
    from cartatlas.registries.isolation import parse_guarded

    return parse_guarded(location, _from_text, text)[1]


def _from_text(text: str) -> TrialRecord:
    # the file readers load pyarrow and the ingest; only a read of files needs them
    from cartatlas.registries.ctgov_files import decode_study
    from cartatlas.registries.ctgov_parse import check_nct_id, study_problem

    study = decode_study(text)
    try:
        record = from_api_v2(study)
    except (AttributeError, TypeError, KeyError, ValueError):
        raise study_problem(study) from None
    check_nct_id(record.trial_id)  # a study without one was classified as a blank trial
    return record


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
