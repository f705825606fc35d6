"""One bad record never takes the others with it: the guard every registry loader parses through,
and the rules a record must meet to be stored the same way on DuckDB and on PostgreSQL.

Parsers raise :class:`RecordError` for what they expect to go wrong. Hostile input finds other
ways (JSON nested deeper than Python's recursion limit, an integer of 5,000 digits, a value of a
type nobody foresaw); :func:`parse_guarded` turns those into rejections of the one record too.
:func:`unstorable` checks the normalized row values the store would receive: PostgreSQL refuses
text holding NUL, neither backend can store an unpaired UTF-16 surrogate (it is not Unicode
text), and ``enrollment`` is an SQL INTEGER. Rejecting such a record on both backends keeps a
snapshot identical wherever it is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

from cartatlas.registries.record import RecordError, TrialRecord

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # SQL INTEGER, on both backends
# Integer columns whose value comes from the input (``ord`` is a list position the loader makes).
INTEGER_COLUMNS = frozenset({"enrollment"})
# JSON escapes of what the store refuses: NUL, and the UTF-16 surrogates U+D800–U+DFFF.
_REFUSED_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def parse_guarded(location: str, parse: Callable[..., TrialRecord], *args: object) -> tuple:
    """``(location, record)`` or ``(location, RecordError)``: whatever ``parse`` raises, except
    an interrupt, becomes the rejection of this one record."""
    try:
        return location, parse(*args)
    except RecordError as exc:
        return location, exc
    except RecursionError:
        return location, RecordError(
            "(record)", "nested too deeply to read (more than ~1,000 levels); fix the record"
        )
    except Exception as exc:  # noqa: BLE001 — the point: no record may stop the load
        return location, RecordError("(record)", f"cannot be read: {_short(exc)}")


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored, or ``None``."""
    if "\x00" in text:
        return "contains a NUL character (U+0000), which PostgreSQL cannot store; remove it"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            return (
                f"contains an unpaired surrogate (U+{ord(text[exc.start]):04X}) at character "
                f"{exc.start + 1}, which is not valid Unicode; fix the escape in the source"
            )
    return None


def storable(text: object) -> bool:
    """True for text both backends store unchanged."""
    return isinstance(text, str) and text_problem(text) is None


def unstorable(
    columns: Iterable[tuple[str, tuple[str, ...], Iterable[tuple]]],
    raw: str,
    text_from_raw: bool = False,
) -> RecordError | None:
    """The first value of a record's rows that the store cannot take as it is.

    ``columns`` yields ``(table, column names, rows)``; a cheap pass over all text at once
    comes first, so a clean record (nearly all of them) costs one join and one encode.
    ``text_from_raw`` says every text value was decoded from ``raw``, a JSON text (the
    ClinicalTrials.gov parser): when ``raw`` holds neither a refused character nor its escape,
    no value can, and only the integer columns are checked.
    """
    parts = list(columns)
    if text_from_raw and text_problem(raw) is None and not _REFUSED_ESCAPE.search(raw):
        return _out_of_range(parts)
    texts = [raw]
    for table, names, rows in parts:
        for row in rows:
            for name, value in zip(names, row, strict=True):
                if type(value) is str:
                    texts.append(value)
                elif (
                    type(value) is int
                    and name in INTEGER_COLUMNS
                    and not (INT_MIN <= value <= INT_MAX)
                ):
                    return _out_of_range_error(table, name, value)
    if text_problem("".join(texts)) is None:
        return None
    for table, names, rows in parts:
        for row in rows:
            for name, value in zip(names, row, strict=True):
                if type(value) is str and (problem := text_problem(value)):
                    return RecordError(_field(table, name), problem)
    problem = text_problem(raw) or "cannot be stored"
    return RecordError("(raw record)", problem)


@cache
def _integer_positions(names: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    return tuple((i, name) for i, name in enumerate(names) if name in INTEGER_COLUMNS)


def _out_of_range(parts: list[tuple[str, tuple[str, ...], Iterable[tuple]]]) -> RecordError | None:
    for table, names, rows in parts:
        checked = _integer_positions(names)
        for row in rows if checked else ():
            for i, name in checked:
                value = row[i]
                if type(value) is int and not (INT_MIN <= value <= INT_MAX):
                    return _out_of_range_error(table, name, value)
    return None


def _out_of_range_error(table: str, name: str, value: int) -> RecordError:
    return RecordError(
        _field(table, name),
        f"{value if len(str(value)) < 40 else str(value)[:20] + '…'} is out of "
        f"range: the store holds whole numbers from {INT_MIN:,} to {INT_MAX:,}",
    )


def _field(table: str, column: str) -> str:
    return column if table == "reg_study" else f"{table.removeprefix('reg_')}.{column}"
