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
    "value", ["supported", "axicabtagene-ciloleucel", "138,962 USD (2024 rate)", "", "n/a"]
)
def test_words_may_wrap(value):
    assert not unbroken(value)


def test_print_css_breaks_only_tokens_that_cannot_fit():
    table = Table(
        "Prices",
        ["product", "year", "local"],
        [["axicabtagene-ciloleucel", "2021", "1,000,000 CNY"]],
    )
    section = Section("cost", "Cost", "answer", [table])
    report = Report("t", ["CN", "US"], "today", "", [section], References())
    html = render_html(report)
    assert "anywhere" not in html and "overflow-wrap: break-word" in html
    cells = re.findall(r"<td([^>]*)>(.*?)</td>", html)
    inn = '<span class="inn">axicabtagene-ciloleucel</span>'  # hyphenation off for an INN
    assert cells == [
        ("", inn),
        (' class="nowrap"', "2021"),
        (' class="nowrap"', "1,000,000 CNY"),
    ]


def test_only_tables_of_many_columns_shrink_and_hyphenate():
    columns = [f"c{i}" for i in range(11)]
    wide, narrow = Table("Wide", columns, [["x"] * 11]), Table("Narrow", ["a"], [["x"]])
    section = Section("approvals", "Approvals", "answer", [wide, narrow])
    html = render_html(Report("t", ["CN", "US"], "today", "", [section], References()))
    assert html.count('class="table-wrap short wide"') == 1
    assert ".table-wrap.wide td { hyphens: auto; }" in html
