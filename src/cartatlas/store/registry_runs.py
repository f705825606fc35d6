"""Provenance of every registry load: one ``reg_run`` row per sync or import, plus its issues.

A run row is written when the load starts (status ``running``) and completed in the same
transaction as the snapshot, so a run marked ``complete`` always matches what the store holds;
a crashed sync leaves ``running``, which is how the next ``cartatlas sync`` finds what to resume.
A killed import cannot be resumed: the next run of any kind marks it ``interrupted``.
"""

from __future__ import annotations

import os
import re
import socket
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from cartatlas.registries.record import Rejection
from cartatlas.store.bulk import insert_rows
from cartatlas.store.connection import Store
from cartatlas.store.registry_schema import ensure_registry_schema
from cartatlas.store.registry_stage import clear_stale_stages

RUN_FIELDS = (
    "run_id",
    "kind",
    "registry",
    "selection",
    "query",
    "source_path",
    "mode",
    "status",
    "started_at",
    "finished_at",
    "data_timestamp",
    "snapshot_date",
    "total_count",
    "pages",
    "records",
    "sites",
    "rejected",
    "errors",
    "added",
    "updated",
    "removed",
    "attribution",
    "message",
)


def utc_now() -> str:
    """ISO 8601 UTC with microseconds, so that runs sort by time even within one second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_OWNER = re.compile(r"^running as process (\d+) on (.+)$")


def _dead(store: Store, message: str | None) -> bool:
    """Whether the process that started a ``running`` run has ended. On DuckDB the caller
    holds the file's write lock, so no other process can be running a load; on PostgreSQL
    only a process of this host can be checked (one elsewhere is left alone)."""
    if store.kind == "duckdb":
        return True
    match = _OWNER.match(message or "")
    if not match or match[2] != socket.gethostname():
        return False
    try:
        os.kill(int(match[1]), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def mark_interrupted(store: Store) -> list[str]:
    """Mark imports whose process was killed mid-way (left ``running``) as ``interrupted``.
    Syncs are skipped: a running sync is resumed by the next ``cartatlas sync``."""
    stale = [
        run_id
        for run_id, message in store.execute(
            "SELECT run_id, message FROM reg_run WHERE status = 'running' AND kind <> 'sync'"
        )
        if _dead(store, message)
    ]
    for run_id in stale:
        update_run(
            store,
            run_id,
            status="interrupted",
            message="the process ended before the run finished (killed?); nothing of it was stored",
        )
    return stale


def start_run(store: Store, **fields: Any) -> str:
    """Record a new run (``kind``, ``registry``, ``selection`` …) and return its id; runs a
    killed process left ``running`` are marked ``interrupted`` first, and what they staged is
    removed."""
    ensure_registry_schema(store)
    mark_interrupted(store)
    clear_stale_stages(store)
    run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    row = {
        "run_id": run_id,
        "status": "running",
        "started_at": utc_now(),
        "pages": 0,
        "errors": 0,
        "message": f"running as process {os.getpid()} on {socket.gethostname()}",
        **fields,
    }
    names = list(row)
    store.execute(
        f"INSERT INTO reg_run ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [row[n] for n in names],
    )
    return run_id


def update_run(store: Store, run_id: str, **fields: Any) -> None:
    unknown = set(fields) - set(RUN_FIELDS)
    if unknown:
        raise ValueError(f"unknown run fields: {sorted(unknown)}")
    sets = ", ".join(f"{name} = ?" for name in fields)
    store.execute(f"UPDATE reg_run SET {sets} WHERE run_id = ?", [*fields.values(), run_id])


def finish_run(store: Store, run_id: str, status: str = "complete", **fields: Any) -> None:
    """Close a run; its message (which named the running process) is cleared unless given."""
    fields.setdefault("message", None)
    update_run(store, run_id, status=status, finished_at=utc_now(), **fields)


def get_run(store: Store, run_id: str) -> dict[str, Any]:
    names, rows = store.query(
        f"SELECT {', '.join(RUN_FIELDS)} FROM reg_run WHERE run_id = ?", (run_id,)
    )
    return dict(zip(names, rows[0], strict=True))


def find_runs(store: Store, **where: Any) -> list[dict[str, Any]]:
    """Runs matching every ``column=value`` given, newest first."""
    ensure_registry_schema(store)
    clause = " AND ".join(f"{k} = ?" for k in where) or "TRUE"
    names, rows = store.query(
        f"SELECT {', '.join(RUN_FIELDS)} FROM reg_run WHERE {clause}"
        " ORDER BY started_at DESC, run_id DESC",
        list(where.values()),
    )
    return [dict(zip(names, row, strict=True)) for row in rows]


def add_issues(store: Store, run_id: str, kind: str, issues: Iterable[Rejection]) -> None:
    """Keep rejected records and warnings with the run, for ``snapshot_info`` and audits."""
    start = store.execute(
        "SELECT coalesce(max(seq) + 1, 0) FROM reg_run_issue WHERE run_id = ?", (run_id,)
    )[0][0]
    rows = [(run_id, start + n, kind, i.location, i.field, i.message) for n, i in enumerate(issues)]
    insert_rows(
        store, "reg_run_issue", ("run_id", "seq", "kind", "location", "field", "message"), rows
    )
