"""The landscape table names the row of trials whose record gives no start year ("not
stated"; it printed a blank cell beside the count); CSV keeps the cell empty. The count is
recomputed with SQL over the stored labels and study dates."""

from __future__ import annotations

import re

import duckdb
from typer.testing import CliRunner

from cartatlas.cli import app


def test_undated_trials_are_a_named_row_in_the_table_and_empty_in_csv(full_store):
    with duckdb.connect(full_store, read_only=True) as con:
        undated = con.execute(
            """SELECT count(DISTINCT l.nct_id) FROM trial_labels l
               JOIN reg_study s ON s.trial_id = l.nct_id
               WHERE l.is_car AND s.start_date IS NULL
                 AND list_contains(string_split(l.countries, '|'), 'KR')"""
        ).fetchone()[0]
    base = ["--db", full_store, "landscape", "--countries", "KR", "CN", "--by", "year"]
    table = CliRunner().invoke(app, base)
    assert table.exit_code == 0, table.output
    assert re.search(rf"\bKR\s+not stated\s+{undated}\s", table.stdout), table.stdout
    csv = CliRunner().invoke(app, [*base, "--format", "csv"])
    assert f"KR,,{undated}," in csv.stdout
