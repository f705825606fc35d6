"""A load killed mid-way (SIGKILL) changes nothing, and the next load marks its run
``interrupted``; a second writer on a locked DuckDB store is told which process holds it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cartatlas.registries.ctgov_files import import_file
from cartatlas.store import open_store
from cartatlas.store.registry_read import current_studies
from cartatlas.store.registry_runs import find_runs
from tests.registries.conftest import ONCOLOGY_NEW, REPO

# Imports the snapshot and stops inside its transaction, after the first batch is written.
CHILD = """
import sys, time
from pathlib import Path
from cartatlas.registries.ctgov_files import import_file
from cartatlas.store import open_store
from cartatlas.store import open_store

def stall(count):
    Path(sys.argv[2]).touch()
    time.sleep(120)

import_file(open_store(sys.argv[1]), Path(sys.argv[3]), progress=stall)
"""


def _start(args: list[str], flag: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    child = subprocess.Popen([sys.executable, "-c", CHILD, *args], env=env)
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert child.poll() is None and time.monotonic() < deadline, "the child never stalled"
        time.sleep(0.05)
    return child


def test_killed_import_is_marked_interrupted(stores, real_lines, tmp_path) -> None:
    target = stores.target()
    flag = tmp_path / "stalled"
    child = _start([target, str(flag), str(ONCOLOGY_NEW)], flag)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)

    store = stores.open(target)
    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(real_lines))
    import_file(store, small)
    assert len(current_studies(store)) == len(real_lines), "nothing of the killed run is stored"
    [killed] = find_runs(store, source_path=str(ONCOLOGY_NEW.resolve()))
    assert killed["status"] == "interrupted" and "killed" in killed["message"]
    [done] = find_runs(store, source_path=str(small.resolve()))
    assert done["status"] == "complete" and done["message"] is None


def test_locked_store_names_the_process_holding_it(tmp_path, real_lines) -> None:
    target = str(tmp_path / "locked.duckdb")
    flag = tmp_path / "stalled"
    child = _start([target, str(flag), str(ONCOLOGY_NEW)], flag)
    try:
        small = tmp_path / "small.jsonl"
        small.write_text("\n".join(real_lines))
        for args in (["import", str(small)], ["trials"]):
            result = subprocess.run(
                [sys.executable, "-m", "cartatlas", "--db", target, *args],
                capture_output=True,
                text=True,
                env=dict(os.environ, PYTHONPATH=str(REPO / "src")),
                timeout=60,
            )
            assert result.returncode == 2, result.stderr
            assert "Traceback" not in result.stderr
            assert f"in use by process {child.pid}" in result.stderr, result.stderr
            assert "ctgov_files" in result.stderr  # the holder's command line
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)


def test_a_store_open_in_this_process_in_the_other_mode_is_busy_not_a_crash(tmp_path):
    """DuckDB refuses a second in-process connection in another mode with a ConnectionException
    (the report's cache write while a served dashboard reads): it must be StoreBusy, which the
    report treats as 'not kept', never an unexplained error."""
    from cartatlas.store import StoreBusy, open_store

    path = str(tmp_path / "store.duckdb")
    open_store(path).close()
    busy = "already open in this process in read-only mode"
    with open_store(path, read_only=True), pytest.raises(StoreBusy, match=busy):
        open_store(path)


# What `cartatlas serve` holds for its whole life: the store open read-only (web.hub.StoreHub).
SERVING = """
import sys, time
from pathlib import Path
from cartatlas.web.hub import StoreHub

hub = StoreHub(sys.argv[1])
Path(sys.argv[2]).touch()
time.sleep(120)
"""


def test_an_import_while_the_dashboard_serves_names_the_server(tmp_path, real_lines) -> None:
    target = str(tmp_path / "served.duckdb")
    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(real_lines))
    import_file(open_store(target), small)
    flag = tmp_path / "serving"
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    child = subprocess.Popen([sys.executable, "-c", SERVING, target, str(flag)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert child.poll() is None and time.monotonic() < deadline, "never served"
            time.sleep(0.05)
        result = subprocess.run(
            [sys.executable, "-m", "cartatlas", "--db", target, "import", str(small)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert f"in use by process {child.pid}" in result.stderr, result.stderr
        assert "cartatlas serve" in result.stderr  # the hint: stop the server
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
