"""Staging for a resumable sync: pages fetched from the API wait here until the run completes.

Each page is committed together with the token that fetched it and the token of the next page,
so after a crash the sync restarts from the first page it had not committed (no page is fetched
twice, none is skipped). The live tables change only when the finished run is written as a
snapshot, in one transaction; until then readers see the previous snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from cartatlas.store.bulk import insert_rows
from cartatlas.store.connection import Store
from cartatlas.store.registry_runs import utc_now


class StagedStudy(NamedTuple):
    trial_id: str | None
    last_update: str | None
    raw: str | None


class PageMark(NamedTuple):
    page_no: int
    next_token: str | None


def commit_page(
    store: Store,
    run_id: str,
    stage: str,
    page_no: int,
    token: str | None,
    next_token: str | None,
    studies: list[StagedStudy],
) -> None:
    """Stage one page and remember where the next one starts, atomically."""
    with store.transaction():
        insert_rows(
            store,
            "reg_sync_staged",
            ("run_id", "stage", "page_no", "trial_id", "last_update", "raw"),
            [(run_id, stage, page_no, *s) for s in studies],
        )
        store.execute(
            "INSERT INTO reg_sync_page (run_id, stage, page_no, page_token, next_token, n_studies,"
            " fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (run_id, stage, page_no, token, next_token, len(studies), utc_now()),
        )
        store.execute("UPDATE reg_run SET pages = pages + 1 WHERE run_id = ?", (run_id,))


def last_page(store: Store, run_id: str, stage: str) -> PageMark | None:
    rows = store.execute(
        "SELECT page_no, next_token FROM reg_sync_page WHERE run_id = ? AND stage = ?"
        " ORDER BY page_no DESC LIMIT 1",
        (run_id, stage),
    )
    return PageMark(*rows[0]) if rows else None


def committed_pages(store: Store, run_id: str, stage: str) -> set[int]:
    return {
        n
        for (n,) in store.execute(
            "SELECT page_no FROM reg_sync_page WHERE run_id = ? AND stage = ?", (run_id, stage)
        )
    }


def staged_count(store: Store, run_id: str, stage: str) -> int:
    return store.execute(
        "SELECT count(*) FROM reg_sync_staged WHERE run_id = ? AND stage = ?", (run_id, stage)
    )[0][0]


def staged_studies(store: Store, run_id: str, stage: str) -> Iterator[tuple[int, StagedStudy]]:
    """Staged studies in page order, as ``(page_no, study)``."""
    rows = store.execute(
        "SELECT page_no, trial_id, last_update, raw FROM reg_sync_staged"
        " WHERE run_id = ? AND stage = ? ORDER BY page_no",
        (run_id, stage),
    )
    for page_no, *study in rows:
        yield page_no, StagedStudy(*study)


def clear_staged(store: Store, run_id: str) -> None:
    with store.transaction():
        store.execute("DELETE FROM reg_sync_staged WHERE run_id = ?", (run_id,))
        store.execute("DELETE FROM reg_sync_page WHERE run_id = ?", (run_id,))
