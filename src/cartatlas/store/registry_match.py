"""Cross-registry matching: the same trial registered in ClinicalTrials.gov and ChiCTR (or any
two registries) is linked through the registry IDs each record lists.

Two records of different registries are linked when one lists the other's primary registry ID
among its own identifiers; sponsor protocol numbers (such as "001") and IDs that two records
merely share (a parent EudraCT number on a follow-up study) do not link. Linked records form a
group whose canonical record is the ClinicalTrials.gov one when there is one (its record is the
richest), else the smallest key; ``reg_match`` holds one row per record of every group of two or
more.
"""

from __future__ import annotations

from cartatlas.store.bulk import insert_rows
from cartatlas.store.connection import Store

_PREFERENCE = {"CTGOV": 0}


def _canonical(keys: set[str]) -> str:
    return min(keys, key=lambda k: (_PREFERENCE.get(k.split(":", 1)[0], 1), k))


def refresh_matches(store: Store) -> int:
    """Recompute ``reg_match`` from ``reg_identifier``; returns the number of linked records."""
    pairs = store.execute(
        """SELECT DISTINCT a.study_key, b.study_key, a.id_norm
           FROM reg_identifier a JOIN reg_identifier b
             ON a.id_norm = b.id_norm AND a.study_key < b.study_key
           WHERE a.id_registry IS NOT NULL AND (a.is_primary OR b.is_primary)
             AND split_part(a.study_key, ':', 1) <> split_part(b.study_key, ':', 1)"""
    )
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    via: dict[str, set[str]] = {}
    for a, b, id_norm in pairs:
        parent[find(a)] = find(b)
        via.setdefault(a, set()).add(id_norm)
        via.setdefault(b, set()).add(id_norm)
    groups: dict[str, set[str]] = {}
    for key in parent:
        groups.setdefault(find(key), set()).add(key)
    rows = []
    for members in groups.values():
        canonical = _canonical(members)
        rows += [(k, canonical, "|".join(sorted(via[k]))) for k in sorted(members)]
    store.execute("DELETE FROM reg_match")
    insert_rows(store, "reg_match", ("study_key", "canonical_key", "matched_via"), rows)
    return len(rows)
