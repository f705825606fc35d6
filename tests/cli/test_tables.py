"""Tables fit an 80-column terminal: sources become numbered references below the table, and
`--wide` puts the source column back. CSV and JSON keep every column."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app

runner = CliRunner()
COMMANDS = [
    ("outcomes", "--product", "axi-cel"),
    ("safety", "--product", "axi-cel"),
    ("meta", "--indication", "LBCL"),
]


def _table_lines(output: str) -> list[str]:
    """Lines of a table (titles, headers, rows start with a space); prose and the numbered
    references start at the margin."""
    return [line for line in output.splitlines() if line.startswith(" ")]


@pytest.mark.parametrize("args", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_tables_fit_80_columns_with_numbered_sources(evidence_store, args) -> None:
    result = runner.invoke(app, ["--db", evidence_store, *args], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = _table_lines(result.stdout)
    assert len(lines) > 5
    assert max(map(len, lines)) <= 80, [line for line in lines if len(line) > 80]
    assert not any("http" in line for line in lines)
    references = re.findall(r"^\[(\d+)\] (https?://\S+)", result.stdout, re.M)
    assert references and [int(n) for n, _ in references] == list(range(1, len(references) + 1))
    cited = {int(n) for n in re.findall(r"\[(\d+)\]\s*$", result.stdout, re.M)}
    assert cited == {int(n) for n, _ in references}


def test_wide_restores_the_source_column(evidence_store) -> None:
    wide = runner.invoke(
        app,
        ["--db", evidence_store, "outcomes", "--product", "axi-cel", "--wide"],
        env={"COLUMNS": "300"},
    )
    assert wide.exit_code == 0, wide.output
    assert "source" in wide.stdout and not re.search(r"^\[1\] ", wide.stdout, re.M)
    assert re.search(r"│?\s*https://doi\.org/", wide.stdout)
