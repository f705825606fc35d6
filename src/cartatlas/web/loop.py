"""Pages answered on the event loop when everything they need is kept.

FastAPI runs a plain ``def`` endpoint in a worker thread, so that building a page (reading the
store, pooling, rendering a body: up to seconds) never stops the event loop. Once a page's data
and body are kept, though, a request only looks them up and frames them (well under a
millisecond), and the hop to a thread and back cost about as much again, with the GIL handed
between two threads on every request. :func:`on_loop_when_kept` runs such an endpoint on the
event loop first; wherever it would build something instead (:func:`building`, called by
:class:`~cartatlas.web.cache.Memo` and the registry frames before they build or read the store),
it stops and the whole request is answered in a worker thread as before. Page endpoints are
pure functions of the kept data and the request, so stopping one midway and running it again
changes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

T = TypeVar("T")
_ON_LOOP: ContextVar[bool] = ContextVar("cartatlas_on_loop", default=False)


class MustBuild(Exception):
    """Raised on the event loop where a value would have to be built or the store read."""


def building() -> None:
    """Say that slow work follows (building a value, reading the store): on the event loop this
    hands the request to a worker thread; elsewhere it does nothing."""
    if _ON_LOOP.get():
        raise MustBuild


def on_loop_when_kept(endpoint: Callable[..., T]) -> Callable[..., Any]:
    """``endpoint`` (a plain function) as an ``async`` endpoint with the same parameters: run on
    the event loop, or in a worker thread if it has to build something (:func:`building`)."""

    @functools.wraps(endpoint)
    async def answer(*args: Any, **kwargs: Any) -> T:
        token = _ON_LOOP.set(True)
        try:
            return endpoint(*args, **kwargs)
        except MustBuild:
            pass
        finally:
            _ON_LOOP.reset(token)
        return await run_in_threadpool(endpoint, *args, **kwargs)

    return answer
