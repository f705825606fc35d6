"""Fixtures for the hostile-input suite: real records from the shared snapshot, corrupted at test
time (nothing large is committed), and fresh stores on DuckDB and PostgreSQL.

``stores`` comes from the registry tests, so every case here runs on both backends;
``evidence_client`` (the web app over the bundled evidence) from the web tests.
"""

from __future__ import annotations

import gzip
import json
from itertools import islice
from typing import Any

import pytest

from cartatlas.cli import app
from tests.registries.conftest import (  # noqa: F401
    ONCOLOGY_NEW,
    StoreFactory,
    oncology_studies,
    store,
    stores,
)

GOOD = 12  # real records per corrupted file: enough to show the rest loads, fast on both backends


@pytest.fixture(scope="session")
def real_lines() -> list[str]:
    """The first records of the shared oncology snapshot, one JSON text each."""
    with gzip.open(ONCOLOGY_NEW, "rt", encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in islice(handle, GOOD + 1)]


def nct(line: str) -> str:
    return json.loads(line)["protocolSection"]["identificationModule"]["nctId"]


def with_field(line: str, path: tuple[str, ...], value: Any) -> str:
    """``line`` with the value at ``path`` replaced (dicts created on the way)."""
    study = json.loads(line)
    node = study
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return json.dumps(study, ensure_ascii=False)


@pytest.fixture
def one_line(capsys, monkeypatch):
    """Run the command line as a user does (its last line of defence included): the one line
    it printed, after checking it exited 2 with nothing else."""
    monkeypatch.delenv("CARTATLAS_DEBUG", raising=False)

    def run(db: str, args: list[str]) -> str:
        with pytest.raises(SystemExit) as exit_info:
            app(["--db", db, *args])
        output = capsys.readouterr()
        assert exit_info.value.code == 2, output
        lines = [line for line in (output.out + output.err).splitlines() if line.strip()]
        assert len(lines) == 1 and "Traceback" not in output.err, output
        assert "unexpected" not in lines[0], lines[0]
        return lines[0]

    return run
