"""Fixtures shared across test folders: the real shared data and stores built from it."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cartatlas.evidence.loader import load_evidence
from cartatlas.store import open_store

REPO = Path(__file__).resolve().parents[1]
SHARED_CTGOV = REPO.parent / "shared" / "data" / "ctgov"
ONCOLOGY = SHARED_CTGOV / "cart-oncology-2026-08-22.jsonl.gz"
AUTOIMMUNE = SHARED_CTGOV / "cart-autoimmune-2026-08-22.jsonl.gz"


def snapshot_protocols() -> Iterator[dict]:
    """The ``protocolSection`` of every record of both shared snapshots (CAR or not), oncology
    first, read with gzip and json: the plain route tests recount registry answers from. A
    trial in both snapshots comes twice; each caller keeps one as its answer does."""
    for path in (ONCOLOGY, AUTOIMMUNE):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)["protocolSection"]


@pytest.fixture(scope="session")
def evidence_store(tmp_path_factory) -> str:
    """A DuckDB file holding the bundled evidence only (no registry data)."""
    path = str(tmp_path_factory.mktemp("evidence") / "evidence.duckdb")
    with open_store(path) as store:
        assert load_evidence(store).ok
    return path


@pytest.fixture(scope="session")
def full_store(tmp_path_factory) -> str:
    """The bundled evidence plus both 2026-08-22 shared snapshots, imported through the CLI."""
    from typer.testing import CliRunner

    from cartatlas.cli import app

    path = str(tmp_path_factory.mktemp("full") / "full.duckdb")
    runner = CliRunner()
    for args in (["kb", "load"], ["import", str(ONCOLOGY)], ["import", str(AUTOIMMUNE)]):
        result = runner.invoke(app, ["--db", path, *args])
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="session")
def evidence_client(evidence_store):
    """The web app over the evidence-only store, through starlette's test client."""
    import warnings

    from cartatlas.web.app import create_app

    with warnings.catch_warnings():  # starlette's TestClient warns that httpx is deprecated for it
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    with TestClient(create_app(evidence_store)) as test_client:
        yield test_client
