"""Load checked evidence into the store, replacing the previous evidence in one transaction."""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable
from pathlib import Path

from cartatlas.evidence.checks import Evidence, check_evidence
from cartatlas.evidence.reading import BUNDLED_DIR
from cartatlas.evidence.tables import BY_NAME, TABLES, Table
from cartatlas.store import Store

_SQL_TYPES = {int: "BIGINT", float: "DOUBLE PRECISION", bool: "BOOLEAN"}


def table_name(table: Table) -> str:
    return f"evidence_{table.name}"


def _sql_type(annotation: object) -> str:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    return _SQL_TYPES.get(annotation, "TEXT")  # type: ignore[arg-type]


def _value(value: object) -> object:
    return "|".join(value) if isinstance(value, list) else value


def _create_sql(table: Table) -> str:
    columns = [
        f"{name} {_sql_type(field.annotation)}" for name, field in table.model.model_fields.items()
    ]
    return f"CREATE TABLE {table_name(table)} (source_line INTEGER, {', '.join(columns)})"


class EmptyingRefused(RuntimeError):
    """A load that would leave a table that now holds rows with none; nothing was changed."""

    user_facing = True

    def __init__(self, evidence: Evidence, tables: dict[str, int]) -> None:
        self.evidence = evidence
        names = ", ".join(
            f"{BY_NAME[name].file_name} ({count} rows stored)" for name, count in tables.items()
        )
        super().__init__(
            f"not loaded: {names} would be emptied, because no valid row of "
            f"{'it' if len(tables) == 1 else 'them'} is left (see the problems above); "
            "the store is unchanged. Restore the file(s) and load again"
        )


def _stored_rows(store: Store, table: Table) -> int:
    if not store.table_exists(table_name(table)):
        return 0
    return store.execute(f"SELECT count(*) FROM {table_name(table)}")[0][0]


def load_evidence(
    store: Store,
    directory: Path = BUNDLED_DIR,
    progress: Callable[[str, int], None] | None = None,
) -> Evidence:
    """Check ``directory`` and load every valid row; rejected rows are reported, not loaded.
    ``progress(step, steps)`` hears the check and each table as it starts (a progress bar).

    All evidence tables are replaced together, so a reader never sees half an update. A load
    that would empty a table holding rows (a file missing, empty, header-only, unreadable, or
    every row rejected) is refused with :class:`EmptyingRefused` and changes nothing.
    """
    if progress:
        progress("checking", len(TABLES) + 1)
    evidence = check_evidence(directory)
    emptied = {
        table.name: count
        for table in TABLES
        if not evidence.rows[table.name] and (count := _stored_rows(store, table))
    }
    if emptied:
        raise EmptyingRefused(evidence, emptied)
    with store.transaction():
        for table in TABLES:
            if progress:
                progress(f"loading {table.name}", len(TABLES) + 1)
            store.execute(f"DROP TABLE IF EXISTS {table_name(table)}")
            store.execute(_create_sql(table))
            columns = table.columns
            placeholders = ", ".join("?" * (len(columns) + 1))
            store.executemany(
                f"INSERT INTO {table_name(table)} (source_line, {', '.join(columns)}) "
                f"VALUES ({placeholders})",
                [
                    [row.line, *(_value(row.get(c)) for c in columns)]
                    for row in evidence.rows[table.name]
                ],
            )
        store.execute(
            "CREATE TABLE IF NOT EXISTS evidence_loads (loaded_at TEXT, directory TEXT, "
            "rows_loaded INTEGER, rows_rejected INTEGER)"
        )
        store.execute(
            "INSERT INTO evidence_loads VALUES (?, ?, ?, ?)",
            (
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                str(directory),
                sum(len(rows) for rows in evidence.rows.values()),
                len({(p.file, p.line) for p in evidence.problems}),
            ),
        )
    return evidence
