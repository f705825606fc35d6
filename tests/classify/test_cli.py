"""``cartatlas classify`` end to end: files in, label CSV out, ``trial_labels`` in the store."""

from __future__ import annotations

import csv
import io

from typer.testing import CliRunner

from cartatlas.classify.labels import COLUMNS
from cartatlas.cli import app

from .conftest import FIXTURES, SNAPSHOTS


def test_classify_files_to_csv_never_to_the_store(tmp_path, records):
    db = tmp_path / "labels.duckdb"
    autoimmune = [p for p in SNAPSHOTS if "autoimmune" in p.name]
    args = ["--db", str(db), "classify", "--format", "csv"]
    for path in autoimmune + FIXTURES[:4]:
        args += ["--input", str(path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == COLUMNS
    by_id = {r["nct_id"]: r for r in rows}
    assert by_id["NCT04422912"]["targets"] in ("CD19|DSG3", "DSG3|CD19")
    assert by_id["NCT02210780"]["is_car"] == "False"  # dupilumab fixture
    assert not db.exists()  # files' labels would replace the store's own (tests/hostile)


def test_evaluate_option_prints_scores(tmp_path, records):
    args = [
        "--db",
        str(tmp_path / "x.duckdb"),
        "classify",
        "--format",
        "csv",
        "--evaluate",
        "tests/classify/dev_labels.csv",
    ]
    for path in SNAPSHOTS + FIXTURES:
        args += ["--input", str(path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    scores = {r["label"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert float(scores["is_car"]["f1"]) >= 0.97
