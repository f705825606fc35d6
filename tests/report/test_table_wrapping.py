"""PDF tables wrap between words, never inside a number, year, percentage, NCT id or DOI (a
PDF once printed "202/1", "58.4/%" and "suppor/ted": every cell could break at any character)."""

from __future__ import annotations

import re

import pytest

from cartatlas.report.model import References, Report, Section, Table
from cartatlas.report.render import render_html, unbroken


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
