"""``cartatlas import PATH``: ClinicalTrials.gov API v2 studies from files, through the same parser
as ``cartatlas sync``.

Accepted: one study (``{"protocolSection": …}``), an API page (``{"studies": [...]}``), a JSON
list of studies, JSON Lines, any of these gzipped, and a zip holding any of these. Each record
is located by file and line (JSON Lines) or by study number (documents), so a rejection can say
exactly where to look.
"""

from __future__ import annotations

import codecs
import gzip
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any

import msgspec

from cartatlas.registries.ctgov_parse import parse_study
from cartatlas.registries.ingest import LoadError, LoadReport, load_snapshot
from cartatlas.registries.isolation import parse_guarded
from cartatlas.registries.limits import ENV_NAMES, ReadLimits, size_text
from cartatlas.registries.read_ahead import read_ahead
from cartatlas.registries.record import RecordError, TrialRecord
from cartatlas.store.connection import Store
from cartatlas.store.registry_batch import BATCH_SIZE, Batch, Parsed, prepare_batch

_SUFFIXES = (".gz", ".zip", ".jsonl", ".ndjson", ".json")
_MEMBERS = (".json", ".jsonl", ".ndjson", ".gz")
_DATED = re.compile(r"^(?P<name>.+?)[-_.](?P<date>\d{4}-\d{2}-\d{2}|\d{8})$")


def selection_and_date(path: Path) -> tuple[str, str | None]:
    """Default selection and snapshot date from a file name: ``cart-oncology-2026-08-22.jsonl.gz``
    → ``("cart-oncology", "2026-08-22")``. Snapshots of one selection share the name before the
    date, which is what lets a newer file replace an older one."""
    stem = path.name
    while stem.lower().endswith(_SUFFIXES):
        stem = stem[: stem.rfind(".")]
    match = _DATED.match(stem)
    if not match:
        return stem, None
    day = match["date"].replace("-", "")
    return match["name"], f"{day[:4]}-{day[4:6]}-{day[6:]}"


Entry = tuple[str, "str | RecordError"]  # (location, study JSON text or a file-level error)
_BOM = b"\xef\xbb\xbf"


class _Unreadable(Exception):
    """The rest of a container cannot be read (a cap reached, corrupt compressed data)."""


class _Budget:
    """Decompressed bytes one input has yielded so far, against :class:`ReadLimits`."""

    def __init__(self, limits: ReadLimits) -> None:
        self.limits = limits
        self.used = 0

    def take(self, count: int) -> None:
        self.used += count
        if self.used > self.limits.decompressed_bytes:
            raise _Unreadable(
                f"more than {size_text(self.limits.decompressed_bytes)} once decompressed "
                f"(the cap {ENV_NAMES['decompressed_bytes']}); the rest was not read — "
                "raise the cap if the file is genuine"
            )


def _json_lines(
    raw: IO[bytes], label: str, budget: _Budget, state: dict[str, int]
) -> Iterator[Entry]:
    """Each line on its own: a line that is too long or not UTF-8 is one rejection."""
    cap = budget.limits.line_bytes
    number = 0
    while line := raw.readline(cap + 1):
        number += 1
        state["line"] = number
        budget.take(len(line))
        location = f"{label} line {number}"
        if len(line) > cap and not line.endswith(b"\n"):
            while (rest := raw.readline(cap)) and not rest.endswith(b"\n"):
                budget.take(len(rest))
            budget.take(len(rest))
            yield (
                location,
                RecordError(
                    "(line)",
                    f"longer than {size_text(cap)} (the cap {ENV_NAMES['line_bytes']}); "
                    "skipped — raise the cap if the record is genuine",
                ),
            )
            continue
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM) :]
        try:
            text = line.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            yield location, RecordError("(line)", _not_utf8(line, exc))
            continue
        if text:
            yield location, text


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> str:
    if exc.start == 0 and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return (
            "UTF-16 text (it starts with a UTF-16 byte order mark, as Windows tools save "
            "'Unicode'), not UTF-8; re-save the file as UTF-8"
        )
    return (
        f"not valid UTF-8 (byte {data[exc.start : exc.start + 1]!r} at byte {exc.start + 1}); "
        "re-save the file as UTF-8"
    )


