"""Compare stores by content: what a reader sees, independent of run ids and raw JSON spacing."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from cartatlas.store import Store
from cartatlas.store.registry_read import CURRENT, current_studies, sites
from cartatlas.store.registry_schema import CHILD_COLUMNS


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    frame = frame.astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


def fingerprint(store: Store, raw: bool = True) -> dict[str, Any]:
    """Everything a reader sees; ``raw=False`` leaves out the source record and selection names
    (for comparing the same trials loaded through different routes)."""
    studies = current_studies(store, dedupe=False, include_raw=raw)
    if raw:
        studies["raw"] = [json.loads(r) if r else None for r in studies["raw"]]
    else:
        studies = studies.drop(columns=["selections"])
    children = {
        table: sorted(
            store.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE study_key IN ({CURRENT})"),
            key=repr,
        )
        for table, cols in CHILD_COLUMNS.items()
    }
    return {"studies": _records(studies), "sites": _records(sites(store, dedupe=False)), **children}


def assert_same_content(a: Store, b: Store, raw: bool = True) -> None:
    left, right = fingerprint(a, raw), fingerprint(b, raw)
    for part in left:
        assert len(left[part]) == len(right[part]), part
        assert left[part] == right[part], part
