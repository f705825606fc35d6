"""How quick cartatlas is where people meet it first: start-up, report, landscape, serve, search.

    python benchmarks/cli.py [--snapshots DIR] [--runs 5] [--scale 100000]

The store is built as the README's main job builds it, in a temporary folder: ``kb load`` and
the two shared snapshots (``--snapshots``, default ``../shared/data/ctgov``), each step timed.
Every figure is printed next to its goal (issue #17) and as a ratio against a floor measured in
the same run:

* floor for commands: a bare ``python -c "import typer"`` start (the least any command costs);
* ``cartatlas --help`` (goal: within 2× the floor);
* the README's main job: ``kb load``, both imports, then ``report`` in HTML, PDF and Markdown
  (goal: under 60 s on an idle 2-core machine; the sum of the steps' CPU seconds is printed
  beside the wall time, since a shared machine inflates wall time);
* ``report --format html`` (goal < 5 s): the first build on the README store as the user has it
  after ``kb load`` and the imports (what those steps computed is kept, nothing else); the first
  build after a new evidence load (``kb load`` again, timed too: it computes the report's
  evidence-only parts); and the repeat that reads the stored build;
* ``landscape --countries CN US`` (goal < 1 s): the first run on new data, and again;
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

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "ctgov"
SNAPSHOTS = ("cart-oncology-2026-08-22.jsonl.gz", "cart-autoimmune-2026-08-22.jsonl.gz")
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


def _copy(db: str, folder: str, keep_derived: bool = True) -> str:
    """A copy of the store; without its derived results unless ``keep_derived``."""
    from cartatlas.store import open_store

    target = str(Path(folder) / f"copy-{time.perf_counter_ns()}.duckdb")
    shutil.copy(db, target)
    if not keep_derived:
        with open_store(target) as store:
            if store.table_exists("derived_cache"):
                store.execute("DELETE FROM derived_cache")
    return target


def commands(runs: int, folder: str, snapshots: Path) -> str:
    """Time every command on a README store built in ``folder``; the store's path."""
    _run([*_script(), "--help"])  # writes the bytecode cache, as a user's first start does
    floor, floor_cpu = _median([sys.executable, "-c", "import typer"], runs)
    name = 'floor: python -c "import typer"'
    print(f"{name:<46} {floor:8.3f} s  {'':<30} cpu {floor_cpu:6.2f} s")
    wall, cpu = _median([*_script(), "--help"], runs)
    _line("cartatlas --help", wall, "≤ 2× floor", floor, cpu=cpu)
    db, job = _readme_store(folder, snapshots, floor)
    report = [*_script(), "--db", _copy(db, folder), "report", "--format", "html", "--out", folder]
    wall, cpu = _run(report)
    _line("report --format html, first build", wall, "< 5 s", floor, cpu=cpu)
    wall, cpu = _median(report, runs)
    _line("report --format html, again (stored)", wall, "< 5 s", floor, cpu=cpu)
    evidence = _copy(db, folder)
    wall, cpu = _run([*_script(), "--db", evidence, "kb", "load"])
    _line("kb load of new evidence (computes parts)", wall, "-", floor, cpu=cpu)
    report[2] = evidence
    wall, cpu = _run(report)
    _line("report, first build after it", wall, "< 5 s", floor, cpu=cpu)
    readme = [*_script(), "--db", _copy(db, folder), "report", "--out", folder]
    wall, cpu = _run(readme)
    _line("README job step: report (html, pdf, md)", wall, "-", floor, cpu=cpu)
    job = [job[0] + wall, job[1] + cpu]
    _line("README main job (kb load, imports, report)", job[0], "< 60 s", floor, cpu=job[1])
    landscape = [*_script(), "--db", _copy(db, folder), "landscape", "--countries", "CN", "US"]
    wall, cpu = _run(landscape)
    _line("landscape --countries CN US, new data", wall, "< 1 s", floor, cpu=cpu)
    wall, cpu = _median(landscape, runs)
    _line("landscape --countries CN US, again", wall, "< 1 s", floor, cpu=cpu)
    new = _copy(db, folder, keep_derived=False)
    wall, cpu = _serve(new)
    _line("serve: first answer, new data", wall, "< 2 s", floor, cpu=cpu)
    wall, cpu = _serve(new)  # the first server kept its pages when it stopped
    _line("serve: first answer, pages stored", wall, "< 2 s", floor, cpu=cpu)
    return db


def _readme_store(folder: str, snapshots: Path, floor: float) -> tuple[str, list[float]]:
    """The README's main job up to the report, each step timed: the store, and the job's wall
    and CPU seconds so far."""
    db = str(Path(folder) / "readme.duckdb")
    job = [0.0, 0.0]
    steps = [["kb", "load"]] + [["import", str(snapshots / name)] for name in SNAPSHOTS]
    for step in steps:
        wall, cpu = _run([*_script(), "--db", db, *step])
        _line(f"README job step: {step[0]} {Path(step[-1]).name}"[:46], wall, "-", floor, cpu=cpu)
        job = [job[0] + wall, job[1] + cpu]
    return db, job


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
    parser.add_argument("--snapshots", type=Path, default=SHARED)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("COLUMNS", "100")
    # Time commands as an installed package runs them: with its bytecode cached after the first
    # start. Where PYTHONDONTWRITEBYTECODE is set (some sandboxes and CI images), every start
    # would compile cartatlas's modules again (≈ 30 ms for `--help`), which no user pays.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs; load {load:.1f}; median of {args.runs} runs")
    with tempfile.TemporaryDirectory() as folder:
        db = commands(args.runs, folder, args.snapshots)
        search(db, args.scale)


if __name__ == "__main__":
    main()
