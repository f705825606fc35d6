"""Does a change to the ingest store exactly what the code before it stored? Compare row for row.

    python benchmarks/ingest_compare.py BEFORE_SRC [AFTER_SRC] [--extra FILE.jsonl]

``BEFORE_SRC`` is the ``src`` folder of the code to compare against (e.g. ``git archive main src
| tar -x -C /tmp/before``); ``AFTER_SRC`` defaults to this checkout's. Each runs in its own
process on a fresh DuckDB store and imports, in sequence: the hostile lines of
``tests/registries/test_ingest_identity.py`` (bad JSON, wrong types, NUL, a lone surrogate, an
enrollment out of range, a repeated trial …), an API page document of 60 studies, the four
shared snapshots (additions, updates, removals, two selections sharing trials) and ``--extra``
(e.g. a 100,000-study file). Every registry table is then read whole, run IDs replaced by their
position (they are random), and the sorted rows of each table are compared. Prints one line per
table and exits non-zero on any difference. ``tests/registries/test_ingest_identity.py`` keeps
a digest of the same tables for the smaller sequence, so CI catches a change without this script.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data" / "ctgov"
SNAPSHOTS = (
    "cart-oncology-2026-04-24.jsonl.gz",
    "cart-autoimmune-2026-04-25.jsonl.gz",
    "cart-oncology-2026-08-22.jsonl.gz",
    "cart-autoimmune-2026-08-22.jsonl.gz",
)
#: Run with one version of the code: write the inputs (the same bytes for both versions, at the
#: same paths, so that reg_run's source paths agree), import them, dump every table.
CHILD = r"""
import gzip, json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])  # the repository, for the test module's hostile lines
from cartatlas.registries.ctgov_files import import_file
from cartatlas.store import open_store
from cartatlas.store.registry_schema import CHILD_COLUMNS, MEMBERSHIP_COLUMNS, STUDY_COLUMNS
from tests.registries.test_ingest_identity import hostile_lines
db, dump, inputs, shared = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5])
mixed = inputs / "mixed-2026-09-01.jsonl"
mixed.write_text("\n".join(hostile_lines()) + "\n", encoding="utf-8")
with gzip.open(shared / "cart-autoimmune-2026-08-22.jsonl.gz", "rt", encoding="utf-8") as handle:
    page_studies = [json.loads(line) for _, line in zip(range(60), handle)]
page = inputs / "page-2026-09-02.json"
page.write_text(json.dumps({"studies": page_studies}), encoding="utf-8")
paths = [mixed, page, *(shared / name for name in sys.argv[7].split(",")), *map(Path, sys.argv[8:])]
run_columns = ("run_id", "first_run", "last_run", "removed_run")
tables = {
    "reg_study": STUDY_COLUMNS, **CHILD_COLUMNS, "reg_membership": MEMBERSHIP_COLUMNS,
    "reg_change": ("run_id", "selection", "study_key", "change"),
    "reg_run_issue": ("run_id", "seq", "kind", "location", "field", "message"),
    "reg_match": ("study_key", "canonical_key", "matched_via"),
    "reg_run": ("run_id", "kind", "registry", "selection", "status", "snapshot_date",
                "data_timestamp", "source_path", "records", "sites", "rejected", "added",
                "updated", "removed", "message"),
}
with open_store(db) as store:
    for path in paths:
        import_file(store, path)
    order = store.execute("SELECT run_id FROM reg_run ORDER BY started_at")
    runs = {r: n for n, (r,) in enumerate(order)}
    with dump.open("w", encoding="utf-8", errors="surrogatepass") as out:
        for table, names in tables.items():
            rows = sorted(
                repr(tuple(runs.get(v) if n in run_columns and v is not None else v
                           for n, v in zip(names, row)))
                for row in store.execute(f"SELECT {', '.join(names)} FROM {table}")
            )
            out.writelines(f"{table}\t{row}\n" for row in rows)
"""


def dump_tables(src: Path, work: Path, name: str, extra: list[Path]) -> dict[str, list[str]]:
    """Import the sequence with the code in ``src``; each table's sorted rows."""
    folder = work / name
    folder.mkdir()
    inputs = work / "inputs"
    inputs.mkdir(exist_ok=True)
    dump = folder / "tables.txt"
    args = [str(REPO), str(folder / "store.duckdb"), str(dump), str(inputs), str(SHARED)]
    child = subprocess.run(
        [sys.executable, "-c", CHILD, *args, name, ",".join(SNAPSHOTS), *map(str, extra)],
        env={**os.environ, "PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise SystemExit(f"the import with {src} failed:\n{child.stderr[-3000:]}")
    tables: dict[str, list[str]] = {}
    with dump.open(encoding="utf-8", errors="surrogatepass") as handle:
        for line in handle:
            table, _, row = line.partition("\t")
            tables.setdefault(table, []).append(row)
    return tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="src folder of the code to compare against")
    parser.add_argument("after", type=Path, nargs="?", default=REPO / "src")
    parser.add_argument("--extra", type=Path, nargs="*", default=[], help="more files to import")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before = dump_tables(args.before, Path(tmp), "before", args.extra)
        after = dump_tables(args.after, Path(tmp), "after", args.extra)
    differ = 0
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, []), after.get(table, [])
        same = old == new
        differ += not same
        print(
            f"{table:<18} {len(old):>9,} rows before {len(new):>9,} after  "
            f"{'identical' if same else 'DIFFERENT'}"
        )
    total = sum(map(len, before.values()))
    print("every table identical" if not differ else f"{differ} tables differ", f"({total:,} rows)")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
