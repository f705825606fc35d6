"""The Prices table's note column shows a note's first clause without cutting a bracket open.

Split at the first "; ", Germany's Kymriah note read "launch price (free for one year under
AMNOG", and the US cilta-cel one "WAC at FDA approval (Feb 28, 2022": the reason, and the line
of therapy, were cut off. Each note cell is checked against prices.csv on the report's table,
the `report` command's Markdown and the dashboard's cost page.
"""

from __future__ import annotations

import html

from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import cost
from cartatlas.store import open_store
from tests.golden import plain

PAIR = ("DE", "US")


def _note(product: str, country: str, year: str) -> str:
    [row] = [
        p
        for p in plain.rows("prices")
        if (p["product_id"], p["country"], p["year"]) == (product, country, year)
    ]
    return row["note"]


def _balanced(text: str) -> bool:
    return text.count("(") == text.count(")")


def test_note_cells_keep_their_brackets(evidence_store, evidence_client, tmp_path):
    kymriah = _note("tisagenlecleucel", "DE", "2018")
    # by hand: the note's first clause is everything up to the "; " after its bracket closes
    expected = kymriah[: kymriah.index("); ") + 1]
    assert expected.endswith("outcome-based agreements with payers)")
    cilta = _note("ciltacabtagene-autoleucel", "US", "2022").split(". ")[0]
    assert cilta.endswith(")") and len(cilta) <= 140
    with open_store(evidence_store, read_only=True) as store:
        blocks = cost.build(ReportContext(store, list(PAIR))).blocks
    [table] = [b for b in blocks if getattr(b, "title", "") == "Prices"]
    notes = [row[table.columns.index("note")] for row in table.rows]
    assert expected in notes and cilta in notes
    assert all(_balanced(n) for n in notes), [n for n in notes if not _balanced(n)]
    args = ["--db", evidence_store, "report", *PAIR, "--out", str(tmp_path), "--format", "md"]
    assert CliRunner().invoke(app, args).exit_code == 0
    markdown = next(tmp_path.glob("*.md")).read_text("utf-8")
    page = html.unescape(evidence_client.get(f"/q/cost?a={PAIR[0]}&b={PAIR[1]}").text)
    for surface in (markdown, page):
        assert f"{expected} |" in surface or f"{expected}</td>" in surface
        assert cilta in surface
        assert "under AMNOG |" not in surface and "under AMNOG</td>" not in surface


def test_a_shortened_note_is_cut_between_words(evidence_store, evidence_client, tmp_path):
    """Obe-cel's GB note read "NICE 1.1: 'Obe-cel can only be used if the comp…)". By hand: the
    note's first clause (its "; " is inside a bracket) cut at the last space within 140
    characters, with the bracket it opened closed."""
    note = _note("obecabtagene-autoleucel", "GB", "2025")
    head = note[:140]
    expected = head[: head.rfind(" ")] + "…)"
    assert expected.endswith("can only be used if the…)")
    pair = ["GB", "US"]
    with open_store(evidence_store, read_only=True) as store:
        blocks = cost.build(ReportContext(store, pair)).blocks
    [table] = [b for b in blocks if getattr(b, "title", "") == "Prices"]
    notes = [row[table.columns.index("note")] for row in table.rows]
    assert expected in notes
    full = {p["note"] for p in plain.rows("prices") if p["country"] in pair}
    for cell in (n for n in notes if "…" in n):
        kept = cell[: cell.index("…")]
        [whole] = [f for f in full if f.startswith(kept)]
        assert whole[len(kept)] in " ,;:(", cell  # a word ends there (its comma dropped)
    args = ["--db", evidence_store, "report", *pair, "--out", str(tmp_path), "--format", "md"]
    assert CliRunner().invoke(app, args).exit_code == 0
    markdown = next(tmp_path.glob("*.md")).read_text("utf-8")
    page = html.unescape(evidence_client.get("/q/cost?a=GB&b=US").text)
    for surface in (markdown, page):
        assert expected in surface
        assert "if the comp…" not in surface
