"""Per-process memo of derived data and of API answers, dropped when the store's data change.

Classifying every registry trial takes seconds and a page's pooled estimates about one, while a
list endpoint must answer in milliseconds: so derived values (the classified trial frame, report
sections, poolings) are built once per process and reused, and every API answer (a pure function
of the data and the URL) is kept as bytes by :class:`ResponseCache`. A cheap fingerprint of the
store (row counts of the evidence tables, the latest registry run) is read at most every
``recheck`` seconds; when it differs, everything is rebuilt on demand. A read-only DuckDB file
cannot change while the server holds it; the check matters for PostgreSQL, where
``cartatlas import`` can run alongside.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cartatlas.evidence.loader import table_name
from cartatlas.evidence.tables import TABLES
from cartatlas.store import Store
from cartatlas.web.loop import building

T = TypeVar("T")
EVIDENCE_TABLES = tuple(table_name(t) for t in TABLES)
_MISSING = object()


def fingerprint(store: Store) -> tuple:
    """What changes when evidence is reloaded or a registry snapshot is imported."""
    wanted = (*EVIDENCE_TABLES, "reg_run")
    marks = ", ".join("?" * len(wanted))
    present = {
        name
        for (name,) in store.execute(
            "SELECT table_name FROM information_schema.tables"
            f" WHERE table_schema = current_schema() AND table_name IN ({marks})",
            wanted,
        )
    }
    parts = [f"(SELECT count(*) FROM {t})" for t in EVIDENCE_TABLES if t in present]
    if "reg_run" in present:
        parts.append("(SELECT max(run_id) FROM reg_run WHERE status = 'complete')")
    if not parts:
        return ()
    return tuple(sorted(present)), store.execute("SELECT " + ", ".join(parts))[0]


def query_key(query: bytes) -> tuple[bytes, ...]:
    """A query string's parameters in name order, the values of a repeated name in the order
    given: ``b=1&a=2`` asks what ``a=2&b=1`` asks, but ``countries=CN&countries=US`` lists CN
    first and ``countries=US&countries=CN`` US first (sorting whole parameters answered the
    second from the first's kept answer)."""
    return tuple(sorted(query.split(b"&"), key=lambda part: part.split(b"=", 1)[0]))


class Memo:
    """Values by key, each built at most once at a time (concurrent requests for a value that is
    being built wait for it), least recently used dropped beyond ``size``."""

    def __init__(self, size: int = 256, recheck: float = 10.0) -> None:
        self.size = size
        self.recheck = recheck
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self._fingerprint: tuple | None = None
        self._checked = -float("inf")

    def claim(self) -> bool:
        """True for exactly one caller once ``recheck`` seconds have passed: that caller reads
        the fingerprint (others keep using the values meanwhile, so a check never makes
        concurrent requests queue behind it)."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked < self.recheck:
                return False
            self._checked = now
            return True

    def current(self) -> bool:
        """True while no check of the fingerprint is due: values may be read without one."""
        return time.monotonic() - self._checked < self.recheck

    def update(self, current: tuple) -> None:
        """Drop every value if the fingerprint differs from the last one seen."""
        with self._lock:
            if current != self._fingerprint:
                self._values.clear()
                self._fingerprint = current

    def refresh(self, store: Store) -> None:
        if not self.current():
            building()  # the check reads the store
        if self.claim():
            self.update(fingerprint(store))

    def peek(self, key: Hashable) -> object:
        """The value, or ``None`` when absent (values are never ``None``)."""
        with self._lock:
            value = self._values.get(key, _MISSING)
            if value is _MISSING:
                return None
            self._values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: object) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def get(self, store: Store, key: Hashable, build: Callable[[], T]) -> T:
        self.refresh(store)
        found = self.peek(key)
        if found is not None:
            return found  # type: ignore[return-value]
        building()
        with self._lock:
            underway = self._building.setdefault(key, threading.Lock())
        with underway:
            found = self.peek(key)
            if found is not None:
                return found  # type: ignore[return-value]
            value = build()
            self.put(key, value)
            with self._lock:
                self._building.pop(key, None)
            return value


class ResponseCache:
    """ASGI middleware: a successful GET under ``/api`` (but the health check) is kept as bytes,
    keyed by path and query, and a repeated request is answered from memory before routing.

    Concurrent requests for an answer being computed wait for it instead of computing it again
    (50 clients asking the same new question cost one computation). Answers over ``max_bytes``
    (a CSV of every trial) and errors are not kept."""

    def __init__(self, app: ASGIApp, size: int = 512, max_bytes: int = 1_000_000) -> None:
        self.app = app
        self.memo = Memo(size=size)
        self.max_bytes = max_bytes
        self._inflight: dict[Hashable, asyncio.Event] = {}

    def _check(self, hub: object) -> None:
        with hub.store() as store:  # type: ignore[attr-defined]
            self.memo.update(fingerprint(store))

    @staticmethod
    def cacheable(scope: Scope) -> bool:
        return (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"].startswith("/api/")
            and scope["path"] != "/api/health"
        )

    async def _send_hit(self, hit: object, send: Send) -> None:
        headers, body = hit  # type: ignore[misc]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.cacheable(scope):
            await self.app(scope, receive, send)
            return
        if self.memo.claim():
            await run_in_threadpool(self._check, scope["app"].state.hub)
        key = (scope["path"], query_key(scope["query_string"]))
        while (hit := self.memo.peek(key)) is None and key in self._inflight:
            await self._inflight[key].wait()
            if self.memo.peek(key) is None:
                break  # the first answer was not kept (an error): compute this one
        if hit is not None:
            await self._send_hit(hit, send)
            return
        done = self._inflight.setdefault(key, asyncio.Event())
        start: Message = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif start.get("status") == 200:
                chunks.append(message.get("body", b""))
                size = sum(map(len, chunks))
                if not message.get("more_body", False) and size <= self.max_bytes:
                    self.memo.put(key, (start["headers"], b"".join(chunks)))
            await send(message)

        try:
            await self.app(scope, receive, keep)
        finally:
            if self._inflight.get(key) is done:
                del self._inflight[key]
            done.set()
