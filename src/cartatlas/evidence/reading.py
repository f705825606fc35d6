"""Read evidence CSV files into validated rows, remembering each row's file and line."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

from cartatlas.controls import CONTROL_CHARACTERS
from cartatlas.evidence.tables import Table
from cartatlas.inputs import did_you_mean, not_one_of

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
    # The rejected row's key (product_id, study_id), so that rows pointing at it are reported
    # once, under this problem, instead of as "unknown" references.
    key: str | None = dataclass_field(default=None, compare=False)

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


def _pydantic_problems(
    table: Table, line: int, error: ValidationError, key: str | None
) -> list[Problem]:
    problems = []
    for item in error.errors():
        column = str(item["loc"][0]) if item["loc"] else None
        if column in _SOURCE_HINTS and item["type"] in ("missing", "string_too_short"):
            message = f"missing {column}: {_SOURCE_HINTS[column]}"
        elif item["type"] == "missing":
            message = "missing value: this column is required"
        elif item["type"] == "extra_forbidden":
            message = "unknown column"
        elif item["type"] in ("literal_error", "enum"):
            message = _not_allowed(table, column, item)
        else:
            message = item["msg"].removeprefix("Value error, ")
        problems.append(Problem(table.file_name, line, column, message, key))
    return problems


def _not_allowed(table: Table, column: str | None, item: dict[str, Any]) -> str:
    """ "'ASTCT2019' is not one of the allowed values; write 'Lee2014', 'ASTCT', … or 'CARTOX';
    did you mean 'ASTCT'?": a closed-vocabulary miss names the value, the values allowed and
    the nearest of them (a variant spelling would otherwise split one value's rows in two),
    worded by :func:`~cartatlas.inputs.not_one_of` as the schema's own vocabulary checks are."""
    field_info = table.model.model_fields.get(column or "")
    allowed = _literal_values(field_info.annotation) if field_info else []
    return not_one_of(
        str(item["input"]), allowed, "one of the allowed values", item["ctx"]["expected"]
    )


def _literal_values(annotation: Any) -> list[str]:
    """The values a ``Literal`` allows, also inside ``Optional``, ``list`` or ``Annotated``."""
    if get_origin(annotation) is Literal:
        return [str(v) for v in get_args(annotation)]
    return [v for arg in get_args(annotation) for v in _literal_values(arg)]


_BOM = b"\xef\xbb\xbf"


def _text(path: Path, name: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or ``None`` with the problem that stops it being read at all."""
    if not path.exists():
        return None, [
            Problem(
                name,
                None,
                None,
                "missing: every table needs its file (header and rows); restore it, e.g. "
                "`git checkout` the bundled one",
            )
        ]
    try:
        data = path.read_bytes()
    except OSError as exc:  # a folder named like the file ended in "IsADirectoryError (unexpected)"
        reason = "a folder, not a file" if path.is_dir() else f"cannot be read ({exc.strerror})"
        return None, [Problem(name, None, None, f"{reason}; put the table's CSV file there")]
    problems = []
    if data.startswith(_BOM):
        problems.append(
            Problem(
                name,
                None,
                None,
                "starts with a byte order mark (BOM, U+FEFF), an invisible character before the "
                "first column name; it was ignored, but re-save the file as UTF-8 without BOM",
            )
        )
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        # Windows tools save "Unicode" as UTF-16: "byte 0xff" said nothing of that.
        utf16 = exc.start == 0 and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        what = (
            "UTF-16 text, not UTF-8" if utf16 else f"not valid UTF-8 (byte 0x{data[exc.start]:02x})"
        )
        return None, [
            *problems,
            Problem(
                name,
                line,
                None,
                f"{what}; re-save the file as UTF-8 — nothing of this file was read",
            ),
        ]
    if not text.strip():
        return None, [
            *problems,
            Problem(name, None, None, "empty: no header and no rows; restore the file"),
        ]
    return text, problems


def _header_problem(table: Table, header: list[str]) -> Problem | None:
    """What makes the first line unusable: a column named twice (csv keeps the last value, so
    one silently replaced the other), or a column the table does not have (a misspelt name
    would drop its values), with the nearest column name."""
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        return Problem(
            table.file_name,
            1,
            ", ".join(twice),
            "named twice in the header: one column would silently replace the other's values; "
            "keep one",
        )
    unknown = [c for c in header if c not in table.columns]
    if not unknown:
        return None
    if len(header) == 1 and ";" in header[0]:
        hint = "; the file is separated by ';': save it with commas (CSV, UTF-8)"
    else:
        hint = "".join(did_you_mean(c, table.columns, 1) for c in unknown)
    return Problem(
        table.file_name,
        1,
        ", ".join(unknown),
        f"unknown column(s){hint}; the columns are: {', '.join(table.columns)}",
    )


_CONTROL_NAMES = {0x07: "bell", 0x08: "backspace", 0x0D: "carriage return", 0x1B: "escape"}


def _hidden_character(values: dict[str, str]) -> tuple[str, str] | None:
    """The first column holding a character no one can see, and the problem it makes."""
    for column, value in values.items():
        match = CONTROL_CHARACTERS.search(value)
        if match is None:
            continue
        if match[0] == "\x00":
            return column, "contains a NUL character, which PostgreSQL cannot store; remove it"
        code = ord(match[0])
        name = unicodedata.name(match[0], _CONTROL_NAMES.get(code, "a control character"))
        return column, (
            f"contains U+{code:04X} ({name.lower()}) at character {match.start() + 1}, invisible "
            "in the file (a terminal escape, or text reversed for display); remove it"
        )
    return None


def _unparsable(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return (
            f"a field longer than {csv.field_size_limit():,} characters, almost always a quote "
            '(") opened and never closed; close it — this row was left out'
        )
    return f"cannot be read as CSV ({text}); check its quotes — this row was left out"


def read_table(directory: Path, table: Table) -> tuple[list[Row], list[Problem]]:
    """Parse one table's CSV. Rows that fail their model are reported and left out; a file that
    is missing, empty, header-only or not UTF-8 is reported by name."""
    text, problems = _text(directory / table.file_name, table.file_name)
    if text is None:
        return [], problems
    rows: list[Row] = []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header_problem = _header_problem(table, reader.fieldnames or [])
    if header_problem:
        return [], [*problems, header_problem]
    next_line = 2
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # the parser resumes at the next line: only this row is lost
            problems.append(Problem(table.file_name, next_line, None, _unparsable(exc)))
            next_line = reader.line_num + 1
            continue
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
        # A quoted line break saved by Excel or on Windows is CRLF: store it as one newline.
        values = {
            k: v.strip().replace("\r\n", "\n")
            for k, v in raw.items()
            if v is not None and v.strip() != ""
        }
        key = values.get(table.key[0]) if len(table.key) == 1 else None
        hidden = _hidden_character(values)
        if hidden is not None:
            problems.append(Problem(table.file_name, line, hidden[0], hidden[1], key))
            continue
        try:
            record = table.model.model_validate(values)
        except ValidationError as error:
            problems.extend(_pydantic_problems(table, line, error, key))
            continue
        rows.append(Row(table, line, values, record))
    if not rows and not problems:
        problems.append(
            Problem(
                table.file_name,
                None,
                None,
                "has a header but no rows: loading it would empty the table; restore its rows",
            )
        )
    return rows, problems
