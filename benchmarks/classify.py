"""Classifier throughput on one core, against the floor "read the same records from the store".

    python benchmarks/classify.py [--db PATH] [--rounds 3]

Reads every current trial of the store (default: as the CLI's ``--db``; import the shared
snapshots first) as classifier records — the floor: SQL, JSON decoding and record building —
then labels them, in interleaved rounds (read, label, read, label…) so that load from other
processes hits both alike. The classifier's per-text caches are emptied before each labelling
round, so repeated texts help only as they do within one real run. Times are CPU seconds of this
process (``time.process_time``: what one core spends, not wall time on a shared machine), the
median over rounds.

Goal (issue #20): ≥ 5,000 studies/s on one core, with the same labels.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import statistics
import time

import cartatlas.classify as package
from cartatlas.classify.labels import classify_all
from cartatlas.classify.sources import read_store
from cartatlas.store import open_store, resolve_db

GOAL = 5000.0
#: Caches of compiled patterns (one-time set-up), kept between rounds; every other cache in the
#: classifier holds per-text results and is emptied.
_SET_UP = {"_country_names", "code_version"}


def clear_text_caches() -> None:
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, value in vars(module).items():
            if hasattr(value, "cache_clear") and name not in _SET_UP:
                value.cache_clear()


def cpu(work, *args) -> tuple[float, object]:
    started = time.process_time()
    result = work(*args)
    return time.process_time() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=None, help="store (default: as the CLI's --db)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    reads, labels_times = [], []
    with open_store(resolve_db(args.db), read_only=True) as store:
        records = list(read_store(store))
        classify_all(records[:20])  # compile the patterns once, outside the timing
        for _ in range(args.rounds):
            seconds, records = cpu(lambda: list(read_store(store)))
            reads.append(seconds)
            clear_text_caches()
            seconds, labels = cpu(classify_all, records)
            labels_times.append(seconds)
    n = len(records)
    read, label = statistics.median(reads), statistics.median(labels_times)
    print(f"cores: {os.cpu_count()} (one used); {n} studies ({sum(x.is_car for x in labels)} CAR)")
    print(f"floor: read from store {read:6.2f} s CPU  {n / read:8.0f} studies/s")
    print(f"classify               {label:6.2f} s CPU  {n / label:8.0f} studies/s")
    print(
        f"ratio classify / read: {read / label:.2f} (labelling takes {label / read:.1f}x reading)"
    )
    verdict = "met" if n / label >= GOAL else "missed"
    print(
        f"goal: >= {GOAL:,.0f} studies/s on one core; measured {n / label:,.0f} studies/s: "
        f"{verdict} ({n / label / GOAL:.2f} of it)"
    )


if __name__ == "__main__":
    main()
