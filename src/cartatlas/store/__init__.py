"""The store: DuckDB by default, PostgreSQL as an option, behind one small interface."""

from cartatlas.store.connection import (
    Store,
    StoreBusy,
    StoreMissing,
    default_db_path,
    open_store,
    resolve_db,
)

__all__ = ["Store", "StoreBusy", "StoreMissing", "default_db_path", "open_store", "resolve_db"]
