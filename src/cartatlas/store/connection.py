"""Open a store from a path or URL and run SQL on it the same way on DuckDB and PostgreSQL.

SQL is written once with ``?`` placeholders; the PostgreSQL backend rewrites them to ``%s``.
Values are always passed as parameters, never formatted into the SQL text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir

if TYPE_CHECKING:  # duckdb and pandas load when a store is opened, not when the CLI starts
    import pandas as pd

ENV_VAR = "CARTATLAS_DB"
_QMARK = re.compile(r"\?")


def default_db_path() -> Path:
    """The DuckDB file used when neither ``--db`` nor ``CARTATLAS_DB`` says otherwise."""
    return Path(user_data_dir("cartatlas", appauthor=False)) / "cartatlas.duckdb"


def resolve_db(db: str | None) -> str:
    """Pick the store: explicit ``--db``, then ``$CARTATLAS_DB``, then the user data directory."""
    return db or os.environ.get(ENV_VAR) or str(default_db_path())


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


class StoreMissing(FileNotFoundError):
    """A read was asked of a store file that does not exist yet."""

    user_facing = True


class StoreUnusable(RuntimeError):
    """The store named by ``--db`` cannot be opened at all: not a DuckDB file, a folder, a
    PostgreSQL server that does not answer, or an address of a kind no backend reads."""

    user_facing = True


class StoreLost(StoreUnusable):
    """The PostgreSQL server dropped the connection mid-command (a restart, a shutdown, the
    network): what was not committed is not stored."""


class StoreBusy(RuntimeError):
    """Another process holds the DuckDB file's lock (an import, or ``cartatlas serve``)."""

    user_facing = True


_LOCK_PID = re.compile(r"\(PID (\d+)\)")


def _holder(message: str) -> str:
    """Who holds the lock, from DuckDB's message: the process's command line where readable."""
    match = _LOCK_PID.search(message)
    if not match:
        return "another process"
    pid = match[1]
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        command = ""
    command = " ".join(command.split())
    return f"process {pid}" + (f" ({command[:160]})" if command else "")


def _connect_duckdb(path: Path, read_only: bool) -> Any:
    import duckdb

    if path.is_dir():
        raise StoreUnusable(
            f"the store {path} is a folder; give --db a DuckDB file, e.g. "
            f"--db {path / 'cartatlas.duckdb'}"
        )
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise StoreUnusable(
                f"the store {path} cannot be opened as a DuckDB database ({_first_line(exc)}); "
                "give --db the cartatlas store (a .duckdb file), or move this file away and "
                "build a new store with `cartatlas kb load` and `cartatlas import`"
            ) from None
        raise StoreBusy(
            f"the store {path} is in use by {_holder(str(exc))}; DuckDB lets one process write "
            "at a time. Wait for it to finish (or stop it, e.g. a running `cartatlas serve`), "
            "or give this command another store with --db"
        ) from None
    except duckdb.ConnectionException as exc:
        # DuckDB's in-process form of the same conflict: this process already holds the file
        # open in the other mode (read-only vs read-write), e.g. a dashboard served in-process.
        if "different configuration" not in str(exc):
            raise
        raise StoreBusy(
            f"the store {path} is already open in this process in "
            f"{'read-write' if read_only else 'read-only'} mode; close it first, "
            "or give this command another store with --db"
        ) from None


def _first_line(exc: BaseException) -> str:
    """The first line of a driver's message, without its error-class prefix."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"^(IO|Connection) Error: ", "", text)


def shown_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, for messages: the one before the host
    and a ``password=`` parameter (libpq takes both)."""
    url = re.sub(r"([?&]password=)[^&]*", r"\1***", url, flags=re.IGNORECASE)
    return re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", url)


def _connect_postgres(url: str) -> Any:
    import psycopg

    try:
        return psycopg.connect(url)
    except psycopg.Error as exc:
        raise StoreUnusable(
            f"cannot connect to the PostgreSQL store {shown_url(url)} ({_first_line(exc)}); "
            "check that the server is running and that the host, port, user, password and "
            "database in the URL are right, or use a DuckDB file with --db PATH"
        ) from None


@contextmanager
def interruptible() -> Iterator[None]:
    """DuckDB stops a statement on Ctrl-C and raises its own "Query interrupted" error, and
    wraps a ``KeyboardInterrupt`` raised while it reads a registered Arrow table in one of its
    own; turn both back into the ``KeyboardInterrupt`` the commands handle (rollback,
    "interrupted", exit 130)."""
    import duckdb

    try:
        yield
    except (RuntimeError, duckdb.Error) as exc:
        interrupted = isinstance(exc, duckdb.InterruptException) or str(exc) == "Query interrupted"
        if not (interrupted or (isinstance(exc, duckdb.Error) and "KeyboardInterrupt" in str(exc))):
            raise
        raise KeyboardInterrupt from None


