"""Ctrl-C (SIGINT) and SIGTERM in the middle of ``cartatlas import``: the command says that
nothing was stored and exits 130, the store is exactly as it was, and the run is marked
``interrupted`` — on DuckDB and on PostgreSQL. DuckDB's own form of an interrupted statement
("Query interrupted") is the same interruption, and leaves the connection usable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cartatlas.registries.ctgov_files import import_file
from cartatlas.store import open_store
from cartatlas.store.registry_read import current_studies
from cartatlas.store.registry_runs import find_runs
from tests.registries.conftest import REPO

# The real command line, stalled inside the import's transaction after its first batch is staged.
CHILD = """
import sys, time
from pathlib import Path
from cartatlas.registries import ingest

staged = ingest.stage_batch

def stalling(*args, **kwargs):
    staged(*args, **kwargs)
    Path(sys.argv[2]).touch()
    time.sleep(60)

ingest.stage_batch = stalling
from cartatlas.cli import app
app(["--db", sys.argv[1], "import", sys.argv[3], "--selection", "big"])
"""


def _interrupted(
    target: str, path: Path, tmp_path: Path, signum: int
) -> subprocess.CompletedProcess:
    flag = tmp_path / f"stalled-{signum}"
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    env.pop("CARTATLAS_DEBUG", None)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, target, str(flag), str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A test run started in the background of a shell without job control inherits SIGINT
        # ignored, and Python then installs no Ctrl-C handler: the child gets it as a terminal does.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert child.poll() is None and time.monotonic() < deadline, child.communicate()
        time.sleep(0.02)
    child.send_signal(signum)
    stdout, stderr = child.communicate(timeout=60)
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_mid_import_stores_nothing_and_says_so(
    stores, real_lines, tmp_path, signum
) -> None:
    target = stores.target()
    first = tmp_path / "first.jsonl"
    first.write_text("\n".join(real_lines[:4]))
    with stores.open(target) as store:
        import_file(store, first)
        before = set(current_studies(store)["trial_id"])
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(real_lines))  # the child stalls after its first batch

    result = _interrupted(target, big, tmp_path, signum)

    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "interrupted: nothing of this import was stored; the store is as it was"
    )
    with stores.open(target) as store:
        assert set(current_studies(store)["trial_id"]) == before
        [run] = find_runs(store, source_path=str(big.resolve()))
        assert run["status"] == "interrupted"
        assert run["message"].startswith("stopped by the user (Ctrl-C or SIGTERM)")
        [kept] = find_runs(store, source_path=str(first.resolve()))
        assert kept["status"] == "complete"


def test_duckdb_query_interrupted_is_a_keyboard_interrupt_and_rolls_back(tmp_path) -> None:
    """DuckDB answers an interrupt with its own error, not ``KeyboardInterrupt``; the store
    turns it into one, rolls the transaction back, and the connection keeps working."""
    store = open_store(str(tmp_path / "s.duckdb"))
    store.execute("CREATE TABLE t (x BIGINT)")
    store.execute("INSERT INTO t VALUES (1)")
    timer = threading.Timer(0.3, store.connection.interrupt)
    timer.start()
    with pytest.raises(KeyboardInterrupt), store.transaction():
        store.execute("INSERT INTO t VALUES (2)")
        store.execute("SELECT count(*) FROM range(100000000000) a")  # runs until interrupted
    timer.join()
    assert store.execute("SELECT x FROM t") == [(1,)]
    with store.transaction():
        store.execute("INSERT INTO t VALUES (3)")
    assert store.execute("SELECT x FROM t ORDER BY x") == [(1,), (3,)]
