"""Jinja2 set-up for the pages: one base template, the report's inline-text filter (bold, code,
citation markers), and the navigation every page shows.

A page's body (``*_body.html.j2``) depends only on the data version, the page's parameters and
the site's root path, so :func:`fragment` renders it once and keeps the HTML with the page data
(:class:`~cartatlas.web.cache.Memo`); each request renders only the frame around it.
``url_for`` gives the site's paths (``/q/access``, under the root path a proxy sets), looked up
once per route instead of walking the routes on every link; the frame's menu and scripts are
rendered once per compared countries (:func:`chrome`). Links are never built from the request's
Host header: an absolute URL taken from it let any client point a page's links at another site
(and, cached per host, fill the memory with copies of every page).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import cache
from typing import Any, TypeVar

import pycountry
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from markupsafe import Markup, escape
from starlette.datastructures import URL

from cartatlas.report.render import BLOCK_TESTS, inline_html, unbroken, whole_tokens
from cartatlas.store import Store
from cartatlas.web.cache import Memo
from cartatlas.web.questions import QUESTIONS

T = TypeVar("T")
_MISSING = object()


@cache
def country_name(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code)
    return getattr(found, "common_name", None) or (found.name if found else code)


def inline_on(text: str, page: str) -> Markup:
    """Inline text whose citation markers link to the references of another page (the
    overview shows each question's answer; its references are on the question's page)."""
    return Markup(str(inline_html(text)).replace('href="#ref-', f'href="{escape(page)}#ref-'))


def _root(request: Request) -> str:
    """The path the site is served under (``root_path``, set by a proxy or ``--root-path``)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def site_kept(request: Request, key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once per ``key`` and root path, kept on the router (a bounded number)."""
    routes = request.scope.get("router") or request.scope.get("app")
    known = routes.__dict__.setdefault("_cartatlas_kept", {})
    full = (_root(request), key)
    value = known.get(full, _MISSING)
    if value is _MISSING:
        if len(known) > 4096:
            known.clear()
        value = known[full] = build()
    return value


@pass_context
def url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> URL:
    """The path of route ``name`` under the site's root path (``/q/access``), computed once per
    link instead of walking the routes on every link; never a host taken from the request."""
    request: Request = context["request"]
    routes = request.scope.get("router") or request.scope.get("app")
    return site_kept(
        request,
        ("url", name, tuple(sorted(path_params.items()))),
        lambda: URL(_root(request) + str(routes.url_path_for(name, **path_params))),
    )


def chrome(request: Request, compare_query: str) -> dict[str, Markup]:
    """The frame's menu and scripts (``chrome.html.j2``), rendered once per root path and
    compared countries: they hold two dozen links, and rendering them was about half of the
    work of a page whose body is kept."""

    def build() -> dict[str, Markup]:
        template = templates.get_template("chrome.html.j2")
        context = template.new_context({"request": request, "compare_query": compare_query})
        return {
            name: Markup("".join(template.blocks[name](context))) for name in ("header", "scripts")
        }

    return site_kept(request, ("chrome", compare_query), build)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cartatlas.web", "templates"),
        auto_reload=False,  # the templates ship with the package: no file checks per render
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["inline"] = inline_html
    env.filters["inline_on"] = inline_on
    env.filters["country_name"] = country_name
    env.filters["whole_tokens"] = whole_tokens
    env.tests["unbroken"] = unbroken
    env.tests.update(BLOCK_TESTS)
    env.globals["questions"] = QUESTIONS
    env.globals["url_for"] = url_for
    return env


templates = _environment()


class KeptHTML(Markup):
    """A kept fragment with its UTF-8 bytes (``utf8``), encoded once: a question page's body
    is up to 350 KB, and encoding it on every request cost as much as the rest of the request
    (a page with one character beyond Latin-1 is stored two or four bytes a character)."""

    utf8: bytes


def kept_html(html: str) -> KeptHTML:
    kept = KeptHTML(html)
    kept.utf8 = html.encode("utf-8")
    return kept


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Template ``name`` in the site's frame (``base.html.j2``, its menu and scripts kept by
    :func:`chrome`). Kept fragments (:class:`KeptHTML`, alone or in a list) are not encoded
    again: the template places a numbered slot for each, and their bytes go into the slots."""
    framed = {
        **context,
        "request": request,
        "chrome": chrome(request, context.get("compare_query", "")),
    }
    template = templates.get_template(name)
    kept: list[bytes] = []

    def slot(value: Any) -> Any:
        if not isinstance(value, KeptHTML) or not value:  # empty: as false as before
            return value
        kept.append(value.utf8)
        return Markup(f"\x00{len(kept) - 1}\x00")

    slotted = {
        key: [slot(v) for v in value] if isinstance(value, list) else slot(value)
        for key, value in framed.items()
    }
    if kept:
        pieces = template.render(slotted).split("\x00")
        # Every other piece a slot number, and no other NUL (a request's own text may hold one).
        numbers = pieces[1::2]
        if len(numbers) == len(kept) and all(
            n.isascii() and n.isdigit() and int(n) < len(kept) for n in numbers
        ):
            return HTMLResponse(
                b"".join(
                    kept[int(piece)] if i % 2 else piece.encode("utf-8")
                    for i, piece in enumerate(pieces)
                ),
                status_code=status,
            )
    return HTMLResponse(template.render(framed), status_code=status)


def fragment(
    request: Request,
    memo: Memo,
    store: Store,
    key: Hashable,
    name: str,
    context: Callable[[], dict[str, Any]],
) -> KeptHTML:
    """Template ``name`` rendered with ``context()`` once per data version and root path.

    ``key`` must name everything the template reads besides the data version: the page and
    its parameters (the root path is added here, since links hold it)."""
    return memo.get(
        store,
        ("fragment", name, key, _root(request)),
        lambda: kept_html(body(request, name, context())),
    )


def body(request: Request, name: str, context: dict[str, Any]) -> Markup:
    """Template ``name`` rendered as a page body, for :func:`render`'s frame to place (kept by
    :func:`fragment`, or rendered per request where the input is the request's own)."""
    return Markup(templates.get_template(name).render({"request": request, **context}))
