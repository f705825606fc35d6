"""The streaming ingest stores exactly what the row-at-a-time ingest it replaced stored.

:data:`EXPECTED` was computed with the previous implementation (one transaction holding every
row, ``json.loads``, Python rows → Arrow) on the same inputs: three shared snapshots in sequence
(additions, updates, removals, two selections sharing trials) and a file of hostile lines (bad
JSON, wrong types, NUL, a lone surrogate, an enrollment out of range, NaN and whole-number
coordinates, a repeated trial). The digest covers every stored value of every registry table,
in a stable order, with run IDs replaced by their position (they are random).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from cartatlas.registries.ctgov_files import import_file
from cartatlas.store import Store
from cartatlas.store.registry_schema import CHILD_COLUMNS, MEMBERSHIP_COLUMNS, STUDY_COLUMNS

from .conftest import AUTOIMMUNE_NEW, ONCOLOGY_NEW, ONCOLOGY_OLD

EXPECTED = "ceeacd756e257974c3840dc4d53f6f6bb191546da98cadbe80d9e103b25a11bc"

_RUN_COLUMNS = ("run_id", "first_run", "last_run", "removed_run")


def hostile_lines() -> list[str]:
    """Real autoimmune lines, some altered so that each takes a different path."""
    with gzip.open(AUTOIMMUNE_NEW, "rt", encoding="utf-8") as handle:
        lines = [line.strip() for line in handle][:40]
    studies = [json.loads(line) for line in lines]

    def edit(n: int, change) -> str:
        study = json.loads(lines[n])
        change(study["protocolSection"])
        return json.dumps(study, ensure_ascii=False, allow_nan=True)

    ident = "identificationModule"
    out = list(lines)
    out[1] = lines[1][:-5]  # cut short: not valid JSON
    out[2] = edit(2, lambda p: p[ident].update(briefTitle=5))
    out[3] = edit(3, lambda p: p[ident].update(briefTitle="nul \u0000 here"))
    out[4] = lines[4].replace('"briefTitle": "', '"briefTitle": "\\ud800', 1)
    out[5] = edit(
        5, lambda p: p.setdefault("designModule", {}).update(enrollmentInfo={"count": 2**40})
    )
    out[6] = edit(
        6,
        lambda p: p["contactsLocationsModule"]["locations"][0].update(
            geoPoint={"lat": float("nan"), "lon": 12}
        ),
    )
    out[7] = lines[0]  # repeats the first trial
    out[8] = edit(
        8, lambda p: p["contactsLocationsModule"]["locations"][0].update(country="Atlantis")
    )
    out[9] = edit(9, lambda p: p["statusModule"].update(startDateStruct={"date": "soon"}))
    out[10] = "[1, 2]"
    out[11] = edit(11, lambda p: p[ident].update(nctId="NCT123"))
    out[12] = lines[12].replace('"briefTitle": "', '"briefTitle": "caf\\u00e9 \\"quoted\\" ', 1)
    assert len({s["protocolSection"][ident]["nctId"] for s in studies}) == len(studies)
    return out


def _rows(store: Store, sql: str, runs: dict[str, int], names: tuple[str, ...]) -> list[str]:
    rows = []
    for row in store.execute(sql):
        rows.append(
            repr(
                tuple(
                    runs.get(v) if n in _RUN_COLUMNS and v is not None else v
                    for n, v in zip(names, row, strict=True)
                )
            )
        )
    return sorted(rows)


def store_digest(store: Store) -> str:
    """SHA-256 of every registry table's contents, rows sorted, run IDs as ordinals."""
    runs = {
        r: n
        for n, (r,) in enumerate(store.execute("SELECT run_id FROM reg_run ORDER BY started_at"))
    }
    tables = {
        "reg_study": STUDY_COLUMNS,
        **CHILD_COLUMNS,
        "reg_membership": MEMBERSHIP_COLUMNS,
        "reg_change": ("run_id", "selection", "study_key", "change"),
        "reg_run_issue": ("run_id", "seq", "kind", "location", "field", "message"),
        "reg_match": ("study_key", "canonical_key", "matched_via"),
        "reg_run": (
            "run_id",
            "kind",
            "registry",
            "selection",
            "status",
            "snapshot_date",
            "records",
            "sites",
            "rejected",
            "added",
            "updated",
            "removed",
            "message",
        ),
    }
    digest = hashlib.sha256()
    for table, names in tables.items():
        digest.update(table.encode())
        for row in _rows(store, f"SELECT {', '.join(names)} FROM {table}", runs, names):
            digest.update(row.encode("utf-8", "surrogatepass") + b"\n")
    return digest.hexdigest()


def load_sequence(store: Store, tmp_path: Path) -> None:
    """The hostile file, then three real snapshots in sequence. (The hostile file comes first
    because the previous implementation failed on a repeated trial in a file whose other trials
    were already stored: it filtered a batch twice with stale child-row indexes.)"""
    mixed = tmp_path / "mixed-2026-09-01.jsonl"
    mixed.write_text("\n".join(hostile_lines()) + "\n", encoding="utf-8")
    import_file(store, mixed)
    for path in (ONCOLOGY_OLD, ONCOLOGY_NEW, AUTOIMMUNE_NEW):
        import_file(store, path)


def test_stored_tables_identical_to_the_previous_implementation(stores, tmp_path) -> None:
    store = stores.open()
    load_sequence(store, tmp_path)
    assert store_digest(store) == EXPECTED
