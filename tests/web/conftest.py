"""Web fixtures: the app over the full test store (and over evidence only), a test client, and
a real server on a free loopback port for the browser."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import warnings

import pytest
import uvicorn

from cartatlas.store import open_store
from cartatlas.web.app import create_app
from cartatlas.web.params import DEFAULT_COUNTRIES
from cartatlas.web.stored import missing

with warnings.catch_warnings():  # starlette's TestClient warns that httpx is deprecated for it
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="session")
def web_app(full_store):
    return create_app(full_store)


@pytest.fixture(scope="session")
def client(web_app):
    with TestClient(web_app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server(full_store, tmp_path_factory):
    """The app served by uvicorn on 127.0.0.1 (a free port) as ``cartatlas serve`` serves it,
    on a copy of the full store (no other fixture holds it open); yields the base URL once the
    server is ready: started, and its warm-up (registry frames, every question page for the
    default countries) finished. The tests then time pages, never their first construction,
    which on a loaded machine took longer than the browser's bound."""
    served = str(tmp_path_factory.mktemp("served") / "served.duckdb")
    shutil.copyfile(full_store, served)
    with open_store(served, read_only=True) as store:
        version, lacking = missing(store, list(DEFAULT_COUNTRIES))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    app = create_app(served, keep=(version, lacking) if lacking else None)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    # Conditions, not sleeps: the server's own "started" (or its thread dying), then the end of
    # its warm-up thread; the bound only stops a hang.
    deadline = time.monotonic() + 900
    while not server.started:
        assert thread.is_alive(), "the server stopped during start-up"
        assert time.monotonic() < deadline, "the server did not start in 15 minutes"
        time.sleep(0.05)
    for warming in [t for t in threading.enumerate() if t.name == "warm-up"]:
        warming.join(timeout=max(0.0, deadline - time.monotonic()))
        assert not warming.is_alive(), "the server's warm-up did not end in 15 minutes"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=60)
