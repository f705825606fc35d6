"""The registry commands end to end through the ``cartatlas`` Typer app."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cartatlas.cli import app

from .conftest import ICTRP_FIXTURES, ONCOLOGY_NEW
from .fake_ctgov import FakeCtgov

runner = CliRunner()


def run(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *args])


def test_import_then_trials(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    result = run(db, "import", str(ONCOLOGY_NEW))
    assert result.exit_code == 0, result.output
    assert "loaded 2,274 studies and 8,197 sites" in result.output
    assert "0 rejected" in result.output

    listed = run(db, "trials", "--country", "CN", "--recruiting", "--format", "json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert rows and all(
        "CN" in r["countries"] and r["status"] in ("RECRUITING", "ENROLLING_BY_INVITATION")
        for r in rows
    )

    csv_out = run(
        db, "trials", "--phase", "2", "--text", "myeloma", "--format", "csv"
    ).stdout.splitlines()
    assert csv_out[0].startswith("trial_id,registry,nct_id,title")
    assert len(csv_out) > 10

    table = run(db, "trials", "--status", "withdrawn", "--limit", "3")
    assert table.exit_code == 0 and "trials" in table.stdout

    bad = run(db, "trials", "--status", "bogus")
    assert bad.exit_code == 2 and "unknown status 'bogus'" in bad.output


def test_ictrp_attribution_is_printed(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    result = run(db, "import-ictrp", str(ICTRP_FIXTURES / "ictrp-car-handmade.xml"))
    assert result.exit_code == 1  # one record without a TrialID was rejected
    assert "rejected" in result.output and "TrialID" in result.output
    listed = run(db, "trials", "--country", "CN", "--format", "csv")
    assert "WHO ICTRP" in listed.stdout.splitlines()[1]
    assert "processed 2026-08-28" in listed.output


def test_bad_inputs_exit_2_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    missing = run(db, "import", str(tmp_path / "nope.jsonl"))
    assert missing.exit_code == 2 and "no such file" in missing.output
    nothing = run(tmp_path / "absent.duckdb", "trials")
    assert nothing.exit_code == 2 and "no store" in nothing.output
    empty = run(db, "trials")  # the failed import created the store, but loaded nothing
    assert empty.exit_code == 2 and "no registry data" in empty.output


def test_sync_command(tmp_path: Path, oncology_studies) -> None:
    db = tmp_path / "store.duckdb"
    with FakeCtgov(oncology_studies[:300], faults={1: ["503"]}) as fake:
        args = ("sync", "--base-url", fake.url, "--rate", "200", "--page-size", "100")
        first = run(db, *args)
        again = run(db, *args)
    assert first.exit_code == 0, first.output
    assert "full sync: 3 pages, 1 retried errors" in first.output
    assert "loaded 300 studies" in first.output
    assert again.exit_code == 0 and "incremental sync" in again.output
    assert "0 added, 0 updated, 0 removed" in again.output
