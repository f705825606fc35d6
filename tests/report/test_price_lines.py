"""A price's line of therapy, where its source states one, is printed beside its indication,
and the line codes are spelt out, on every surface of the Cost and Approvals sections.

GB's £297,000 for liso-cel (NICE TA1048) is a second-line price; the Prices table printed it as
"LBCL", the same as the US third-line launch price beside it, and "2L"/"3L+" were never spelt
out for a reader who is not a haematologist. The expected cells are rebuilt from prices.csv
with the csv module and asserted on the report's table, its Markdown and the dashboard's cost
page; the line glossary on both sections' caveats, the Markdown and the dashboard.
"""

from __future__ import annotations

import html

from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import approvals, cost
from cartatlas.store import open_store
from tests.golden import plain

PAIR = ["GB", "US"]
GLOSSARY = "Lines of therapy: 2L is the second line"


def _with_lines() -> set[tuple[str, str, str, str]]:
    """(product, indication cell, country, year) of every price with a stated line."""
    return {
        (p["product_id"], f"{p['indication'] or 'not stated'} ({p['line_of_therapy']})")
        + (p["country"], p["year"])
        for p in plain.rows("prices")
        if p["country"] in PAIR and p["line_of_therapy"]
    }


EXPECTED = _with_lines()


def test_the_british_second_line_prices_are_among_them():
    assert ("lisocabtagene-maraleucel", "LBCL (2L)", "GB", "2025") in EXPECTED
    assert ("axicabtagene-ciloleucel", "LBCL (2L)", "GB", "2022") in EXPECTED
    assert ("axicabtagene-ciloleucel", "LBCL (3L+)", "US", "2017") in EXPECTED


def test_every_surface_names_the_line(evidence_store, evidence_client, tmp_path):
    with open_store(evidence_store, read_only=True) as store:
        section = cost.build(ReportContext(store, PAIR))
        approved = approvals.build(ReportContext(store, PAIR))
    [table] = [b for b in section.blocks if getattr(b, "title", "") == "Prices"]
    lined = {tuple(r[:4]) for r in table.rows if r[1].endswith(")")}
    assert lined == EXPECTED
    assert any(GLOSSARY in c for c in section.caveats)
    assert any(c.startswith(GLOSSARY) for c in approved.caveats)
    args = ["--db", evidence_store, "report", *PAIR, "--out", str(tmp_path), "--format", "md"]
    assert CliRunner().invoke(app, args).exit_code == 0
    markdown = next(tmp_path.glob("*.md")).read_text("utf-8")
    page = html.unescape(evidence_client.get("/q/cost?a=GB&b=US").text)
    for product, cell, country, year in EXPECTED:
        assert f"| {product} | {cell} | {country} | {year} |" in markdown
        assert f"<td>{cell}</td>" in page, cell
    assert markdown.count(GLOSSARY) >= 2 and GLOSSARY in page
    assert GLOSSARY in html.unescape(evidence_client.get("/q/approvals?a=GB&b=US").text)
