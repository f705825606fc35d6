"""`cartatlas trials --format csv` carries the classifier's labels once `classify` has run."""

from __future__ import annotations

import csv
import io
import shutil

from typer.testing import CliRunner

from cartatlas.cli import app

LABELS = [
    "nct_id",
    "is_car",
    "targets",
    "cell_type",
    "cell_source",
    "in_vivo",
    "disease_area",
    "sponsor_type",
    "countries",
]


def test_trials_csv_has_label_columns_with_pipe_joined_lists(full_store, tmp_path):
    # `classify` writes labels: on a copy, as the shared full_store may be held open read-only
    # by a session fixture (the web tests' server) and other tests read it unlabelled.
    db = str(tmp_path / "store.duckdb")
    shutil.copy(full_store, db)
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "classify"]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "trials", "--country", "US", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert set(LABELS) <= set(rows[0])
    multi = [r for r in rows if "|" in r["countries"]]
    assert multi and all("US" in r["countries"].split("|") for r in rows)
    assert any("|" in r["targets"] for r in rows)  # dual-target constructs
    assert {r["is_car"] for r in rows} <= {"True", "False"}