def _document(text: str, label: str) -> Iterator[Entry]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several JSON values, one per line: JSON Lines after all
            for number, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    yield f"{label} line {number}", line.strip()
            return
        where = f"line {exc.lineno}, column {exc.colno}"
        yield label, RecordError("(file)", f"not valid JSON ({exc.msg} at {where})")
        return
    except RecursionError:
        yield (
            label,
            RecordError("(file)", "JSON nested too deeply to read (more than ~1,000 levels)"),
        )
        return
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        yield label, RecordError("(file)", f"not readable JSON ({exc})"[:300])
        return
    if isinstance(data, dict) and "studies" in data:
        studies = data["studies"]
        if not isinstance(studies, list):
            yield label, RecordError("studies", "expected a list of studies")
            return
    elif isinstance(data, list):
        studies = data
    else:
        studies = [data]
    for number, study in enumerate(studies, 1):
        yield f"{label} study #{number}", json.dumps(study, ensure_ascii=False)


def _read_document(raw: IO[bytes], label: str, budget: _Budget) -> Iterator[Entry]:
    cap = budget.limits.document_bytes
    data = raw.read(cap + 1)
    budget.take(len(data))
    if len(data) > cap:
        yield (
            label,
            RecordError(
                "(file)",
                f"a JSON document larger than {size_text(cap)} (the cap "
                f"{ENV_NAMES['document_bytes']}); split it into JSON Lines (one study per line), "
                "which are read one line at a time",
            ),
        )
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        yield f"{label} line {line}", RecordError("(file)", _not_utf8(data, exc))
        return
    yield from _document(text, label)


def _open_member(
    name: str, opener: Callable[[], IO[bytes]], label: str, budget: _Budget
) -> Iterator[Entry]:
    """Dispatch on the name: ``.gz`` unwraps, ``.jsonl``/``.ndjson`` stream, the rest are
    documents. A member whose data breaks off (truncated or corrupt compression, a cap reached)
    yields what it read and then one error naming where it stopped."""
    lower = name.lower()
    if lower.endswith(".gz"):
        yield from _open_member(
            name[:-3],
            lambda: gzip.open(opener()),  # noqa: SIM115
            label,
            budget,
        )
        return
    state = {"line": 0}
    try:
        with opener() as raw:
            if lower.endswith((".jsonl", ".ndjson")):
                yield from _json_lines(raw, label, budget, state)
            else:
                yield from _read_document(raw, label, budget)
    except (
        _Unreadable,
        EOFError,
        OSError,
        zlib.error,
        zipfile.BadZipFile,
        NotImplementedError,
    ) as exc:
        where = f" after line {state['line']}" if state["line"] else ""
        yield f"{label}{where}", RecordError("(file)", _unreadable(exc))


def _unreadable(exc: BaseException) -> str:
    """A container error in words: what is wrong with the file, not which call failed."""
    if isinstance(exc, _Unreadable):
        return str(exc)
    if isinstance(exc, EOFError):
        return "truncated: the compressed data ends early (an interrupted download or copy?)"
    if isinstance(exc, gzip.BadGzipFile):
        return f"not a gzip file although its name ends in .gz ({exc})"
    if isinstance(exc, zlib.error | zipfile.BadZipFile):
        return f"corrupt compressed data ({exc})"
    return f"cannot be read ({exc.strerror or exc})" if isinstance(exc, OSError) else str(exc)


def read_entries(path: Path, limits: ReadLimits | None = None) -> Iterator[Entry]:
    """Every study in ``path`` as ``(location, JSON text)``, or a file-level error."""
    budget = _Budget(limits or ReadLimits.from_env())
    if zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            yield path.name, RecordError("(file)", _unreadable(exc))
            return
        with archive:
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                if info.is_dir() or not info.filename.lower().endswith(_MEMBERS):
                    continue
                yield from _open_member(
                    info.filename,
                    lambda i=info: archive.open(i),
                    f"{path.name}!{info.filename}",
                    budget,
                )
        return
    yield from _open_member(path.name, lambda: path.open("rb"), path.name, budget)


