"""FastAPI dependencies: the request's store, the process's memo and registry frames."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from cartatlas.evidence.queries import require_loaded
from cartatlas.report.context import NO_REGISTRY
from cartatlas.store import Store
from cartatlas.store.registry_read import NoRegistryData
from cartatlas.web.cache import Memo
from cartatlas.web.registry import RegistryData, load_registry
from cartatlas.web.stored import REGISTRY, stored


async def get_store(request: Request) -> AsyncIterator[Store]:
    """The request's read-only store. A DuckDB cursor of the open database is made and closed
    at once; a PostgreSQL connection is opened and closed in a worker thread, since that waits
    on the network (a plain generator would hop to a thread for both, on every request)."""
    hub = request.app.state.hub
    if hub.in_process:
        with hub.store() as store:
            yield store
        return
    opened = hub.store()
    store = await run_in_threadpool(opened.__enter__)
    try:
        yield store
    finally:
        await run_in_threadpool(opened.__exit__, None, None, None)


# Dependencies that only look things up are ``async``: FastAPI runs a plain ``def`` in a worker
# thread, and each hop costs more than these lookups do. Those that may read the store look
# up first and hop only when they must.
async def get_memo(request: Request) -> Memo:
    return request.app.state.memo


StoreDep = Annotated[Store, Depends(get_store)]
MemoDep = Annotated[Memo, Depends(get_memo)]


def _evidence_store(store: Store, memo: Memo) -> Store:
    if not memo.get(store, "evidence-loaded", lambda: store.table_exists("evidence_products")):
        require_loaded(store)
    return store


async def get_evidence_store(store: StoreDep, memo: MemoDep) -> Store:
    """The store, or 503 (``EvidenceNotLoaded``) when ``cartatlas kb load`` never ran (the
    answer is remembered until the store's data change). Remembered and no check of the data
    due, it is answered at once; otherwise in a worker thread, since it reads the store."""
    if memo.current() and memo.peek("evidence-loaded"):
        return store
    return await run_in_threadpool(_evidence_store, store, memo)


EvidenceDep = Annotated[Store, Depends(get_evidence_store)]


def registry_data(store: Store, memo: Memo) -> RegistryData | None:
    """The registry frames, read from the store or built (``None`` without registry data)."""
    return memo.get(
        store, "registry", lambda: stored(store, REGISTRY, lambda: load_registry(store))
    )


async def get_registry(store: StoreDep, memo: MemoDep) -> RegistryData | None:
    """:func:`registry_data`: at once when the memo holds them and no check of the data is
    due, else in a worker thread (building them takes seconds)."""
    if memo.current() and (registry := memo.peek("registry")) is not None:
        return registry  # type: ignore[return-value]
    return await run_in_threadpool(registry_data, store, memo)


async def require_registry(
    registry: Annotated[RegistryData | None, Depends(get_registry)],
) -> RegistryData:
    """The registry frames, or 503 (``NoRegistryData``) when no snapshot was imported."""
    if registry is None:
        raise NoRegistryData(NO_REGISTRY)
    return registry


RegistryDep = Annotated[RegistryData | None, Depends(get_registry)]
RequiredRegistryDep = Annotated[RegistryData, Depends(require_registry)]
