"""Every output boundary escapes what it writes: no text field can inject markup into the HTML
or Markdown report, terminal output prints rich markup as text, and CSV cells never start a
formula."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartatlas.output import Format, emit
from cartatlas.report.model import Figure, Paragraph, Reference, References, Report, Section, Table
from cartatlas.report.render import render_html, render_markdown
from cartatlas.spreadsheet import defuse
from cartatlas.web.responses import csv_response

# What the template itself writes, plus the inline formatting of the model's Markdown subset.
TEMPLATE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "nav", "h1", "h2", "p",
    "ol", "ul", "li", "a", "section", "table", "caption", "thead", "tbody", "tr", "th", "td",
    "figure", "figcaption", "svg", "details", "summary", "div", "strong", "code", "br", "span",
    "footer", "h3", "em", "aside", "small", "sup",
}  # fmt: skip
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><iframe srcdoc=x>",
    "<i onmouseover=alert(1)>x</i>",
    "</td></tr></table><script>x</script>",
    "javascript:alert(1)",
    "]]><!--",
)
TEXT = st.builds(
    lambda a, payload, b: f"{a}{payload}{b}",
    st.text(alphabet=st.sampled_from("ab <>&\"'*`[]=/\n"), max_size=12),
    st.sampled_from(PAYLOADS),
    st.text(alphabet=st.sampled_from("ab <>&\"'*`[]=/\n"), max_size=12),
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += attrs


def _report(texts: list[str], url: str) -> Report:
    it = iter(texts * 20)
    references = References()
    references.items.append(Reference(1, next(it), url, None, None))
    table = Table(next(it), [next(it), "verdict"], [[next(it), next(it)]], note=next(it))
    figure = Figure(next(it), "<svg></svg>", next(it), data=table, slug="f")
    section = Section(
        "s1", next(it), next(it), [Paragraph(next(it)), table, figure], caveats=[next(it)]
    )
    return Report(next(it), ["CN", "US"], "2026-01-01", next(it), [section], references)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT, min_size=1, max_size=6), st.sampled_from(PAYLOADS))
def test_no_text_field_injects_markup_into_the_html_report(texts, payload) -> None:
    page = _Tags()
    page.feed(render_html(_report(texts, f"https://example.org/{payload}")))
    assert page.tags <= TEMPLATE_TAGS, page.tags - TEMPLATE_TAGS
    for name, value in page.attributes:
        assert not name.startswith("on"), name
        if name == "href":
            assert value.startswith(("#", "https://", "http://")), value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(TEXT, min_size=1, max_size=6))
def test_no_text_field_injects_html_into_the_markdown_report(texts, tmp_path_factory) -> None:
    text = render_markdown(_report(texts, "javascript:alert(1)"), tmp_path_factory.mktemp("md"))
    anchors = re.compile(r'<a id="ref-\d+"></a>')
    assert "<" not in anchors.sub("", text)


def test_a_javascript_url_is_never_a_link() -> None:
    page = _Tags()
    page.feed(render_html(_report(["x"], "javascript:alert(1)")))
    assert all(not (v or "").startswith("javascript") for _, v in page.attributes)


FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
SAFE = ["-1.5", "+3", "plain", "a=b", 7, None]


def test_defuse_prefixes_formulas_and_keeps_numbers() -> None:
    assert [defuse(v) for v in FORMULAS] == ["'" + v.replace("\r", "\n") for v in FORMULAS]
    assert defuse("a\r\nb\rc") == "a\nb\nc"
    assert [defuse(v) for v in SAFE] == SAFE


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def test_cli_csv_and_web_csv_defuse_every_cell(capsys) -> None:
    emit(["title", "n"], [[v, 1] for v in FORMULAS], Format.csv)
    cli_cells = _cells(capsys.readouterr().out)
    web = csv_response(pd.DataFrame({"title": FORMULAS, "n": [1] * len(FORMULAS)}), "t.csv")
    web_cells = _cells(web.body.decode())
    for cells in (cli_cells, web_cells):
        texts = [c for c in cells if c not in ("title", "n", "1")]
        assert texts == ["'" + v.replace("\r", "\n") for v in FORMULAS]


def test_table_output_prints_markup_as_text(capsys) -> None:
    emit(["title"], [["[/bold] [a-z0-9] [red]x"]], Format.table, title="[/bold]")
    out = capsys.readouterr().out
    assert "[/bold] [a-z0-9] [red]x" in out


def test_no_text_field_becomes_a_markdown_link_or_image(tmp_path) -> None:
    """A registry title or an article's claim may hold Markdown link syntax; in the Markdown
    report it stays text (a viewer would otherwise show a link, or fetch a remote image), while
    the model's own citation markers still link to the reference list."""
    hostile = "see [click](https://evil.example/x) and ![pixel](https://evil.example/p.png) [[1]]"
    text = render_markdown(_report([hostile], "https://example.org/ref"), tmp_path)
    assert "[click](" not in text and "[pixel](" not in text
    assert "\\[click\\](https://evil.example/x)" in text
    assert "[1](#ref-1)" in text
