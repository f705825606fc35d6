"""One read-only store per request, on one shared database.

DuckDB: the process keeps a single read-only connection and gives each request a cursor of it
(a cursor is DuckDB's own connection to the same database instance, safe to use from another
thread). PostgreSQL: each request opens a connection whose transactions are read-only. Either
way the API cannot write, whatever SQL a bug might send.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from cartatlas.store import Store, open_store, resolve_db
from cartatlas.store.connection import is_postgres_url


class StoreHub:
    """Opens the store once at start-up (so a missing store fails there, not on a request) and
    hands out per-request read-only stores."""

    def __init__(self, target: str | None) -> None:
        self.target = resolve_db(target)
        self._base: Store | None = None
        if is_postgres_url(self.target):
            with self.store():
                pass  # a wrong URL or a down server fails now, with the driver's message
        else:
            self._base = open_store(self.target, read_only=True)

    @property
    def in_process(self) -> bool:
        """DuckDB: a request's store is a cursor of the open database, made without waiting."""
        return self._base is not None

    @contextmanager
    def store(self) -> Iterator[Store]:
        if self._base is not None:
            store = Store(self._base.connection.cursor(), "duckdb", self.target, read_only=True)
        else:
            store = open_store(self.target)
            store.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        try:
            yield store
        finally:
            store.close()

    def close(self) -> None:
        if self._base is not None:
            self._base.close()
