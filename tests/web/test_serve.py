"""`cartatlas serve` and the app over PostgreSQL: a missing store is a clear error, and on
PostgreSQL every request's connection is read-only."""

from __future__ import annotations

import shutil
import threading
import uuid
import warnings

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.evidence.loader import load_evidence
from cartatlas.store import open_store
from cartatlas.web.app import create_app
from cartatlas.web.stored import missing
from tests.registries.conftest import pg_url

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def test_serve_binds_loopback_by_default():
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output


def test_serve_without_a_store_says_how_to_make_one(tmp_path):
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "none.duckdb"), "serve"])
    assert result.exit_code == 1
    assert "cartatlas kb load" in result.output


@pytest.fixture
def pg_target():
    url = pg_url()
    schema = f"t_web_{uuid.uuid4().hex[:10]}"
    with open_store(url) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    target = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    with open_store(target) as store:
        assert load_evidence(store).ok
    yield target
    with open_store(url) as admin:
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_on_postgresql_the_api_answers_and_cannot_write(pg_target):
    web = create_app(pg_target)
    with TestClient(web) as client:
        assert client.get("/api/products").json()["count"] > 0
        assert client.get("/api/outcomes", params={"product": "axi-cel"}).json()["count"] > 0
        assert client.get("/api/trials").status_code == 503  # no registry data loaded
    with web.state.hub.store() as store, pytest.raises(Exception, match="read-only"):
        store.execute("DELETE FROM evidence_products")


def test_serve_keeps_the_pages_it_built_when_it_stops(evidence_store, tmp_path):
    """On data whose dashboard pages the store lacks, the server answers at once, builds them
    in the background, and keeps them in the store when it stops; the next start lacks none."""
    target = str(tmp_path / "copy.duckdb")
    shutil.copy(evidence_store, target)
    with open_store(target, read_only=True) as store:
        version, lacking = missing(store, ["CN", "US"])
    assert lacking
    web = create_app(target, keep=(version, lacking))
    with TestClient(web) as client:
        assert client.get("/api/health").status_code == 200
        for thread in threading.enumerate():
            if thread.name == "warm-up":
                thread.join()
    with open_store(target, read_only=True) as store:
        assert missing(store, ["CN", "US"]) == (version, [])
