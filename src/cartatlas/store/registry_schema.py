"""Tables of the normalized registry store (same DDL on DuckDB and PostgreSQL).

One row per trial per registry in ``reg_study`` (key ``"CTGOV:NCT…"``), child tables for the
repeated parts, and bookkeeping: runs (provenance), selection membership (which snapshot a trial
belongs to), changes between snapshots, staged sync pages (for resuming) and cross-registry
matches. Each data table has a staging twin (``reg_stage_…``) that a load fills batch by batch,
committing as it goes, before one short transaction publishes it. docs/registries.md describes
every table.
"""

from __future__ import annotations

import pyarrow as pa

from cartatlas.store.connection import Store

# Column lists are reused by the writer so a column is named in one place only.
STUDY_COLUMNS = (
    "study_key",
    "registry",
    "trial_id",
    "title",
    "official_title",
    "acronym",
    "brief_summary",
    "status",
    "status_raw",
    "why_stopped",
    "phases",
    "study_type",
    "start_date",
    "start_date_precision",
    "primary_completion_date",
    "completion_date",
    "first_posted_date",
    "last_update_date",
    "enrollment",
    "enrollment_type",
    "has_results",
    "sponsor_name",
    "sponsor_class",
    "countries",
    "attribution",
    "source_date",
    "content_hash",
    "run_id",
    "raw",
)
CHILD_COLUMNS = {
    "reg_identifier": ("study_key", "id_value", "id_type", "id_registry", "id_norm", "is_primary"),
    "reg_condition": ("study_key", "ord", "name"),
    "reg_intervention": ("study_key", "ord", "name", "type", "description", "other_names"),
    "reg_sponsor": ("study_key", "ord", "name", "sponsor_class", "role"),
    "reg_site": (
        "study_key",
        "ord",
        "facility",
        "city",
        "state",
        "zip",
        "country",
        "country_code",
        "lat",
        "lon",
        "status",
    ),
    "reg_phase": ("study_key", "phase"),
    "reg_country": ("study_key", "country_code"),
}

MEMBERSHIP_COLUMNS = (
    "selection",
    "study_key",
    "active",
    "first_run",
    "last_run",
    "removed_run",
    "content_hash",
)
# reg_study columns a load stages (run_id is set when the snapshot is published).
STAGED_STUDY_COLUMNS = tuple(c for c in STUDY_COLUMNS if c != "run_id")
# Staging twin of each data table; its rows carry the run and the record's position in the input.
STAGE_TABLES = {
    name: f"reg_stage_{name.removeprefix('reg_')}" for name in ("reg_study", *CHILD_COLUMNS)
}
STAGE_KEYS = ("stage_run", "stage_seq")

_TYPES = {
    "enrollment": "INTEGER",
    "has_results": "BOOLEAN",
    "ord": "INTEGER",
    "lat": "DOUBLE PRECISION",
    "lon": "DOUBLE PRECISION",
    "is_primary": "BOOLEAN",
    "stage_seq": "BIGINT",
}


_ARROW = {
    "TEXT": pa.string(),
    "INTEGER": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "DOUBLE PRECISION": pa.float64(),
    "BIGINT": pa.int64(),
}


def arrow_schema(columns: tuple[str, ...]) -> pa.Schema:
    """Arrow types of registry columns (given types make building Arrow arrays ~10× faster)."""
    return pa.schema([pa.field(c, _ARROW[_TYPES.get(c, "TEXT")]) for c in columns])


def _columns(names: tuple[str, ...]) -> str:
    return ", ".join(f"{n} {_TYPES.get(n, 'TEXT')}" for n in names)


