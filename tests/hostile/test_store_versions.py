"""Stores a user points cartatlas at that this version did not make: registry tables of another
version (an import failed with "InFailedSqlTransaction … (unexpected …)", a read with
"UndefinedTable"), on DuckDB and PostgreSQL; and a PostgreSQL URL's password, which every
message naming the store printed."""

from __future__ import annotations

import pytest

from cartatlas.cli import app
from cartatlas.store import open_store
from cartatlas.store.registry_read import current_studies
from tests.hostile.conftest import nct
from tests.registries.conftest import StoreFactory, pg_url

MISMATCH = (
    "error the registry tables in {store} were made by another version of cartatlas (missing "
    "reg_study.study_key, reg_study.registry, reg_study.title …); import the registry data into "
    "a new store (--db NEW_PATH), or drop its reg_ tables and import again"
)


@pytest.mark.parametrize("command", [["trials"], ["import", "{file}"]])
def test_registry_tables_of_another_version(
    one_line, stores, tmp_path, real_lines, command
) -> None:
    target = stores.target()
    with open_store(target) as store:
        store.execute("CREATE TABLE reg_study (trial_id TEXT, x INTEGER)")
        store.execute("INSERT INTO reg_study VALUES ('NCT00000001', 1)")
    records = tmp_path / "one.jsonl"
    records.write_text(real_lines[0] + "\n")
    args = [part.format(file=records) for part in command]
    assert one_line(target, args) == MISMATCH.format(store=target)
    with open_store(target) as store:  # the import changed nothing
        assert store.execute("SELECT * FROM reg_study") == [("NCT00000001", 1)]


def test_a_password_in_the_store_url_is_never_printed(one_line) -> None:
    """'products' on a PostgreSQL store without evidence printed the URL as given, password
    and all (the server may trust the client and never ask for it)."""
    base = pg_url()
    scheme, _, rest = base.partition("://")
    user, _, host = rest.partition("@")
    url = f"{scheme}://{user.split(':')[0]}:s3cret@{host}?options=-csearch_path%3Dnone_here"
    line = one_line(url, ["products", "--country", "CN"])
    assert "s3cret" not in line
    assert line == (
        f"error the store {scheme}://{user.split(':')[0]}:***@{host}?options=-csearch_path%3D"
        "none_here holds no evidence yet; run `cartatlas kb load` first"
    )


def test_a_postgres_server_that_drops_the_import(
    one_line, capsys, tmp_path, real_lines, monkeypatch
) -> None:
    """The server ending the connection mid-import (a restart, a shutdown) ended in
    "OperationalError: the connection is closed (unexpected …)": the bookkeeping after the
    failure failed again and hid it. The store keeps the previous snapshot."""
    import cartatlas.registries.ingest as ingest

    factory = StoreFactory("postgres", tmp_path)
    try:
        target = factory.target()
        first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
        first.write_text("\n".join(real_lines[:3]) + "\n")
        second.write_text("\n".join(real_lines[3:6]) + "\n")
        app(["--db", target, "import", str(first), "--selection", "s"], standalone_mode=False)
        capsys.readouterr()
        stage = ingest.stage_batch

        def dropped(store, *args):
            store.execute("SELECT pg_terminate_backend(pg_backend_pid())")
            return stage(store, *args)

        monkeypatch.setattr(ingest, "stage_batch", dropped)
        assert one_line(target, ["import", str(second), "--selection", "s"]) == (
            f"error lost the connection to the PostgreSQL store {target} (terminating connection "
            "due to administrator command); what the command had not committed is not stored: "
            "run it again when the server answers"
        )
        with open_store(target) as store:
            kept = sorted(current_studies(store)["trial_id"])
        assert kept == sorted(nct(line) for line in real_lines[:3])
    finally:
        factory.close()
