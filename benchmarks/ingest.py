"""Ingestion speed and peak memory of `cartatlas import`, next to the parse rate of the fastest
JSON decoders on the same bytes, measured in the same run.

    python benchmarks/ingest.py [--records 10000 100000 300000] [--db postgresql://…] [--load-only]

For each size, the shared oncology snapshot is replicated at run time to that many studies, each
copy with a fresh NCT number (so every record is a distinct trial), into an uncompressed JSON
Lines file. Floors on that file: ``json.loads``, ``orjson.loads`` and ``msgspec.json.decode``
per line, each timed before and after the import (the faster run counts, so a busy machine
penalises the floors no more than the import). The import runs in a child process, from opening
the file to the committed snapshot, and reports its wall time, its CPU time (all threads) and
its peak resident memory (``ru_maxrss``); then, in the same process, the rest of what
`cartatlas import` does (re-labelling the current trials, whose labels the load made stale),
and the whole command's peak memory (``--load-only`` skips the re-labelling, which dominates at
300,000 studies). A last floor is the store's own: DuckDB appending each line's
text, unparsed, to a one-column table in committed batches (an import stores that text too, as
``raw``, so it cannot be faster than this). Ratios are given on wall time and on CPU time (the
floors are single-threaded, so their CPU time is their wall time on an idle machine).

Goals (issue #20): import ≥ 25 % of orjson's parse rate of the same bytes; peak memory below
600 MB at any input size.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared" / "data" / "ctgov" / "cart-oncology-2026-08-22.jsonl.gz"
GOAL_SHARE, GOAL_MB = 0.25, 600
#: Run in a child so that its peak memory is the command's alone: the load, then what
#: `cartatlas import` does after it (re-label the current trials when their labels are stale).
CHILD = """
import resource, sys, time
from pathlib import Path
from cartatlas.registries.cli import _refresh_labels
from cartatlas.registries.ctgov_files import import_file
from cartatlas.store import open_store
def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started, cpu = time.perf_counter(), time.process_time()
with open_store(sys.argv[2]) as store:
    report = import_file(store, Path(sys.argv[1]), selection="benchmark")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    load_peak, started = peak_mb(), time.perf_counter()
    labelled = (_refresh_labels(store) or 0) if sys.argv[3] == "relabel" else 0
    relabel = time.perf_counter() - started
print(report.studies, report.sites, elapsed, cpu, load_peak, labelled, relabel, peak_mb())
"""
#: The store's own limit: append each line's text, unparsed, to a one-column DuckDB table in
#: batches of 2,000, each committed, with the load's memory cap and checkpoint threshold.
#: An import stores that text too (as ``raw``), so it cannot be faster than this.
RAW_STORE = """
import sys, time
from itertools import islice
import duckdb, pyarrow as pa
from cartatlas.store.registry_batch import BATCH_SIZE
from cartatlas.store.registry_stage import LOAD_CHECKPOINT, LOAD_MEMORY
con = duckdb.connect(sys.argv[2])
con.execute(f"SET memory_limit = '{LOAD_MEMORY // 2**20}MiB'")
con.execute(f"SET checkpoint_threshold = '{LOAD_CHECKPOINT}'")
con.execute("CREATE TABLE raw_lines (raw TEXT)")
count, started, cpu = 0, time.perf_counter(), time.process_time()
with open(sys.argv[1], encoding="utf-8") as handle:
    while lines := [line.strip() for line in islice(handle, BATCH_SIZE)]:
        con.register("batch", pa.table({"raw": pa.array(lines, pa.string())}))
        con.execute("INSERT INTO raw_lines SELECT raw FROM batch")
        con.unregister("batch")
        count += len(lines)