DDL = (
    f"CREATE TABLE IF NOT EXISTS reg_study ({_columns(STUDY_COLUMNS)}, PRIMARY KEY (study_key))",
    *(f"CREATE TABLE IF NOT EXISTS {t} ({_columns(c)})" for t, c in CHILD_COLUMNS.items()),
    """CREATE TABLE IF NOT EXISTS reg_run (
        run_id TEXT PRIMARY KEY, kind TEXT, registry TEXT, selection TEXT, query TEXT,
        source_path TEXT, mode TEXT, status TEXT, started_at TEXT, finished_at TEXT,
        data_timestamp TEXT, snapshot_date TEXT, total_count INTEGER, pages INTEGER,
        records INTEGER, sites INTEGER, rejected INTEGER, errors INTEGER, added INTEGER,
        updated INTEGER, removed INTEGER, attribution TEXT, message TEXT)""",
    """CREATE TABLE IF NOT EXISTS reg_run_issue (
        run_id TEXT, seq INTEGER, kind TEXT, location TEXT, field TEXT, message TEXT)""",
    """CREATE TABLE IF NOT EXISTS reg_membership (
        selection TEXT, study_key TEXT, active BOOLEAN, first_run TEXT, last_run TEXT,
        removed_run TEXT, content_hash TEXT)""",
    """CREATE TABLE IF NOT EXISTS reg_change (
        run_id TEXT, selection TEXT, study_key TEXT, change TEXT)""",
    """CREATE TABLE IF NOT EXISTS reg_match (
        study_key TEXT, canonical_key TEXT, matched_via TEXT)""",
    """CREATE TABLE IF NOT EXISTS reg_sync_page (
        run_id TEXT, stage TEXT, page_no INTEGER, page_token TEXT, next_token TEXT,
        n_studies INTEGER, fetched_at TEXT)""",
    """CREATE TABLE IF NOT EXISTS reg_sync_staged (
        run_id TEXT, stage TEXT, page_no INTEGER, trial_id TEXT, last_update TEXT, raw TEXT)""",
)
STAGE_DDL = (
    f"CREATE TABLE IF NOT EXISTS {STAGE_TABLES['reg_study']}"
    f" ({_columns((*STAGE_KEYS, 'stage_location', *STAGED_STUDY_COLUMNS))})",
    *(
        f"CREATE TABLE IF NOT EXISTS {STAGE_TABLES[t]} ({_columns((*STAGE_KEYS, *c))})"
        for t, c in CHILD_COLUMNS.items()
    ),
)
INDEXES = (
    "CREATE INDEX IF NOT EXISTS reg_membership_sel ON reg_membership (selection)",
    "CREATE INDEX IF NOT EXISTS reg_sync_staged_run ON reg_sync_staged (run_id)",
)


class NoRegistryData(LookupError):
    """The store has no registry tables yet (or none this version can read)."""

    user_facing = True  # its message is written for the user: one line, no traceback


class RegistrySchemaMismatch(NoRegistryData):
    """The store's registry tables were made by another version of cartatlas."""


#: Every registry table with the columns this version reads and writes (the others' are
#: checked by existing: an older store gains content_hash and the staging tables on import).
_EXPECTED = {
    **{statement.split()[5]: () for statement in DDL},
    "reg_study": STUDY_COLUMNS,
    **CHILD_COLUMNS,
}


def schema_mismatch(store: Store) -> RegistrySchemaMismatch | None:
    """What makes the store's registry tables unusable to this version (a table or columns
    missing), as the error to raise; None when they fit. Imports into such tables failed
    with "InFailedSqlTransaction … (unexpected …)", reads with "UndefinedTable"."""
    have = store.stored_columns("reg")
    missing = [
        f"{table}.{column}" if table in have else f"table {table}"
        for table, columns in _EXPECTED.items()
        for column in (columns if table in have else ("",))
        if table not in have or column not in have[table]
    ]
    if not missing:
        return None
    return RegistrySchemaMismatch(
        f"the registry tables in {store.shown} were made by another version of cartatlas "
        f"(missing {', '.join(missing[:3])}{' …' if len(missing) > 3 else ''}); import the "
        "registry data into a new store (--db NEW_PATH), or drop its reg_ tables and import "
        "again"
    )


def _has_column(store: Store, table: str, column: str) -> bool:
    return bool(
        store.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = ?"
            " AND column_name = ? AND table_schema = current_schema()",
            (table, column),
        )[0][0]
    )


def ensure_registry_schema(store: Store) -> None:
    """Create the registry tables if they are missing (idempotent, cheap when they exist), and
    bring a store made by an older version up to date."""
    if store.table_exists("reg_sync_staged"):
        # Stores made before a selection remembered the version of each trial it last saw.
        if not _has_column(store, "reg_membership", "content_hash"):
            store.execute("ALTER TABLE reg_membership ADD COLUMN content_hash TEXT")
        # … and before loads were staged.
        if not store.table_exists(STAGE_TABLES["reg_study"]):
            with store.transaction():
                for statement in STAGE_DDL:
                    store.execute(statement)
    else:
        with store.transaction():
            for statement in (*DDL, *STAGE_DDL):
                store.execute(statement)
            if store.kind == "postgres":
                # DuckDB's ART indexes slow bulk loads more than they help these small lookups.
                for statement in INDEXES:
                    store.execute(statement)
    if mismatch := schema_mismatch(store):
        raise mismatch