_DECODE = msgspec.json.Decoder().decode
# More brackets than this and a record may nest too deeply for json.loads (Python's recursion
# limit, ~1,000 levels), so it takes that path and gets its answer.
_DEEP = 900


def _load(text: str) -> Any:
    """``json.loads(text)``, about twice as fast. msgspec refuses what json.loads accepts beyond
    RFC 8259 (NaN, Infinity, lone surrogate escapes, integers of thousands of digits); such
    records, and any msgspec cannot read, go through json.loads, so every value and every error
    message is json.loads' own."""
    if text.count("[") + text.count("{") < _DEEP:
        try:
            return _DECODE(text)
        except (msgspec.DecodeError, RecursionError):
            pass
    return json.loads(text)


def decode_study(text: str) -> Any:
    """One entry's JSON text decoded (:func:`_load`), or :class:`RecordError` raised saying
    where the JSON breaks; every reader of API v2 files (``import``, ``classify --input``)
    decodes and reports it the same way."""
    try:
        return _load(text)
    except json.JSONDecodeError as exc:
        raise RecordError(
            "(line)", f"not valid JSON ({exc.msg} at column {exc.colno}); fix or delete the line"
        ) from None


def _parse_text(text: str) -> TrialRecord:
    return parse_study(decode_study(text), text)


def parse_entry(location: str, text: str | RecordError) -> Parsed:
    """One study's JSON text through the shared parser (``sync`` parses the same way)."""
    if isinstance(text, RecordError):
        return location, text
    return parse_guarded(location, _parse_text, text)


def _prepare(entries: list[Entry]) -> Batch:
    return prepare_batch(
        (parse_entry(location, text) for location, text in entries), text_from_raw=True
    )


def read_batches(path: Path, limits: ReadLimits | None = None) -> Iterator[Batch]:
    """``path`` as batches of parsed studies."""
    entries = read_entries(path, limits)
    return map(_prepare, iter(lambda: list(islice(entries, BATCH_SIZE)), []))


def checked_snapshot_date(text: str) -> str:
    """``text`` as the ISO day a snapshot was exported; "2026-13-01", "yesterday" or a day after
    today (stored as the snapshot's date as given) raise :class:`LoadError` saying so."""
    today = datetime.now(UTC).date()
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise LoadError(
            f"--snapshot-date {text!r} is not a date; give the day the file was exported as "
            f"YYYY-MM-DD, e.g. {today.isoformat()}"
        ) from None
    if day > today:
        raise LoadError(
            f"--snapshot-date {day.isoformat()} is after today ({today.isoformat()}): a snapshot "
            "cannot have been exported in the future; give the day the file was exported"
        )
    return day.isoformat()


def import_file(
    store: Store,
    path: Path,
    *,
    selection: str | None = None,
    snapshot_date: str | None = None,
    progress: Callable[[int], None] | None = None,
    limits: ReadLimits | None = None,
) -> LoadReport:
    """Import ``path`` as the snapshot of its selection (default: from the file name); ``limits``
    default to :meth:`ReadLimits.from_env`."""
    limits = limits or ReadLimits.from_env()
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: {'a folder, not a file' if path.is_dir() else 'no such file'}; give the "
            "path of a .json, .jsonl(.gz) or .zip file"
        )
    default_selection, default_date = selection_and_date(path)
    if snapshot_date is not None:
        snapshot_date = checked_snapshot_date(snapshot_date)
    return load_snapshot(
        store,
        read_ahead(read_batches(path, limits)),
        selection=selection or default_selection,
        run_fields={
            "kind": "import",
            "registry": "CTGOV",
            "source_path": str(path.resolve()),
            "snapshot_date": snapshot_date or default_date,
            "data_timestamp": snapshot_date or default_date,
        },
        progress=progress,
    )
