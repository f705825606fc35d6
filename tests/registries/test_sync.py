"""``cartatlas sync`` against the local fake API: faults, resume, incremental updates."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from cartatlas.registries.ctgov_api import ApiSettings, CtgovClient, Throttle
from cartatlas.registries.ctgov_files import import_file
from cartatlas.registries.ctgov_sync import sync
from cartatlas.store.registry_read import current_studies
from cartatlas.store.registry_runs import find_runs

from .conftest import ONCOLOGY_NEW, ONCOLOGY_OLD, read_jsonl
from .fake_ctgov import FakeCtgov
from .helpers import assert_same_content


def fast(fake: FakeCtgov, **overrides) -> ApiSettings:
    """No politeness delay and millisecond backoff: tests should wait only for Retry-After."""
    options = {
        "base_url": fake.url,
        "page_size": 379,
        "requests_per_second": 1000.0,
        "timeout": 0.5,
        "backoff_initial": 0.01,
        "backoff_max": 0.05,
    } | overrides
    return ApiSettings(**options)


def test_sync_through_every_fault_equals_clean_import(stores, oncology_studies) -> None:
    # 2,274 = 6 × 379: the last page is exactly full, so the fake also sends a false token.
    faults = {
        1: ["429", "429"],
        2: ["500", "503"],
        3: ["slow"],
        4: ["drop"],
        5: ["cut", "truncate"],
    }
    synced = stores.open()
    with FakeCtgov(oncology_studies, faults=faults) as fake:
        report = sync(synced, selection="car", settings=fast(fake))
        requests = fake.page_requests()
    assert (report.mode, report.load.studies, report.load.sites) == ("full", 2274, 8197)
    assert report.errors == 8 and len(report.issues) == 8
    assert report.pages == 6
    assert all(e["params"].get("pageToken") != "b2Zmc2V0PTIyNzQ=" for e in requests), (
        "false token followed"
    )
    imported = stores.open()
    import_file(imported, ONCOLOGY_NEW, selection="car")
    assert_same_content(synced, imported)
    run = find_runs(synced, kind="sync")[0]
    assert run["data_timestamp"] == "2026-08-22T09:00:05" and run["total_count"] == 2274
    assert run["status"] == "complete" and run["records"] == 2274


def test_retry_after_is_honoured(oncology_studies) -> None:
    with FakeCtgov(oncology_studies[:20], faults={0: ["429"]}, retry_after="1") as fake:
        with CtgovClient(fast(fake, page_size=20)) as client:
            client.studies({"query.term": "x", "pageSize": "20"})
        first, second = fake.log[0]["time"], fake.log[1]["time"]
    assert second - first >= 0.95


def test_throttle_spaces_requests() -> None:
    throttle = Throttle(0.1)
    start = time.monotonic()
    for _ in range(4):
        throttle.wait()
    assert time.monotonic() - start >= 0.29


def test_interrupted_sync_resumes_without_refetching(stores, oncology_studies) -> None:
    store = stores.open()
    with FakeCtgov(oncology_studies) as fake:
        settings = fast(fake, page_size=300)
        seen: list[int] = []

        def interrupt(advance: int, total: int | None) -> None:
            seen.append(advance)
            if len(seen) == 4:  # the initial call, then three committed pages: Ctrl-C now
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            sync(store, selection="car", settings=settings, progress=interrupt)
        assert len(current_studies(store)) == 0, "readers must not see a partial snapshot"
        before = len(fake.page_requests())
        report = sync(store, selection="car", settings=settings)
        resumed = fake.page_requests()[before:]
    assert report.resumed
    assert [e["params"].get("pageToken") for e in resumed][0] is not None
    offsets = [e["params"]["pageToken"] for e in resumed]
    assert len(offsets) == 8 - 3 and len(set(offsets)) == len(offsets)
    imported = stores.open()
    import_file(imported, ONCOLOGY_NEW, selection="car")
    assert_same_content(store, imported)


def _consistent_history(old: list[dict], new: list[dict]) -> list[dict]:
    """The API bumps lastUpdatePostDate whenever a record changes; the shared snapshots (re-encoded
    from CSV) sometimes differ without it. Date such old copies a day earlier, as the API would."""
    by_id = {s["protocolSection"]["identificationModule"]["nctId"]: s for s in new}
    for study in old:
        twin = by_id.get(study["protocolSection"]["identificationModule"]["nctId"])
        struct = study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]
        if (
            twin
            and twin != study
            and twin["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] == struct
        ):
            struct["date"] = (date.fromisoformat(struct["date"]) - timedelta(days=1)).isoformat()
    return old


def test_incremental_sync_fetches_changes_and_marks_removed(stores) -> None:
    new = read_jsonl(ONCOLOGY_NEW)
    old = _consistent_history(read_jsonl(ONCOLOGY_OLD), new)
    store = stores.open()
    with FakeCtgov(old, data_timestamp="2026-04-24T09:00:00") as fake:
        sync(store, selection="car", settings=fast(fake, page_size=1000))
    with FakeCtgov(new) as fake:
        report = sync(store, selection="car", settings=fast(fake, page_size=1000))
        fetched = [e for e in fake.log if "filter.ids" in e["params"]]
    assert report.mode == "incremental"
    assert 0 < sum(len(e["params"]["filter.ids"].split(",")) for e in fetched) < len(new)
    assert (report.load.added, report.load.removed) == (124, 2)
    reference = stores.open()
    import_file(reference, ONCOLOGY_NEW, selection="car")
    assert_same_content(store, reference)
