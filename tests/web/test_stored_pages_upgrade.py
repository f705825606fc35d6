"""Dashboard pages kept in the store are not served after an upgrade that changed the code.

They are kept under :func:`~cartatlas.store.versions.data_version`, which hashes the registry
runs, the evidence loads and every file of the installed package (source, templates, data):
a cartatlas release whose page code or templates differ has another code version, so a page
kept by the previous release is built again, not read. (A release that changes no file keeps
the same pages, which are then still right, so ``cartatlas.__version__`` itself is not part of
the key.)"""

from __future__ import annotations

import shutil

from cartatlas.store import derived, open_store, versions
from cartatlas.web.stored import WORLD_PATH, question_name, stored


def test_a_page_kept_by_other_code_is_built_again(evidence_store, tmp_path, monkeypatch):
    db = str(tmp_path / "store.duckdb")
    shutil.copy(evidence_store, db)
    name = question_name("access", ["CN", "US"], WORLD_PATH)
    with open_store(db) as store:
        derived.save(store, name, versions.data_version(store), "page of the old release")
        assert stored(store, name, lambda: "built now") == "page of the old release"
        monkeypatch.setattr(versions, "code_version", lambda package="": "another-release")
        assert stored(store, name, lambda: "built now") == "built now"
