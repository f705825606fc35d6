"""``cartatlas sync``: a resumable, incremental snapshot of a ClinicalTrials.gov query.

A run pages through the query and stages every page (see ``store.registry_sync``); when the last
page is in, the staged studies are parsed by the same parser as ``cartatlas import`` and written
as the selection's new snapshot in one transaction. A crash, SIGKILL or Ctrl-C leaves the run
``running``; the next sync of the same query resumes it from the first uncommitted page.

The first sync of a selection (or ``full=True``) fetches every study. Later syncs are
incremental: they list the query's NCT IDs with their last-update dates (1,000 per request),
fetch in full only the studies that are new or updated since the store's copy, and take the
listing as the selection's membership — so a study that left the query is marked removed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cartatlas.registries.ctgov_api import ApiError, ApiSettings, CtgovClient
from cartatlas.registries.ctgov_files import parse_entry
from cartatlas.registries.ctgov_parse import NCT_ID
from cartatlas.registries.ingest import LoadReport, load_snapshot
from cartatlas.registries.isolation import storable
from cartatlas.registries.query import default_query
from cartatlas.registries.record import Rejection
from cartatlas.store.connection import Store
from cartatlas.store.registry_batch import Parsed, batched
from cartatlas.store.registry_runs import (
    add_issues,
    find_runs,
    finish_run,
    get_run,
    start_run,
    update_run,
)
from cartatlas.store.registry_schema import ensure_registry_schema
from cartatlas.store.registry_sync import (
    StagedStudy,
    clear_staged,
    commit_page,
    committed_pages,
    last_page,
    staged_count,
    staged_studies,
)

DEFAULT_SELECTION = "ctgov-car"
IDS_PER_REQUEST = 100  # keeps filter.ids URLs well under common 8 KB limits
Progress = Callable[[int, int | None], None]


@dataclass(slots=True)
class SyncReport:
    run_id: str
    selection: str
    mode: str
    resumed: bool
    pages: int
    errors: int
    load: LoadReport
    issues: list[str] = field(default_factory=list)


def default_selection(query: str) -> str:
    return DEFAULT_SELECTION if query == default_query() else f"ctgov:{query}"


def _peek(study: Any) -> tuple[str | None, str | None]:
    """NCT ID and last-update date of a raw study, or ``None`` where the record lacks them
    (the parser reports such records properly at the end of the run)."""
    try:
        protocol = study["protocolSection"]
        nct_id = protocol["identificationModule"]["nctId"]
        last = protocol.get("statusModule", {}).get("lastUpdatePostDateStruct", {}).get("date")
    except (KeyError, TypeError, AttributeError):
        return None, None
    return (
        nct_id if isinstance(nct_id, str) and NCT_ID.fullmatch(nct_id) else None,
        last if storable(last) and len(last) <= 10 else None,
    )


def _staged_text(study: Any) -> str:
    """A study's JSON for the staging table: as the API sent it, or with every non-ASCII
    character escaped when it holds text the store cannot take (a lone surrogate), so that the
    page is staged and the parser rejects that one study later, naming the field."""
    text = json.dumps(study, ensure_ascii=False)
    return text if storable(text) else json.dumps(study)


class _Run:
    """One sync run's state: the client, the store and the run row it advances."""

    def __init__(
        self, store: Store, client: CtgovClient, run: dict[str, Any], progress: Progress | None
    ):
        self.store, self.client, self.run, self.progress = store, client, run, progress
        self.run_id: str = run["run_id"]
        self.errors: list[str] = []
        client.on_retry = self.errors.append

    def _commit(
        self,
        stage: str,
        page_no: int,
        token: str | None,
        next_token: str | None,
        studies: list[StagedStudy],
    ) -> None:
        with self.store.transaction():
            commit_page(self.store, self.run_id, stage, page_no, token, next_token, studies)
            if self.errors:
                add_issues(
                    self.store,
                    self.run_id,
                    "error",
                    [Rejection(f"{stage} page {page_no + 1}", "(request)", e) for e in self.errors],
                )
                self.store.execute(
                    "UPDATE reg_run SET errors = errors + ? WHERE run_id = ?",
                    (len(self.errors), self.run_id),
                )
                self.errors.clear()

    def page_through(self, stage: str, params: dict[str, str], keep_raw: bool) -> None:
        """Fetch every page of ``params`` not yet committed for ``stage``."""
        mark = last_page(self.store, self.run_id, stage)
        if mark and mark.next_token is None:
            return
        page_no = mark.page_no + 1 if mark else 0
        token = mark.next_token if mark else None
        fetched = staged_count(self.store, self.run_id, stage)
        total = self.run.get("total_count")
        pages = {token: page_no}  # each page token met in this run → its page number
        if self.progress:
            self.progress(fetched, total)
        while True:
            request = dict(params, pageSize=str(self.client.settings.page_size))
            if token:
                request["pageToken"] = token
            else:
                request["countTotal"] = "true"
            body = self.client.studies(request)
            studies = body.get("studies")
            if not isinstance(studies, list):
                raise ApiError(f"page {page_no + 1} of the query has no 'studies' list")
            if total is None and isinstance(body.get("totalCount"), int):
                total = body["totalCount"]
                self.run["total_count"] = total
                update_run(self.store, self.run_id, total_count=total)
            fetched += len(studies)
            next_token = body.get("nextPageToken") or None
            # The API hands out a nextPageToken even when the last page is exactly full.
            if not studies or (total is not None and fetched >= total):
                next_token = None
            staged = [
                StagedStudy(*_peek(s), _staged_text(s) if keep_raw else None) for s in studies
            ]
            self._commit(stage, page_no, token, next_token, staged)
            if self.progress:
                self.progress(len(studies), total)
            if next_token is None:
                return
            if next_token in pages:
                # A server that hands back an earlier token pages in a circle: the run never
                # ended, staging the same studies again and again.
                raise ApiError(
                    f"page {page_no + 1} of the query names page {pages[next_token] + 1} as the "
                    "next page again: the server's pages run in a circle; the store's trials "
                    "are unchanged: try again later with --restart"
                )
            pages[next_token] = page_no + 1
            token, page_no = next_token, page_no + 1

    def fetch_ids(self, ids: list[str]) -> None:
        """Fetch full records of ``ids`` in fixed chunks, skipping chunks already committed."""
        done = committed_pages(self.store, self.run_id, "fetch")
        for page_no, start in enumerate(range(0, len(ids), IDS_PER_REQUEST)):
            if page_no in done:
                continue
            chunk = ids[start : start + IDS_PER_REQUEST]
            body = self.client.studies(
                {"filter.ids": ",".join(chunk), "pageSize": str(len(chunk)), "format": "json"}
            )
            studies = body.get("studies")
            if not isinstance(studies, list):
                raise ApiError(f"the request for {chunk[0]}… has no 'studies' list")
            staged = [StagedStudy(*_peek(s), _staged_text(s)) for s in studies]
            self._commit("fetch", page_no, None, None, staged)
            if self.progress:
                self.progress(len(studies), len(ids))


