"""An API query parameter the route does not take is a 422, not silently ignored.

``/api/approvals/lag?a=JP&b=CN`` used to answer the default CN–US lag (the route takes
``countries``), so a client's typo gave a confident answer to another question. Every /api route
checks its query against the parameters it declares, its dependencies' included, and names the
nearest one.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request, params
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute

from cartatlas.inputs import did_you_mean
from cartatlas.web.params import bad_param

#: The names each endpoint takes, keyed by its function (a route is not hashable): they are fixed
#: when the module defines the route, and every app built in the process mounts the same routes.
#: Walking the dependencies costs ≈ 20 µs, which every API request would otherwise pay.
_DECLARED: dict[Callable[..., object], tuple[str, ...]] = {}


def _declared(route: APIRoute) -> tuple[str, ...]:
    """The query parameter names ``route`` takes, its dependencies' included, as clients write
    them (their aliases)."""
    known = _DECLARED.get(route.endpoint)
    if known is None:
        known = _DECLARED[route.endpoint] = tuple(
            sorted(
                {
                    field.alias
                    for field in get_flat_params(route.dependant)
                    if isinstance(field.field_info, params.Query)
                }
            )
        )
    return known


def reject_unknown_query(request: Request) -> None:
    """Raise the 422 FastAPI gives a bad parameter for the first query name the route does not
    declare: "unknown parameter 'a'; this route takes countries; did you mean …?"."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _declared(route)
    for name in request.query_params:
        if name not in known:
            takes = ", ".join(known) if known else "no query parameters"
            raise bad_param(
                name,
                request.query_params[name],
                f"unknown parameter {name!r}; this route takes {takes}{did_you_mean(name, known)}",
            )
