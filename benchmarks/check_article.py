"""Time ``cartatlas check-article`` on the example article, end to end in a fresh process.

    python benchmarks/check_article.py [--db PATH] [--runs 3]

The store needs the evidence loaded (``cartatlas kb load``). Prints wall and CPU seconds of each
run and, as the floor measured in the same run, a fresh ``cartatlas --help`` (interpreter and
CLI start-up), with the ratio. Goal: under 5 s wall on an idle machine.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ARTICLE = SHARED / "reference" / "placidway-cart-china-vs-us.md"


def _timed(args: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    cli = ["cartatlas"]
    db = ["--db", options.db] if options.db else []
    floor_wall, floor_cpu = _timed([*cli, "--help"])
    print(f"floor (cartatlas --help): {floor_wall:.2f} s wall, {floor_cpu:.2f} s CPU")
    for run in range(1, options.runs + 1):
        wall, cpu = _timed([*cli, *db, "check-article", str(ARTICLE)])
        print(
            f"run {run}: check-article {wall:.2f} s wall, {cpu:.2f} s CPU "
            f"(×{wall / floor_wall:.1f} the floor); goal < 5 s wall"
        )


if __name__ == "__main__":
    main()
