"""SIGKILL in the middle of a sync, then a re-run: same store as a clean import, and the pages
committed before the kill are not fetched again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from cartatlas.registries.ctgov_api import ApiSettings
from cartatlas.registries.ctgov_files import import_file
from cartatlas.registries.ctgov_sync import sync
from cartatlas.store.registry_read import current_studies

from .conftest import ONCOLOGY_NEW, REPO
from .fake_ctgov import FakeCtgov
from .helpers import assert_same_content

PAGE = 200
KILL_AT = 5  # kill while page 5 is served: pages 1-4 are committed by then
CHILD = """
import sys
from cartatlas.registries.ctgov_api import ApiSettings
from cartatlas.registries.ctgov_sync import sync
from cartatlas.store import open_store
settings = ApiSettings(base_url=sys.argv[2], page_size=int(sys.argv[3]), requests_per_second=1000,
                       timeout=10, backoff_initial=0.01)
sync(open_store(sys.argv[1]), selection="car", settings=settings)
"""


def test_sigkill_mid_sync_then_rerun(stores, oncology_studies) -> None:
    target = stores.target()
    with FakeCtgov(oncology_studies, page_delay=0.3) as fake:
        env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, target, fake.url, str(PAGE)], env=env
        )
        deadline = time.monotonic() + 60
        while len(fake.page_requests()) < KILL_AT and time.monotonic() < deadline:
            assert child.poll() is None, "the sync ended before it could be killed"
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        killed_tokens = [e["params"].get("pageToken") for e in fake.page_requests()]
        assert len(killed_tokens) == KILL_AT

        store = stores.open(target)
        assert len(current_studies(store)) == 0, "a killed sync must not publish a partial snapshot"
        fake.page_delay = 0.0
        report = sync(
            store,
            selection="car",
            settings=ApiSettings(
                base_url=fake.url,
                page_size=PAGE,
                requests_per_second=1000,
                timeout=10,
                backoff_initial=0.01,
            ),
        )
        rerun_tokens = [e["params"].get("pageToken") for e in fake.page_requests()][KILL_AT:]
    assert report.resumed
    assert rerun_tokens[0] == killed_tokens[-1], "resume starts at the first uncommitted page"
    assert not set(rerun_tokens) & set(killed_tokens[:-1]), "committed pages were fetched again"
    assert len(killed_tokens) - 1 + len(rerun_tokens) == -(-len(oncology_studies) // PAGE)
    imported = stores.open()
    import_file(imported, ONCOLOGY_NEW, selection="car")
    assert_same_content(store, imported)
