"""An import killed after it committed batches to staging leaves the published snapshot as it
was — readers keep seeing it while the import runs — and the next import removes the staged
rows of the killed run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from cartatlas.registries.ctgov_files import import_file
from cartatlas.store.registry_runs import find_runs
from cartatlas.store.registry_schema import STAGE_TABLES

from .conftest import ONCOLOGY_NEW, ONCOLOGY_OLD, REPO
from .helpers import fingerprint

# Stalls when the second batch is read: the first one (2,000 studies) is committed to staging.
CHILD = """
import sys, time
from pathlib import Path
from cartatlas.registries.ctgov_files import import_file
from cartatlas.store import open_store

calls = []

def stall(count):
    calls.append(count)
    if len(calls) == 2:
        Path(sys.argv[2]).touch()
        time.sleep(120)

import_file(open_store(sys.argv[1]), Path(sys.argv[3]), progress=stall)
"""


def _staged(store) -> int:
    return sum(
        store.execute(f"SELECT count(*) FROM {table}")[0][0] for table in STAGE_TABLES.values()
    )


def test_import_killed_after_staging_batches_changes_nothing(stores, tmp_path: Path) -> None:
    target = stores.target()
    store = stores.open(target)
    import_file(store, ONCOLOGY_OLD)
    before = fingerprint(store)
    store.close()

    flag = tmp_path / "stalled"
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, target, str(flag), str(ONCOLOGY_NEW)], env=env
    )
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            assert child.poll() is None and time.monotonic() < deadline, "the child never stalled"
            time.sleep(0.05)
        if stores.kind == "postgres":  # DuckDB lets no other process open the file meanwhile
            reader = stores.open(target)
            assert _staged(reader) > 0, "the first batch is committed to staging"
            assert fingerprint(reader) == before, "readers see the previous snapshot"
            reader.close()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)

    store = stores.open(target)
    assert _staged(store) > 0, "the killed import had committed a batch to staging"
    assert fingerprint(store) == before, "a killed import leaves the store as it was"

    import_file(store, ONCOLOGY_NEW)
    assert _staged(store) == 0, "the next import removes what the killed one staged"
    [killed, done] = find_runs(store, source_path=str(ONCOLOGY_NEW.resolve()))[::-1]
    assert killed["status"] == "interrupted" and done["status"] == "complete"
    fresh = stores.open()
    import_file(fresh, ONCOLOGY_OLD)
    import_file(fresh, ONCOLOGY_NEW)
    assert fingerprint(store) == fingerprint(fresh)
