"""Write batches of normalized records as one snapshot of a selection, recording what changed.

The rule (docs/registries.md, "Snapshots and selections"): every load — a sync, a file import,
an AACT or ICTRP import — is a complete snapshot of one *selection* (a named set of trials, e.g.
``cart-oncology``). Within one transaction the trials it holds are written (records whose content
hash changed are replaced whole, unchanged ones are left alone), its membership is replaced,
trials of the same selection that the snapshot no longer holds are marked removed (kept, never
deleted), and every added / updated / removed trial is recorded in ``reg_change``. Other
selections are untouched, so two selections sharing a trial both keep it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from cartatlas.store.bulk import insert_arrow, insert_rows, key_table
from cartatlas.store.connection import Store
from cartatlas.store.registry_batch import REC, Batch
from cartatlas.store.registry_match import refresh_matches
from cartatlas.store.registry_schema import CHILD_COLUMNS, ensure_registry_schema


@dataclass(slots=True)
class WriteSummary:
    """``studies`` and ``sites`` count the whole snapshot; ``written`` the records (re)written."""

    studies: int = 0
    sites: int = 0
    written: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0


def delete_studies(store: Store, keys: list[str]) -> None:
    """Remove stored rows of these trials (before writing their new version)."""
    if not keys:
        return
    with key_table(store, keys) as table:
        for name in ("reg_study", *CHILD_COLUMNS):
            store.execute(f"DELETE FROM {name} WHERE study_key IN (SELECT key FROM {table})")


class SnapshotWriter:
    """Writes one selection's snapshot, batch by batch, inside the caller's transaction.

    Batches must hold each trial once (``registries.ingest`` screens out repeats).
    """

    def __init__(self, store: Store, selection: str, run_id: str) -> None:
        ensure_registry_schema(store)
        self.store, self.selection, self.run_id = store, selection, run_id
        self.existing = dict(store.execute("SELECT study_key, content_hash FROM reg_study"))
        self.seen: dict[str, str] = {}  # trial → the content hash this snapshot holds
        self.summary = WriteSummary()

    def add(self, batch: Batch) -> None:
        keep = [self.existing.get(k) != h for k, h in zip(batch.keys, batch.hashes, strict=True)]
        self.seen.update(zip(batch.keys, batch.hashes, strict=True))
        replaced = [
            k for k, new in zip(batch.keys, keep, strict=True) if new and k in self.existing
        ]
        delete_studies(self.store, replaced)
        batch = batch.select(keep)
        if not len(batch):
            return
        study = batch.tables["reg_study"]
        study = study.append_column("run_id", pa.array([self.run_id] * study.num_rows, pa.string()))
        insert_arrow(self.store, "reg_study", study)
        for name in CHILD_COLUMNS:
            insert_arrow(self.store, name, batch.tables[name].drop_columns([REC]))
        self.summary.written += len(batch)

    def finish(self, members: set[str] | None = None) -> WriteSummary:
        """Replace the selection's membership (``members``, else every trial added), record the
        changes and refresh cross-registry matches."""
        keys = members if members is not None else set(self.seen)
        self.summary.studies = len(keys)
        self._replace_membership(keys)
        self.summary.sites = self.store.execute(
            "SELECT count(*) FROM reg_site WHERE study_key IN"
            " (SELECT study_key FROM reg_membership WHERE selection = ? AND active)",
            (self.selection,),
        )[0][0]
        refresh_matches(self.store)
        return self.summary

    def _replace_membership(self, keys: set[str]) -> None:
        selection, run_id = self.selection, self.run_id
        before = {
            row[0]: row[1:]
            for row in self.store.execute(
                "SELECT study_key, active, first_run, last_run, removed_run, content_hash"
                " FROM reg_membership WHERE selection = ?",
                (selection,),
            )
        }
        was_active = {k for k, (active, *_) in before.items() if active}
        added = keys - was_active
        removed = was_active - keys
        # Updated: this selection's last snapshot held another version of the trial. (Compared
        # with what this selection saw, not with the stored record, which another selection's
        # snapshot may have replaced: re-importing an identical file changes nothing.)
        seen_before = {k: before[k][4] or self.existing.get(k) for k in was_active}
        updated = {
            k for k in keys & was_active if k in self.seen and self.seen[k] != seen_before[k]
        }
        rows = [
            (
                selection,
                k,
                True,
                before[k][1] if k in before else run_id,
                run_id,
                None,
                self.seen.get(k) or seen_before.get(k) or self.existing.get(k),
            )
            for k in keys
        ]
        rows += [
            (selection, k, False, first, last, run_id if k in removed else removed_run, digest)
            for k, (_, first, last, removed_run, digest) in before.items()
            if k not in keys
        ]
        self.store.execute("DELETE FROM reg_membership WHERE selection = ?", (selection,))
        insert_rows(
            self.store,
            "reg_membership",
            (
                "selection",
                "study_key",
                "active",
                "first_run",
                "last_run",
                "removed_run",
                "content_hash",
            ),
            rows,
        )
        changes = [(run_id, selection, k, "added") for k in sorted(added)]
        changes += [(run_id, selection, k, "updated") for k in sorted(updated)]
        changes += [(run_id, selection, k, "removed") for k in sorted(removed)]
        insert_rows(
            self.store, "reg_change", ("run_id", "selection", "study_key", "change"), changes
        )
        self.summary.added, self.summary.updated = len(added), len(updated)
        self.summary.removed = len(removed)
