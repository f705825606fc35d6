"""The JSON API, one router per resource; every route is a GET except the claims check, which
reads the posted document and writes nothing."""

from fastapi import APIRouter

from cartatlas.web.api import (
    approvals,
    claims,
    landscape,
    meta,
    outcomes,
    prices,
    products,
    safety,
    sources,
    studies,
    trials,
)

ROUTERS = (
    products,
    approvals,
    studies,
    outcomes,
    safety,
    prices,
    trials,
    landscape,
    meta,
    claims,
    sources,
)


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api")
    for module in ROUTERS:
        router.include_router(module.router)
    return router
