"""Whether two versions of the classifier give the same labels and reasons, record by record.

    python benchmarks/classify_same.py --against /path/to/other/src [--db PATH]

Speed work on the classifier (issue #20) must not change one label or reason. This labels every
current trial of the store and every record of the shared ClinicalTrials.gov snapshots and API v2
fixtures — each as read, and with the fields the snapshots leave out filled from the ones they
keep, as ``tests/classify/test_labels_unchanged.py`` fills them, so that the rules reading those
fields run too — once with this tree's classifier and once with the one whose ``src`` folder
``--against`` names (in a child process), and prints how many rows differ, with the first few.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for the test module that fills records

from cartatlas.classify.labels import classify_all  # noqa: E402
from cartatlas.classify.sources import read_api_v2, read_store  # noqa: E402
from cartatlas.store import open_store, resolve_db  # noqa: E402
from tests.classify.test_labels_unchanged import filled  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "ctgov"


def rows(db: str | None) -> list[str]:
    """One JSON line per record: the label row and the reasons."""
    files = sorted(DATA.glob("cart-*.jsonl.gz")) + sorted((DATA / "api-v2-fixtures").glob("*.json"))
    records = list(read_api_v2(files))
    with open_store(resolve_db(db), read_only=True) as store:
        records += list(read_store(store))
    records += [filled(record) for record in records]
    return [
        json.dumps([item.row(), item.reasons], ensure_ascii=False, default=str)
        for item in classify_all(records)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", help="the other version's src folder")
    parser.add_argument("--db", default=None, help="store (default: as the CLI's --db)")
    parser.add_argument("--dump", help=argparse.SUPPRESS)  # the child's output file
    args = parser.parse_args()
    if args.dump:
        Path(args.dump).write_text("\n".join(rows(args.db)), "utf-8")
        return
    if not args.against:
        parser.error("--against: the src folder of the version to compare with")
    with tempfile.TemporaryDirectory() as folder:
        other = Path(folder) / "rows.jsonl"
        command = [sys.executable, __file__, "--dump", str(other)]
        command += ["--db", args.db] if args.db else []
        environment = {**os.environ, "PYTHONPATH": args.against}
        subprocess.run(command, env=environment, check=True)
        theirs = other.read_text("utf-8").split("\n")
    ours = rows(args.db)
    differ = [(a, b) for a, b in zip(ours, theirs, strict=False) if a != b]  # lengths: below
    print(f"{len(ours)} rows here, {len(theirs)} with {args.against}: {len(differ)} differ")
    for a, b in differ[:5]:
        print(f"  here:  {a}\n  there: {b}")
    sys.exit(1 if differ or len(ours) != len(theirs) else 0)


if __name__ == "__main__":
    main()
