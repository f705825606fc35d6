"""Staging: a load's batches are committed one by one into ``reg_stage_…`` tables, so that memory
stays flat however large the input, while readers keep seeing the previous snapshot.

Nothing a reader queries looks at staging; :mod:`cartatlas.store.registry_write` publishes a
run's staged rows in one transaction. Rows carry their run and the record's position in the
input (``stage_seq``), so a repeated trial is found in SQL (the first one is kept) and its child
rows go with it. A load that dies leaves only staged rows of a run that is no longer running;
the next load removes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa
import pyarrow.compute as pc

from cartatlas.registries.limits import env_size
from cartatlas.registries.record import Rejection
from cartatlas.store.bulk import insert_arrow
from cartatlas.store.connection import Store
from cartatlas.store.registry_batch import REC, Batch
from cartatlas.store.registry_schema import CHILD_COLUMNS, STAGE_TABLES

STUDY_STAGE = STAGE_TABLES["reg_study"]
# DuckDB caches as much as 80 % of the machine's memory by default; a load needs little, and
# spills what does not fit (sorts, joins, a large publish) to a temporary directory.
LOAD_MEMORY_ENV = "CARTATLAS_LOAD_MEMORY"
LOAD_MEMORY = 128 * 2**20
# Children first, so that a delete keyed on the staged study rows still finds them.
_CLEAR_ORDER = (*(STAGE_TABLES[name] for name in CHILD_COLUMNS), STUDY_STAGE)


@contextmanager
def bounded_memory(store: Store) -> Iterator[None]:
    """Cap DuckDB's memory for the length of a load (``CARTATLAS_LOAD_MEMORY``, default 128M),
    so a load's peak memory does not grow with the size of its input; PostgreSQL's is the
    server's business."""
    limit = env_size(LOAD_MEMORY_ENV, LOAD_MEMORY)
    with _duckdb_setting(store, "memory_limit", f"{limit // 2**20 or 1}MiB"):
        yield


#: WAL size at which DuckDB checkpoints during a load (default 16 MiB). Each checkpoint rewrites
#: the staging tables' last, growing row groups, so at 16 MiB a 100,000-study load spent 19 of
#: its 38 CPU seconds in commits; at 256 MiB, 9 (peak memory unchanged, 369 MB).
LOAD_CHECKPOINT = "256MiB"


@contextmanager
def sparse_checkpoints(store: Store) -> Iterator[None]:
    """Let DuckDB's write-ahead log grow to :data:`LOAD_CHECKPOINT` before it checkpoints,
    for the length of a load; PostgreSQL has no such step."""
    with _duckdb_setting(store, "checkpoint_threshold", LOAD_CHECKPOINT):
        yield


@contextmanager
def one_thread(store: Store) -> Iterator[None]:
    """Run DuckDB on one thread for the length of a load. A load's statements are small appends
    and joins that gain little from a second thread, while coordinating one costs ≈ 10 % more
    CPU (20,000 studies: 3.6–4.1 CPU s on one thread, 4.1–4.5 on two); the importer uses the
    other core to prepare the next batch (``registries/read_ahead.py``)."""
    with _duckdb_setting(store, "threads", "1"):
        yield


@contextmanager
def _duckdb_setting(store: Store, name: str, value: str) -> Iterator[None]:
    """Set a DuckDB setting for the length of the block and restore it after (nothing on
    PostgreSQL, whose server owns such settings)."""
    if store.kind != "duckdb":
        yield
        return
    [(before,)] = store.execute(f"SELECT current_setting('{name}')")
    store.execute(f"SET {name} = '{value}'")
    try:
        yield
    finally:
        store.execute(f"SET {name} = '{before}'")


def stage_batch(store: Store, run_id: str, batch: Batch, first_seq: int) -> None:
    """Append ``batch`` to the run's staging rows; its records are numbered from ``first_seq``."""
    count = len(batch)
    if not count:
        return
    study = batch.tables["reg_study"]
    study = (
        study.append_column("stage_run", pa.repeat(pa.scalar(run_id, pa.string()), count))
        .append_column("stage_seq", pa.array(range(first_seq, first_seq + count), pa.int64()))
        .append_column("stage_location", pa.array(batch.locations, pa.string()))
    )
    insert_arrow(store, STUDY_STAGE, study)
    for name in CHILD_COLUMNS:
        table = batch.tables[name]
        seq = pc.add(table.column(REC).cast(pa.int64()), pa.scalar(first_seq, pa.int64()))
        table = (
            table.drop_columns([REC])
            .append_column("stage_run", pa.repeat(pa.scalar(run_id, pa.string()), len(table)))
            .append_column("stage_seq", seq)
        )
        insert_arrow(store, STAGE_TABLES[name], table)


_LATER_REPEAT = f"""
    SELECT s.stage_seq FROM {STUDY_STAGE} s
    WHERE s.stage_run = ? AND EXISTS (
        SELECT 1 FROM {STUDY_STAGE} f
        WHERE f.stage_run = s.stage_run AND f.study_key = s.study_key AND f.stage_seq < s.stage_seq)
"""


def drop_repeats(store: Store, run_id: str) -> list[Rejection]:
    """Reject every staged record whose trial an earlier record of the run already holds."""
    repeats = store.execute(
        f"""SELECT s.stage_location, s.trial_id, f.stage_location
            FROM {STUDY_STAGE} s
            JOIN (SELECT study_key, min(stage_seq) AS first_seq FROM {STUDY_STAGE}
                  WHERE stage_run = ? GROUP BY study_key HAVING count(*) > 1) d
              ON d.study_key = s.study_key
            JOIN {STUDY_STAGE} f ON f.stage_run = s.stage_run AND f.stage_seq = d.first_seq
            WHERE s.stage_run = ? AND s.stage_seq > d.first_seq
            ORDER BY s.stage_seq""",
        (run_id, run_id),
    )
    if repeats:
        for table in _CLEAR_ORDER:
            store.execute(
                f"DELETE FROM {table} WHERE stage_run = ? AND stage_seq IN ({_LATER_REPEAT})",
                (run_id, run_id),
            )
    return [
        Rejection(
            location,
            "trial ID",
            f"{trial_id} repeats {first}; the first one is kept, remove the duplicate",
        )
        for location, trial_id, first in repeats
    ]


def staged_count(store: Store, run_id: str) -> int:
    return store.execute(f"SELECT count(*) FROM {STUDY_STAGE} WHERE stage_run = ?", (run_id,))[0][0]


def clear_stage(store: Store, run_id: str) -> None:
    """Remove the run's staged rows (once published, or when the load failed)."""
    for table in _CLEAR_ORDER:
        store.execute(f"DELETE FROM {table} WHERE stage_run = ?", (run_id,))


def clear_stale_stages(store: Store) -> None:
    """Remove staged rows of runs no longer running (a load killed before it published)."""
    for table in _CLEAR_ORDER:
        store.execute(
            f"DELETE FROM {table} WHERE stage_run NOT IN"
            " (SELECT run_id FROM reg_run WHERE status = 'running')"
        )
