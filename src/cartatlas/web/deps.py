"""FastAPI dependencies: the request's store, the process's memo and registry frames."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from cartatlas.evidence.queries import require_loaded
from cartatlas.report.context import NO_REGISTRY
from cartatlas.store import Store
from cartatlas.store.registry_read import NoRegistryData
from cartatlas.web.cache import Memo
from cartatlas.web.registry import RegistryData, load_registry
from cartatlas.web.stored import REGISTRY, stored


def get_store(request: Request) -> Iterator[Store]:
    with request.app.state.hub.store() as store:
        yield store


# Dependencies that only look things up are ``async``: FastAPI runs a plain ``def`` in a worker
# thread, and each hop costs more than these lookups do.
async def get_memo(request: Request) -> Memo:
    return request.app.state.memo


StoreDep = Annotated[Store, Depends(get_store)]
MemoDep = Annotated[Memo, Depends(get_memo)]


def get_evidence_store(store: StoreDep, memo: MemoDep) -> Store:
    """The store, or 503 (``EvidenceNotLoaded``) when ``cartatlas kb load`` never ran (the
    answer is remembered until the store's data change)."""
    if not memo.get(store, "evidence-loaded", lambda: store.table_exists("evidence_products")):
        require_loaded(store)
    return store


EvidenceDep = Annotated[Store, Depends(get_evidence_store)]


def get_registry(store: StoreDep, memo: MemoDep) -> RegistryData | None:
    return memo.get(
        store, "registry", lambda: stored(store, REGISTRY, lambda: load_registry(store))
    )


async def require_registry(
    registry: Annotated[RegistryData | None, Depends(get_registry)],
) -> RegistryData:
    """The registry frames, or 503 (``NoRegistryData``) when no snapshot was imported."""
    if registry is None:
        raise NoRegistryData(NO_REGISTRY)
    return registry


RegistryDep = Annotated[RegistryData | None, Depends(get_registry)]
RequiredRegistryDep = Annotated[RegistryData, Depends(require_registry)]
