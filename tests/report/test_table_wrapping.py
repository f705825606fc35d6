"""PDF tables wrap between words, never inside a number, year, percentage, NCT id or DOI (a
PDF once printed "202/1", "58.4/%" and "suppor/ted": every cell could break at any character)."""

from __future__ import annotations

import math
import re

import pytest

from cartatlas.report.model import Paragraph, References, Report, Section, Table
from cartatlas.report.render import kept_whole, printed_lines, render_html, unbroken


@pytest.mark.parametrize(
    "value",
    [
        "2021",
        "1,000,000 CNY",
        "58.4%",
        "<0.001",
        "0.62 (0.45–0.85)",
        "NCT03483103",
        "10.1056/NEJMoa1707447",
        "2026-01-12",
    ],
)
def test_single_values_stay_whole(value):
    assert unbroken(value)


@pytest.mark.parametrize(
    "value",
    ["supported", "axicabtagene-ciloleucel", "138,962 USD (2024 rate)", "", "n/a", "[[12]]"],
)
def test_words_may_wrap(value):
    assert not unbroken(value)


def test_print_css_breaks_only_tokens_that_cannot_fit():
    table = Table(
        "Prices",
        ["product", "year", "local", "HR"],
        [["axicabtagene-ciloleucel", "2021", "1,000,000 CNY", "0.62 (0.45–0.85)"]],
    )
    section = Section("cost", "Cost", "answer", [table])
    report = Report("t", ["CN", "US"], "today", "", [section], References())
    html = render_html(report)
    assert "anywhere" not in html and "overflow-wrap: break-word" in html
    cells = re.findall(r"<td([^>]*)>(.*?)</td>", html)
    inn = '<span class="inn">axicabtagene-ciloleucel</span>'  # hyphenation off for an INN
    assert cells == [
        ("", inn),
        ("", "2021"),
        ("", "1,000,000 CNY"),
        ("", '0.62 <span class="nowrap">(0.45–0.85)</span>'),
    ]
    assert "td .nowrap { white-space: nowrap; }" in html


def test_only_tables_of_many_columns_shrink_and_hyphenate():
    columns = [f"c{i}" for i in range(11)]
    wide, narrow = Table("Wide", columns, [["x"] * 11]), Table("Narrow", ["a"], [["x"]])
    section = Section("approvals", "Approvals", "answer", [wide, narrow])
    html = render_html(Report("t", ["CN", "US"], "today", "", [section], References()))
    assert html.count('class="table-wrap short wide"') == 1
    assert ".table-wrap.wide td { hyphens: auto; }" in html


def _cell_boxes(box):
    from weasyprint.formatting_structure.boxes import TableCellBox

    if isinstance(box, TableCellBox):
        yield box
    for child in getattr(box, "children", None) or []:
        yield from _cell_boxes(child)


def test_a_safety_table_of_interval_cells_fits_the_page():
    """Five cells of rate (events/n; CI) per row once stayed each on one line and pushed the
    grading and source columns past the A4 page edge; they wrap at their spaces instead."""
    from weasyprint import HTML

    columns = [
        "country",
        "study",
        "CRS any",
        "CRS ≥3",
        "ICANS any",
        "ICANS ≥3",
        "grading",
        "source",
    ]
    row = [
        "multinational, incl. US (6 countries)",
        "ZUMA-1 (axicabtagene-ciloleucel)",
        "94% (101/108; 87–97%)",
        "13% (14/108; 7–21%)",
        "87% (≈94/108; 79–93%) NE",
        "31% (≈31/101; 22–41%) NE",
        "CRS, any grade: Lee2014; ICANS / neurotoxicity, any grade: not stated",
        "secondary (weak source)",
    ]
    section = Section("safety", "Safety", "answer", [Table("CRS and ICANS", columns, [row] * 2)])
    page = HTML(string=render_html(Report("t", ["CN", "US"], "today", "", [section], References())))
    page_box = page.render().pages[0]._page_box
    content_right = page_box.content_box_x() + page_box.width
    cells = list(_cell_boxes(page_box))
    assert len(cells) == 24  # header and two rows of eight
    assert max(c.position_x + c.margin_width() for c in cells) <= content_right + 0.5


def _page_texts(html: str) -> list[str]:
    """The text printed on each PDF page, in layout order."""
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import TextBox

    def texts(box):
        if isinstance(box, TextBox):
            yield box.text
        for child in getattr(box, "children", None) or []:
            yield from texts(child)

    return [" ".join(texts(page._page_box)) for page in HTML(string=html).render().pages]


def _report(*blocks) -> str:
    section = Section("side_by_side", "Side by side", "answer", list(blocks))
    return render_html(Report("t", ["CN", "US", "IN", "ES"], "today", "", [section], References()))


_FILLER = Paragraph("Filler text that takes room on the first page. " * 60)


def test_a_tall_table_of_few_rows_breaks_between_rows_with_its_header_repeated():
    """The four-country side-by-side table has eight rows of long cells, about half a page: kept
    whole (it has few rows) it was pushed to page 2 and left page 1 half blank. It starts where
    it stands, breaks between rows, and its header row is printed again on the next page."""
    cell = "373,000–487,477 USD (9 of 11 from news reports, where nothing stronger gives that "
    rows = [[f"row{i}", *(cell + f"price) r{i}c{c}" for c in range(4))] for i in range(8)]
    table = Table("Side by side", ["what", "CNX", "USX", "INX", "ESX"], rows)
    assert len(rows) <= 12 and not kept_whole(table)
    pages = _page_texts(_report(_FILLER, table))
    assert "r0c0" in pages[0]  # the table starts on the first page, under the filler
    later = next(i for i, text in enumerate(pages) if "r7c3" in text)
    assert later > 0
    assert all("CNX" in pages[i] and "ESX" in pages[i] for i in range(later + 1))
    for i in range(8):  # a row is never split between pages
        assert sum(f"r{i}c0" in p and f"r{i}c3" in p for p in pages) == 1


@pytest.mark.parametrize("filler", [144, 152, 160])
def test_a_short_table_stays_whole_on_one_page(filler):
    """Placed at the foot of page 2 (with 152 filler sentences it starts there and, left free,
    would break after its first rows), a short table moves to the next page whole."""
    table = Table("Short", ["a", "b"], [[f"s{i}", "1"] for i in range(6)])
    assert kept_whole(table)
    html = _report(_FILLER, Paragraph("More filler to near the page foot. " * filler), table)
    assert 'class="table-wrap short"' in html
    pages = _page_texts(html)
    assert [i for i, p in enumerate(pages) if "s0" in p] == [
        i for i, p in enumerate(pages) if "s5" in p
    ]


def test_printed_lines_counts_long_cells_and_citation_markers_as_printed():
    one_line = Table("t", ["a", "b"], [["x [[12]]", "y"]])
    assert printed_lines(one_line) == 2  # header and one row
    tall = Table("t", ["a", "b"], [["word " * 100, "y"]])
    assert printed_lines(tall) == 1 + math.ceil(1.3 * (len("word " * 100) + 2 + 3) / 134)
