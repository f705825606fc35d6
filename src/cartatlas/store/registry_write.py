"""Publish a run's staged records as one snapshot of a selection, recording what changed.

The rule (docs/registries.md, "Snapshots and selections"): every load — a sync, a file import,
an AACT or ICTRP import — is a complete snapshot of one *selection* (a named set of trials, e.g.
``cart-oncology``). Within one transaction the trials it holds are written (records whose content
hash changed are replaced whole, unchanged ones are left alone), its membership is replaced,
trials of the same selection that the snapshot no longer holds are marked removed (kept, never
deleted), and every added / updated / removed trial is recorded in ``reg_change``. Other
selections are untouched, so two selections sharing a trial both keep it.

Everything here is SQL over the staging tables (:mod:`cartatlas.store.registry_stage`), so
publishing a snapshot of any size holds no trial in Python memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count

from cartatlas.store.bulk import key_table
from cartatlas.store.connection import Store
from cartatlas.store.registry_match import refresh_matches
from cartatlas.store.registry_schema import (
    CHILD_COLUMNS,
    MEMBERSHIP_COLUMNS,
    STAGE_TABLES,
    STAGED_STUDY_COLUMNS,
)
from cartatlas.store.registry_stage import STUDY_STAGE

_names = count()


@dataclass(slots=True)
class WriteSummary:
    """``studies`` and ``sites`` count the whole snapshot; ``written`` the records (re)written."""

    studies: int = 0
    sites: int = 0
    written: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0


@contextmanager
def _snapshot_keys(store: Store, run_id: str, members: set[str] | None) -> Iterator[str]:
    """A table (column ``key``) of the trials the snapshot holds: ``members`` when given (a
    sync's ID listing), else every trial staged."""
    if members is not None:
        with key_table(store, sorted(members)) as table:
            yield table
        return
    name = f"_snapshot_{next(_names)}"
    store.execute(
        f"CREATE TEMP TABLE {name} AS SELECT study_key AS key FROM {STUDY_STAGE}"
        " WHERE stage_run = ?",
        (run_id,),
    )
    try:
        yield name
    finally:
        store.execute(f"DROP TABLE IF EXISTS {name}")


def publish(
    store: Store, selection: str, run_id: str, members: set[str] | None = None
) -> WriteSummary:
    """Make the run's staged records the snapshot of ``selection``, inside the caller's
    transaction. Staged trials must be distinct (``registry_stage.drop_repeats``)."""
    summary = WriteSummary()
    with _snapshot_keys(store, run_id, members) as keys:
        summary.studies = store.execute(f"SELECT count(*) FROM {keys}")[0][0]
        _record_changes(store, selection, run_id, keys, summary)
        _replace_membership(store, selection, run_id, keys)
    summary.written = _write_records(store, run_id)
    summary.sites = store.execute(
        "SELECT count(*) FROM reg_site WHERE study_key IN"
        " (SELECT study_key FROM reg_membership WHERE selection = ? AND active)",
        (selection,),
    )[0][0]
    refresh_matches(store)
    return summary


def _record_changes(
    store: Store, selection: str, run_id: str, keys: str, summary: WriteSummary
) -> None:
    """``reg_change`` rows against the selection's last snapshot. Added: not an active member
    before. Updated: an active member whose version differs from the one this selection last saw
    (not the stored record, which another selection's snapshot may have replaced: re-importing
    an identical file changes nothing). Removed: an active member the snapshot no longer holds."""
    head = (
        "INSERT INTO reg_change (run_id, selection, study_key, change)"
        " SELECT CAST(? AS TEXT), CAST(? AS TEXT),"
    )
    member = "reg_membership b ON b.selection = ? AND b.study_key = k.key"
    statements = (
        f"{head} k.key, 'added' FROM {keys} k LEFT JOIN {member}"
        " WHERE b.active IS NOT TRUE ORDER BY k.key",
        f"{head} k.key, 'updated' FROM {keys} k JOIN {member} AND b.active"
        f" JOIN {STUDY_STAGE} h ON h.stage_run = ? AND h.study_key = k.key"
        " LEFT JOIN reg_study e ON e.study_key = k.key"
        " WHERE h.content_hash IS DISTINCT FROM coalesce(b.content_hash, e.content_hash)"
        " ORDER BY k.key",
        f"{head} b.study_key, 'removed' FROM reg_membership b"
        " WHERE b.selection = ? AND b.active AND NOT EXISTS"
        f" (SELECT 1 FROM {keys} k WHERE k.key = b.study_key) ORDER BY b.study_key",
    )
    for sql in statements:
        store.execute(sql, (run_id, selection, selection, run_id)[: sql.count("?")])
    counts = dict(
        store.execute(
            "SELECT change, count(*) FROM reg_change WHERE run_id = ? AND selection = ?"
            " GROUP BY change",
            (run_id, selection),
        )
    )
    summary.added = counts.get("added", 0)
    summary.updated = counts.get("updated", 0)
    summary.removed = counts.get("removed", 0)


def _replace_membership(store: Store, selection: str, run_id: str, keys: str) -> None:
    """Members: active, first seen when first listed, last seen now, with the version this
    snapshot holds (else the one last seen). Trials no longer listed stay, inactive."""
    name = f"_membership_{next(_names)}"
    store.execute(
        f"""CREATE TEMP TABLE {name} AS
        SELECT CAST(? AS TEXT) AS selection, k.key AS study_key, TRUE AS active,
               CASE WHEN b.study_key IS NULL THEN CAST(? AS TEXT) ELSE b.first_run END
                 AS first_run,
               CAST(? AS TEXT) AS last_run, CAST(NULL AS TEXT) AS removed_run,
               coalesce(h.content_hash, CASE WHEN b.active THEN b.content_hash END,
                        e.content_hash) AS content_hash
        FROM {keys} k
        LEFT JOIN reg_membership b ON b.selection = ? AND b.study_key = k.key
        LEFT JOIN {STUDY_STAGE} h ON h.stage_run = ? AND h.study_key = k.key
        LEFT JOIN reg_study e ON e.study_key = k.key
        UNION ALL
        SELECT b.selection, b.study_key, FALSE, b.first_run, b.last_run,
               CASE WHEN b.active THEN CAST(? AS TEXT) ELSE b.removed_run END, b.content_hash
        FROM reg_membership b
        WHERE b.selection = ? AND NOT EXISTS (SELECT 1 FROM {keys} k WHERE k.key = b.study_key)""",
        (selection, run_id, run_id, selection, run_id, run_id, selection),
    )
    try:
        store.execute("DELETE FROM reg_membership WHERE selection = ?", (selection,))
        columns = ", ".join(MEMBERSHIP_COLUMNS)
        store.execute(f"INSERT INTO reg_membership ({columns}) SELECT {columns} FROM {name}")
    finally:
        store.execute(f"DROP TABLE IF EXISTS {name}")


def _write_records(store: Store, run_id: str) -> int:
    """Replace stored trials whose content changed and add new ones; returns how many."""
    changed = (
        f"SELECT s.study_key FROM {STUDY_STAGE} s JOIN reg_study r ON r.study_key = s.study_key"
        " WHERE s.stage_run = ? AND r.content_hash IS DISTINCT FROM s.content_hash"
    )
    new = (
        f"SELECT s.stage_seq FROM {STUDY_STAGE} s WHERE s.stage_run = ?"
        " AND NOT EXISTS (SELECT 1 FROM reg_study r WHERE r.study_key = s.study_key)"
    )
    for name in (*CHILD_COLUMNS, "reg_study"):  # reg_study last: the query above reads it
        store.execute(f"DELETE FROM {name} WHERE study_key IN ({changed})", (run_id,))
    written = store.execute(f"SELECT count(*) FROM ({new}) n", (run_id,))[0][0]
    for name, columns in CHILD_COLUMNS.items():
        cols = ", ".join(columns)
        store.execute(
            f"INSERT INTO {name} ({cols}) SELECT {cols} FROM {STAGE_TABLES[name]}"
            f" WHERE stage_run = ? AND stage_seq IN ({new})",
            (run_id, run_id),
        )
    cols = ", ".join(STAGED_STUDY_COLUMNS)
    store.execute(
        f"INSERT INTO reg_study ({cols}, run_id)"
        f" SELECT {cols}, CAST(? AS TEXT) FROM {STUDY_STAGE} s"
        f" WHERE s.stage_seq IN ({new}) AND s.stage_run = ?",
        (run_id, run_id, run_id),
    )
    return written
