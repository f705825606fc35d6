"""Render a :class:`Report` as self-contained HTML, as Markdown (figures beside it) and as PDF.

Text in the model is a small Markdown subset (**bold**, `code`) plus citation markers ``[[n]]``.
Any of it may hold registry or evidence text, so every renderer escapes before it formats: the
HTML template autoescapes (``report.html.j2`` does not end in ``.html``, so autoescaping is
switched on for every template, not chosen by extension), and Markdown output escapes ``&``,
``<`` and ``>`` so that no raw HTML passes through a Markdown viewer.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from cartatlas.report.model import CITATION, Figure, Paragraph, Report, Table

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")

#: Jinja tests telling a section's blocks apart, shared by the report's and the dashboard's
#: templates (``{% if block is table %}``).
BLOCK_TESTS = {
    "table": lambda block: isinstance(block, Table),
    "figure": lambda block: isinstance(block, Figure),
    "paragraph": lambda block: isinstance(block, Paragraph),
}


def inline_html(text: str) -> Markup:
    out = html.escape(text, quote=False)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    out = _CODE.sub(r"<code>\1</code>", out)
    out = CITATION.sub(r'<a class="cite" href="#ref-\1">[\1]</a>', out)
    return Markup(out.replace("\n", "<br>"))


def inline_markdown(text: str) -> str:
    """Model text as Markdown: raw HTML escaped, citations as links. Brackets outside the
    citation markers are escaped too, because model text carries registry titles and article
    claims, and ``[click](https://…)`` or ``![x](https://…)`` in one would become a link or a
    remote image in a Markdown viewer; the model itself never writes a Markdown link."""
    parts = CITATION.split(text)  # literal text, marker number, literal text, …
    return "".join(
        f"[{part}](#ref-{part})" if index % 2 else _literal_markdown(part)
        for index, part in enumerate(parts)
    )


def _literal_markdown(text: str) -> str:
    return html.escape(text, quote=False).replace("[", "\\[").replace("]", "\\]")


def web_url(value: object) -> bool:
    """Only http(s) addresses become links (never ``javascript:`` or ``data:``)."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


_WORDS = re.compile(r"[a-z]{3}")
# International nonproprietary names of CAR-T products (axicabtagene-ciloleucel, tisagenlecleucel)
_INN = re.compile(r"\b[a-z]+(?:-[a-z]+)?(?:leucel|lecel)\b")


def table_cell(text: str) -> Markup:
    """A table cell's text as :func:`inline_html`, product INNs kept from hyphenation: the PDF
    hyphenates the words of tables with many columns (English rules), which would split an INN
    inside its stem ("axicabta-gene"); an INN wraps only at its own hyphen. A cell of values
    (:func:`unbroken`) is :func:`whole_tokens`."""
    if unbroken(text):
        return whole_tokens(text)
    return Markup(_INN.sub(r'<span class="inn">\g<0></span>', str(inline_html(text))))


_BREAKS_AFTER = re.compile(r"[-–—/]")  # where a browser or the PDF may break a line in a token


def whole_tokens(text: object) -> Markup:
    """A cell of values that wraps at its spaces only: a token holding a dash or slash is kept
    on one line (``.nowrap``). Kept whole, five cells of "40% (=33/82; 30–52%)" pushed a
    safety table's last columns off the PDF page; left free, a browser broke "41–63%" at its
    dash."""
    return Markup(" ").join(
        Markup('<span class="nowrap">{}</span>').format(token)
        if _BREAKS_AFTER.search(token)
        else escape(token)
        for token in str(text).split()
    )


def unbroken(value: object) -> bool:
    """A short cell that reads as one value — a number with its unit or currency, a year, a
    percentage, an interval, an NCT id or a DOI — is never broken inside a token (a PDF once
    printed "202/1" and "58.4/%"), only at its spaces; cells of words may wrap between them. A cell
    with a citation marker is text: its marker becomes a link."""
    text = str(value)
    return (
        0 < len(text) <= 32
        and any(ch.isdigit() for ch in text)
        and (text.startswith("10.") or not _WORDS.search(text))
        and not CITATION.search(text)
    )


#: What one printed line of a table holds and how tall it is, in the PDF's 7 pt type on A4
#: (182 mm between the margins, 265 mm of page): about 134 characters of DejaVu Sans across
#: the page, and about 72 lines of table (line height and cell padding) down it.
PRINT_LINE_CHARS = 134
PRINT_PAGE_LINES = 72
#: A table kept whole on one page may push its whole height to the next page, leaving that
#: much blank: only tables of at most a quarter page are kept whole.
WHOLE_TABLE_LINES = PRINT_PAGE_LINES // 4


def printed_lines(table: Table) -> int:
    """About how many printed lines ``table`` takes in the PDF: a row as many lines as its
    text (citation markers as the "[n]" they print) fills across the page, a third more for
    the room columns of uneven length leave empty, and one line for the header. An estimate,
    not a layout: it only tells a table of a quarter page from one of half a page."""

    def row_lines(row: list[str]) -> int:
        text = sum(len(CITATION.sub(r"[\1]", str(value))) + 2 for value in row)
        return max(1, math.ceil(1.3 * text / PRINT_LINE_CHARS))

    return 1 + sum(row_lines(row) for row in table.rows)


def kept_whole(table: Table) -> bool:
    """Whether the PDF keeps ``table`` on one page (``.table-wrap.short``) rather than
    breaking it between rows with its header row repeated. Counting rows was not enough: the
    four-country side-by-side table has eight rows of many lines, half a page, and was pushed
    whole to page 2, leaving the first page half blank."""
    return printed_lines(table) <= WHOLE_TABLE_LINES


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cartatlas.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["inline"] = inline_html
    env.filters["cell"] = table_cell
    env.tests.update(BLOCK_TESTS)
    env.tests["web_url"] = web_url
    env.tests["kept_whole"] = kept_whole
    env.globals["Markup"] = Markup
    return env


def render_html(report: Report) -> str:
    return _environment().get_template("report.html.j2").render(report=report)


def _md_table(table: Table) -> list[str]:
    def cell(value: str) -> str:
        return inline_markdown(value).replace("|", "\\|").replace("\n", " ")

    lines = [
        f"**{inline_markdown(table.title)}**",
        "",
        "| " + " | ".join(cell(c) for c in table.columns) + " |",
        "|" + "---|" * len(table.columns),
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.rows]
    if table.note:
        lines += ["", f"_{inline_markdown(table.note)}_"]
    return [*lines, ""]


def render_markdown(report: Report, figure_dir: Path) -> str:
    """Markdown text; each figure is written as SVG into ``figure_dir`` and linked."""
    figure_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# {inline_markdown(report.title)}",
        "",
        f"Generated {report.generated}. {inline_markdown(report.data_note)}",
        "",
    ]
    for number, section in enumerate(report.sections, 1):
        answer = inline_markdown(section.answer).replace("\n", "  \n> ")
        lines += [f"## {number}. {inline_markdown(section.title)}", "", f"> {answer}", ""]
        for index, block in enumerate(section.blocks):
            if isinstance(block, Paragraph):
                lines += [inline_markdown(block.text), ""]
            elif isinstance(block, Table):
                lines += _md_table(block)
            else:
                name = f"{number:02d}-{index:02d}-{block.slug}.svg"
                (figure_dir / name).write_text(block.svg, "utf-8")
                lines += [
                    f"![{_alt(block.title)}]({figure_dir.name}/{name})",
                    "",
                    f"_{inline_markdown(block.caption)}_",
                    "",
                ]
                if block.data is not None:
                    lines += _md_table(block.data)
        if section.caveats:
            lines += ["**Caveats**", ""] + [f"- {inline_markdown(c)}" for c in section.caveats]
            lines.append("")
    lines += ["## References", ""]
    for ref in report.references.items:
        lines.append(f'<a id="ref-{ref.number}"></a>{ref.number}. {_reference_text(ref)}')
    return "\n".join(lines) + "\n"


def _alt(text: str) -> str:
    return html.escape(text, quote=False).replace("[", "(").replace("]", ")")


def _reference_text(ref) -> str:
    parts = [ref.label if ref.label != ref.url else ""]
    if ref.url:
        parts.append(ref.url)
    if ref.doi:
        parts.append(f"doi:{ref.doi}")
    if ref.pmid:
        parts.append(f"PMID {ref.pmid}")
    if ref.kind_label:
        parts.append(f"[{ref.kind_label}]")
    return _literal_markdown(" ".join(p for p in parts if p))


def render_pdf(html_text: str, path: Path) -> None:
    from weasyprint import HTML

    HTML(string=html_text).write_pdf(path)
