"""Load batches of parsed records as one snapshot: the step every importer and sync share.

Loaders hand over :class:`~cartatlas.store.registry_batch.Batch` es (records plus the errors met
parsing them); this module turns errors into reported rejections and gathers warnings (e.g.
unmapped countries) while each batch is committed to staging, so memory stays flat however
large the input. Then, in one transaction, repeated trial IDs are rejected, the snapshot is
published and the run's provenance written: readers see the previous snapshot until that
commit, and a load that dies before it leaves the store as it was. A selection is never
replaced with an empty snapshot (that is almost always the wrong file, not a registry that
emptied).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cartatlas.registries.record import Rejection, SkippedRecord
from cartatlas.store.connection import Store, StoreLost
from cartatlas.store.registry_batch import Batch
from cartatlas.store.registry_runs import add_issues, finish_run, start_run, update_run
from cartatlas.store.registry_stage import (
    bounded_memory,
    clear_stage,
    drop_repeats,
    one_thread,
    sparse_checkpoints,
    stage_batch,
    staged_count,
)
from cartatlas.store.registry_write import WriteSummary, publish

INTERRUPTED = "stopped by the user (Ctrl-C or SIGTERM) before it finished; nothing of it was stored"

Progress = Callable[[int], None]


class LoadError(RuntimeError):
    """A load that changed nothing; the message says why and what to do."""

    user_facing = True  # its message is written for the user: one line, no traceback


class InterruptedLoad(KeyboardInterrupt):
    """Ctrl-C or SIGTERM during a load: ``report`` is the load's report when it was committed
    before the signal landed, ``None`` when nothing of it was stored."""

    def __init__(self, report: LoadReport | None) -> None:
        super().__init__()
        self.report = report


def _status(store: Store, run_id: str) -> str | None:
    rows = store.execute("SELECT status FROM reg_run WHERE run_id = ?", (run_id,))
    return rows[0][0] if rows else None


@dataclass(slots=True, kw_only=True)
class LoadReport(WriteSummary):
    """What a load did: the snapshot writer's counts, and the records screened out."""

    run_id: str
    selection: str
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)


class _Screen:
    """Passes batches through; keeps rejections and (deduplicated) warnings."""

    def __init__(self, progress: Progress | None) -> None:
        self.rejected: list[Rejection] = []
        self._warnings: dict[str, tuple[Rejection, int]] = {}
        self._progress = progress

    def __call__(self, batches: Iterable[Batch]) -> Iterator[Batch]:
        for batch in batches:
            for location, error in batch.errors:
                if isinstance(error, SkippedRecord):
                    self._warn(location, error.field, error.message)
                else:
                    self.rejected.append(Rejection(location, error.field, error.message))
            for location, message in batch.warnings:
                self._warn(location, "", message)
            if self._progress:
                self._progress(len(batch) + len(batch.errors))
            yield batch

    def _warn(self, location: str, field_path: str, message: str) -> None:
        """Keep the first location of each distinct warning, and how often it occurred."""
        first, count = self._warnings.get(message, (Rejection(location, field_path, message), 0))
        self._warnings[message] = (first, count + 1)

    @property
    def warnings(self) -> list[Rejection]:
        return [
            Rejection(
                first.location,
                first.field,
                f"{first.message} ({count}×)" if count > 1 else first.message,
            )
            for first, count in self._warnings.values()
        ]


def load_snapshot(
    store: Store,
    batches: Iterable[Batch],
    *,
    selection: str,
    run_fields: dict[str, object],
    members: set[str] | None = None,
    run_id: str | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Write ``batches`` as the snapshot of ``selection`` and record the run.

    ``run_fields`` describe the run (``kind``, ``registry``, ``source_path``, ``query``,
    ``snapshot_date``, ``attribution`` …); ``run_id`` continues a run already started (a sync).
    """
    with bounded_memory(store), sparse_checkpoints(store), one_thread(store):
        return _load(store, batches, selection, run_fields, members, run_id, progress)


def _load(
    store: Store,
    batches: Iterable[Batch],
    selection: str,
    run_fields: dict[str, object],
    members: set[str] | None,
    run_id: str | None,
    progress: Progress | None,
) -> LoadReport:
    owns_run = run_id is None
    run_id = run_id or start_run(store, selection=selection, **run_fields)
    screen = _Screen(progress)
    report: LoadReport | None = None  # set inside the transaction that publishes the load
    try:
        staged = 0
        for batch in screen(batches):
            with store.transaction():  # one commit per batch, unless the caller holds one open
                stage_batch(store, run_id, batch, staged)
            staged += len(batch)
        with store.transaction():
            screen.rejected += drop_repeats(store, run_id)
            if not staged_count(store, run_id) and not members:
                problems = "; ".join(str(r) for r in screen.rejected[:3])
                source = run_fields.get("source_path")
                raise LoadError(
                    (f"{Path(str(source)).name}: " if source else "")
                    + f"no study could be loaded into selection {selection!r} "
                    f"({len(screen.rejected)} rejected{': ' + problems if problems else ''}); "
                    "the store is unchanged. Check that the input holds the expected records."
                )
            summary = publish(store, selection, run_id, members)
            clear_stage(store, run_id)
            report = LoadReport(
                run_id=run_id,
                selection=selection,
                **asdict(summary),
                rejected=screen.rejected,
                warnings=screen.warnings,
            )
            add_issues(store, run_id, "rejected", report.rejected)
            add_issues(store, run_id, "warning", report.warnings)
            finish_run(
                store,
                run_id,
                records=report.studies,
                sites=report.sites,
                rejected=len(report.rejected),
                added=report.added,
                updated=report.updated,
                removed=report.removed,
            )
    except KeyboardInterrupt:
        # The signal may land just after COMMIT returned: then the load is stored, and says so.
        stored = _status(store, run_id) == "complete"
        if owns_run and not stored:
            update_run(store, run_id, status="interrupted", message=INTERRUPTED)
            clear_stage(store, run_id)
        raise InterruptedLoad(report if stored else None) from None
    except BaseException as exc:
        # A sync keeps its run "running" so that the next sync resumes it; a store that is
        # gone takes no bookkeeping (it failed again, and that error hid this one): the next
        # load marks the run interrupted.
        if owns_run and not isinstance(exc, StoreLost):
            message = f"{type(exc).__name__}: {exc}"[:2000]
            update_run(store, run_id, status="failed", message=message)
            clear_stage(store, run_id)
        raise
    return report
