"""The text of an article from what a user has: plain text, Markdown, a saved HTML page or a
URL. HTML is stripped of navigation, adverts and footers by trafilatura (a maintained
boilerplate remover); Markdown loses its markup but keeps its words and paragraphs."""

from __future__ import annotations

import re

from cartatlas.analyses.article import MAX_CHARS


class ArticleInputError(ValueError):
    """The article cannot be read; the message says why and what to do."""

    user_facing = True  # its message is written for the user: one line, no traceback


class NoArticleText(ArticleInputError):
    """The input holds no words (an empty page, markup only). The CLI refuses it; the API
    answers "0 checkable claims" with a note, as its schema admits any non-empty body."""


_HTML = re.compile(r"<\s*(?:!doctype\s+html|html|body|head|div|p|article|main)\b", re.IGNORECASE)


def looks_like_html(raw: str) -> bool:
    return bool(_HTML.search(raw[:5000]))


def html_to_text(raw: str) -> str:
    import trafilatura

    text = trafilatura.extract(
        raw, include_comments=False, include_tables=True, favor_recall=True, deduplicate=True
    )
    if not text or not text.strip():
        raise NoArticleText("the HTML page holds no article text (is it a saved page?)")
    return text


def markdown_to_text(raw: str) -> str:
    """Markup off, words kept: "[text](url)" → "text", "**bold**" → "bold", "# Title" →
    "Title", list bullets and table bars gone."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", raw)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"^[ \t]{0,3}#{1,6}[ \t]*", "", text, flags=re.MULTILINE)
    text = re.sub(r"^[ \t]*(?:[-*+•]|\d+[.)])[ \t]+", "", text, flags=re.MULTILINE)
    text = re.sub(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*$", "", text, flags=re.MULTILINE)
    return text.replace(" | ", ". ").replace("|", " ")


#: Spaces that group thousands in print ("$373 000" with a thin, narrow no-break or figure
#: space): read as the no-break space the number pattern knows; "$373\u2009000" read as $373.
_GROUPING_SPACES = re.compile(r"(?<=\d)[\u2009\u202f\u2007](?=\d{3}(?!\d))")
#: The Lancet's decimal point, a raised dot between digits: "58·3%" read as 3%.
_MIDDLE_DOT = re.compile(r"(?<=\d)\u00b7(?=\d)")


def plain_figures(text: str) -> str:
    """``text`` with numbers in the separators the number readers know: each character
    replaced by one, so every claim's span still points at its words."""
    return _MIDDLE_DOT.sub(".", _GROUPING_SPACES.sub("\u00a0", text))


def article_text(raw: str) -> str:
    """Plain text of the article, whatever form ``raw`` is in, without control characters (a
    terminal escape sequence in a page would act on the terminal its claims are printed to)."""
    if len(raw) > MAX_CHARS * 10:
        raise ArticleInputError(f"the page is over {MAX_CHARS * 10:,} characters")
    from cartatlas.analyses.claims.model import without_controls

    text = html_to_text(raw) if looks_like_html(raw) else markdown_to_text(raw)
    text = plain_figures(without_controls(text))
    if len(text) > MAX_CHARS:
        raise ArticleInputError(
            f"the article text is {len(text):,} characters, over the {MAX_CHARS:,} limit; "
            "check a part of it"
        )
    if not re.search(r"\w", text):
        raise NoArticleText("the article is empty")
    return text


def fetch_page(url: str, timeout: float = 10.0) -> str:
    """Download a page; fail fast and say so when there is no network."""
    import httpx

    if not re.match(r"https?://", url):
        raise ArticleInputError(f"{url!r} is not an http(s) URL")
    try:
        response = httpx.get(
            url, timeout=timeout, follow_redirects=True, headers={"User-Agent": "cartatlas"}
        )
        response.raise_for_status()
    except httpx.HTTPStatusError as exc:
        raise ArticleInputError(f"{url}: the server answered {exc.response.status_code}") from None
    except httpx.HTTPError as exc:
        raise ArticleInputError(
            f"cannot fetch {url} ({type(exc).__name__}: {exc}); without a network, save the "
            "page and pass the file instead"
        ) from None
    return response.text
