"""Fast bulk writes for loads of hundreds of thousands of rows, on both backends.

``Store.executemany`` sends one statement per row; a registry snapshot has ~10 rows per trial, so
loads go through Arrow on DuckDB (one vectorized INSERT … SELECT) and ``COPY`` on PostgreSQL.
Table and column names come from the schema module, never from user input.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from itertools import count
from typing import Any

import pyarrow as pa

from cartatlas.store.connection import Store, interruptible

_names = count()


def insert_columns(
    store: Store, table: str, columns: Sequence[str], data: Sequence[list[Any]]
) -> None:
    """Append rows given column-wise (``data[i]`` holds every value of ``columns[i]``)."""
    if not data or not data[0]:
        return
    if store.kind == "duckdb":
        arrow = pa.table({c: pa.array(v) for c, v in zip(columns, data, strict=True)})
        _insert_registered(store, table, arrow)
        return
    cols = ", ".join(columns)
    with store.connection.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for row in zip(*data, strict=True):
            copy.write_row(row)
    if not store._in_transaction:
        store.connection.commit()


def insert_arrow(store: Store, table: str, data: pa.Table) -> None:
    """Append an Arrow table whose column names are the target table's."""
    if data.num_rows == 0:
        return
    if store.kind == "duckdb":
        _insert_registered(store, table, data)
        return
    insert_columns(store, table, data.column_names, [c.to_pylist() for c in data.columns])


def _insert_registered(store: Store, table: str, data: pa.Table) -> None:
    """DuckDB reads an Arrow table in place: registered as a view for one INSERT … SELECT."""
    cols = ", ".join(data.column_names)
    view = f"_bulk_{next(_names)}"
    with _registered(store, view, data):
        store.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {view}")


@contextmanager
def _registered(store: Store, name: str, data: pa.Table) -> Iterator[None]:
    """``data`` readable in SQL as ``name`` on DuckDB for the block. When the block failed
    (Ctrl-C mid-INSERT aborts the transaction), a failing unregister must not hide why."""
    import duckdb

    with interruptible():
        store.connection.register(name, data)
    try:
        yield
    except BaseException:
        with suppress(RuntimeError, duckdb.Error):
            store.connection.unregister(name)
        raise
    with interruptible():
        store.connection.unregister(name)


def insert_rows(
    store: Store, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Append rows given row-wise."""
    if rows:
        insert_columns(store, table, columns, [list(c) for c in zip(*rows, strict=True)])


@contextmanager
def key_table(store: Store, keys: Sequence[str]) -> Iterator[str]:
    """A temporary one-column table (``key``) of ``keys`` to join or filter against in SQL."""
    name = f"_keys_{next(_names)}"
    if store.kind == "duckdb":
        with _registered(store, name, pa.table({"key": pa.array(list(keys), pa.string())})):
            yield name
        return
    store.execute(f"CREATE TEMP TABLE {name} (key TEXT)")
    try:
        insert_columns(store, name, ("key",), [list(keys)])
        yield name
    finally:
        store.execute(f"DROP TABLE IF EXISTS {name}")
