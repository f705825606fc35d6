"""How quick cartatlas is where people meet it first: start-up, report, landscape, serve, search.

    python benchmarks/cli.py [--db PATH] [--runs 5] [--scale 100000]

``--db`` must hold the evidence and both shared snapshots (the README's main job; default: as
the CLI's ``--db``); it is only read: the report and serve runs work on copies of it. Every
figure is printed next to its goal (issue #17) and as a ratio against a floor measured in the
same run:

* floor for commands: a bare ``python -c "import typer"`` start (the least any command costs);
* ``cartatlas --help`` (goal: within 2× the floor);
* ``report --format html``: first build (a copy of the store without its derived results),
  first build on a new data version whose evidence did not change (the kept model fits are
  read: as after importing a new registry snapshot), and the repeat that reads the stored
  build (goal < 5 s);
* ``landscape --countries CN US`` (goal < 1 s);
* ``serve``: seconds from start to its first answer of ``/api/health`` (goal < 2 s), on a copy
  without stored dashboard pages (new data) and on one that keeps them;
* trial search p50 / p99 over typed queries on the store's trials (goal p99 < 50 ms) and on
  those trials replicated to ``--scale`` documents (goal p99 < 200 ms); floor: one plain FTS5
  word match on the same index.

Commands run as separate processes (the installed ``cartatlas`` script beside this Python), as
a user would run them. On a shared machine wall times swell with the load, so each command also
reports the CPU seconds its process used (``cpu``), which the load does not change much.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command``."""
    cpu, started = _children_cpu(), time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started, _children_cpu() - cpu


def _median(command: list[str], runs: int) -> tuple[float, float]:
    times = [_run(command) for _ in range(runs)]
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def _line(name: str, value: float, goal: str, floor: float, unit: str = "s", cpu=None) -> None:
    extra = f"cpu {cpu:6.2f} s" if cpu is not None else ""
    ratio = f"{value / floor:.1f}× floor"
    print(f"{name:<46} {value:8.3f} {unit:<2} goal {goal:<11} {ratio:>13}  {extra}")


def _copy(db: str, folder: str, keep_derived: bool) -> str:
    """A copy of the store; without its derived results unless ``keep_derived``."""
    from cartatlas.store import open_store

    target = str(Path(folder) / f"copy-{time.perf_counter_ns()}.duckdb")
    shutil.copy(db, target)
    if not keep_derived:
        with open_store(target) as store:
            if store.table_exists("derived_cache"):
                store.execute("DELETE FROM derived_cache")
    return target


def _forget_reports(target: str) -> None:
    from cartatlas.store import open_store

    with open_store(target) as store:
        store.execute("DELETE FROM derived_cache WHERE name LIKE 'report:%'")


def commands(db: str, runs: int, folder: str) -> None:
    floor, floor_cpu = _median([sys.executable, "-c", "import typer"], runs)
    name = 'floor: python -c "import typer"'
    print(f"{name:<46} {floor:8.3f} s  {'':<30} cpu {floor_cpu:6.2f} s")
    wall, cpu = _median([*_script(), "--help"], runs)
    _line("cartatlas --help", wall, "≤ 2× floor", floor, cpu=cpu)
    wall, cpu = _median([*_script(), "--db", db, "landscape", "--countries", "CN", "US"], runs)
    _line("landscape --countries CN US", wall, "< 1 s", floor, cpu=cpu)
    fresh = _copy(db, folder, keep_derived=False)
    report = [*_script(), "--db", fresh, "report", "--format", "html", "--out", folder]
    wall, cpu = _run(report)
    _line("report --format html, first build", wall, "< 5 s", floor, cpu=cpu)
    _forget_reports(fresh)  # as after a new registry snapshot: the evidence's fits are kept
    wall, cpu = _run(report)
    _line("report, first build on new registry data", wall, "< 5 s", floor, cpu=cpu)
    wall, cpu = _median(report, runs)
    _line("report --format html, again (stored)", wall, "< 5 s", floor, cpu=cpu)
    new = _copy(db, folder, keep_derived=False)
    wall, cpu = _serve(new)
    _line("serve: first answer, new data", wall, "< 2 s", floor, cpu=cpu)
    wall, cpu = _serve(new)  # the first server kept its pages when it stopped
    _line("serve: first answer, pages stored", wall, "< 2 s", floor, cpu=cpu)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _serve(db: str) -> tuple[float, float]:
    """Seconds from start to the first answer of /api/health, and the server's CPU seconds
    until then. The server then runs until its background warm-up is done (the overview page
    answers) and is stopped, which keeps what it built in the store."""
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [*_script(), "--db", db, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _get(f"http://127.0.0.1:{port}/api/health", started)
        first, cpu = time.perf_counter() - started, _process_cpu(server.pid)
        _get(f"http://127.0.0.1:{port}/", started)
        return first, cpu
    finally:
        server.terminate()
        server.wait(timeout=300)


def _get(url: str, started: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=600):
                return
        except OSError:
            if time.perf_counter() - started > 600:
                raise SystemExit(f"{url} did not answer within 600 s") from None
            time.sleep(0.02)


def _percentiles(timed, rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            timed(query)
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
    words = ["myeloma", "lymphoma", "lupus", "leukemia"]

    def plain_match(query: str) -> None:
        word = words[len(query) % len(words)]
        index._db.execute("SELECT rowid FROM doc WHERE doc MATCH ?", (word,)).fetchall()

    floor_p50, floor_p99 = _percentiles(plain_match, rounds)
    p50, p99 = _percentiles(index.search, rounds)
    n = f"{len(docs):,} trials"
    print(f"{'search index build, ' + n:<46} {built:8.3f} s")
    print(f"{'floor: one FTS5 word match p99, ' + n:<46} {floor_p99:8.3f} ms")
    _line(f"search p50, {n}", p50, "-", floor_p50, "ms")
    _line(f"search p99, {n}", p99, goal, floor_p99, "ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=int, default=100_000)
    args = parser.parse_args()
    db = resolve_db(args.db)
    os.environ.setdefault("COLUMNS", "100")
    load = os.getloadavg()[0]
    print(f"store: {db}; {os.cpu_count()} CPUs; load {load:.1f}; median of {args.runs} runs")
    with tempfile.TemporaryDirectory() as folder:
        commands(db, args.runs, folder)
    search(db, args.scale)


if __name__ == "__main__":
    main()