def _parsed(store: Store, run_id: str, stage: str) -> Iterator[Parsed]:
    """Staged studies, the last copy of each trial only, through the shared parser."""
    latest: dict[str | None, tuple[int, int, str | None]] = {}
    for n, (page_no, study) in enumerate(staged_studies(store, run_id, stage)):
        key = study.trial_id if study.trial_id is not None else f"#{n}"
        latest[key] = (page_no, n, study.raw)
    for key, (page_no, _, raw) in sorted(latest.items(), key=lambda item: item[1][:2]):
        yield parse_entry(f"sync page {page_no + 1}, study {key}", raw or "")


def _refuse_shifted(store: Store, run_id: str, stage: str) -> None:
    """Stop a run whose pages overlap: a study on two pages means the query's results moved
    while they were paged (a study added or removed before the cursor), so others may have
    been skipped, and a skipped study would be marked removed from the selection. The run is
    discarded (a resume would publish the same pages) and the store left as it was."""
    ids = [s.trial_id for _, s in staged_studies(store, run_id, stage) if s.trial_id]
    twice = len(ids) - len(set(ids))
    if not twice:
        return
    clear_staged(store, run_id)
    message = (
        f"the query's results changed while they were paged ({twice} "
        f"{'study' if twice == 1 else 'studies'} came on two pages, so others may have been "
        "skipped); the store's trials are unchanged: run the same command again"
    )
    finish_run(store, run_id, status="abandoned", message=message)
    raise ApiError(message)


