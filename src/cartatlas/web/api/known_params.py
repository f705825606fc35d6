"""An API query parameter the route does not take, or one value given twice, is a 422, not
silently ignored.

``/api/approvals/lag?a=JP&b=CN`` used to answer the default CN–US lag (the route takes
``countries``), so a client's typo gave a confident answer to another question. Every /api route
checks its query against the parameters it declares, its dependencies' included, and names the
nearest one. Likewise ``/api/products?country=us&country=cn`` answered for one of the two
without a word: a parameter that takes one value, given several, names them.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request, params
from fastapi.dependencies.utils import get_flat_params, is_scalar_field
from fastapi.routing import APIRoute

from cartatlas.inputs import did_you_mean
from cartatlas.web.params import bad_param, given_once

#: The names each endpoint takes, keyed by its function (a route is not hashable): they are fixed
#: when the module defines the route, and every app built in the process mounts the same routes.
#: Walking the dependencies costs ≈ 20 µs, which every API request would otherwise pay.
_DECLARED: dict[Callable[..., object], tuple[tuple[str, ...], frozenset[str]]] = {}


def _declared(route: APIRoute) -> tuple[tuple[str, ...], frozenset[str]]:
    """The query parameter names ``route`` takes, its dependencies' included, as clients write
    them (their aliases), and those of them that take a single value."""
    known = _DECLARED.get(route.endpoint)
    if known is None:
        fields = [
            field
            for field in get_flat_params(route.dependant)
            if isinstance(field.field_info, params.Query)
        ]
        known = _DECLARED[route.endpoint] = (
            tuple(sorted({field.alias for field in fields})),
            frozenset(field.alias for field in fields if is_scalar_field(field)),
        )
    return known


def reject_unknown_query(request: Request) -> None:
    """Raise the 422 FastAPI gives a bad parameter for the first query name the route does not
    declare ("unknown parameter 'a'; this route takes countries; did you mean …?"), or that
    takes one value and is given several."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known, single = _declared(route)
    for name in request.query_params:
        if name not in known:
            takes = ", ".join(known) if known else "no query parameters"
            raise bad_param(
                name,
                request.query_params[name],
                f"unknown parameter {name!r}; this route takes {takes}{did_you_mean(name, known)}",
            )
        if name in single:
            given_once(name, request.query_params.getlist(name))
