"""A store that cannot be opened at all — a damaged or foreign file, a folder, a PostgreSQL server
that does not answer, an address of a kind no backend reads — is one line naming the store and
what to do, exit 2, for reading and for writing commands alike; nothing is created or changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartatlas.registries.ctgov_files import import_file
from cartatlas.store import open_store
from tests.registries.conftest import FIXTURES, pg_url

STUDY = str(FIXTURES / "NCT02210780.json")
COMMANDS = [["products", "--country", "CN"], ["import", STUDY]]


def _damaged(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "store.duckdb"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("args", COMMANDS, ids=["read", "write"])
@pytest.mark.parametrize(
    "content", [b"", b"hello, not a database\n", b"\x00" * 70_000], ids=["empty", "text", "zeros"]
)
def test_a_file_that_is_not_a_duckdb_store(one_line, tmp_path, content, args) -> None:
    path = _damaged(tmp_path, content)
    line = one_line(str(path), args)
    assert line.startswith(f"error the store {path} cannot be opened as a DuckDB database (")
    assert line.endswith(
        "give --db the cartatlas store (a .duckdb file), or move this file away and build a "
        "new store with `cartatlas kb load` and `cartatlas import`"
    )
    assert path.read_bytes() == content  # left as it was


def test_a_truncated_store(one_line, tmp_path) -> None:
    whole = tmp_path / "whole.duckdb"
    with open_store(str(whole)) as store:
        import_file(store, Path(STUDY))
    cut = _damaged(tmp_path, whole.read_bytes()[:100_000])
    line = one_line(str(cut), ["trials"])
    assert f"the store {cut} cannot be opened as a DuckDB database" in line


@pytest.mark.parametrize("args", COMMANDS, ids=["read", "write"])
def test_a_folder_as_the_store(one_line, tmp_path, args) -> None:
    assert one_line(str(tmp_path), args) == (
        f"error the store {tmp_path} is a folder; give --db a DuckDB file, e.g. "
        f"--db {tmp_path / 'cartatlas.duckdb'}"
    )


def test_a_store_under_a_file(one_line, tmp_path) -> None:
    (tmp_path / "plain").write_text("x")
    target = tmp_path / "plain" / "store.duckdb"
    assert one_line(str(target), ["import", STUDY]) == (
        f"error cannot create the store {target}: its folder {target.parent} cannot be made "
        "(File exists); give --db a file in a folder you can write to"
    )


@pytest.mark.parametrize("args", COMMANDS, ids=["read", "write"])
def test_postgres_unreachable(one_line, args) -> None:
    live = pg_url()
    prefix, _, rest = live.partition("@")
    host_port, _, database = rest.partition("/")
    wrong = f"{prefix.replace('postgres@', 'postgres:s3cret@')}@127.0.0.1:1/{database}"
    if "@" not in live:
        pytest.skip("the test server URL names no user")
    line = one_line(wrong, args)
    assert line.startswith(
        f"error cannot connect to the PostgreSQL store {wrong.replace(':s3cret@', ':***@')} ("
    )
    assert "s3cret" not in line and "Connection refused" in line
    assert line.endswith(
        "check that the server is running and that the host, port, user, password and "
        "database in the URL are right, or use a DuckDB file with --db PATH"
    )


@pytest.mark.parametrize("args", COMMANDS, ids=["read", "write"])
def test_an_address_no_backend_reads(one_line, tmp_path, monkeypatch, args) -> None:
    monkeypatch.chdir(tmp_path)
    assert one_line("mysql://user:pw@host/db", args) == (
        "error --db mysql://user:***@host/db: not a store cartatlas can open; give a DuckDB "
        "file path or a postgresql:// URL"
    )
    assert list(tmp_path.iterdir()) == []  # no folder named 'mysql:' was made


@pytest.mark.parametrize("command", ["classify", "landscape"])
def test_a_store_without_the_data_a_command_reads(one_line, tmp_path, command) -> None:
    """Both commands ended in "NoRegistryData: … (unexpected; … report it)"."""
    blank = tmp_path / "blank.duckdb"
    open_store(str(blank)).close()
    assert one_line(str(blank), [command]) == (
        f"error no registry data in {blank}; load some with `cartatlas import FILE` or "
        "`cartatlas sync` first"
    )
    missing = tmp_path / "missing.duckdb"
    assert one_line(str(missing), [command]) == (
        f"error no store at {missing}; run `cartatlas kb load` (evidence) or `cartatlas import` "
        "(registry data) first, or point --db at an existing store"
    )
