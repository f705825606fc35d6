"""Re-importing an identical file reports no changes, even when another selection's snapshot
holds a different version of a shared trial (the two 2026-08-22 snapshots share two trials
whose records differ in one field)."""

from __future__ import annotations

import gzip
import json
import re

from typer.testing import CliRunner

from cartatlas.cli import app
from tests.conftest import AUTOIMMUNE, ONCOLOGY

runner = CliRunner()
CHANGES = re.compile(r"changes: ([\d,]+) added, ([\d,]+) updated, ([\d,]+) removed")


def _import(db: str, path, *extra: str) -> tuple[int, int, int]:
    result = runner.invoke(app, ["--db", db, "import", str(path), *extra])
    assert result.exit_code == 0, result.output
    return tuple(int(n.replace(",", "")) for n in CHANGES.search(result.output).groups())


def test_identical_reimport_reports_no_updates(tmp_path) -> None:
    db = str(tmp_path / "store.duckdb")
    assert _import(db, ONCOLOGY)[0] > 2000
    assert _import(db, AUTOIMMUNE)[0] > 300
    assert _import(db, ONCOLOGY) == (0, 0, 0)
    assert _import(db, AUTOIMMUNE) == (0, 0, 0)

    # A real change is still reported: one trial's record edited in a copy of the file.
    with gzip.open(AUTOIMMUNE, "rt", encoding="utf-8") as source:
        lines = source.read().splitlines()
    record = json.loads(lines[0])
    record["protocolSection"]["identificationModule"]["briefTitle"] += " (amended)"
    lines[0] = json.dumps(record)
    edited = tmp_path / AUTOIMMUNE.name
    with gzip.open(edited, "wt", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    assert _import(db, edited) == (0, 1, 0)
    assert _import(db, edited) == (0, 0, 0)


def test_repeated_trial_in_a_file_whose_trials_are_stored(tmp_path) -> None:
    """The repeat is rejected and the rest is left as stored (the row-at-a-time ingest crashed
    on a repeat before the end of a batch: it filtered the batch twice with stale child-row
    indexes)."""
    db = str(tmp_path / "store.duckdb")
    _import(db, AUTOIMMUNE)
    with gzip.open(AUTOIMMUNE, "rt", encoding="utf-8") as source:
        lines = source.read().splitlines()
    repeated = tmp_path / AUTOIMMUNE.name.replace(".gz", "")
    repeated.write_text("\n".join([*lines[:100], lines[0], *lines[100:]]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", db, "import", str(repeated)])
    assert result.exit_code == 1, result.output  # loaded, with a rejection
    assert "repeats" in result.output and "line 101:" in result.output
    assert CHANGES.search(result.output).groups() == ("0", "0", "0")
