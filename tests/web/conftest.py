"""Web fixtures: the app over the full test store (and over evidence only), a test client, and
a real server on a free loopback port for the browser."""

from __future__ import annotations

import socket
import threading
import time
import warnings

import pytest
import uvicorn

from cartatlas.web.app import create_app

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
def evidence_client(evidence_store):
    with TestClient(create_app(evidence_store)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server(web_app):
    """The app served by uvicorn on 127.0.0.1 (a free port); yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(web_app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    # Start-up classifies every trial: on a loaded machine that can take minutes, so wait for the
    # server's own "started" (or its thread dying), with only a generous bound.
    deadline = time.monotonic() + 600
    while not server.started:
        assert thread.is_alive(), "the server stopped during start-up"
        assert time.monotonic() < deadline, "the server did not start in 10 minutes"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
