"""The text of an article from what a user has: plain text, Markdown, a saved HTML page or a
URL. HTML is stripped of navigation, adverts and footers by trafilatura (a maintained
boilerplate remover); Markdown loses its markup but keeps its words and paragraphs."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import BinaryIO

from cartatlas.analyses.article import MAX_CHARS

#: Most bytes read of a file or standard input: the longest page ``article_text`` takes, at the
#: four bytes a character can need. Read as a cap, so /dev/zero or a pipe that never ends stops.
MAX_BYTES = MAX_CHARS * 10 * 4
#: Byte order marks that say how a file is encoded (UTF-32 first: its LE mark starts as UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


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


#: A European amount whose writing is unambiguous: dot-grouped with a decimal comma
#: ("1.234.567,89", "327.000,00") or with two dot groups or more ("1.234.567"). Read as it was,
#: "1.234.567,89 Euro" was a price of 89 euros. "327.000" alone stays as price-parser reads it.
_EUROPEAN = re.compile(
    r"(?<![\w.,])\d{1,3}(?:\.\d{3})+,\d{1,2}(?![\d,]|\.\d)"
    r"|(?<![\w.,])\d{1,3}(?:\.\d{3}){2,}(?![\d]|[.,]\d)"
)
_SWAP_SEPARATORS = str.maketrans(".,", ",.")
#: A percentage with a decimal comma ("58,3%", "58,3 %"): read as 3%.
_COMMA_PERCENT = re.compile(r"(?<![\d.,])(\d{1,3}),(\d{1,2}\s?(?:%|percent\b|per cent\b))")
#: Characters that show nothing: zero-width spaces and joiners, the word joiner, a byte order
#: mark, a soft hyphen, and the marks and overrides of text direction. Between digits they split
#: a number ("3\u200b200 centres" read as 200), and a direction override makes a page show a
#: figure reversed ("\u202e002" shown as 200 and read as 2).
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def plain_figures(text: str) -> str:
    """``text`` with numbers in the separators the number readers know: each character
    replaced by one, so every claim's span still points at its words."""
    text = _MIDDLE_DOT.sub(".", _GROUPING_SPACES.sub("\u00a0", text))
    text = _EUROPEAN.sub(lambda m: m.group().translate(_SWAP_SEPARATORS), text)
    return _COMMA_PERCENT.sub(r"\1.\2", text)


def article_text(raw: str) -> str:
    """Plain text of the article, whatever form ``raw`` is in, without control characters (a
    terminal escape sequence in a page would act on the terminal its claims are printed to)."""
    if len(raw) > MAX_CHARS * 10:
        raise ArticleInputError(f"the page is over {MAX_CHARS * 10:,} characters")
    from cartatlas.analyses.claims.model import without_controls

    text = html_to_text(raw) if looks_like_html(raw) else markdown_to_text(raw)
    text = plain_figures(_INVISIBLE.sub("", without_controls(text)))
    if len(text) > MAX_CHARS:
        raise ArticleInputError(
            f"the article text is {len(text):,} characters, over the {MAX_CHARS:,} limit; "
            "check a part of it"
        )
    if not re.search(r"\w", text):
        raise NoArticleText("the article is empty")
    return text


def decode_article(data: bytes, charset: str | None = None) -> str:
    """The text of ``data``: in the encoding its byte order mark or ``charset`` (an HTTP
    body's) names, else UTF-8. Bytes that are not text are refused, saying where and what to
    do: read with replacement characters, a UTF-16 page lost every claim with a "¥" or "€" and
    a Latin-1 one its "¥1,200,000" — and the claims checked then were not the article's."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    try:
        return data.decode(encoding or _known(charset) or "utf-8")
    except UnicodeDecodeError as exc:
        if b"\x00" in data[:8192] and encoding is None:
            raise ArticleInputError(
                "binary data, not text (a PDF, Word file or image?); save the article as text, "
                "Markdown or HTML"
            ) from None
        before = data[: exc.start]
        line, column = before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1
        raise ArticleInputError(
            f"not {encoding or charset or 'UTF-8'} text (byte 0x{data[exc.start]:02X} at line "
            f"{line}, column {column}); re-save it as UTF-8 (it may be Latin-1 or Windows-1252)"
        ) from None


def _known(charset: str | None) -> str | None:
    """``charset`` when Python knows the encoding (an HTTP body may name any)."""
    if not charset:
        return None
    try:
        return codecs.lookup(charset).name
    except LookupError:
        raise ArticleInputError(
            f"unknown charset {charset!r}; send the article as UTF-8 (charset=utf-8)"
        ) from None


def read_article(file: str, stdin: BinaryIO) -> str:
    """The text of the article in ``file`` ('-': ``stdin``); every refusal names the file and
    says what to give instead."""
    name = "standard input" if file == "-" else file
    try:
        if file == "-":
            data = stdin.read(MAX_BYTES + 1)
        else:
            with Path(file).open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise ArticleInputError(
            f"{file}: a folder, not a file; give a text, Markdown or saved HTML file"
        ) from None
    except FileNotFoundError:
        hint = (
            f"to check a web page give --url {file}"
            if re.match(r"https?://", file)
            else "give the path of a text, Markdown or saved HTML file ('-' reads standard input)"
        )
        raise ArticleInputError(f"{file}: no such file; {hint}") from None
    except OSError as exc:
        raise ArticleInputError(f"{file}: cannot read ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise ArticleInputError(
            f"{name}: over {MAX_BYTES // 1_000_000} MB, longer than any article; check a part of it"
        )
    if not data.strip():
        raise NoArticleText(
            f"{name}: empty; give a text, Markdown or saved HTML file holding the article"
        )
    try:
        return article_text(decode_article(data))
    except ArticleInputError as exc:
        raise type(exc)(f"{name}: {exc}") from None


def fetch_page(url: str, timeout: float = 10.0) -> str:
    """Download a page; fail fast and say so when there is no network. Read as a file is: at
    most ``MAX_BYTES`` (a page without end filled the memory), in the charset the server names
    (``response.text`` guessed), bytes that are not text refused."""
    import httpx

    if not re.match(r"https?://", url):
        raise ArticleInputError(f"{url!r} is not an http(s) URL")
    try:
        with httpx.stream(
            "GET", url, timeout=timeout, follow_redirects=True, headers={"User-Agent": "cartatlas"}
        ) as response:
            response.raise_for_status()
            data = bytearray()
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > MAX_BYTES:
                    raise ArticleInputError(
                        f"{url}: over {MAX_BYTES // 1_000_000} MB, longer than any article; save "
                        "the part to check and pass the file instead"
                    )
            charset = response.charset_encoding
    except httpx.HTTPStatusError as exc:
        raise ArticleInputError(f"{url}: the server answered {exc.response.status_code}") from None
    except httpx.HTTPError as exc:
        raise ArticleInputError(
            f"cannot fetch {url} ({type(exc).__name__}: {exc}); without a network, save the "
            "page and pass the file instead"
        ) from None
    try:
        return decode_article(bytes(data), charset)
    except ArticleInputError as exc:
        raise ArticleInputError(f"{url}: {exc}") from None
