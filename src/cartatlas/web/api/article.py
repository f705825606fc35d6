"""Check an article: POST the page (plain text, Markdown or HTML, or JSON ``{"text": ...}``) and
get every checkable claim with its verdict, evidence and sources. Nothing is stored."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request

from cartatlas.store import Store
from cartatlas.web.body import read_capped
from cartatlas.web.deps import EvidenceDep, RegistryDep
from cartatlas.web.params import bad_param
from cartatlas.web.registry import RegistryData

router = APIRouter(prefix="/check-article", tags=["claims"])

#: Largest body accepted: a long saved web page, not a book.
MAX_BYTES = 1_000_000
#: Any non-empty body is an article (one with no words gets "0 checkable claims" and a note),
#: so the text bodies have no ``type``: every value a client sends as text is a string.
_TEXT = {"schema": {"minLength": 1}}
OPENAPI_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/plain": _TEXT,
            "text/html": _TEXT,
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"text": {"type": "string", "minLength": 1}},
                    "required": ["text"],
                    "example": {"text": "In China, CAR-T costs $120,000 to $170,000."},
                }
            },
        },
    }
}
NO_WORDS = "the article holds no words (an empty page or markup only): nothing to check"


def article_from_body(body: bytes, content_type: str) -> str:
    """The article's plain text ("" when it holds no words); 413 over the cap, 422 naming what
    is wrong."""
    from cartatlas.analyses.article.page_text import (
        ArticleInputError,
        NoArticleText,
        article_text,
        decode_article,
    )

    if len(body) > MAX_BYTES:
        raise HTTPException(413, f"article over {MAX_BYTES:,} bytes")
    try:
        charset = re.search(r"charset=\"?([^\s;\"]+)", content_type, re.IGNORECASE)
        raw = decode_article(body, charset.group(1) if charset else None)
        if "json" in content_type:
            data = json.loads(raw)
            if not isinstance(data, dict) or not isinstance(data.get("text"), str):
                raise ValueError('expected {"text": "..."}')
            raw = data["text"]
        if not raw:
            raise ValueError("it is empty")
        return article_text(raw)
    except NoArticleText:
        return ""
    except (ValueError, ArticleInputError, RecursionError) as exc:
        raise bad_param("text", None, f"not an article: {exc}", "body") from None


def check_text(store: Store, text: str, registry: RegistryData | None):
    from cartatlas.analyses.article import check_article

    return check_article(text, store, registry.car_trials if registry is not None else None)


def check_response(store: Store, text: str, registry: RegistryData | None) -> dict[str, Any]:
    from cartatlas.analyses.article.render import record

    checked = check_text(store, text, registry)
    return {
        "summary": checked.summary,
        "claims": [record(c) for c in checked.claims],
        "registry_data": registry is not None,
        **({} if text else {"note": NO_WORDS}),
    }


async def read_article(request: Request) -> str:
    body = await read_capped(request, MAX_BYTES, "article")
    return article_from_body(body, request.headers.get("content-type", ""))


@router.post("", summary="Check an article", openapi_extra=OPENAPI_BODY)
def check(
    store: EvidenceDep,
    registry: RegistryDep,
    text: Annotated[str, Depends(read_article)],
) -> dict[str, Any]:
    """Body: the article as text, Markdown or HTML (boilerplate is stripped), or JSON
    ``{"text": ...}``. Returns a one-line summary and one record per claim (sentence, span,
    metric, countries, indication, product, trial, value, range, compare, verdict, evidence,
    sources, plain-language sentence). Without registry data, trial-count claims say "no
    data"."""
    return check_response(store, text, registry)