print(count / (time.perf_counter() - started), count / (time.process_time() - cpu))
"""


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


def decoders() -> dict[str, object]:
    """The decoders to compare, by name (each takes one line's bytes)."""
    import msgspec
    import orjson

    return {
        "json.loads": json.loads,
        "orjson.loads": orjson.loads,
        "msgspec.json.decode": msgspec.json.Decoder().decode,
    }


def parse_rates(path: Path, decode) -> tuple[float, float]:
    """Studies per second of wall time and of CPU time."""
    count = 0
    start, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as handle:
        for line in handle:
            decode(line)
            count += 1
    return count / (time.perf_counter() - start), count / (time.process_time() - cpu)


def store_raw_in_child(data: Path, db: Path) -> tuple[float, float]:
    """Studies per second (wall, CPU) at which DuckDB alone stores the lines' text."""
    child = subprocess.run(
        [sys.executable, "-c", RAW_STORE, str(data), str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise SystemExit(f"storing the raw text failed:\n{child.stderr}")
    wall, work = map(float, child.stdout.split())
    return wall, work


def import_in_child(data: Path, db: str, relabel: bool) -> dict[str, float]:
    """The child's figures: studies, sites, load wall and CPU seconds, the load's peak MB,
    trials labelled, relabel wall seconds and the whole command's peak MB."""
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(data), db, "relabel" if relabel else "-"],
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise SystemExit(f"the import failed:\n{child.stderr}")
    names = ("studies", "sites", "elapsed", "cpu", "load_peak", "labelled", "relabel", "peak")
    return dict(zip(names, map(float, child.stdout.split()[-len(names) :]), strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    parser.add_argument("--db", help="store to import into (default: a temporary DuckDB file)")
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="skip the re-labelling that follows the load (the slow part at 300,000 studies)",
    )
    args = parser.parse_args()
    floors = decoders()
    print(
        f"cores: {os.cpu_count()}; goals: import ≥ {GOAL_SHARE:.0%} of orjson, peak < {GOAL_MB} MB"
    )
    summary = []
    for records in args.records:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / f"bench-{records}.jsonl"
            size = replicate(args.source, records, data)
            print(f"\n{records:,} studies, {size / 1e6:,.0f} MB uncompressed")
            before = {name: parse_rates(data, decode) for name, decode in floors.items()}
            db = args.db or str(Path(tmp) / "bench.duckdb")
            run = import_in_child(data, db, relabel=not args.load_only)
            studies, elapsed, cpu, peak = run["studies"], run["elapsed"], run["cpu"], run["peak"]
            raw_store = store_raw_in_child(data, Path(tmp) / "raw.duckdb")
            after = {name: parse_rates(data, decode) for name, decode in floors.items()}
            rates = {
                name: tuple(max(b, a) for b, a in zip(before[name], after[name], strict=True))
                for name in floors
            }
            wall, work = studies / elapsed, studies / cpu
            rates["DuckDB raw text"] = raw_store
            for name, (floor_wall, floor_cpu) in rates.items():
                print(
                    f"  floor {name:<20} {floor_wall:>9,.0f} studies/s ({floor_cpu:,.0f} per CPU s)"
                )
            print(
                f"  cartatlas import           {wall:>9,.0f} studies/s ({work:,.0f} per CPU s; "
                f"{studies:,.0f} studies, {run['sites']:,.0f} sites, {elapsed:,.1f} s; "
                f"peak {run['load_peak']:,.0f} MB)"
            )
            if not args.load_only:
                print(
                    f"  then re-labelling          {run['labelled']:,.0f} trials in "
                    f"{run['relabel']:,.1f} s (the rest of `cartatlas import`)"
                )
            for name, (floor_wall, floor_cpu) in rates.items():
                print(
                    f"  import / {name:<19} {wall / floor_wall:>6.1%} wall, "
                    f"{work / floor_cpu:>6.1%} CPU"
                )
            share = wall / rates["orjson.loads"][0]
            print(
                f"  goal ≥ {GOAL_SHARE:.0%} of orjson: {'met' if share >= GOAL_SHARE else 'missed'}"
                f"; peak memory of the {'load' if args.load_only else 'command'} {peak:,.0f} MB, "
                f"goal < {GOAL_MB} MB: "
                f"{'met' if peak < GOAL_MB else 'missed'}"
            )
            orjson, msgspec = rates["orjson.loads"], rates["msgspec.json.decode"]
            summary.append(
                (
                    records,
                    (wall / orjson[0], work / orjson[1]),
                    (wall / msgspec[0], work / msgspec[1]),
                    (raw_store[0] / orjson[0], raw_store[1] / orjson[1]),
                    run,
                )
            )
    print(
        "\nrecords   import/orjson   import/msgspec   raw text alone/orjson   peak MB: load,"
        " whole command (goal < 600)\n          (wall, CPU; goal ≥ 25 %)"
    )
    for records, vs_orjson, vs_msgspec, raw_ceiling, run in summary:
        print(
            f"{records:>9,}   {vs_orjson[0]:>5.1%} {vs_orjson[1]:>5.1%}   "
            f"{vs_msgspec[0]:>5.1%} {vs_msgspec[1]:>5.1%}    "
            f"{raw_ceiling[0]:>5.1%} {raw_ceiling[1]:>5.1%}            "
            f"{run['load_peak']:>7,.0f} {run['peak']:>7,.0f}"
        )


if __name__ == "__main__":
    main()
