"""Dashboard pages and HTTP API under concurrent load, from a separate process on loopback.

    python benchmarks/api.py [--db PATH] [--connections 50] [--duration 10] [--workers 1]

Starts ``cartatlas serve`` on 127.0.0.1 (a free port) over the store (default: as the CLI's
``--db``; it needs the evidence and the registry snapshots loaded) with the response cache
**off** (``CARTATLAS_RESPONSE_CACHE=off``), so every request is routed and computed, and drives
it with ``wrk`` (Debian package ``wrk``). Printed per endpoint: p50 / p99 latency, requests/s,
the ratio of its requests/s to the floor measured in the same run (``/api/health``, the
server's cheapest answer), and the server's CPU time per request (user + system time of its
process over the run, from ``/proc``; on a machine shared with other work this varies far less
than the rates do). Scenarios:

* **page**: every dashboard page (overview, each question, products, a product, the trial
  finder with and without a search, one trial, the meta-analysis explorer);
* **api**: the list endpoints and the meta-analysis;
* **distinct**: every request a different trial search (page × age × country), through the
  API and through the trial finder page.

Goals (issue #20): every dashboard page ≥ 200 req/s with p99 ≤ 250 ms at 50 connections; the
list endpoints p99 < 100 ms. Each run is bounded by ``--duration``; the server is stopped at
the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from cartatlas.store import resolve_db
from cartatlas.web.questions import QUESTIONS

LIST_ENDPOINTS = [
    "/api/products",
    "/api/approvals?country=CN",
    "/api/studies?indication=LBCL",
    "/api/outcomes?endpoint=CR",
    "/api/safety?event=CRS",
    "/api/prices?currency=USD",
    "/api/trials?country=CN&recruiting=true",
    "/api/landscape?by=year&by=target",
]
OTHER_ENDPOINTS = ["/api/meta?indication=LBCL&endpoint=CR"]
#: Every dashboard page: the overview (two and three countries), each question, the products,
#: a product, the trial finder with and without a search, one trial (found at run time), the
#: meta-analysis explorer.
PAGES = [
    "/",
    "/?a=CN&b=US&c=DE",
    *(f"/q/{question.key}" for question in QUESTIONS),
    "/products",
    "/products/axicabtagene-ciloleucel",
    "/trials",
    "/trials?condition=myeloma&searched=true",
    "/trials?condition=lymphoma&country=CN&age=60&searched=true",
    "/trials/{trial}",
    "/meta",
    "/meta?indication=MM&endpoint=CR",
]
FLOOR = "/api/health"
GOAL_MS = 100.0
PAGE_GOAL_RPS, PAGE_GOAL_P99_MS = 200.0, 250.0
# Each wrk thread numbers its requests; page × age × country × thread keeps them distinct.
DISTINCT = """
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function init(args) n = 0 end
local countries = {"CN", "US", "DE", "FR", "GB", "ES", "IT", "JP", "AU", "CA"}
function request()
  n = n + 1
  local path = string.format("/api/trials?per_page=20&page=%d&age=%d.%d&country=%s",
    n % 7 + 1, n % 90, id, countries[n % 10 + 1])
  return wrk.format("GET", path)
