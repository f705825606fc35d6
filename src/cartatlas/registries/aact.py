"""``cartatlas import-aact``: CAR-based studies from an AACT database (ClinicalTrials.gov as
PostgreSQL tables, https://aact.ctti-clinicaltrials.org) into the normalized store.

AACT spells values two ways depending on its age ("Active, not recruiting" /
"ACTIVE_NOT_RECRUITING", "Phase 1/Phase 2" / "PHASE1/PHASE2", "May 2019" / "2019-05"); the shared
concept functions read both, so an AACT record normalizes to the same record as the API's.
Optional columns that older or trimmed AACT copies lack (facility coordinates, results dates)
are read when present.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import psycopg
from psycopg import sql

from cartatlas.registries import concepts
from cartatlas.registries.countries import country_code
from cartatlas.registries.ingest import LoadReport, load_snapshot
from cartatlas.registries.isolation import parse_guarded
from cartatlas.registries.query import sql_patterns
from cartatlas.registries.record import Identifier, Intervention, Site, Sponsor, TrialRecord
from cartatlas.store.connection import Store, shown_url
from cartatlas.store.registry_batch import Parsed, batched

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_NON_WORD = re.compile(r"[^A-Z0-9]+")
_SPONSOR_CLASS = {"U_S_FED": "FED", "OTHER_U_S_FED": "FED"}
_ENROLLMENT_TYPE = {"ANTICIPATED": "ESTIMATED"}
OPTIONAL = {
    "studies": ("acronym", "why_stopped", "results_first_posted_date"),
    "facilities": ("latitude", "longitude"),
}


class AactError(RuntimeError):
    """The AACT database cannot be read: wrong URL, schema or table layout."""

    user_facing = True  # its message is written for the user: one line, no traceback


def _token(value: str | None, aliases: dict[str, str] | None = None) -> str | None:
    """An API v2 enum from AACT's older spelling ("Dietary Supplement" → "DIETARY_SUPPLEMENT")."""
    if not value:
        return None
    token = _NON_WORD.sub("_", value.upper()).strip("_")
    return (aliases or {}).get(token, token)


def _day(value: date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else concepts.partial_date(value)


def _partial(month_year: str | None, exact: date | None) -> str | None:
    """AACT keeps the registered precision in ``*_month_year``; the DATE column fills gaps."""
    return concepts.partial_date(month_year) or _day(exact)


class _Aact:
    def __init__(self, conn: psycopg.Connection, schema: str) -> None:
        self.conn, self.schema = conn, schema

    def columns(self, table: str) -> set[str]:
        rows = self.conn.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = %s AND table_name = %s",
            (self.schema, table),
        ).fetchall()
        if not rows:
            raise AactError(
                f"schema {self.schema!r} has no table {table!r}: is this an AACT database? "
                "Use --schema to name the schema holding the AACT tables"
            )
        return {r[0] for r in rows}

    def select(
        self, table: str, wanted: tuple[str, ...], ids: list[str], order: str = "nct_id"
    ) -> list[dict[str, Any]]:
        present = self.columns(table)
        optional = OPTIONAL.get(table, ())
        fields = [
            sql.Identifier(c) if c in present else sql.SQL("NULL AS {}").format(sql.Identifier(c))
            for c in wanted + tuple(o for o in optional if o not in wanted)
        ]
        missing = [c for c in wanted if c not in present and c not in optional]
        if missing:
            raise AactError(
                f"table {self.schema}.{table} lacks columns {missing}; is this an AACT database?"
            )
        query = sql.SQL("SELECT {} FROM {}.{} WHERE nct_id = ANY(%s) ORDER BY {}").format(
            sql.SQL(", ").join(fields),
            sql.Identifier(self.schema),
            sql.Identifier(table),
            sql.SQL(", ").join(sql.Identifier(c) for c in order.split(",")),
        )
        with self.conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
            return cur.execute(query, (ids,)).fetchall()

    def car_ids(self) -> list[str]:
        acronyms, phrases = sql_patterns()
        s = sql.Identifier(self.schema)
        query = sql.SQL(
            """SELECT nct_id FROM {s}.studies
                 WHERE brief_title ~ %(a)s OR official_title ~ %(a)s
                    OR brief_title ~* %(p)s OR official_title ~* %(p)s
               UNION SELECT nct_id FROM {s}.interventions WHERE name ~ %(a)s OR name ~* %(p)s
               UNION SELECT nct_id FROM {s}.brief_summaries
                 WHERE description ~ %(a)s OR description ~* %(p)s
               UNION SELECT nct_id FROM {s}.keywords WHERE name ~ %(a)s OR name ~* %(p)s
               ORDER BY 1"""
        ).format(s=s)
        for table in ("studies", "interventions", "brief_summaries", "keywords"):
            self.columns(table)
        return [r[0] for r in self.conn.execute(query, {"a": acronyms, "p": phrases}).fetchall()]


def _group(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["nct_id"], []).append(row)
    return grouped


STUDY_COLUMNS = (
    "nct_id",
    "brief_title",
    "official_title",
    "overall_status",
    "phase",
    "study_type",
    "start_date",
    "start_month_year",
    "primary_completion_date",
    "primary_completion_month_year",
    "completion_date",
    "completion_month_year",
    "study_first_posted_date",
    "last_update_posted_date",
    "enrollment",
    "enrollment_type",
)


