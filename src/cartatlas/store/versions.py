"""Versions of what derived data is computed from, so it is computed once and read thereafter.

Classification labels, report sections and dashboard frames depend on the registry snapshots,
the loaded evidence and the code that derives them. Each version below is a short hash that
changes whenever its input changes: a registry run that changed trials, an evidence load, or
an edit of the package's source, templates or data files. Derived data stored with the version
it was computed under is current exactly when the version still matches
(:mod:`cartatlas.store.derived`).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from cartatlas.store.connection import Store

_PACKAGE = Path(__file__).resolve().parents[1]


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


@cache
def code_version(package: str = "") -> str:
    """Hash of every file of ``cartatlas.<package>`` (the whole package when empty): its Python
    source and the templates, styles and data files it renders with, so a stored report is not
    read after a template edit."""
    root = _PACKAGE / package if package else _PACKAGE
    digest = hashlib.sha256()
    files = (p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def registry_version(store: Store) -> str:
    """Changes with every completed registry run that added, updated or removed a trial."""
    if not store.table_exists("reg_run"):
        return "no-registry"
    _, rows = store.query(
        "SELECT run_id FROM reg_run WHERE status = 'complete' AND "
        "COALESCE(added, 0) + COALESCE(updated, 0) + COALESCE(removed, 0) > 0 ORDER BY run_id"
    )
    return _digest(*(row[0] for row in rows))


def evidence_version(store: Store) -> str:
    """Changes with every ``kb load``. Read once per connection to a read-only DuckDB file,
    which cannot change (a page build asks for it before each kept frame it reads)."""
    if "evidence_version" in store.unchanging:
        return store.unchanging["evidence_version"]
    if not store.table_exists("evidence_loads"):
        version = "no-evidence"
    else:
        _, rows = store.query("SELECT COUNT(*), MAX(loaded_at) FROM evidence_loads")
        version = _digest(*rows[0])
    if store.read_only:
        store.unchanging["evidence_version"] = version
    return version


def evidence_code_version(store: Store) -> str:
    """Version of what is derived from the evidence alone (the report's evidence-only parts,
    the approvals and study rows): the evidence loads and the code, not the registry."""
    return _digest(evidence_version(store), code_version())


def data_version(store: Store) -> str:
    """Version of everything the report and dashboard derive: registry, evidence and code."""
    return _digest(registry_version(store), evidence_version(store), code_version())
