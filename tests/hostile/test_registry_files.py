"""Corrupted registry files: exactly the good records load, each bad one is rejected naming where
and which field, and a file that cannot be read at all fails with one line and exit 2 — on DuckDB
and on PostgreSQL (``store`` runs every test on both)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.registries.ctgov_files import import_file
from cartatlas.registries.ictrp import import_ictrp
from cartatlas.registries.ingest import LoadError
from cartatlas.registries.limits import ReadLimits
from cartatlas.store.registry_read import current_studies

from .conftest import nct, with_field

BAD = 3  # index of the corrupted line
COUNT = ("protocolSection", "designModule", "enrollmentInfo", "count")
TITLE = ("protocolSection", "identificationModule", "briefTitle")
ICTRP_CSV = Path(__file__).parents[1] / "fixtures" / "ictrp" / "ictrp-car-handmade.csv"


def _marked(line: str, escape: str) -> bytes:
    """``line`` whose title is ``escape``: a JSON escape (a lone surrogate) or raw bytes."""
    text = with_field(line, TITLE, "@@MARK@@").encode()
    return text.replace(b"@@MARK@@", escape.encode("latin-1"))


def _appended(line: str, member: str) -> bytes:
    """``line`` with one more top-level member the parser never reads."""
    return (line[:-1] + f', "extra": {member}}}').encode()


# case → (the bad line made from a real one, field named in the rejection; None = it loads)
CASES: dict[str, tuple[Callable[[str], bytes], str | None]] = {
    "invalid UTF-8": (lambda s: _marked(s, "\xff"), "(line)"),
    "nested 5,000 deep": (lambda s: _appended(s, "[" * 5000 + "]" * 5000), "(record)"),
    "integer above int64, unread field": (lambda s: _appended(s, "9" * 30), None),
    "integer of 5,000 digits": (lambda s: _appended(s, "9" * 5000), "(record)"),
    "enrollment above int64": (
        lambda s: with_field(s, COUNT, 2**70).encode(),
        "enrollment",
    ),
    "enrollment above INTEGER": (
        lambda s: with_field(s, COUNT, 3_000_000_000).encode(),
        "enrollment",
    ),
    "lone surrogate": (lambda s: _marked(s, "\\ud800"), "title"),
    "NUL character": (lambda s: _marked(s, "x\\u0000y"), "title"),
    "rich markup in text": (lambda s: _marked(s, "[/bold] [a-z0-9] [red]x"), None),
    "not a study object": (lambda s: b"[1, 2, 3]", "(record)"),
    "wrong type": (lambda s: with_field(s, COUNT, "many").encode(), "enrollmentInfo.count"),
    "negative enrollment": (lambda s: with_field(s, COUNT, -5).encode(), "enrollmentInfo.count"),
    "invalid JSON": (lambda s: s.encode()[:-40], "(line)"),
}


def _write_gz(path: Path, lines: list[bytes]) -> Path:
    with gzip.open(path, "wb") as handle:
        handle.write(b"\n".join(lines) + b"\n")
    return path


def _loaded(store) -> set[str]:
    return set(current_studies(store)["trial_id"])


@pytest.mark.parametrize("case", CASES)
def test_one_bad_line_loses_only_itself(case, store, real_lines, tmp_path) -> None:
    make, field = CASES[case]
    good = real_lines[:-1]
    lines = [s.encode() for s in good]
    lines[BAD] = make(good[BAD])
    path = _write_gz(tmp_path / "hostile.jsonl.gz", lines)
    report = import_file(store, path)
    expected = {nct(s) for i, s in enumerate(good) if i != BAD or field is None}
    assert _loaded(store) == expected
    assert report.studies == len(expected)
    if field is None:
        assert report.rejected == []
        return
    [rejection] = report.rejected
    assert rejection.location == f"hostile.jsonl.gz line {BAD + 1}"
    assert field in rejection.field, rejection
    assert rejection.message


def test_trailing_newline_in_trial_id_is_not_a_second_trial(store, real_lines, tmp_path) -> None:
    ident = ("protocolSection", "identificationModule", "nctId")
    copy = with_field(real_lines[0], ident, nct(real_lines[0]) + "\n")
    path = _write_gz(tmp_path / "dup.jsonl.gz", [s.encode() for s in real_lines] + [copy.encode()])
    report = import_file(store, path)
    assert _loaded(store) == {nct(s) for s in real_lines}
    [rejection] = report.rejected
    assert rejection.field.endswith("nctId")


def test_byte_order_mark_is_read_past(store, real_lines, tmp_path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(real_lines).encode())
    report = import_file(store, path)
    assert report.rejected == [] and _loaded(store) == {nct(s) for s in real_lines}


def test_truncated_gzip_loads_every_complete_line(store, real_lines, tmp_path) -> None:
    whole = gzip.compress("\n".join(real_lines).encode() + b"\n")
    cut = whole[: len(whole) * 2 // 3]
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(cut)
    readable = zlib_prefix(cut)
    complete = readable.split(b"\n")[:-1]  # the last piece was cut mid-line
    report = import_file(store, path)
    assert _loaded(store) == {nct(line.decode()) for line in complete}
    [rejection] = report.rejected
    assert rejection.location == f"cut.jsonl.gz after line {len(complete)}"
    assert "truncated" in rejection.message


def zlib_prefix(data: bytes) -> bytes:
    """Everything a gzip stream cut short still decompresses to (an independent route)."""
    import zlib

    return zlib.decompressobj(wbits=31).decompress(data)


def test_one_bad_zip_member_loses_only_itself(store, real_lines, tmp_path) -> None:
    path = tmp_path / "parts.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.jsonl", "\n".join(real_lines[:4]))
        archive.writestr("b.jsonl", "\n".join(real_lines[4:8]))
        archive.writestr("c.json", json.dumps([json.loads(s) for s in real_lines[8:]]))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo("b.jsonl").header_offset
    data[offset : offset + 4] = b"XXXX"  # b's local header no longer reads
    path.write_bytes(bytes(data))
    report = import_file(store, path)
    assert _loaded(store) == {nct(s) for s in real_lines[:4] + real_lines[8:]}
    [rejection] = report.rejected
    assert rejection.location == "parts.zip!b.jsonl" and rejection.field == "(file)"


def test_caps_reject_long_lines_and_stop_at_the_decompressed_total(
    store, real_lines, tmp_path
) -> None:
    lines = [s.encode() for s in real_lines]
    lines[BAD] = b" " * 3_000_000  # inflates 1000:1
    path = _write_gz(tmp_path / "bomb.jsonl.gz", lines)
    report = import_file(store, path, limits=ReadLimits(line_bytes=100_000))
    assert _loaded(store) == {nct(s) for i, s in enumerate(real_lines) if i != BAD}
    assert [r.location for r in report.rejected] == [f"bomb.jsonl.gz line {BAD + 1}"]
    assert "CARTATLAS_MAX_LINE" in report.rejected[0].message

    total = sum(len(s) + 1 for s in lines[:BAD])
    capped = import_file(
        store, path, limits=ReadLimits(decompressed_bytes=total + 10), selection="capped"
    )
    assert capped.studies == BAD
    assert "CARTATLAS_MAX_DECOMPRESSED" in capped.rejected[-1].message


def test_document_cap(store, real_lines, tmp_path) -> None:
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"studies": [json.loads(s) for s in real_lines]}))
    with pytest.raises(LoadError, match="CARTATLAS_MAX_DOCUMENT"):
        import_file(store, path, limits=ReadLimits(document_bytes=10_000))


def _one_line_exit_2(args: list[str], target: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, ["--db", target, *args], env=env)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


@pytest.mark.parametrize(
    "name, content",
    [
        ("plain.jsonl.gz", b'{"protocolSection": {}}\n'),  # named .gz, not gzip
        ("broken.zip", b"PK\x03\x04" + b"\x00" * 40),  # not a readable zip
        ("empty.jsonl", b""),
    ],
)
def test_unreadable_container_is_one_line_exit_2(stores, tmp_path, name, content) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    line = _one_line_exit_2(["import", str(path)], stores.target())
    assert name in line


def test_bad_cap_setting_is_one_line_exit_2(stores, real_lines, tmp_path) -> None:
    path = _write_gz(tmp_path / "ok.jsonl.gz", [s.encode() for s in real_lines])
    line = _one_line_exit_2(
        ["import", str(path)], stores.target(), env={"CARTATLAS_MAX_LINE": "lots"}
    )
    assert "CARTATLAS_MAX_LINE" in line


def test_rich_markup_in_records_is_printed_not_interpreted(stores, real_lines, tmp_path) -> None:
    bad = real_lines[0][:-1] + ', "x"}'  # invalid JSON: the rejection quotes nothing harmful
    lines = [s.encode() for s in real_lines[1:]]
    lines.append(
        with_field(real_lines[0], COUNT, "[/bold] [a-z0-9]").encode()  # rejected, message echoes
    )
    lines.append(bad.encode())
    path = _write_gz(tmp_path / "markup[bold].jsonl.gz", lines)
    result = CliRunner().invoke(app, ["--db", stores.target(), "import", str(path)])
    assert result.exit_code == 1, result.output
    assert "'[/bold] [a-z0-9]'" in result.output
    assert "markup[bold].jsonl.gz" in result.output


def _ictrp_with(tmp_path: Path, target_size: str, raw: bytes | None = None) -> Path:
    rows = list(csv.DictReader(ICTRP_CSV.open(encoding="utf-8-sig")))
    rows[1]["Target size"] = target_size
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    data = out.getvalue().encode()
    if raw is not None:
        data = data.replace(b"Case series", raw, 1)
    path = tmp_path / "ictrp.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "target_size, raw, field",
    [
        ("99999999999999999999999", None, "Target_size"),  # above int64
        ("3000000000", None, "enrollment"),  # above INTEGER
        ("Case series:20;", b"Case \xff series", "target_size"),  # not UTF-8
    ],
)
def test_ictrp_bad_row_loses_only_itself(store, tmp_path, target_size, raw, field) -> None:
    report = import_ictrp(store, _ictrp_with(tmp_path, target_size, raw))
    assert _loaded(store) == {"ChiCTR2000031234", "CTRI/2021/05/033456"}
    [rejection] = report.rejected
    assert rejection.location.startswith("ictrp.csv line ") and rejection.field == field


def test_a_utf16_file_is_named_as_utf16(stores, real_lines, tmp_path) -> None:
    """It was "not valid UTF-8 (byte b'\\xff' at byte 1)", which says nothing to fix."""
    path = tmp_path / "unicode.json"
    path.write_bytes(real_lines[0].encode("utf-16"))
    line = _one_line_exit_2(["import", str(path)], stores.target())
    assert (
        "unicode.json line 1: field (file): UTF-16 text (it starts with a UTF-16 byte order "
        "mark, as Windows tools save 'Unicode'), not UTF-8; re-save the file as UTF-8" in line
    )


@pytest.mark.parametrize(
    "name, message",
    [
        (" ", "' ' is not a name one can read back and type again"),
        ("a\tb", "'a\\tb' is not a name one can read back and type again"),
        ("x\x1b[2Jy", "'x\\x1b[2Jy' is not a name one can read back and type again"),
        ("x" * 201, "a name of 201 characters; give at most 200"),
    ],
)
def test_a_selection_name_one_cannot_read_back_is_refused(tmp_path, capsys, real_lines, name,
                                                          message) -> None:  # fmt: skip
    """A blank name, a tab or a terminal escape was stored as a selection's name (and printed
    wherever selections are listed); the store is not touched."""
    from cartatlas.cli import app

    records = tmp_path / "ten.jsonl"
    records.write_text("\n".join(real_lines[:2]) + "\n")
    store = tmp_path / "s.duckdb"
    with pytest.raises(SystemExit) as exit_info:
        app(["--db", str(store), "import", str(records), "--selection", name])
    assert exit_info.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"Invalid value for '--selection': {message}" in err and not store.exists()
