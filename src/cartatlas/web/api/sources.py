"""Sources: what the store holds and where it came from, and a health check."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from cartatlas.store import Store
from cartatlas.web.cache import EVIDENCE_TABLES
from cartatlas.web.deps import RegistryDep, StoreDep
from cartatlas.web.registry import RegistryData
from cartatlas.web.responses import records

router = APIRouter(tags=["sources"])


@router.get("/sources", summary="Evidence tables and registry snapshots in the store")
def sources(store: StoreDep, registry: RegistryDep) -> dict[str, Any]:
    """Rows per evidence table (absent: not loaded), each registry selection's latest snapshot,
    and the attribution notes that outputs built from registry data must carry."""
    return _sources(store, registry)


def _sources(store: Store, registry: RegistryData | None) -> dict[str, Any]:
    evidence = {
        name.removeprefix("evidence_"): store.execute(f"SELECT count(*) FROM {name}")[0][0]
        for name in EVIDENCE_TABLES
        if store.table_exists(name)
    }
    return {
        "evidence": evidence,
        "registry_snapshots": records(registry.snapshots) if registry else [],
        "attribution": registry.notes if registry else [],
    }


@router.get("/health", summary="Liveness: the store answers")
def health(store: StoreDep) -> dict[str, str]:
    store.execute("SELECT 1")
    return {"status": "ok", "store": store.kind}
