"""Ingestion speed: `cartatlas import` of a ClinicalTrials.gov snapshot replicated to ≥ 100,000
studies, next to the raw JSON-parse rate of the same bytes (the physical limit) in the same run.

    python benchmarks/ingest.py [--records 100000] [--db postgresql://…] [--source FILE]

The snapshot is the shared oncology file; each copy of a study gets a fresh NCT number so that
every record is a distinct trial. The limit is ``json.loads`` over the file's lines (the parser
the importer uses), read from the same uncompressed file; the import is measured end to end,
from opening the file to the committed snapshot. A middle figure, parsing and normalizing into
write-ready batches without a store, shows how the time splits. Goal: import ≥ 50 % of the limit.
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
import time
from pathlib import Path

from cartatlas.registries.ctgov_files import import_file, read_batches
from cartatlas.store import open_store

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared" / "data" / "ctgov" / "cart-oncology-2026-08-22.jsonl.gz"


def replicate(source: Path, records: int, target: Path) -> int:
    """Write ``records`` studies (cycling through ``source``) with unique NCT numbers."""
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        lines = [line.strip() for line in handle if line.strip()]
    ids = [json.loads(line)["protocolSection"]["identificationModule"]["nctId"] for line in lines]
    with target.open("w", encoding="utf-8") as out:
        for n in range(records):
            original = ids[n % len(lines)]
            out.write(lines[n % len(lines)].replace(original, f"NCT9{n:07d}") + "\n")
    return target.stat().st_size


def parse_limit(path: Path) -> float:
    start = time.perf_counter()
    count = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            json.loads(line)
            count += 1
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--db", help="store to import into (default: a temporary DuckDB file)")
    parser.add_argument("--source", type=Path, default=SOURCE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / f"bench-{args.records}.jsonl"
        size = replicate(args.source, args.records, data)
        print(f"data: {args.records:,} studies, {size / 1e6:,.0f} MB uncompressed ({data.name})")
        limit = parse_limit(data)
        print(f"raw JSON parse (json.loads per line): {limit:,.0f} studies/s")
        start = time.perf_counter()
        parsed = sum(len(batch) for batch in read_batches(data))
        normalize = parsed / (time.perf_counter() - start)
        print(f"parse + normalize into batches, no store: {normalize:,.0f} studies/s")
        with open_store(args.db or str(Path(tmp) / "bench.duckdb")) as store:
            start = time.perf_counter()
            report = import_file(store, data, selection="benchmark")
            elapsed = time.perf_counter() - start
        rate = report.studies / elapsed
        print(
            f"cartatlas import: {report.studies:,} studies, {report.sites:,} sites in "
            f"{elapsed:,.1f} s = {rate:,.0f} studies/s"
        )
        print(f"import / parse limit: {rate / limit:.0%} (goal ≥ 50 %)")


if __name__ == "__main__":
    main()
