"""``cartatlas import PATH``: ClinicalTrials.gov API v2 studies from files, through the same parser
as ``cartatlas sync``.

Accepted: one study (``{"protocolSection": …}``), an API page (``{"studies": [...]}``), a JSON
list of studies, JSON Lines, any of these gzipped, and a zip holding any of these. Each record
is located by file and line (JSON Lines) or by study number (documents), so a rejection can say
exactly where to look.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO

from cartatlas.registries.ctgov_parse import parse_study
from cartatlas.registries.ingest import LoadReport, load_snapshot
from cartatlas.registries.record import RecordError
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


def _json_lines(stream: IO[str], label: str) -> Iterator[Entry]:
    for number, line in enumerate(stream, 1):
        line = line.strip()
        if line:
            yield f"{label} line {number}", line


def _document(text: str, label: str) -> Iterator[Entry]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several JSON values, one per line: JSON Lines after all
            yield from _json_lines(io.StringIO(text), label)
            return
        where = f"line {exc.lineno}, column {exc.colno}"
        yield label, RecordError("(file)", f"not valid JSON ({exc.msg} at {where})")
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


def _open_member(name: str, opener: Callable[[], IO[bytes]], label: str) -> Iterator[Entry]:
    """Dispatch on the name: ``.gz`` unwraps, ``.jsonl``/``.ndjson`` stream, the rest are documents.

    Every stream is closed by the ``with`` below, also the gzip one opened by the lambda."""
    lower = name.lower()
    if lower.endswith(".gz"):
        yield from _open_member(name[:-3], lambda: gzip.open(opener()), label)  # noqa: SIM115
        return
    with opener() as raw:
        stream = io.TextIOWrapper(raw, encoding="utf-8-sig")
        if lower.endswith((".jsonl", ".ndjson")):
            yield from _json_lines(stream, label)
        else:
            yield from _document(stream.read(), label)


def read_entries(path: Path) -> Iterator[Entry]:
    """Every study in ``path`` as ``(location, JSON text)``, or a file-level error."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                if info.is_dir() or not info.filename.lower().endswith(_MEMBERS):
                    continue
                yield from _open_member(
                    info.filename, lambda i=info: archive.open(i), f"{path.name}!{info.filename}"
                )
        return
    yield from _open_member(path.name, lambda: path.open("rb"), path.name)


def parse_entry(location: str, text: str | RecordError) -> Parsed:
    """One study's JSON text through the shared parser (``sync`` parses the same way)."""
    if isinstance(text, RecordError):
        return location, text
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return location, RecordError(
            "(line)", f"not valid JSON ({exc.msg} at column {exc.colno}); fix or delete the line"
        )
    try:
        return location, parse_study(data, text)
    except RecordError as exc:
        return location, exc


def _prepare(entries: list[Entry]) -> Batch:
    return prepare_batch(parse_entry(location, text) for location, text in entries)


def read_batches(path: Path) -> Iterator[Batch]:
    """``path`` as batches of parsed studies."""
    entries = read_entries(path)
    return map(_prepare, iter(lambda: list(islice(entries, BATCH_SIZE)), []))


def import_file(
    store: Store,
    path: Path,
    *,
    selection: str | None = None,
    snapshot_date: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Import ``path`` as the snapshot of its selection (default: from the file name)."""
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no such file; give the path of a .json, .jsonl(.gz) or .zip file"
        )
    default_selection, default_date = selection_and_date(path)
    return load_snapshot(
        store,
        read_batches(path),
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