class Store:
    """One open connection; ``kind`` is ``"duckdb"`` or ``"postgres"``. ``read_only``: a
    DuckDB file opened read-only, which no process can change while it is open."""

    def __init__(self, connection: Any, kind: str, target: str, read_only: bool = False) -> None:
        self.connection = connection
        self.kind = kind
        self.target = target
        #: The target as messages name it: a PostgreSQL URL's password as ***.
        self.shown = shown_url(target)
        self.read_only = read_only and kind == "duckdb"
        self.unchanging: dict[str, Any] = {}  # values read once from a read-only store
        self._in_transaction = False

    def _sql(self, sql: str) -> str:
        return _QMARK.sub("%s", sql) if self.kind == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run one statement and return its rows (empty for statements without a result)."""
        if self.kind == "postgres":
            with self._connection_kept(), self.connection.cursor() as cur:
                cur.execute(self._sql(sql), params)
                rows = cur.fetchall() if cur.description else []
                if not self._in_transaction:
                    self.connection.commit()
            return rows
        with interruptible():
            cur = self.connection.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if not rows:
            return
        if self.kind == "postgres":
            with self._connection_kept(), self.connection.cursor() as cur:
                cur.executemany(self._sql(sql), rows)
                if not self._in_transaction:
                    self.connection.commit()
            return
        with interruptible():
            self.connection.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
        """Rows plus column names, for display and DataFrames."""
        if self.kind == "postgres":
            with self._connection_kept(), self.connection.cursor() as cur:
                cur.execute(self._sql(sql), params)
                names = [d.name for d in cur.description or []]
                rows = cur.fetchall() if cur.description else []
                if not self._in_transaction:
                    self.connection.commit()
            return names, rows
        with interruptible():
            cur = self.connection.execute(sql, params)
            names = [d[0] for d in cur.description or []]
            return names, cur.fetchall()

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """The result as a DataFrame with the query's column names."""
        import pandas as pd

        names, rows = self.query(sql, params)
        return pd.DataFrame(rows, columns=names)

    def table_exists(self, name: str) -> bool:
        # current_schema(): a PostgreSQL server may hold the same table in other schemas.
        rows = self.execute(
            "SELECT count(*) FROM information_schema.tables"
            " WHERE table_name = ? AND table_schema = current_schema()",
            (name,),
        )
        return bool(rows[0][0])

    def stored_columns(self, prefix: str) -> dict[str, set[str]]:
        """The columns of each table of the current schema whose name starts with ``prefix``:
        what tables written by another version of cartatlas are checked against."""
        columns: dict[str, set[str]] = {}
        for table, column in self.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name LIKE ?",
            (f"{prefix}%",),  # a parameter: psycopg reads a literal % as a placeholder
        ):
            columns.setdefault(table, set()).add(column)
        return columns

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All or nothing: readers keep seeing the old state until the block commits."""
        if self._in_transaction:
            yield self
            return
        self._in_transaction = True
        try:
            if self.kind == "postgres":
                with self._connection_kept(), self.connection.transaction():
                    yield self
            else:
                self.connection.execute("BEGIN TRANSACTION")
                try:
                    yield self
                    with interruptible():
                        self.connection.execute("COMMIT")
                except BaseException:
                    self._rollback()
                    raise
        finally:
            self._in_transaction = False

    @contextmanager
    def _connection_kept(self) -> Iterator[None]:
        """PostgreSQL: a connection the server dropped ends as one line naming the store and
        what became of the command, not "OperationalError: the connection is closed
        (unexpected …)"; other database errors pass through as they are."""
        import psycopg

        try:
            yield
        except psycopg.OperationalError as exc:
            if not (self.connection.broken or self.connection.closed):
                raise
            raise StoreLost(
                f"lost the connection to the PostgreSQL store {self.shown} ({_first_line(exc)}); "
                "what the command had not committed is not stored: run it again when the server "
                "answers"
            ) from None

    def _rollback(self) -> None:
        """Undo the open DuckDB transaction; after a failed COMMIT there may be none left."""
        import duckdb

        with suppress(duckdb.TransactionException):  # a failed COMMIT already ended it
            self.connection.execute("ROLLBACK")

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(target: str | None = None, read_only: bool = False) -> Store:
    """Open the store named by ``target`` (a DuckDB file path or a PostgreSQL URL)."""
    target = resolve_db(target)
    if is_postgres_url(target):
        return Store(_connect_postgres(target), "postgres", target)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]+://", target):
        raise StoreUnusable(
            f"--db {shown_url(target)}: not a store cartatlas can open; give a DuckDB file path "
            "or a postgresql:// URL"
        )
    path = Path(target).expanduser()
    if read_only and not path.exists():
        raise StoreMissing(
            f"no store at {path}; run `cartatlas kb load` (evidence) or `cartatlas import` "
            "(registry data) first, or point --db at an existing store"
        )
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnusable(
                f"cannot create the store {path}: its folder {path.parent} cannot be made "
                f"({exc.strerror}); give --db a file in a folder you can write to"
            ) from None
    return Store(_connect_duckdb(path, read_only), "duckdb", str(path), read_only)
