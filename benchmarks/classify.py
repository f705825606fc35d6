"""Classifier throughput on the shared snapshots: studies per second, reading and labelling.

Run from the repository root: ``python benchmarks/classify.py [files…]`` (default: both
2026-08-22 snapshots under ../shared/data/ctgov).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from cartatlas.classify.labels import classify_all
from cartatlas.classify.sources import read_api_v2

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ctgov"


def main(paths: list[Path]) -> None:
    started = time.perf_counter()
    records = list(read_api_v2(paths))
    read = time.perf_counter() - started
    labels = classify_all(records)
    total = time.perf_counter() - started
    n = len(records)
    print(f"{n} studies ({sum(x.is_car for x in labels)} CAR) from {len(paths)} file(s)")
    print(f"read     {read:6.2f} s  {n / read:8.0f} studies/s")
    print(f"classify {total - read:6.2f} s  {n / (total - read):8.0f} studies/s")
    print(f"total    {total:6.2f} s  {n / total:8.0f} studies/s")


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or sorted(DATA.glob("cart-*-2026-08-22.jsonl.gz")))
