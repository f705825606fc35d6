"""CPU seconds to build every dashboard question page for a pair of countries no store keeps.

    python benchmarks/pages.py [--db PATH] [--pairs KR,CN JP,CN DE,US] [--rounds 1]

Each pair is built in a fresh process, as ``cartatlas serve`` builds the pages of a pair first
asked for: the registry frames are read and the kept model fits and evidence frames loaded (what
the server's warm-up does; not counted), then the twelve question pages are built one after
the other, each timed in CPU seconds of the process (``time.process_time``: what one core
spends, whatever else runs on the machine). The floor, measured in the same run and the same
way, is reading the twelve pages the store keeps for CN vs US (``kb load`` and ``serve`` keep
them). Use a store built as the README does (``kb load``, both shared snapshots) and started
once with ``cartatlas serve`` so that its CN vs US pages are kept.

Goal (issue #20, "pages as fast as the API"): a new pair's pages in well under the 14–20 s of
CPU the issue measured.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

PAIRS = ("KR,CN", "JP,CN", "DE,US")


def _one(db: str, pair: str) -> dict[str, float]:
    """CPU seconds per question page of ``pair`` (``""``: read CN vs US from the store)."""
    from cartatlas.analyses import evidence_kept, fits
    from cartatlas.store import derived, open_store
    from cartatlas.web.dashboard import question_page
    from cartatlas.web.questions import QUESTIONS
    from cartatlas.web.registry import WebContext, load_registry
    from cartatlas.web.stored import WORLD_PATH, question_name

    seconds = {}
    with open_store(db, read_only=True) as store:
        registry = load_registry(store)
        fits.read_stored(store)
        evidence_kept.read_stored(store)
        for question in QUESTIONS:
            started = time.process_time()
            if pair:
                ctx = WebContext(store, pair.split(","), registry=registry)
                question_page(ctx, question, WORLD_PATH)
            else:
                name = question_name(question.key, ["CN", "US"], WORLD_PATH)
                if derived.load(store, name) is derived.MISSING:
                    return {}
            seconds[question.key] = time.process_time() - started
    return seconds


def _in_new_process(db: str, pair: str) -> dict[str, float]:
    command = [sys.executable, __file__, "--db", db, "--one", pair]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="the store (default: as the CLI's --db)")
    parser.add_argument("--pairs", nargs="+", default=list(PAIRS))
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    from cartatlas.store import resolve_db

    db = resolve_db(args.db)
    if args.one is not None:
        print(json.dumps(_one(db, args.one)))
        return
    floors = [sum(_in_new_process(db, "").values()) for _ in range(args.rounds)]
    floor = statistics.median(floors)
    print(f"floor: read the 12 kept CN vs US pages: {floor:.3f} s CPU")
    for pair in args.pairs:
        runs = [_in_new_process(db, pair) for _ in range(args.rounds)]
        pages = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        total = sum(pages.values())
        ratio = f"{total / floor:.0f}× floor" if floor else "no floor (pages not kept)"
        detail = " ".join(f"{key} {value:.2f}" for key, value in pages.items())
        print(f"{pair}: {total:.2f} s CPU for 12 pages ({ratio}); {detail}")


if __name__ == "__main__":
    main()
