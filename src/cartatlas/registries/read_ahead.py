"""Prepare the next batch while the store writes the current one.

An import spends about half its time in Python (decoding and normalizing records, building Arrow
columns) and half in the store's native code (inserts, commits, compression), which releases
Python's global lock. Producing batches in one background thread lets the two halves overlap on
a machine with a second core. At most ``depth`` batches wait, so memory stays bounded.

Only for sources that touch no store connection (a file being read): database connections are
not shared between threads here.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()
_POLL = 0.1  # seconds: how often a waiting producer checks whether the consumer gave up


class _Failure:
    """An exception raised while producing, re-raised where the items are consumed."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def read_ahead(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """``items`` in order, produced in a background thread at most ``depth`` items ahead."""
    waiting: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: object) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
        except BaseException as exc:  # noqa: BLE001 — handed to the consumer, which re-raises
            offer(_Failure(exc))
            return
        offer(_DONE)

    worker = threading.Thread(target=produce, name="read-ahead", daemon=True)
    worker.start()
    try:
        while (item := waiting.get()) is not _DONE:
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()
