"""Parsed records turned into column batches, ready to write — the unit every load moves.

A :class:`Batch` holds a few thousand records as Arrow tables (one per store table) plus each
record's key, content hash and location. Arrow because DuckDB inserts an Arrow table in one
vectorized step (and PostgreSQL's COPY reads its columns), and because building typed Arrow
arrays is the cheapest way out of Python objects. Child-table rows carry ``_rec``, the index of
their record in the batch, which staging turns into the record's position in the whole input.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

import pyarrow as pa

from cartatlas.registries.concepts import date_precision, normalize_id
from cartatlas.registries.isolation import unstorable
from cartatlas.registries.record import RecordError, TrialRecord
from cartatlas.store.registry_schema import CHILD_COLUMNS, STAGED_STUDY_COLUMNS, arrow_schema

BATCH_SIZE = 2000
# reg_study columns a batch fills (run_id is added when the snapshot is published).
BATCH_STUDY_COLUMNS = STAGED_STUDY_COLUMNS
# The part of a reg_study row that comes from the record (the batch adds hash and raw text).
_RECORD_COLUMNS = tuple(c for c in BATCH_STUDY_COLUMNS if c not in ("content_hash", "raw"))
REC = "_rec"

Parsed = tuple[str, TrialRecord | RecordError]


@dataclass(slots=True)
class Batch:
    locations: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, RecordError]] = field(default_factory=list)
    tables: dict[str, pa.Table] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.keys)


def _rows(record: TrialRecord) -> tuple[tuple, dict[str, list[tuple]]]:
    key = record.study_key
    lead = record.lead_sponsor
    children = {
        "reg_identifier": [
            (key, i.value, i.id_type, i.registry, normalize_id(i.value), i.is_primary)
            for i in record.identifiers
        ],
        "reg_condition": [(key, n, c) for n, c in enumerate(record.conditions)],
        "reg_intervention": [
            (key, n, i.name, i.type, i.description, "|".join(i.other_names) or None)
            for n, i in enumerate(record.interventions)
        ],
        "reg_sponsor": [
            (key, n, s.name, s.sponsor_class, s.role) for n, s in enumerate(record.sponsors)
        ],
        "reg_site": [
            (
                key,
                n,
                s.facility,
                s.city,
                s.state,
                s.zip,
                s.country,
                s.country_code,
                s.lat,
                s.lon,
                s.status,
            )
            for n, s in enumerate(record.sites)
        ],
        "reg_phase": [(key, p) for p in record.phases],
        "reg_country": [(key, c) for c in record.countries],
    }
    study = (
        key,
        record.registry,
        record.trial_id,
        record.title,
        record.official_title,
        record.acronym,
        record.brief_summary,
        record.status,
        record.status_raw,
        record.why_stopped,
        "|".join(record.phases) or None,
        record.study_type,
        record.start_date,
        date_precision(record.start_date),
        record.primary_completion_date,
        record.completion_date,
        record.first_posted_date,
        record.last_update_date,
        record.enrollment,
        record.enrollment_type,
        record.has_results,
        lead.name if lead else None,
        lead.sponsor_class if lead else None,
        "|".join(record.countries) or None,
        record.attribution,
        record.source_date,
    )
    return study, children


def content_hash(study: tuple, children: dict[str, list[tuple]]) -> str:
    """Identity of a record's normalized content (not of its raw text, whose layout differs
    between the API, files and AACT): marshal format 2 is stable and has no object references."""
    return hashlib.sha256(marshal.dumps((study, children), 2)).hexdigest()[:32]


def _table(columns: tuple[str, ...], rows: list[tuple], recs: list[int] | None) -> pa.Table:
    schema = arrow_schema(columns)
    data = [
        pa.array(values, type=schema.field(c).type)
        for c, values in zip(
            columns, zip(*rows, strict=True) if rows else [()] * len(columns), strict=True
        )
    ]
    if recs is not None:
        data.append(pa.array(recs, pa.int32()))
        schema = schema.append(pa.field(REC, pa.int32()))
    return pa.Table.from_arrays(data, schema=schema)


def prepare_batch(items: Iterable[Parsed], text_from_raw: bool = False) -> Batch:
    """Records (or the errors met parsing them) → a :class:`Batch`; ``text_from_raw`` as in
    :func:`~cartatlas.registries.isolation.unstorable`."""
    batch = Batch()
    studies: list[tuple] = []
    children: dict[str, list[tuple]] = {name: [] for name in CHILD_COLUMNS}
    recs: dict[str, list[int]] = {name: [] for name in CHILD_COLUMNS}
    for location, item in items:
        if isinstance(item, RecordError):
            batch.errors.append((location, item))
            continue
        study, rows = _rows(item)
        problem = unstorable(
            [
                ("reg_study", _RECORD_COLUMNS, (study,)),
                *((name, CHILD_COLUMNS[name], values) for name, values in rows.items()),
            ],
            item.raw,
            text_from_raw,
        )
        if problem:
            batch.errors.append((location, problem))
            continue
        index = len(studies)
        digest = content_hash(study, rows)
        studies.append((*study, digest, item.raw))
        batch.locations.append(location)
        batch.keys.append(study[0])
        batch.warnings += [(location, w) for w in item.warnings]
        for name, values in rows.items():
            children[name] += values
            recs[name] += [index] * len(values)
    batch.tables["reg_study"] = _table(BATCH_STUDY_COLUMNS, studies, None)
    for name, columns in CHILD_COLUMNS.items():
        batch.tables[name] = _table(columns, children[name], recs[name])
    return batch


def batched(
    items: Iterable[Parsed], size: int = BATCH_SIZE, text_from_raw: bool = False
) -> Iterator[Batch]:
    """Group a stream of parsed records into batches (in this process)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield prepare_batch(chunk, text_from_raw)
