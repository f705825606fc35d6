"""Cost per complete responder, recomputed from the CSV rows by the plain route
(``tests/golden/test_golden.py``: ``EXPECTED_COSTS``), is the same on every surface: the CLI
(``prices --per-responder``, new: the answer was on the report and the dashboard only), the API
(``/api/prices/per-responder``, new), the report's table and the dashboard's cost page."""

from __future__ import annotations

import csv
import html
import io
import math

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import cost
from cartatlas.store import open_store
from tests.golden.test_golden import EXPECTED_COSTS


@pytest.fixture(scope="module")
def cli_rows(evidence_store) -> dict[tuple[str, str], dict[str, str]]:
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "prices", "--per-responder", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    return {(r["study_id"], r["country"]): r for r in csv.DictReader(io.StringIO(result.stdout))}


@pytest.fixture(scope="module")
def api_rows(evidence_client) -> dict[tuple[str, str], dict]:
    body = evidence_client.get("/api/prices/per-responder", params={"countries": ["CN", "US"]})
    assert body.status_code == 200, body.text
    return {(r["study_id"], r["country"]): r for r in body.json()["items"]}


@pytest.fixture(scope="module")
def report_rows(evidence_store) -> list[list[str]]:
    with open_store(evidence_store, read_only=True) as store:
        section = cost.build(ReportContext(store, ["CN", "US"]))
    table = next(b for b in section.blocks if getattr(b, "title", "").startswith("Cost per"))
    return table.rows


def test_cli_and_api_list_exactly_the_plain_routes_pairs(cli_rows, api_rows):
    assert set(cli_rows) == set(api_rows) == set(EXPECTED_COSTS)


@pytest.mark.parametrize("key", sorted(EXPECTED_COSTS), ids="-".join)
def test_every_surface_gives_the_plain_routes_cost(
    key, cli_rows, api_rows, report_rows, evidence_client
):
    expected = EXPECTED_COSTS[key]
    served, printed = api_rows[key], cli_rows[key]
    located = f"({served['events']}/{served['n']})"
    row = next(
        r
        for r in report_rows
        if r[0] == served["product_id"] and r[1] == key[1] and located in r[5]
    )
    if expected is None:
        assert served["cost_usd"] is None or math.isnan(served["cost_usd"])
        assert printed["cost_usd"] == "" and printed["status"].startswith("no data")
        assert row[9].startswith("no data")
        return
    assert served["cost_usd"] == pytest.approx(expected, rel=1e-9)
    assert float(printed["cost_usd"]) == round(expected)
    said = f"{expected:,.0f} USD"
    assert row[9] == said
    page = " ".join(html.unescape(evidence_client.get("/q/cost?a=CN&b=US").text).split())
    assert said in page
