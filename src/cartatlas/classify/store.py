"""The ``trial_labels`` table: one row of labels per classified trial, for joins and reports.

Written whole by ``cartatlas classify`` (replacing the previous run's rows in one transaction,
in one bulk insert),
read by ``cartatlas trials --format csv`` and the landscape. Lists are ``|``-joined text so the
same DDL works on DuckDB and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from cartatlas.classify.labels import COLUMNS, TrialLabels
from cartatlas.store.bulk import insert_rows
from cartatlas.store.connection import Store

TABLE = "trial_labels"
_TYPES = {"is_car": "BOOLEAN", "in_vivo": "BOOLEAN"}
DDL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    + ", ".join(f"{c} {_TYPES.get(c, 'TEXT')}" for c in COLUMNS)
    + ", reasons TEXT, classified_at TEXT, PRIMARY KEY (nct_id))"
)


def write_labels(store: Store, labels: Iterable[TrialLabels], classified_at: str) -> int:
    """Replace the table's contents with ``labels``; returns the number of rows written."""
    rows = [
        (*item.row(), " || ".join(f"{k}: {v}" for k, v in item.reasons.items() if v), classified_at)
        for item in labels
    ]
    with store.transaction():
        store.execute(DDL)
        store.execute(f"DELETE FROM {TABLE}")
        insert_rows(store, TABLE, (*COLUMNS, "reasons", "classified_at"), rows)
    return len(rows)


def labels_frame(store: Store) -> pd.DataFrame:
    """The stored labels (``nct_id`` + :data:`~cartatlas.classify.labels.COLUMNS`), lists as
    ``|``-joined text exactly as ``trials --format csv`` prints them; empty when never run."""
    if not store.table_exists(TABLE):
        return pd.DataFrame(columns=list(COLUMNS))
    return store.frame(f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY nct_id")
