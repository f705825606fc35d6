"""Fixtures for the registry tests: the shared snapshots, and a fresh store on each backend.

Tests that take ``store`` run twice, on DuckDB and on PostgreSQL. PostgreSQL comes from
CARTATLAS_TEST_PG_URL (``source .ci/start-postgres.sh``); without it those runs skip, except
under CI (``CI`` set), where a missing server is a failure, not a silent skip.
"""

from __future__ import annotations

import gzip
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cartatlas.store import Store, open_store

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data" / "ctgov"
ONCOLOGY_NEW = SHARED / "cart-oncology-2026-08-22.jsonl.gz"
ONCOLOGY_OLD = SHARED / "cart-oncology-2026-04-24.jsonl.gz"
AUTOIMMUNE_NEW = SHARED / "cart-autoimmune-2026-08-22.jsonl.gz"
FIXTURES = SHARED / "api-v2-fixtures"
ICTRP_FIXTURES = REPO / "tests" / "fixtures" / "ictrp"


def pg_url() -> str:
    url = os.environ.get("CARTATLAS_TEST_PG_URL")
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail("CARTATLAS_TEST_PG_URL is not set under CI: .ci/run must start PostgreSQL")
    pytest.skip("no PostgreSQL: run `source .ci/start-postgres.sh` to include these tests")


class StoreFactory:
    """Opens fresh, isolated stores of one backend (a DuckDB file, or a PostgreSQL schema)."""

    def __init__(self, kind: str, tmp_path: Path) -> None:
        self.kind = kind
        self.tmp_path = tmp_path
        self.schemas: list[str] = []
        self.opened: list[Store] = []

    def target(self) -> str:
        """A new empty store's ``--db`` target."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        if self.kind == "duckdb":
            return str(self.tmp_path / f"{name}.duckdb")
        url = pg_url()
        with open_store(url) as admin:
            admin.execute(f"CREATE SCHEMA {name}")
        self.schemas.append(name)
        return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"

    def open(self, target: str | None = None) -> Store:
        store = open_store(target or self.target())
        self.opened.append(store)
        return store

    def close(self) -> None:
        for store in self.opened:
            store.close()
        if self.schemas:
            with open_store(pg_url()) as admin:
                for name in self.schemas:
                    admin.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


@pytest.fixture(params=["duckdb", "postgres"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    factory = StoreFactory(request.param, tmp_path)
    yield factory
    factory.close()


@pytest.fixture
def store(stores: StoreFactory) -> Store:
    return stores.open()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def nct_ids(path: Path) -> set[str]:
    return {s["protocolSection"]["identificationModule"]["nctId"] for s in read_jsonl(path)}


@pytest.fixture(scope="session")
def oncology_studies() -> list[dict[str, Any]]:
    return read_jsonl(ONCOLOGY_NEW)