end
"""
# The same for the trial finder page: every request a different search (page × age × country).
DISTINCT_PAGES = DISTINCT.replace(
    "/api/trials?per_page=20&page=%d&age=%d.%d&country=%s",
    "/trials?searched=true&condition=lymphoma&page=%d&age=%d.%d&country=%s",
)
_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: str, port: int, workers: int) -> subprocess.Popen:
    """``cartatlas serve`` with the response cache off: every request is computed."""
    command = [
        sys.executable,
        "-c",
        "from cartatlas.cli import app; app()",
        "--db",
        db,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    env = {**os.environ, "CARTATLAS_RESPONSE_CACHE": "off"}
    return subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )


def wait_until_up(base: str, server: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {server.stderr.read()}")
        try:
            with urllib.request.urlopen(base + "/api/trials?per_page=1", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not answer in time")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process ``pid`` so far (Linux ``/proc``; else ``None``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNIT[unit]


def run_wrk(url: str, connections: int, duration: int, script: Path | None = None) -> dict:
    # wrk drops requests slower than its timeout (2 s by default) from the percentiles: a long
    # timeout keeps slow answers in p99 instead of hiding them.
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "60s",
        "--latency",
    ]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=duration + 120, check=True
    ).stdout
    # wrk ends some latency lines with a space ("99%    1.00s "): allow trailing blanks.
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: (.*?)\s*$", out, re.M)
    return {
        "p50": _ms(percentiles["50"]),
        "p99": _ms(percentiles["99"]),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sockets.group(1) if sockets else "",
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }


def clean(result: dict) -> bool:
    """Every request answered, none with an error or a socket error (timeouts included)."""
    return result["requests"] > 0 and not result["non_2xx"] and not result["socket_errors"]


def measure(base: str, path: str, args: argparse.Namespace, pid: int) -> dict:
    """One more warm-up request, then ``wrk`` on ``path``."""
    urllib.request.urlopen(base + path, timeout=120).read()
    return with_cpu(pid, lambda: run_wrk(base + path, args.connections, args.duration))


def with_cpu(pid: int, run) -> dict:
    """``run()``'s wrk result with ``cpu_ms``: the server's CPU milliseconds per request."""
    before = cpu_seconds(pid)
    result = run()
    after = cpu_seconds(pid)
    known = before is not None and after is not None and result["requests"]
    result["cpu_ms"] = 1000 * (after - before) / result["requests"] if known else None
    return result


def report(scenario: str, path: str, result: dict, floor_rps: float, note: str) -> None:
    if result["non_2xx"] or result["socket_errors"]:
        note += f" non-2xx {result['non_2xx']} {result['socket_errors']}".rstrip()
    cpu = "—" if result["cpu_ms"] is None else f"{result['cpu_ms']:.2f}"
    print(
        f"{scenario:<9} {path:<58} {result['p50']:>8.2f} {result['p99']:>8.2f} "
        f"{result['rps']:>7.0f} {result['rps'] / floor_rps:>6.3f} {cpu:>6}  {note}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=None, help="store (default: as the CLI's --db)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    db = resolve_db(args.db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"cores: {os.cpu_count()}; server workers: {args.workers}; store: {db}")
    print(f"load: wrk, {args.connections} connections, {args.duration} s per endpoint, loopback")
    server = start_server(db, port, args.workers)
    try:
        started = time.monotonic()
        wait_until_up(base, server)
        print(f"server ready in {time.monotonic() - started:.1f} s\n")
        print(
            f"{'scenario':<9} {'endpoint':<58} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7} "
            f"{'/floor':>6} {'CPU ms':>6}  note"
        )
        trial = json.load(urllib.request.urlopen(base + "/api/trials?per_page=1", timeout=60))
        pages = [path.format(trial=trial["items"][0]["nct_id"]) for path in PAGES]
        # Every endpoint once before any measurement: the server's background warm-up (the
        # question pages) is then over and does not compete with the floor's requests.
        for path in pages + LIST_ENDPOINTS + OTHER_ENDPOINTS:
            urllib.request.urlopen(base + path, timeout=300).read()
        floor = measure(base, FLOOR, args, server.pid)
        report("floor", FLOOR, floor, floor["rps"], "")
        pages_met = api_met = True
        for path in pages:
            result = measure(base, path, args, server.pid)
            ok = result["rps"] >= PAGE_GOAL_RPS and result["p99"] <= PAGE_GOAL_P99_MS
            ok = ok and clean(result)
            pages_met &= ok
            report("page", path, result, floor["rps"], "goal met" if ok else "GOAL MISSED")
        for path in LIST_ENDPOINTS + OTHER_ENDPOINTS:
            result = measure(base, path, args, server.pid)
            goal = path in LIST_ENDPOINTS
            ok = result["p99"] < GOAL_MS and clean(result)
            api_met &= ok or not goal
            note = ("goal met" if ok else "GOAL MISSED") if goal else ""
            report("api", path, result, floor["rps"], note)
        for label, lua, page in (
            ("/api/trials?page&age&country (each new)", DISTINCT, False),
            ("/trials?page&age&country (each new page)", DISTINCT_PAGES, True),
        ):
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
                script.write(lua)
            result = with_cpu(
                server.pid,
                lambda: run_wrk(base, args.connections, args.duration, Path(script.name)),
            )
            os.unlink(script.name)
            note = ""
            if page:
                ok = result["rps"] >= PAGE_GOAL_RPS and result["p99"] <= PAGE_GOAL_P99_MS
                ok = ok and clean(result)
                pages_met &= ok
                note = "goal met" if ok else "GOAL MISSED"
            report("distinct", label, result, floor["rps"], note)
        print(
            f"\ngoal pages (>= {PAGE_GOAL_RPS:.0f} req/s, p99 <= {PAGE_GOAL_P99_MS:.0f} ms, "
            f"response cache off): {'met' if pages_met else 'missed'}"
        )
        print(
            f"goal API (p99 < {GOAL_MS:.0f} ms on the list endpoints, response cache off): "
            f"{'met' if api_met else 'missed'}"
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
