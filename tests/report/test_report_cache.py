"""A built report is kept in the store under the data version: the next run on the same data
reads it (same HTML), a change of data computes it again, an entry not written here is ignored."""

from __future__ import annotations

import re
import shutil

from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.store import derived, open_store

READ = "report read from the store"


def _run(db, out):
    args = ["--db", db, "report", "--countries", "CN", "US", "--format", "html", "--out", out]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    html = (out / "cart-cn-vs-us.html").read_text("utf-8")
    # The generation time and the figures' drawing time are the only parts that may differ.
    html = re.sub(r"<dc:date>[^<]*</dc:date>", "", html)
    return result.output, re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "", html)


def _text(html):
    return re.sub(r"<svg.*?</svg>", "<svg/>", html, flags=re.S)


def test_second_report_is_read_from_the_store(evidence_store, tmp_path):
    db = str(tmp_path / "store.duckdb")
    shutil.copy(evidence_store, db)
    first, html = _run(db, tmp_path / "a")
    assert READ not in first
    second, again = _run(db, tmp_path / "b")
    assert READ in second
    assert again == html
    # An entry whose seal this machine did not make is never unpickled: computed again.
    with open_store(db) as store:
        store.execute(f"UPDATE {derived.TABLE} SET data = 'bad:' || substr(data, 66)")
    third, recomputed = _run(db, tmp_path / "c")
    assert READ not in third
    assert _text(recomputed) == _text(html)  # figures drawn again carry new clip-path IDs
    # New evidence load: a new data version, computed again.
    assert CliRunner().invoke(app, ["--db", db, "kb", "load"]).exit_code == 0
    fourth, _ = _run(db, tmp_path / "d")
    assert READ not in fourth


def test_load_and_save_round_trip(tmp_path):
    with open_store(str(tmp_path / "s.duckdb")) as store:
        assert derived.load(store, "x", "v1") is derived.MISSING
        derived.save(store, "x", "v1", {"a": [1, 2]})
        assert derived.load(store, "x", "v1") == {"a": [1, 2]}
        assert derived.load(store, "x", "v2") is derived.MISSING


def test_a_template_edit_changes_the_code_version(tmp_path, monkeypatch):
    """A report kept in the store was read after a template edit, because only ``*.py`` files
    entered the code version: templates and data files must enter it too."""
    from cartatlas.store import versions

    (tmp_path / "report.html.j2").write_text("<h1>{{ title }}</h1>", "utf-8")
    monkeypatch.setattr(versions, "_PACKAGE", tmp_path)
    versions.code_version.cache_clear()
    before = versions.code_version()
    (tmp_path / "report.html.j2").write_text("<h1>{{ title }}!</h1>", "utf-8")
    versions.code_version.cache_clear()
    try:
        assert versions.code_version() != before
    finally:
        versions.code_version.cache_clear()