def _stale_ids(store: Store, run_id: str) -> tuple[list[str], set[str]]:
    """From the ID listing: the studies to fetch (new, or updated since the store's copy) and the
    selection's members."""
    listed = {
        s.trial_id: s.last_update for _, s in staged_studies(store, run_id, "ids") if s.trial_id
    }
    stored = dict(
        store.execute("SELECT trial_id, last_update_date FROM reg_study WHERE registry = 'CTGOV'")
    )
    stale = sorted(i for i, updated in listed.items() if i not in stored or stored[i] != updated)
    return stale, {f"CTGOV:{i}" for i in listed}


def sync(
    store: Store,
    *,
    query: str | None = None,
    selection: str | None = None,
    settings: ApiSettings | None = None,
    full: bool = False,
    restart: bool = False,
    progress: Progress | None = None,
    on_unreachable: Callable[[str], None] | None = None,
) -> SyncReport:
    """Bring ``selection`` up to date with ClinicalTrials.gov (see the module docstring);
    ``on_unreachable`` hears the one retry made when the API cannot be reached."""
    ensure_registry_schema(store)
    query = query or default_query()
    selection = selection or default_selection(query)
    settings = settings or ApiSettings()
    running = find_runs(store, kind="sync", selection=selection, query=query, status="running")
    if restart:
        for old in running:
            clear_staged(store, old["run_id"])
            finish_run(store, old["run_id"], status="abandoned", message="discarded by --restart")
        running = []
    with CtgovClient(settings, on_unreachable=on_unreachable) as client:
        if running:
            run = running[0]
        else:
            previous = find_runs(store, kind="sync", selection=selection, status="complete")
            version = client.version()
            stamp = version.get("dataTimestamp")
            run_id = start_run(
                store,
                kind="sync",
                registry="CTGOV",
                selection=selection,
                query=query,
                source_path=settings.base_url,
                mode="incremental" if previous and not full else "full",
                data_timestamp=stamp,
                snapshot_date=stamp[:10] if isinstance(stamp, str) else None,
            )
            run = get_run(store, run_id)
        state = _Run(store, client, run, progress)
        params = {"query.term": query, "format": "json"}
        members = None
        if run["mode"] == "full":
            state.page_through("full", params, keep_raw=True)
            _refuse_shifted(store, run["run_id"], "full")
            items = _parsed(store, run["run_id"], "full")
        else:
            state.page_through(
                "ids", dict(params, fields="NCTId,LastUpdatePostDate"), keep_raw=False
            )
            _refuse_shifted(store, run["run_id"], "ids")
            stale, members = _stale_ids(store, run["run_id"])
            state.fetch_ids(stale)
            items = _parsed(store, run["run_id"], "fetch")
    with store.transaction():
        load = load_snapshot(
            store,
            batched(items, text_from_raw=True),
            selection=selection,
            run_fields={},
            members=members,
            run_id=run["run_id"],
        )
        clear_staged(store, run["run_id"])
    final = get_run(store, run["run_id"])
    issues = [
        m
        for (m,) in store.execute(
            "SELECT message FROM reg_run_issue WHERE run_id = ? AND kind = 'error' ORDER BY seq",
            (run["run_id"],),
        )
    ]
    return SyncReport(
        run["run_id"],
        selection,
        run["mode"],
        bool(running),
        final["pages"],
        final["errors"],
        load,
        issues,
    )
