"""An approval's alternative source that prints no date says "no date", never "nan": Kymriah's
US B-ALL approval has a Novartis label page with no date beside the dated release. Recomputed
from approvals.csv with the csv module and read on the CLI, the report's approvals table and the
dashboard's approvals page."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import urlparse

from typer.testing import CliRunner

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"


def _undated_alternative() -> str:
    """ "no date (host, label)" for the undated label row of Kymriah's US B-ALL approval."""
    with (DATA / "approvals.csv").open(newline="", encoding="utf-8") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if (r["product_id"], r["country"], r["indication"])
            == ("tisagenlecleucel", "US", "B-ALL")
        ]
    [undated] = [r for r in rows if not r["approval_date"] and r["source_kind"] == "label"]
    assert any(r["approval_date"] == "2017-08-30" for r in rows)
    host = urlparse(undated["source_url"]).netloc.removeprefix("www.")
    return f"no date ({host}, label)"


def test_an_undated_alternative_source_says_no_date(evidence_store, evidence_client):
    from cartatlas.cli import app
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import approvals
    from cartatlas.store import open_store

    expected = _undated_alternative()
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "approvals", "--countries", "CN", "US", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    said = [r["alternative_sources"] for r in rows if r.get("alternative_sources")]
    assert any(expected in s for s in said)
    assert not any("nan" in s.split() or s.startswith("nan ") for s in said)
    with open_store(evidence_store, read_only=True) as store:
        section = approvals.build(ReportContext(store, ["DE", "US"]))
    tables = [getattr(b, "data", b) for b in section.blocks]  # a figure carries its table
    cells = [c for t in tables for row in getattr(t, "rows", None) or [] for c in row]
    assert any(expected in c for c in cells)
    assert not any(c.startswith("nan ") or "; nan " in c for c in cells)
    page = evidence_client.get("/q/approvals", params={"a": "ES", "b": "US"})
    assert page.status_code == 200
    assert expected in page.text and "nan (" not in page.text
