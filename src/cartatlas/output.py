"""Print rows as a rich table, CSV or JSON: the one place every listing command formats output."""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cartatlas.spreadsheet import defuse


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
    columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: Format, title: str | None = None
) -> None:
    """Write ``rows`` to standard output in ``fmt``; ``None`` prints as empty (CSV) or null."""
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
        table = Table(title=Text(title) if title else None, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(Text("" if _blank(v) else str(v)) for v in row))
        Console().print(table)
