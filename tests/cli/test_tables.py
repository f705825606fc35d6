"""Tables fit an 80-column terminal without breaking an ID: sources become numbered references
below the table, columns with one value in every row a line above it, and rows that still cannot
fit are printed as records; `--wide` puts everything back in one table. CSV and JSON keep every
column. Checked against the command's own JSON output (an independent route to the values)."""

from __future__ import annotations

import json
import re

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from cartatlas.cli import app

runner = CliRunner()
COMMANDS = [
    ("outcomes", "--product", "axi-cel"),
    ("safety", "--product", "axi-cel"),
    ("meta", "--indication", "LBCL"),
    ("products", "--country", "US"),
    ("products", "--country", "CN"),  # Chinese brand names: two terminal cells a character
    ("prices",),
    ("approvals",),
]
#: Values that must never be broken over two lines: IDs, names, dates.
ID_FIELDS = ("study", "study_id", "product", "product_id", "brand", "trial_id", "nct_id", "date")


def _run(store: str, *args: str, columns: int = 80) -> str:
    result = runner.invoke(app, ["--db", store, *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


def _ids(store: str, args: tuple[str, ...]) -> set[str]:
    """Every ID-like value the command outputs, from its JSON (meta: the pooled studies)."""
    data = json.loads(_run(store, *args, "--format", "json"))
    rows = data if isinstance(data, list) else data.get("studies", [])
    return {
        str(row[field]) for row in rows for field in ID_FIELDS if row.get(field) not in (None, "")
    }


def _assert_fits_whole(output: str, ids: set[str]) -> None:
    lines = output.splitlines()
    # A numbered reference is one line, however long: a URL is never broken (the terminal
    # wraps it, and it stays clickable); so are sentences (meta's model and selection notes).
    table = [line for line in lines if not re.match(r"\[\d+\] ", line) and line[-1:] != "."]
    assert max(map(cell_len, table)) <= 80, [line for line in table if cell_len(line) > 80]
    broken = {i for i in ids if len(i) <= 70 and not any(i in line for line in lines)}
    assert not broken, broken


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c[:3]) for c in COMMANDS])
def test_tables_fit_80_columns_without_breaking_an_id(evidence_store, args) -> None:
    output = _run(evidence_store, *args)
    _assert_fits_whole(output, _ids(evidence_store, args))
    references = re.findall(r"^\[(\d+)\] (https?://\S+)", output, re.M)
    body = output.split("\n[1] ")[0]
    assert "http" not in body
    if args[0] != "meta" or references:
        assert references
        assert [int(n) for n, _ in references] == list(range(1, len(references) + 1))
        assert {int(n) for n in re.findall(r"\[(\d+)\]", body)} == {int(n) for n, _ in references}


def test_trials_fit_80_columns_without_breaking_an_id(full_store) -> None:
    args = ("trials", "--country", "CN", "--limit", "40")
    _assert_fits_whole(_run(full_store, *args), _ids(full_store, args))


def test_a_column_with_one_value_moves_above_the_table(evidence_store) -> None:
    output = _run(evidence_store, "outcomes", "--product", "axi-cel")
    assert "product: axicabtagene-ciloleucel" in output.splitlines()[1:3]
    body = output.split("\n[1] ")[0]  # the references may name the product in their URLs
    assert body.count("axicabtagene-ciloleucel") == 1


def test_wide_restores_the_source_column(evidence_store) -> None:
    wide = _run(evidence_store, "outcomes", "--product", "axi-cel", "--wide", columns=300)
    assert "source" in wide and not re.search(r"^\[1\] ", wide, re.M)
    assert re.search(r"│?\s*https://doi\.org/", wide)
    for url in json.loads(
        _run(evidence_store, "outcomes", "--product", "axi-cel", "--format", "json")
    ):
        assert url["source"] in wide  # every source whole, on one line
