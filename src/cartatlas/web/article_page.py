"""The "Check an article" page: paste a page's text, see it with every claim highlighted in its
verdict's colour and the list of claims with evidence. The article is escaped by the renderer
(no markup from it reaches the page) and the page needs no script, so it works under the CSP."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from cartatlas.web.api.article import MAX_BYTES, check_text
from cartatlas.web.body import read_capped
from cartatlas.web.deps import EvidenceDep, MemoDep, RegistryDep
from cartatlas.web.loop import on_loop_when_kept
from cartatlas.web.pages import _common
from cartatlas.web.render import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _page(request, store, memo, registry, text: str, checked=None, error: str | None = None):
    from cartatlas.analyses.article import render as article_render

    context = {
        **_common(request, store, memo, registry, ["CN", "US"]),
        "text": text,
        "error": error,
        "summary": checked.summary if checked else None,
        # Both fragments are built by escaping every piece of article text (render.py).
        "article": Markup(article_render.highlighted_html(checked)) if checked else None,
        "claims": Markup(article_render.claims_list_html(checked)) if checked else None,
    }
    return render(request, "article.html.j2", context, 422 if error else 200)


@router.get("/article")
@on_loop_when_kept
def article_form(request: Request, store: EvidenceDep, memo: MemoDep, registry: RegistryDep):
    return _page(request, store, memo, registry, "")


async def _posted_text(request: Request) -> str:
    body = await read_capped(request, MAX_BYTES, "article")
    return parse_qs(body.decode("utf-8", "replace")).get("text", [""])[0]


@router.post("/article")
def article_checked(
    request: Request,
    store: EvidenceDep,
    memo: MemoDep,
    registry: RegistryDep,
    posted: Annotated[str, Depends(_posted_text)],
):
    from cartatlas.analyses.article.page_text import ArticleInputError, article_text

    try:
        text = article_text(posted)
    except ArticleInputError as exc:
        return _page(request, store, memo, registry, posted, error=str(exc))
    return _page(request, store, memo, registry, posted, check_text(store, text, registry))
