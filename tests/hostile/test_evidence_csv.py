"""Evidence CSVs as spreadsheets and editors save them: CRLF line ends, a quoted newline, a blank
line load; a header that names a column twice, misspells one or uses ';' is refused with the
nearest name; a field that never ends (an unclosed quote) loses only its row."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cartatlas.evidence.checks import check_evidence
from cartatlas.evidence.loader import load_evidence
from cartatlas.store import open_store
from tests.evidence.conftest import VALID, write_evidence


def _folder(tmp_path: Path) -> Path:
    return write_evidence(tmp_path / "evidence", VALID)


def _edit_prices(folder: Path, change) -> Path:
    path = folder / "prices.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(), newline="")))
    change(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue())
    return path


def _problems(folder: Path) -> list[str]:
    return [str(p) for p in check_evidence(folder).problems]


def test_crlf_a_quoted_newline_and_blank_lines_load(tmp_path) -> None:
    folder = _folder(tmp_path)
    _edit_prices(folder, lambda rows: (rows[0].append("note"), rows[1].append('one\n"two"')))
    path = folder / "prices.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n").replace(b"\r\n", b"\r\n\r\n", 1))
    assert _problems(folder) == []
    store = open_store(str(tmp_path / "s.duckdb"))
    assert load_evidence(store, folder).ok
    assert store.execute("SELECT note FROM evidence_prices") == [('one\n"two"',)]


def test_a_column_named_twice_is_refused_not_silently_overwritten(tmp_path) -> None:
    """csv.DictReader keeps the last of two same-named columns: the price's currency was
    silently the second column's 'EUR'."""
    folder = _folder(tmp_path)
    _edit_prices(folder, lambda rows: (rows[0].append("currency"), rows[1].append("EUR")))
    assert _problems(folder) == [
        "prices.csv, row at line 1: currency: named twice in the header: one column would "
        "silently replace the other's values; keep one"
    ]


def test_a_misspelt_column_names_the_nearest(tmp_path) -> None:
    folder = _folder(tmp_path)
    _edit_prices(folder, lambda rows: rows[0].__setitem__(rows[0].index("currency"), "curency"))
    [problem] = _problems(folder)
    assert problem.startswith(
        "prices.csv, row at line 1: curency: unknown column(s); did you mean 'currency'?; "
        "the columns are: product_id, "
    )


def test_a_semicolon_separated_file_is_named_as_such(tmp_path) -> None:
    folder = _folder(tmp_path)
    path = folder / "prices.csv"
    path.write_text(path.read_text().replace(",", ";"))
    [problem] = _problems(folder)
    assert "unknown column(s); the file is separated by ';': save it with commas (CSV, UTF-8)" in (
        problem
    )


def test_an_unclosed_quote_loses_only_its_row(tmp_path) -> None:
    """A field over csv's limit stopped the whole check: "Error: field larger than field limit
    (131072) (unexpected; … report it)"."""
    folder = _folder(tmp_path)
    path = folder / "prices.csv"
    header, row = path.read_text().splitlines()
    path.write_text(f'{header},note\n{row},"{"x" * 200_000}"\n{row},kept\n')
    evidence = check_evidence(folder)
    assert [str(p) for p in evidence.problems] == [
        "prices.csv, row at line 2: a field longer than 131,072 characters, almost always a "
        'quote (") opened and never closed; close it — this row was left out'
    ]
    assert [r.raw.get("note") for r in evidence.rows["prices"]] == ["kept"]


def test_a_folder_in_place_of_a_table_file_is_one_problem(tmp_path) -> None:
    """A folder named prices.csv stopped `kb check` / `kb load` with "IsADirectoryError …
    (unexpected …)"; the other tables are checked all the same."""
    folder = _folder(tmp_path)
    (folder / "prices.csv").unlink()
    (folder / "prices.csv").mkdir()
    assert _problems(folder) == ["prices.csv: a folder, not a file; put the table's CSV file there"]


def test_a_utf16_table_is_named_as_such(tmp_path) -> None:
    """Saved as Windows 'Unicode', a table was refused as "not valid UTF-8 (byte 0xff)"."""
    folder = _folder(tmp_path)
    path = folder / "prices.csv"
    path.write_bytes(path.read_text().encode("utf-16"))
    assert _problems(folder) == [
        "prices.csv, row at line 1: UTF-16 text, not UTF-8; re-save the file as UTF-8 — nothing "
        "of this file was read"
    ]
