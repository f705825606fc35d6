"""A store whose evidence an older cartatlas loaded lacks the columns this version reads. After
an upgrade every command, page and endpoint that reads such a column must say to load the
evidence again, not fail with a database error labelled "unexpected"."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings

import pytest

from cartatlas.evidence.queries import missing_columns
from cartatlas.store import open_store

MESSAGE = (
    "the evidence in {path} was loaded by an older version of cartatlas (missing "
    "evidence_outcomes.subgroup); run `cartatlas kb load` (with the same --dir, if you loaded "
    "your own) to load it again"
)


@pytest.fixture(scope="module")
def older_store(evidence_store, tmp_path_factory) -> str:
    """The evidence store as an older cartatlas left it: outcomes without the subgroup column."""
    path = str(tmp_path_factory.mktemp("older") / "older.duckdb")
    shutil.copyfile(evidence_store, path)
    with open_store(path) as store:
        store.execute("ALTER TABLE evidence_outcomes DROP COLUMN subgroup")
        assert missing_columns(store) == ["evidence_outcomes.subgroup"]
    return path


def test_a_current_store_misses_no_column(evidence_store) -> None:
    with open_store(evidence_store, read_only=True) as store:
        assert missing_columns(store) == []


def test_the_cli_says_to_load_the_evidence_again(older_store) -> None:
    env = {**os.environ, "CARTATLAS_DB": older_store}
    env.pop("CARTATLAS_DEBUG", None)
    run = subprocess.run(
        [sys.executable, "-m", "cartatlas", "meta", "--indication", "LBCL", "--endpoint", "CR"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and "unexpected" not in run.stderr
    assert " ".join(run.stderr.split()) == "error " + MESSAGE.format(path=older_store)


def test_the_api_and_pages_answer_503_with_the_same_words(older_store) -> None:
    from cartatlas.web.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    with TestClient(create_app(older_store)) as client:
        api = client.get("/api/meta", params={"indication": "LBCL", "endpoint": "CR"})
        assert api.status_code == 503
        assert api.json() == {"detail": MESSAGE.format(path=older_store)}
        page = client.get("/q/success", params={"a": "JP", "b": "CN"})
        assert page.status_code == 503 and "was loaded by an older version" in page.text


def test_on_postgresql_a_dropped_column_is_found() -> None:
    """The same check on a PostgreSQL schema (its catalogue query must pass psycopg too)."""
    import uuid

    from cartatlas.evidence.loader import load_evidence
    from tests.registries.conftest import pg_url

    url = pg_url()
    schema = f"t_outdated_{uuid.uuid4().hex[:10]}"
    with open_store(url) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        target = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
        with open_store(target) as store:
            assert load_evidence(store).ok
            assert missing_columns(store) == []
            store.execute("ALTER TABLE evidence_outcomes DROP COLUMN subgroup")
            assert missing_columns(store) == ["evidence_outcomes.subgroup"]
    finally:
        with open_store(url) as admin:
            admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
