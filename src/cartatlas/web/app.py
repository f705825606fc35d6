"""The FastAPI application: JSON API under ``/api``, dashboard pages, vendored static files.

``create_app(db)`` opens the store read-only once (a missing store fails here, with the message
that says how to create one) and serves every request from it; see :mod:`cartatlas.web.hub`.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cartatlas.evidence.queries import EvidenceNotLoaded, UnknownProduct
from cartatlas.report import WORLD
from cartatlas.store.registry_read import NoRegistryData
from cartatlas.web import article_page, docs, pages, params
from cartatlas.web.api import api_router
from cartatlas.web.cache import Memo, ResponseCache
from cartatlas.web.errors import NotFound
from cartatlas.web.hub import StoreHub
from cartatlas.web.openapi import document_responses
from cartatlas.web.render import render

STATIC = files("cartatlas.web") / "static"
#: What the base template needs on a page that could not be built.
PAGE_DEFAULTS = {"countries": ["CN", "US"], "attribution": [], "snapshot": None}
_STATUS = {EvidenceNotLoaded: 503, NoRegistryData: 503, UnknownProduct: 404, NotFound: 404}


def _error(request: Request, exc: Exception) -> Response:
    """JSON ``{"detail": …}`` under /api, an HTML page elsewhere."""
    status = next(code for kind, code in _STATUS.items() if isinstance(exc, kind))
    if request.url.path.startswith("/api"):
        return JSONResponse({"detail": str(exc)}, status_code=status)
    return render(
        request, "error.html.j2", {**PAGE_DEFAULTS, "status": status, "message": str(exc)}, status
    )


async def _invalid(request: Request, exc: RequestValidationError) -> Response:
    """FastAPI's 422 JSON under /api; on a page, the same problems as a readable page. Both
    give a bad country in plain words (:func:`params.plain_errors`), not pydantic's pattern."""
    errors = params.plain_errors(list(exc.errors()))
    if request.url.path.startswith("/api"):
        return await request_validation_exception_handler(request, RequestValidationError(errors))
    problems = [{"name": str(error["loc"][-1]), "msg": error["msg"]} for error in errors]
    return render(
        request,
        "error.html.j2",
        {
            **PAGE_DEFAULTS,
            "status": 422,
            "message": "Some parameters are not valid.",
            "problems": problems,
        },
        422,
    )


# Scripts only from this server (no inline script, so injected markup cannot run); Vega compiles
# chart expressions with ``new Function``, hence 'unsafe-eval'; charts and figures style inline.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# FastAPI's /docs and /redoc pages load Swagger UI and ReDoc from jsDelivr and start them inline.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "worker-src blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeaders:
    """Plain ASGI middleware (Starlette's ``BaseHTTPMiddleware`` costs a task per request):
    a Content-Security-Policy, no framing (clickjacking), no MIME sniffing, no referrer sent to
    other sites."""

    HEADERS = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope["path"].startswith(DOCS_PATHS) else CSP
        headers = [*self.HEADERS, (b"content-security-policy", csp.encode())]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(
    db: str | None = None, *, warm: bool = True, keep: tuple[str, list[str]] | None = None
) -> FastAPI:
    """The application over the store ``db`` (a DuckDB path or PostgreSQL URL; default as the
    CLI's ``--db``). ``warm`` reads or builds the registry frames in a background thread as
    soon as the server starts, instead of on the first request that needs them; the server
    answers meanwhile. ``keep`` (data version, names the store lacked at start): the warm-up
    also builds the question pages for the default countries, and what of those names was
    built is kept in the store when the server stops (:func:`~cartatlas.web.stored.keep_built`).
    """
    hub = StoreHub(db)

    stop = threading.Event()

    def warm_up() -> None:
        from cartatlas.web.params import DEFAULT_COUNTRIES
        from cartatlas.web.stored import warm

        warm(hub, app.state.memo, list(DEFAULT_COUNTRIES) if keep else None, stop)
        # The classified frames are millions of long-lived objects: left to the cyclic
        # garbage collector, each full collection scans them all and stalls every request
        # for hundreds of milliseconds. Frozen, they are never scanned.
        gc.collect()
        gc.freeze()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        warming = threading.Thread(target=warm_up, name="warm-up", daemon=True) if warm else None
        if warming is not None:
            warming.start()
        yield
        if warming is not None:
            stop.set()
            warming.join()  # its store cursor must be closed before the store is
        hub.close()
        if keep is not None:
            from cartatlas.web.params import DEFAULT_COUNTRIES
            from cartatlas.web.stored import keep_built

            keep_built(hub.target, app.state.memo, list(DEFAULT_COUNTRIES), *keep)

    app = FastAPI(
        title="cartatlas",
        summary="CAR-T cell therapy across countries: sourced evidence, trial registries, "
        "meta-analysis. Read-only.",
        version="1",
        lifespan=lifespan,
        docs_url=None,  # served by cartatlas.web.docs from the package's own copies
        redoc_url=None,
    )
    app.state.hub = hub
    app.state.memo = Memo(size=4096)  # page data and rendered fragments (trial results)
    for exc_type in _STATUS:
        app.add_exception_handler(exc_type, _error)
    app.add_exception_handler(RequestValidationError, _invalid)
    if os.environ.get("CARTATLAS_RESPONSE_CACHE", "on") != "off":  # off: benchmarks/api.py
        app.add_middleware(ResponseCache)
    app.add_middleware(SecurityHeaders)
    # The pages first: a request is matched against the routes in order, and a page matched
    # after every API route spent a sixth to a quarter of its time there (no path of one is a
    # path of the other: the API's all start with /api/).
    app.include_router(pages.router)
    app.include_router(api_router())
    app.include_router(docs.router)
    app.include_router(article_page.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    document_responses(app)

    @app.get("/assets/world-110m.json", include_in_schema=False, name="world")
    def world() -> FileResponse:
        """Country outlines for the maps: the report's vendored TopoJSON (see its README)."""
        return FileResponse(WORLD, media_type="application/json")

    return app


def app_from_environment() -> FastAPI:
    """The factory uvicorn's worker processes call (``cartatlas serve --workers N``): the store
    is the one ``$CARTATLAS_DB`` names, as ``--db`` resolved it."""
    return create_app()
