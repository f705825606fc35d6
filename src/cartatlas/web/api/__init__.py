"""The JSON API, one router per resource; every route is a GET except the claims and article
checks, which read the posted document and write nothing."""

from fastapi import APIRouter, Depends

from cartatlas.web.api import (
    approvals,
    article,
    claims,
    durability,
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
from cartatlas.web.api.known_params import reject_unknown_query

ROUTERS = (
    products,
    approvals,
    studies,
    outcomes,
    safety,
    durability,
    prices,
    trials,
    landscape,
    meta,
    claims,
    article,
    sources,
)


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api", dependencies=[Depends(reject_unknown_query)])
    for module in ROUTERS:
        router.include_router(module.router)
    return router
