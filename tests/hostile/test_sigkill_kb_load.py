"""SIGKILL in the middle of ``kb load`` (tables dropped and half re-filled inside its
transaction): the store keeps the evidence it had, on DuckDB and on PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from cartatlas.evidence.loader import load_evidence
from cartatlas.evidence.tables import TABLES
from tests.evidence.conftest import VALID, write_evidence
from tests.registries.conftest import REPO

# Loads the folder and stops for good after the third table's rows are inserted.
CHILD = """
import sys, time
from pathlib import Path
from cartatlas.evidence.loader import load_evidence
from cartatlas.store import Store, open_store

calls = []
insert = Store.executemany

def stalling(self, sql, rows):
    insert(self, sql, rows)
    calls.append(sql)
    if len(calls) == 3:
        Path(sys.argv[2]).touch()
        time.sleep(120)

Store.executemany = stalling
load_evidence(open_store(sys.argv[1]), Path(sys.argv[3]))
"""


def _counts(store) -> dict[str, int]:
    return {t.name: store.execute(f"SELECT count(*) FROM evidence_{t.name}")[0][0] for t in TABLES}


def test_sigkill_mid_kb_load_keeps_the_previous_evidence(stores, tmp_path) -> None:
    target = stores.target()
    with stores.open(target) as store:
        load_evidence(store)  # the bundled evidence
        before = _counts(store)
    small = write_evidence(tmp_path / "small", VALID)
    flag = tmp_path / "stalled"
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    child = subprocess.Popen([sys.executable, "-c", CHILD, target, str(flag), str(small)], env=env)
    deadline = time.monotonic() + 120
    while not flag.exists():
        assert child.poll() is None and time.monotonic() < deadline, "the load never stalled"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    store = stores.open(target)
    assert _counts(store) == before
    assert before["products"] > len(VALID["products"])  # the small folder did not land
