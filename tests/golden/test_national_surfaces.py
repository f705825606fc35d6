"""Pooled rates of countries other than China and the US (national cohorts, issue 18) are the same
on every surface and match metafor: each pooled cell pinned in metafor_golden.json for such a
country is compared with the CLI (``meta --format json``), the JSON API and the report's
Markdown table for that country."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cartatlas.analyses.claims import EXAMPLE, load_claims
from cartatlas.cli import app
from cartatlas.report.build import build_report
from cartatlas.report.render import render_markdown
from cartatlas.store import open_store

HERE = Path(__file__).parent
CELLS = [
    cell
    for cell in json.loads((HERE / "metafor_golden.json").read_text("utf-8"))
    if cell["country"] not in ("CN", "US")
]
IDS = [f"{c['indication']}-{c['endpoint']}-{c['country']}" for c in CELLS]
TOLERANCE = 2e-4


@pytest.fixture(scope="module")
def markdown_by_country(evidence_store, tmp_path_factory):
    """One report per country with a pooled cell, that country against the US."""
    pages = {}
    with open_store(evidence_store, read_only=True) as store:
        for country in sorted({c["country"] for c in CELLS}):
            report = build_report(store, [country, "US"], load_claims(EXAMPLE))
            pages[country] = render_markdown(report, tmp_path_factory.mktemp(country) / "f")
    return pages


def _reference(cell: dict) -> tuple[float, float, float]:
    return cell["estimate"], cell["ci_low"], cell["ci_high"]


@pytest.mark.parametrize("cell", CELLS, ids=IDS)
def test_cli_matches_metafor(cell, evidence_store):
    args = ["--db", evidence_store, "meta", "--indication", cell["indication"]]
    args += ["--endpoint", cell["endpoint"], "--countries", cell["country"], "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    pooled = next(p for p in json.loads(result.stdout)["pooled"] if p["country"] == cell["country"])
    assert pooled["k"] == cell["k"]
    got = (pooled["estimate"], pooled["ci_low"], pooled["ci_high"])
    assert got == pytest.approx(_reference(cell), abs=TOLERANCE)


@pytest.mark.parametrize("cell", CELLS, ids=IDS)
def test_api_matches_metafor(cell, evidence_client):
    query = {"indication": cell["indication"], "endpoint": cell["endpoint"]}
    body = evidence_client.get("/api/meta", params={**query, "countries": cell["country"]}).json()
    served = body["pooled"]["by_country"][cell["country"]]
    assert served["studies"] == cell["k"]
    got = (served["estimate"], served["ci_low"], served["ci_high"])
    assert got == pytest.approx(_reference(cell), abs=TOLERANCE)


@pytest.mark.parametrize("cell", CELLS, ids=IDS)
def test_report_shows_metafor_rate(cell, markdown_by_country):
    estimate, low, high = _reference(cell)
    row = f"| {cell['indication']} | {cell['endpoint']} | {cell['country']} | {cell['k']} | "
    line = next(x for x in markdown_by_country[cell["country"]].splitlines() if x.startswith(row))
    assert f"| {100 * estimate:.1f}% | {100 * low:.0f}–{100 * high:.0f}% |" in line
