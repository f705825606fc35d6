"""A local fake of the ClinicalTrials.gov API v2 (tests only) that misbehaves on request.

Serves a list of studies page by page on 127.0.0.1 with opaque page tokens, ``countTotal``,
``fields`` (NCTId, LastUpdatePostDate), ``filter.ids`` and ``/version``; injects, per page, the
faults the real API shows: 429 bursts with ``Retry-After``, 500/503, slow answers, dropped
connections, bodies cut short, and the false ``nextPageToken`` on an exactly full last page.
It is bounded: it stops itself after ``lifetime`` seconds or ``max_requests`` requests.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

FAULTS = ("429", "500", "503", "slow", "drop", "cut", "truncate")


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset={offset}".encode()).decode()


def _offset(token: str) -> int:
    return int(base64.urlsafe_b64decode(token.encode()).decode().split("=")[1])


def _project(study: dict[str, Any]) -> dict[str, Any]:
    protocol = study["protocolSection"]
    status = {
        k: v for k, v in protocol.get("statusModule", {}).items() if k == "lastUpdatePostDateStruct"
    }
    return {
        "protocolSection": {
            "identificationModule": {"nctId": protocol["identificationModule"]["nctId"]},
            "statusModule": status,
        }
    }


class FakeCtgov:
    def __init__(
        self,
        studies: list[dict[str, Any]],
        *,
        faults: dict[int, list[str]] | None = None,
        page_delay: float = 0.0,
        false_next_token: bool = True,
        retry_after: str = "1",
        slow_seconds: float = 1.5,
        data_timestamp: str = "2026-08-22T09:00:05",
        lifetime: float = 120.0,
        max_requests: int = 3000,
    ) -> None:
        self.studies = sorted(
            studies, key=lambda s: s["protocolSection"]["identificationModule"]["nctId"]
        )
        self.faults = {page: list(kinds) for page, kinds in (faults or {}).items()}
        self.page_delay = page_delay
        self.false_next_token = false_next_token
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.data_timestamp = data_timestamp
        self.max_requests = max_requests
        self.log: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/v2"

    def __enter__(self) -> FakeCtgov:
        self._thread.start()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._timer.cancel()
        self._server.shutdown()
        self._server.server_close()

    def page_requests(self) -> list[dict[str, Any]]:
        """Logged ``/studies`` listing requests (not ID fetches), in arrival order."""
        with self._lock:
            return [
                e
                for e in self.log
                if e["path"].endswith("/studies") and "filter.ids" not in e["params"]
            ]

    # -- serving ------------------------------------------------------------------------------

    def _respond(
        self, path: str, params: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes, str | None]:
        if path.endswith("/version"):
            body = {"apiVersion": "2.0.5-fake", "dataTimestamp": self.data_timestamp}
            return 200, {}, json.dumps(body).encode(), None
        if not path.endswith("/studies"):
            return 404, {}, b'{"message": "not found"}', None
        if "filter.ids" in params:
            wanted = set(params["filter.ids"].split(","))
            chosen = [
                s
                for s in self.studies
                if s["protocolSection"]["identificationModule"]["nctId"] in wanted
            ]
            return 200, {}, json.dumps({"studies": chosen}).encode(), None
        size = int(params.get("pageSize", "10"))
        offset = _offset(params["pageToken"]) if "pageToken" in params else 0
        page = offset // size
        with self._lock:
            fault = self.faults.get(page, []).pop(0) if self.faults.get(page) else None
        chosen = self.studies[offset : offset + size]
        if "fields" in params:
            chosen = [_project(s) for s in chosen]
        body: dict[str, Any] = {"studies": chosen}
        end = offset + len(chosen)
        if end < len(self.studies) or (self.false_next_token and chosen and len(chosen) == size):
            body["nextPageToken"] = _token(end)
        if params.get("countTotal") == "true":
            body["totalCount"] = len(self.studies)
        if self.page_delay:
            time.sleep(self.page_delay)
        return 200, {}, json.dumps(body).encode(), fault

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                url = urlparse(self.path)
                params = {k: v[-1] for k, v in parse_qs(url.query).items()}
                with fake._lock:
                    fake.log.append({"path": url.path, "params": params, "time": time.monotonic()})
                    over = len(fake.log) > fake.max_requests
                if over:
                    threading.Thread(target=fake.stop, daemon=True).start()
                    return self._send(503, {}, b"{}")
                status, headers, payload, fault = fake._respond(url.path, params)
                with fake._lock:
                    fake.log[-1]["fault"] = fault
                if fault in ("429", "500", "503"):
                    extra = {"Retry-After": fake.retry_after} if fault == "429" else {}
                    return self._send(int(fault), extra, b'{"message": "injected"}')
                if fault == "slow":
                    time.sleep(fake.slow_seconds)
                elif fault == "drop":
                    self.close_connection = True
                    return None
                elif fault == "cut":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload[: len(payload) // 3])
                    self.close_connection = True
                    return None
                elif fault == "truncate":
                    payload = payload[: len(payload) // 2]
                return self._send(status, headers, payload)

            def _send(self, status: int, headers: dict[str, str], payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        return Handler
