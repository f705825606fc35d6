"""Print rows as a rich table, CSV or JSON: the one place every listing command formats output."""

from __future__ import annotations

import csv
import json
import re
import sys
import textwrap
from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from cartatlas.controls import CONTROL_CHARACTERS
from cartatlas.missing import is_missing
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


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _symbol(match: re.Match[str]) -> str:
    code = ord(match[0])
    return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else "\ufffd"


def visible(text: str) -> str:
    """``text`` with every control character shown as one symbol (ESC as ␛, BEL as ␇, others as
    �), so a registry title, an evidence note or an article cannot move the cursor, clear the
    screen, retitle the window or reverse a line on the reader's terminal. One character for
    one keeps rich's style spans in place."""
    return CONTROL_CHARACTERS.sub(_symbol, text)


class _PlainConsole(Console):
    """A rich console whose printed text cannot act on the terminal: the control characters of
    every text segment are shown as symbols (:func:`visible`); rich's own control segments
    (cursor moves of a progress bar) and the styles it renders pass unchanged."""

    def render(self, renderable: Any, options: Any = None) -> Iterator[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and CONTROL_CHARACTERS.search(segment.text):
                segment = Segment(visible(segment.text), segment.style)
            yield segment


def console(stderr: bool = False, markup: bool = False) -> Console:
    """A console that prints text as it is. Rich markup is off, so registry or evidence text
    such as ``[/bold]`` or the pattern ``[a-z0-9]`` is printed, never interpreted (markup in
    a message once crashed commands or silently dropped text); colour goes through
    :func:`tagged` (``markup=True``: for a command that escapes every value it prints). ANSI
    escapes and other control characters in any text are shown, never sent (:func:`visible`)."""
    return _PlainConsole(stderr=stderr, soft_wrap=True, highlight=False, markup=markup)


def tagged(tag: str, style: str, text: object) -> Text:
    """``tag text`` with only the tag coloured: ``tagged("error", "red", exc)``."""
    return Text.assemble((tag, style), " " if str(text) else "", str(text))


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
        writer.writerows([["" if is_missing(v) else defuse(v) for v in row] for row in rows])
    elif fmt is Format.json:
        json.dump(
            [
                {c: None if is_missing(v) else v for c, v in zip(columns, row, strict=True)}
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
            if not is_missing(row[i]) and str(row[i]):
                row[i] = f"[{numbers.setdefault(str(row[i]), len(numbers) + 1)}]"
        out.append(row)
    named = ["ref" if i in at else c for i, c in enumerate(columns)]
    return named, out, list(numbers)


#: A word longer than this in a prose column (a long URL in a title) may be broken; IDs, dates,
#: codes and numbers (columns whose cells are single words) never are.
LONGEST_UNBROKEN = 24
_LIST_SEPARATOR = re.compile(r"(?<=\S)([;|])(?=\S)")


def _display(value: Any) -> str:
    """A cell as the table shows it: lists (``CN;US``, ``US:Yescarta|CN:…``) get a space after
    each separator, so a long list wraps between its items, never inside one."""
    return "" if is_missing(value) else _LIST_SEPARATOR.sub(r"\1 ", visible(str(value)))


def _hoisted(
    headers: list[str], cells: list[list[str]]
) -> tuple[list[str], list[list[str]], list[str]]:
    """Columns with one value in every row leave the table for a line above it ("product:
    axicabtagene-ciloleucel"): the table keeps the columns that tell its rows apart."""
    if len(cells) < 2:
        return headers, cells, []
    keep = [i for i in range(len(headers)) if len({row[i] for row in cells}) > 1]
    same = [  # a blank kept blank ("—"): the caller decides whether blank means "no data" or
        # "not applicable" (a prediction interval of one study)
        f"{headers[i]}: {cells[0][i] or '—'}"
        for i in range(len(headers))
        if i not in keep
    ]
    return [headers[i] for i in keep], [[row[i] for i in keep] for row in cells], same


def _narrowest(header: str, column: list[str]) -> tuple[int, bool]:
    """The narrowest width that breaks no ID (a single-word column keeps its longest cell on
    one line) and no header word, and whether the column is single words."""
    words = [cell_len(w) for cell in column for w in cell.split()]
    single = all(len(cell.split()) <= 1 for cell in column)
    longest = max(words, default=0) if single else min(max(words, default=0), LONGEST_UNBROKEN)
    return max(longest, *map(cell_len, header.split())), single


def _table(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None, wide: bool
) -> None:
    """A table that fits the terminal without breaking an ID, a date or a number: sources as
    numbered references below, columns that are the same in every row as a line above; when
    the rest still cannot fit, each row is printed as a record of "header: value" pairs.
    ``wide`` keeps every column (sources included) in one table as wide as its content."""
    sources: list[str] = []
    if not wide:
        columns, rows, sources = numbered_sources(columns, rows)
    headers = [SHORT_HEADERS.get(c, c.replace("_", " ")) for c in columns]
    cells = [[_display(v) for v in row] for row in rows]
    same: list[str] = []
    if not wide:
        headers, cells, same = _hoisted(headers, cells)
    out = _PlainConsole(highlight=False)
    spans = [_narrowest(h, [row[i] for row in cells]) for i, h in enumerate(headers)]
    natural = sum(
        max([cell_len(h), *(cell_len(row[i]) for row in cells)]) + 1 for i, h in enumerate(headers)
    )
    if wide:
        out = _PlainConsole(highlight=False, width=max(out.width, natural + len(headers)))
    if title:
        out.print(Text(title, style="bold"))
    for line in same:
        out.print(Text(line), soft_wrap=True)
    # rich's SIMPLE_HEAD table: each column is its width plus one of padding, one separator
    # between columns and one edge at each side (the last padding is the right edge); a table
    # wider than that loses its last columns.
    if wide or sum(width + 1 for width, _ in spans) + len(spans) <= out.width:
        table = Table(show_lines=False, box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0))
        for header, (width, single) in zip(headers, spans, strict=True):
            table.add_column(Text(header), overflow="fold", no_wrap=single, min_width=width)
        for row in cells:
            table.add_row(*map(Text, row))
        out.print(table)
    else:
        _records(out, headers, cells)
    for number, source in enumerate(sources, 1):
        out.print(Text(f"[{number}] {source}"), soft_wrap=True)


def _records(out: Console, headers: list[str], cells: list[list[str]]) -> None:
    """Rows too wide for a table: one record per row, its "header: value" pairs filling each
    line (the record's further lines indented); a pair is split at spaces, with a hanging
    indent, only when it alone is wider than the terminal."""
    width = out.width
    for row in cells:
        lines: list[str] = []
        line = ""
        for pair in (f"{h}: {v}" for h, v in zip(headers, row, strict=True) if v):
            indent = "  " if lines or line.startswith("  ") else ""
            if line and cell_len(line) + 3 + cell_len(pair) <= width:
                line += f"   {pair}"
            elif not line and cell_len(indent + pair) <= width:
                line = indent + pair
            elif cell_len(pair) + 2 <= width:
                lines.append(line)
                line = f"  {pair}"
            else:
                lines += [line] if line else []
                lines += textwrap.wrap(
                    pair,
                    width,
                    initial_indent="  ",
                    subsequent_indent="    ",
                    break_on_hyphens=False,
                )
                line = ""
        for text in [*lines, line]:
            if text:
                out.print(Text(text), overflow="fold", no_wrap=True)
        out.print()
