"""The durability and safety sections say what their abbreviations mean (OS, PFS, EFS, DOR,
HR; CRS, ICANS, grade ≥3), on the report and on the dashboard: the leads used them bare, and a
patient's family could not read "LBCL EFS 0.39" or "ICANS ≥3"."""

from __future__ import annotations

import html

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.sections import durability, safety

PAIR = ("DE", "US")


@pytest.mark.parametrize(
    ("module", "page", "terms"),
    [
        (durability, "durability", ["OS (overall survival)", "HR (hazard ratio)", "EFS (event"]),
        (safety, "safety", ["CRS (cytokine release syndrome)", "ICANS (immune effector", "≥3"]),
    ],
    ids=["durability", "safety"],
)
def test_each_section_says_its_words(
    evidence_store, evidence_client, tmp_path, module, page, terms
):
    assert all(term in module.WORDS for term in terms)
    args = ["--db", evidence_store, "report", *PAIR, "--out", str(tmp_path), "--format", "md"]
    assert CliRunner().invoke(app, args).exit_code == 0
    markdown = next(tmp_path.glob("*.md")).read_text("utf-8")
    assert f"- {module.WORDS}" in markdown
    shown = html.unescape(evidence_client.get(f"/q/{page}?a={PAIR[0]}&b={PAIR[1]}").text)
    assert module.WORDS in shown
