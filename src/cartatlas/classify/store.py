"""The ``trial_labels`` table: one row of labels per classified trial, for joins and reports.

Written whole by ``cartatlas classify`` and by ``import``/``sync`` when they are stale
(staged in batches, then replacing the previous rows in one transaction), with the version they
were computed under (:func:`labels_current`); read by ``cartatlas trials --format csv``, the
landscape, the report and the dashboard (:func:`current_labels`), which never classify again.
Lists are ``|``-joined text so the same DDL works on DuckDB and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING

import pandas as pd

from cartatlas.classify.columns import COLUMNS
from cartatlas.store.bulk import insert_rows
from cartatlas.store.connection import Store
from cartatlas.store.versions import code_version, registry_version

if TYPE_CHECKING:  # the rules compile on import: only writers of labels load them
    from cartatlas.classify.labels import TrialLabels

#: Label rows converted and inserted at once.
WRITE_BATCH = 5_000


def _chunks(items: Iterable[TrialLabels], size: int) -> Iterator[list[TrialLabels]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


TABLE = "trial_labels"
_TYPES = {"is_car": "BOOLEAN", "in_vivo": "BOOLEAN"}
_FIELDS = ", ".join(
    [*(f"{c} {_TYPES.get(c, 'TEXT')}" for c in COLUMNS), "reasons TEXT", "classified_at TEXT"]
)
DDL = f"CREATE TABLE IF NOT EXISTS {TABLE} ({_FIELDS}, PRIMARY KEY (nct_id))"
#: Where a relabel's rows are committed batch by batch before they replace the table's.
NEXT_TABLE = f"{TABLE}_next"
NEXT_DDL = f"CREATE TABLE IF NOT EXISTS {NEXT_TABLE} ({_FIELDS})"

#: Which data version each derived table was computed under.
VERSION_TABLE = "derived_version"
VERSION_DDL = f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (name TEXT PRIMARY KEY, version TEXT)"


def write_labels(
    store: Store,
    labels: Iterable[TrialLabels],
    classified_at: str,
    version: str | None = None,
) -> int:
    """Replace the table's contents with ``labels``; returns the number of rows written.

    ``version`` is :func:`labels_version` when ``labels`` are those of the store's current
    trials; ``None`` (labels of other records, e.g. files) leaves the table marked stale.

    Rows are committed :data:`WRITE_BATCH` at a time to :data:`NEXT_TABLE`, then swapped in
    by one transaction: readers see the old labels until it commits, and no transaction holds
    every new row (DuckDB keeps small uncommitted inserts in memory: with one transaction the
    import's peak rose from 482 MB at 100,000 trials to 704 MB at 300,000)."""
    from cartatlas.store.registry_stage import bounded_memory

    columns = (*COLUMNS, "reasons", "classified_at")
    written = 0
    with bounded_memory(store):
        store.execute(DDL)
        store.execute(NEXT_DDL)
        store.execute(f"DELETE FROM {NEXT_TABLE}")  # left by a relabel killed before its swap
        for chunk in _chunks(labels, WRITE_BATCH):  # labels may be a generator: never all held
            rows = [
                (
                    *item.row(),
                    " || ".join(f"{k}: {v}" for k, v in item.reasons.items() if v),
                    classified_at,
                )
                for item in chunk
            ]
            with store.transaction():
                insert_rows(store, NEXT_TABLE, columns, rows)
            written += len(rows)
        with store.transaction():
            store.execute(f"DELETE FROM {TABLE}")
            names = ", ".join(columns)
            store.execute(f"INSERT INTO {TABLE} ({names}) SELECT {names} FROM {NEXT_TABLE}")
            store.execute(f"DELETE FROM {NEXT_TABLE}")
            store.execute(VERSION_DDL)
            store.execute(f"DELETE FROM {VERSION_TABLE} WHERE name = ?", (TABLE,))
            if version:
                store.execute(f"INSERT INTO {VERSION_TABLE} VALUES (?, ?)", (TABLE, version))
    return written


def labels_frame(store: Store) -> pd.DataFrame:
    """The stored labels (``nct_id`` + :data:`~cartatlas.classify.labels.COLUMNS`), lists as
    ``|``-joined text exactly as ``trials --format csv`` prints them; empty when never run."""
    if not store.table_exists(TABLE):
        return pd.DataFrame(columns=list(COLUMNS))
    return store.frame(f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY nct_id")


def labels_version(store: Store) -> str:
    """What the stored labels must have been computed under to be current: the registry data
    and the classifier's own code (an upgraded rule makes old labels stale)."""
    return f"{registry_version(store)}-{code_version('classify')}"


def labels_current(store: Store) -> bool:
    """True when ``trial_labels`` holds the labels of the store's current trials."""
    if not store.table_exists(VERSION_TABLE):
        return False
    rows = store.execute(f"SELECT version FROM {VERSION_TABLE} WHERE name = ?", (TABLE,))
    return bool(rows) and rows[0][0] == labels_version(store)


def relabel(store: Store, classified_at: str) -> int:
    """Classify every current trial and store the labels under the current version."""
    from cartatlas.classify.labels import classify, cycle_collector_paused
    from cartatlas.classify.sources import read_store

    labels = (classify(record) for record in read_store(store))  # streamed: flat memory
    with cycle_collector_paused():
        return write_labels(store, labels, classified_at, labels_version(store))


def current_labels(store: Store) -> pd.DataFrame:
    """The labels of the store's current trials (:func:`labels_frame` shape): read from
    ``trial_labels`` when current, else classified now in memory (a read-only store cannot be
    written; ``cartatlas classify`` or the next import stores them)."""
    if labels_current(store):
        return labels_frame(store)
    from cartatlas.classify.labels import classify_all
    from cartatlas.classify.sources import read_store

    rows = [item.row() for item in classify_all(read_store(store))]
    return pd.DataFrame(rows, columns=list(COLUMNS)).sort_values("nct_id", ignore_index=True)