def read_aact(conn: psycopg.Connection, schema: str, batch: int = 1000) -> Iterator[Parsed]:
    """CAR-based studies of an AACT schema as ``(location, record)`` pairs."""
    if not _IDENTIFIER.match(schema):
        raise AactError(f"{schema!r} is not a valid schema name")
    aact = _Aact(conn, schema)
    ids = aact.car_ids()
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        tables = {
            "summaries": _group(aact.select("brief_summaries", ("nct_id", "description"), chunk)),
            "conditions": _group(
                aact.select("conditions", ("id", "nct_id", "name"), chunk, "nct_id,id")
            ),
            "interventions": _group(
                aact.select(
                    "interventions",
                    ("id", "nct_id", "intervention_type", "name", "description"),
                    chunk,
                    "nct_id,id",
                )
            ),
            "other_names": _group(
                aact.select(
                    "intervention_other_names",
                    ("id", "nct_id", "intervention_id", "name"),
                    chunk,
                    "nct_id,id",
                )
            ),
            "facilities": _group(
                aact.select(
                    "facilities",
                    ("id", "nct_id", "status", "name", "city", "state", "zip", "country"),
                    chunk,
                    "nct_id,id",
                )
            ),
            "sponsors": _group(
                aact.select(
                    "sponsors",
                    ("id", "nct_id", "agency_class", "lead_or_collaborator", "name"),
                    chunk,
                    "nct_id,id",
                )
            ),
            "ids": _group(
                aact.select(
                    "id_information",
                    ("id", "nct_id", "id_source", "id_value", "id_type"),
                    chunk,
                    "nct_id,id",
                )
            ),
        }
        for study in aact.select("studies", STUDY_COLUMNS, chunk):
            nct_id = study["nct_id"]
            parts = {name: rows.get(nct_id, []) for name, rows in tables.items()}
            yield parse_guarded(f"AACT {schema}.studies {nct_id}", _record, study, parts)


def _record(study: dict[str, Any], parts: dict[str, list[dict[str, Any]]]) -> TrialRecord:
    nct_id = study["nct_id"]
    other_names: dict[Any, list[str]] = {}
    for row in parts["other_names"]:
        other_names.setdefault(row["intervention_id"], []).append(row["name"])
    record = TrialRecord(
        registry="CTGOV",
        trial_id=nct_id,
        title=study["brief_title"],
        official_title=study["official_title"],
        acronym=study["acronym"],
        brief_summary=next((r["description"] for r in parts["summaries"]), None),
        status=concepts.status(study["overall_status"]),
        status_raw=concepts.status(study["overall_status"]),  # ClinicalTrials.gov's own enum
        why_stopped=study["why_stopped"],
        phases=concepts.phases(study["phase"]),
        study_type=_token(study["study_type"]),
        start_date=_partial(study["start_month_year"], study["start_date"]),
        primary_completion_date=_partial(
            study["primary_completion_month_year"], study["primary_completion_date"]
        ),
        completion_date=_partial(study["completion_month_year"], study["completion_date"]),
        first_posted_date=_day(study["study_first_posted_date"]),
        last_update_date=_day(study["last_update_posted_date"]),
        enrollment=study["enrollment"],
        enrollment_type=_token(study["enrollment_type"], _ENROLLMENT_TYPE),
        has_results=study["results_first_posted_date"] is not None,
        conditions=[r["name"] for r in parts["conditions"]],
        interventions=[
            Intervention(
                r["name"],
                _token(r["intervention_type"]),
                r["description"],
                tuple(other_names.get(r["id"], ())),
            )
            for r in parts["interventions"]
        ],
        sponsors=sorted(
            (
                Sponsor(
                    r["name"],
                    _token(r["agency_class"], _SPONSOR_CLASS),
                    "lead"
                    if (r["lead_or_collaborator"] or "").lower() == "lead"
                    else "collaborator",
                )
                for r in parts["sponsors"]
            ),
            key=lambda s: s.role != "lead",
        ),
        identifiers=[Identifier(nct_id, "nct_id", "CTGOV", True)]
        + [
            Identifier(
                r["id_value"], _id_type(r), concepts.id_registry(r["id_value"], r["id_type"]), False
            )
            for r in parts["ids"]
            if r["id_value"] and r["id_value"] != nct_id
        ],
        raw=json.dumps({"studies": study, **parts}, default=str, ensure_ascii=False),
    )
    for row in parts["facilities"]:
        code = country_code(row["country"])
        if row["country"] and code is None:
            record.warnings.append(
                f"unmapped country {row['country']!r} (add it to registries/data/iso3166.tsv)"
            )
        record.sites.append(
            Site(
                row["name"],
                row["city"],
                row["state"],
                row["zip"],
                row["country"],
                code,
                _float(row["latitude"]),
                _float(row["longitude"]),
                concepts.status(row["status"]),
            )
        )
    record.countries = tuple(sorted({s.country_code for s in record.sites if s.country_code}))
    return record


def _id_type(row: dict[str, Any]) -> str:
    """API v2's names for AACT's id sources (org_study_id, nct_alias, or the secondary ID type)."""
    source = row["id_source"]
    if source in ("org_study_id", "nct_alias"):
        return source
    return row["id_type"] or "secondary_id"


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def import_aact(
    store: Store,
    url: str,
    *,
    schema: str = "ctgov",
    selection: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Import the CAR-based studies of an AACT database as the snapshot of ``selection``
    (default ``aact``)."""
    try:
        conn = psycopg.connect(url)
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AactError(
            f"cannot connect to the AACT database {shown_url(url)} ({first}); check that the "
            "server is running and that the host, port, user, password and database in --url "
            "are right (postgresql://user@host:5432/aact)"
        ) from None
    with conn:
        return load_snapshot(
            store,
            batched(read_aact(conn, schema)),
            selection=selection or "aact",
            run_fields={
                "kind": "aact",
                "registry": "CTGOV",
                "query": f"schema {schema}",
                "source_path": re.sub(r"//[^@/]*@", "//", url),
            },
            progress=progress,
        )
