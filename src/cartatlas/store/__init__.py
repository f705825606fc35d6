"""The store: DuckDB by default, PostgreSQL as an option, behind one small interface."""

from cartatlas.store.connection import Store, default_db_path, open_store, resolve_db

__all__ = ["Store", "default_db_path", "open_store", "resolve_db"]
