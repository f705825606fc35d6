"""Print rows as a rich table, CSV or JSON: the one place every listing command formats output."""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cartatlas.spreadsheet import defuse

#: Columns that hold a source (URL or citation): printed as numbered references under a table.
SOURCE_COLUMNS = frozenset({"source", "source_url", "sources"})


#: Table headers shortened so that a table fits 80 columns (CSV and JSON keep the names).
SHORT_HEADERS = {
    "follow_up_months": "FU mo",
    "events_derived": "derived",
    "denominator": "denom",
    "percent": "%",
    "ci95": "95% CI",
    "real_world": "RW",
    "line_of_therapy": "line",
}
SHORT_CELL = 6


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def console(stderr: bool = False) -> Console:
    """A console that prints text as it is. Rich markup is off, so registry or evidence text
    such as ``[/bold]`` or the pattern ``[a-z0-9]`` is printed, never interpreted (markup in
    a message once crashed commands or silently dropped text); colour goes through
    :func:`tagged`."""
    return Console(stderr=stderr, soft_wrap=True, highlight=False, markup=False)


def tagged(tag: str, style: str, text: object) -> Text:
    """``tag text`` with only the tag coloured: ``tagged("error", "red", exc)``."""
    return Text.assemble((tag, style), " " if str(text) else "", str(text))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def emit(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: Format,
    title: str | None = None,
    wide: bool = False,
) -> None:
    """Write ``rows`` to standard output in ``fmt``; ``None`` prints as empty (CSV) or null.
    A table lists its sources as numbered references below it unless ``wide`` (CSV and JSON
    always keep the source column)."""
    if fmt is Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([["" if _blank(v) else defuse(v) for v in row] for row in rows])
    elif fmt is Format.json:
        json.dump(
            [
                {c: None if _blank(v) else v for c, v in zip(columns, row, strict=True)}
                for row in rows
            ],
            sys.stdout,
            ensure_ascii=False,
            indent=2,
            default=str,
        )
        sys.stdout.write("\n")
    else:
        _table(columns, rows, title, wide)


def numbered_sources(
    columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[list[str], list[list[Any]], list[str]]:
    """The source columns replaced by reference numbers ("[1]"), and the sources in number
    order: a URL column alone would make every row as tall as the URL is long."""
    at = [i for i, c in enumerate(columns) if c in SOURCE_COLUMNS]
    if not at:
        return list(columns), [list(r) for r in rows], []
    numbers: dict[str, int] = {}
    out = []
    for row in rows:
        row = list(row)
        for i in at:
            if not _blank(row[i]) and str(row[i]):
                row[i] = f"[{numbers.setdefault(str(row[i]), len(numbers) + 1)}]"
        out.append(row)
    named = ["ref" if i in at else c for i, c in enumerate(columns)]
    return named, out, list(numbers)


def _table(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None, wide: bool
) -> None:
    """A rich table that fits the terminal: light borders, headers that wrap at underscores,
    sources as numbered references below (unless ``wide``)."""
    sources: list[str] = []
    if not wide:
        columns, rows, sources = numbered_sources(columns, rows)
    cells = [["" if _blank(v) else str(v) for v in row] for row in rows]
    table = Table(
        title=Text(title) if title else None,
        show_lines=False,
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    for i, column in enumerate(columns):
        longest = max((len(row[i]) for row in cells), default=0)
        header = SHORT_HEADERS.get(column, column.replace("_", " "))
        short = longest <= SHORT_CELL  # numbers, codes: never broken over two lines
        table.add_column(
            Text(header),
            overflow="fold",
            no_wrap=short,
            min_width=max([longest, *map(len, header.split())]) if short else None,
        )
    for row in cells:
        table.add_row(*map(Text, row))
    out = Console(highlight=False)
    out.print(table)
    for number, source in enumerate(sources, 1):
        out.print(Text(f"[{number}] {source}"), soft_wrap=True)
