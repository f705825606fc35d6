"""``cartatlas import-aact`` against a real PostgreSQL server holding an AACT-shaped schema."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from cartatlas.registries.aact import AactError, import_aact
from cartatlas.registries.ctgov_files import import_file
from cartatlas.store.registry_read import current_studies

from .aact_fixture import fill
from .conftest import FIXTURES, pg_url
from .helpers import assert_same_content

RICH_FIXTURE = "NCT00763412"  # not a CAR trial; a keyword makes the AACT filter select it


@pytest.fixture(scope="module")
def aact(oncology_studies) -> Iterator[tuple[str, str, list[dict]]]:
    """(url, schema, the studies the CAR filter must select)."""
    url = pg_url()
    schema = f"aact_{uuid.uuid4().hex[:10]}"
    car = [
        s
        for s in oncology_studies
        if re.search(
            r"CAR-T|chimeric antigen receptor",
            s["protocolSection"]["identificationModule"]["briefTitle"],
            re.I,
        )
    ][:40]
    fixtures = [json.loads(p.read_text()) for p in sorted(FIXTURES.glob("NCT*.json"))]
    with psycopg.connect(url) as conn:
        fill(conn, schema, car + fixtures, {RICH_FIXTURE: "Chimeric Antigen Receptor"})
    expected = car + [
        f for f in fixtures if f["protocolSection"]["identificationModule"]["nctId"] == RICH_FIXTURE
    ]
    yield url, schema, expected
    with psycopg.connect(url) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def test_aact_import_equals_json_import(aact, stores, tmp_path: Path) -> None:
    url, schema, expected = aact
    store = stores.open()
    report = import_aact(store, url, schema=schema)
    assert (report.studies, report.rejected) == (len(expected), [])
    ids = set(current_studies(store)["trial_id"])
    assert ids == {s["protocolSection"]["identificationModule"]["nctId"] for s in expected}
    path = tmp_path / "same.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in expected))
    reference = stores.open()
    import_file(reference, path, selection="aact")
    assert_same_content(store, reference, raw=False)


def test_aact_errors_name_the_problem(aact, store) -> None:
    url, _, _ = aact
    with pytest.raises(AactError, match="has no table 'studies'"):
        import_aact(store, url, schema="no_such_schema")
    with pytest.raises(AactError, match="not a valid schema name"):
        import_aact(store, url, schema="x; DROP TABLE y")
