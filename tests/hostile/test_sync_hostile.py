"""``sync`` gets the same isolation as ``import``: an API page holding a study with a lone
surrogate, a NUL or an out-of-range enrollment is staged whole, and only that study is rejected —
on DuckDB and on PostgreSQL."""

from __future__ import annotations

import copy

from cartatlas.registries.ctgov_api import ApiSettings
from cartatlas.registries.ctgov_sync import sync
from cartatlas.store.registry_read import current_studies
from tests.registries.fake_ctgov import FakeCtgov


def _with(study: dict, field: str, value: object, module: str = "identificationModule") -> dict:
    bad = copy.deepcopy(study)
    bad["protocolSection"][module][field] = value
    return bad


def test_bad_studies_in_a_page_lose_only_themselves(store, oncology_studies) -> None:
    good = oncology_studies[:12]
    bad = [
        _with(good[3], "briefTitle", "lone \ud800 surrogate"),
        _with(good[4], "briefTitle", "a NUL \x00 here"),
        _with(good[5], "enrollmentInfo", {"count": 2**70}, "designModule"),
    ]
    studies = [*good[:3], *bad, *good[6:]]
    with FakeCtgov(studies) as fake:
        settings = ApiSettings(base_url=fake.url, page_size=5, requests_per_second=1000, timeout=10)
        report = sync(store, selection="car", settings=settings)
    ids = {s["protocolSection"]["identificationModule"]["nctId"] for s in good}
    rejected = {s["protocolSection"]["identificationModule"]["nctId"] for s in good[3:6]}
    assert set(current_studies(store)["trial_id"]) == ids - rejected
    assert sorted(r.field for r in report.load.rejected) == ["enrollment", "title", "title"]
