"""Read evidence CSV files into validated rows, remembering each row's file and line."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cartatlas.evidence.tables import Table

BUNDLED_DIR = Path(__file__).parent / "data"

_SOURCE_HINTS = {
    "source_url": "every row needs the canonical URL of its source (DOI, PubMed, regulator, label)",
    "source_kind": (
        "every row needs the kind of its source: regulator, label, journal, conference_abstract, "
        "registry, company_release, hta_body, news or secondary"
    ),
    "source_quote": "every row needs the exact words of its source that support the value",
    "accessed": "every row needs the date its source was read (YYYY-MM-DD)",
}


@dataclass(frozen=True)
class Problem:
    """One reason a row (or a file) was rejected, located precisely enough to fix it."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, row at line {self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass(frozen=True)
class Row:
    table: Table
    line: int
    raw: dict[str, str]
    record: BaseModel

    def get(self, column: str) -> Any:
        return getattr(self.record, column)


def _pydantic_problems(table: Table, line: int, error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        column = str(item["loc"][0]) if item["loc"] else None
        if column in _SOURCE_HINTS and item["type"] in ("missing", "string_too_short"):
            message = f"missing {column}: {_SOURCE_HINTS[column]}"
        elif item["type"] == "missing":
            message = "missing value: this column is required"
        elif item["type"] == "extra_forbidden":
            message = "unknown column"
        else:
            message = item["msg"].removeprefix("Value error, ")
        problems.append(Problem(table.file_name, line, column, message))
    return problems


def read_table(directory: Path, table: Table) -> tuple[list[Row], list[Problem]]:
    """Parse one table's CSV. Rows that fail their model are reported and left out."""
    path = directory / table.file_name
    if not path.exists():
        return [], []
    rows: list[Row] = []
    problems: list[Problem] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in table.columns]
        if unknown:
            problems.append(
                Problem(
                    table.file_name,
                    1,
                    ", ".join(unknown),
                    f"unknown column(s); the columns are: {', '.join(table.columns)}",
                )
            )
            return [], problems
        next_line = 2
        for raw in reader:
            line, next_line = next_line, reader.line_num + 1
            if None in raw:
                problems.append(
                    Problem(
                        table.file_name,
                        line,
                        None,
                        "more fields than the header has columns; quote fields with commas",
                    )
                )
                continue
            values = {k: v.strip() for k, v in raw.items() if v is not None and v.strip() != ""}
            try:
                record = table.model.model_validate(values)
            except ValidationError as error:
                problems.extend(_pydantic_problems(table, line, error))
                continue
            rows.append(Row(table, line, values, record))
    return rows, problems
