"""``import-aact`` gets the same isolation: a study whose values the store cannot take (here an
enrollment beyond SQL INTEGER, which a BIGINT column in an AACT copy can hold) is rejected on its
own and the other studies load — into DuckDB and into PostgreSQL."""

from __future__ import annotations

import re
import uuid

import psycopg

from cartatlas.registries.aact import import_aact
from cartatlas.store.registry_read import current_studies
from tests.registries.aact_fixture import fill
from tests.registries.conftest import pg_url


def test_one_bad_aact_study_loses_only_itself(store, oncology_studies) -> None:
    car = [
        s
        for s in oncology_studies
        if re.search(r"CAR-T", s["protocolSection"]["identificationModule"]["briefTitle"])
    ][:6]
    ids = [s["protocolSection"]["identificationModule"]["nctId"] for s in car]
    url, schema = pg_url(), f"aact_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url) as conn:
        fill(conn, schema, car, {})
        conn.execute(f"ALTER TABLE {schema}.studies ALTER COLUMN enrollment TYPE BIGINT")
        conn.execute(
            f"UPDATE {schema}.studies SET enrollment = 3000000000 WHERE nct_id = %s", (ids[2],)
        )
    try:
        report = import_aact(store, url, schema=schema)
    finally:
        with psycopg.connect(url) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    assert set(current_studies(store)["trial_id"]) == set(ids) - {ids[2]}
    [rejection] = report.rejected
    assert rejection.location == f"AACT {schema}.studies {ids[2]}"
    assert rejection.field == "enrollment" and "out of range" in rejection.message
