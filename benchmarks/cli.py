"""How quick cartatlas is where people meet it first: start-up, report, landscape, serve, search.

    python benchmarks/cli.py [--db PATH] [--runs 5] [--scale 100000]

``--db`` must hold the evidence and both shared snapshots (the README's main job; default: as
the CLI's ``--db``). Every figure is printed next to its goal (issue #17) and, for the start-up,
as a ratio against a floor measured in the same run:

* ``cartatlas --help`` vs a bare ``python -c "import typer"`` (goal: within 2×), medians;
* ``report --format html`` into a temporary folder (goal < 5 s), first run and repeat;
* ``landscape --countries CN US`` (goal < 1 s);
* ``serve``: seconds from start to its first answer of ``/api/health`` (goal < 2 s);
* trial search p50 / p99 over typed queries on the store's trials (goal p99 < 50 ms), and on
  those trials replicated to ``--scale`` documents (goal p99 < 200 ms).

Commands run as separate processes (the installed ``cartatlas`` script beside this Python),
as a user would run them.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from cartatlas.store import resolve_db

QUERIES = [
    "relapsed multiple myeloma",
    "MM",
    "r/r DLBCL",
    "骨髓瘤",
    "淋巴瘤 上海",
    "B-ALL children",
    "儿童白血病",
    "lupus CD19",
    "狼疮",
    "NMOSD",
    "myasthenia gravis",
    "BCMA",
    "GPC3 肝癌",
    "claudin 18.2 gastric",
    "glioblastoma",
    "allogeneic CAR-NK",
    "solid tumor mesothelin",
    "systemic sclerosis",
    "follicular lymphoma",
    "CAR-T for leukemia in adults",
]


def _script() -> list[str]:
    script = Path(sys.executable).with_name("cartatlas")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cartatlas"]


def _seconds(command: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def _median(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    return statistics.median(_seconds(command, env) for _ in range(runs))


def _line(name: str, value: float, goal: str, unit: str = "s", extra: str = "") -> None:
    print(f"{name:<44} {value:8.3f} {unit:<3} goal {goal:<10} {extra}")


def startup(runs: int) -> None:
    floor = _median([sys.executable, "-c", "import typer"], runs)
    helped = _median([*_script(), "--help"], runs)
    _line("python -c 'import typer' (floor)", floor, "-")
    _line("cartatlas --help", helped, "≤ 2× floor", extra=f"ratio {helped / floor:.2f}×")


def report(db: str) -> None:
    with tempfile.TemporaryDirectory() as out:
        command = [*_script(), "--db", db, "report", "--format", "html", "--out", out]
        first = _seconds(command)
        again = _seconds(command)
    _line("report --format html (first run)", first, "< 5 s")
    _line("report --format html (again, same data)", again, "< 5 s")


def landscape(db: str, runs: int) -> None:
    command = [*_script(), "--db", db, "landscape", "--countries", "CN", "US"]
    _line("landscape --countries CN US", _median(command, runs), "< 1 s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(db: str) -> None:
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [*_script(), "--db", db, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1):
                    break
            except OSError:
                if time.perf_counter() - started > 120:
                    raise SystemExit("serve did not answer within 120 s") from None
                time.sleep(0.02)
        _line("serve: start to first answer", time.perf_counter() - started, "< 2 s")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _percentiles(search, rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            search.search(query)
            times.append(time.perf_counter() - started)
    times.sort()
    return times[len(times) // 2] * 1000, times[int(len(times) * 0.99)] * 1000


def search(db: str, scale: int) -> None:
    from cartatlas.search.trials import documents, site_places
    from cartatlas.store import open_store
    from cartatlas.store.registry_read import current_studies, sites

    with open_store(db, read_only=True) as store:
        frame = current_studies(store)
        docs = documents(frame, site_places(sites(store)))
    _search_at(docs, "< 50 ms", 10)
    _search_at([docs[i % len(docs)] for i in range(scale)], "< 200 ms", 2)


def _search_at(docs: list, goal: str, rounds: int) -> None:
    from cartatlas.search.index import TrialSearch

    started = time.perf_counter()
    index = TrialSearch(docs)
    built = time.perf_counter() - started
    p50, p99 = _percentiles(index, rounds)
    _line(f"search index build, {len(docs):,} trials", built, "-")
    _line(f"search p50, {len(docs):,} trials", p50, "-", "ms")
    _line(f"search p99, {len(docs):,} trials", p99, goal, "ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=int, default=100_000)
    args = parser.parse_args()
    db = resolve_db(args.db)
    os.environ.setdefault("COLUMNS", "100")
    print(f"store: {db}; {os.cpu_count()} CPUs; median of {args.runs} runs where repeated")
    startup(args.runs)
    landscape(db, args.runs)
    report(db)
    serve(db)
    search(db, args.scale)


if __name__ == "__main__":
    main()
