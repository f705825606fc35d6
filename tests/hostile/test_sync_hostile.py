"""``sync`` gets the same isolation as ``import``: an API page holding a study with a lone
surrogate, a NUL or an out-of-range enrollment is staged whole, and only that study is rejected —
on DuckDB and on PostgreSQL."""

from __future__ import annotations

import copy
import json

import pytest

from cartatlas.registries.ctgov_api import ApiError, ApiSettings
from cartatlas.registries.ctgov_sync import sync
from cartatlas.store.registry_read import current_studies
from tests.registries.fake_ctgov import FakeCtgov, _token


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


class _Misbehaving(FakeCtgov):
    """The fake API with one more fault: ``answer`` rewrites every listing page's body."""

    def __init__(self, studies: list[dict], answer, faults: dict | None) -> None:
        super().__init__(studies, faults=faults, false_next_token=False, retry_after="0")
        self.answer = answer

    def _respond(self, path: str, params: dict[str, str]):
        status, headers, body, fault = super()._respond(path, params)
        if path.endswith("/studies") and "filter.ids" not in params:
            body = self.answer(body, params)
        return status, headers, body, fault


def _looping(body: bytes, params: dict[str, str]) -> bytes:
    """Every page names the second page as the next one, and no total is given."""
    page = json.loads(body)
    page.pop("totalCount", None)
    page["nextPageToken"] = _token(2)
    return json.dumps(page).encode()


def _not_utf8(body: bytes, params: dict[str, str]) -> bytes:
    return body.replace(b'"studies"', b'"studies\xff"')


def _trial_ids(store) -> list[str]:
    return sorted(current_studies(store)["trial_id"])


@pytest.mark.parametrize(
    "answer, faults, message",
    [
        # Paged in a circle for ever, staging the same studies again and again.
        (
            _looping,
            None,
            "page 2 of the query names page 2 as the next page again: the server's pages run "
            "in a circle; the store's trials are unchanged: try again later with --restart",
        ),
        # Ended in "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff … (unexpected …)".
        (
            _not_utf8,
            None,
            "{url} kept failing: GET /studies: not UTF-8 JSON (byte 0xFF at byte 10) at each of "
            "3 attempts; pages already fetched are kept: run the same command later to resume "
            "(or lower --rate)",
        ),
        # Ended in "TransientError: GET /studies: HTTP 429 (unexpected …)".
        (
            lambda body, params: body,
            {0: ["429"] * 3},
            "{url} kept failing: GET /studies: HTTP 429 at each of 3 attempts; pages already "
            "fetched are kept: run the same command later to resume (or lower --rate)",
        ),
    ],
)
def test_a_sync_the_server_breaks_stops_with_one_message(
    store, oncology_studies, answer, faults, message
) -> None:
    """A failed second sync leaves the first sync's trials as they were."""
    studies = oncology_studies[:6]
    with FakeCtgov(studies) as fake:
        sync(store, selection="car", settings=_fast(fake.url))
    before = _trial_ids(store)
    with _Misbehaving(studies[:4], answer, faults) as fake, pytest.raises(ApiError) as error:
        sync(store, selection="car", settings=_fast(fake.url), full=True)
    assert str(error.value) == message.format(url=fake.url)
    assert _trial_ids(store) == before and len(before) == 6


def _fast(url: str) -> ApiSettings:
    return ApiSettings(
        base_url=url,
        page_size=2,
        requests_per_second=1000,
        timeout=5,
        max_attempts=3,
        backoff_initial=0.01,
        backoff_max=0.02,
    )


class _Shifting(FakeCtgov):
    """The fake API whose results gain a study at their head once the first page is served,
    so the next pages start one study later (a study added while a sync pages)."""

    def __init__(self, studies: list[dict], added: dict) -> None:
        super().__init__(studies, false_next_token=False)
        self.added = added

    def _respond(self, path: str, params: dict[str, str]):
        answer = super()._respond(path, params)
        if path.endswith("/studies") and "pageToken" not in params and "filter.ids" not in params:
            self.studies.insert(0, self.added)
        return answer


def test_results_that_move_while_paged_store_nothing(store, oncology_studies) -> None:
    """A page that changed between requests repeated one study and skipped the last, and the
    sync published that: the skipped study was marked removed from the selection."""
    studies = oncology_studies[:6]
    with FakeCtgov(studies) as fake:
        sync(store, selection="car", settings=_fast(fake.url))
    before = _trial_ids(store)
    with _Shifting(studies, oncology_studies[6]) as fake, pytest.raises(ApiError) as error:
        sync(store, selection="car", settings=_fast(fake.url), full=True)
    assert str(error.value) == (
        "the query's results changed while they were paged (1 study came on two pages, so "
        "others may have been skipped); the store's trials are unchanged: run the same command "
        "again"
    )
    assert _trial_ids(store) == before
    with FakeCtgov(oncology_studies[:7]) as fake:  # a new run, not a resume of the moved pages
        report = sync(store, selection="car", settings=_fast(fake.url), full=True)
    assert not report.resumed and len(_trial_ids(store)) == 7
