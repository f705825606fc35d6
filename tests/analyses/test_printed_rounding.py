"""A rate is rounded half up, as the paper prints it: 13 of 16 is 81.3 %, not Python's
half-to-even 81.2 %. Recomputed with integer arithmetic from the CSV rows and asserted on the
CLI, the API (beside the record's own printed percentage) and the report."""

from __future__ import annotations

import json
import warnings

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import success
from cartatlas.store import open_store
from cartatlas.web.app import create_app
from tests.golden import plain

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def tenths(events: int, n: int) -> float:
    """100 × events / n to one decimal, half up, in integers: no float can round it."""
    return ((2000 * events + n) // (2 * n)) / 10


@pytest.fixture(scope="module")
def api(evidence_store):
    with TestClient(create_app(evidence_store)) as client:
        yield client


def test_every_rate_is_rounded_half_up_on_the_api(api):
    for kind in ("outcomes", "safety"):
        served = api.get(f"/api/{kind}").json()["items"]
        assert len(served) == len(plain.rows(kind))
        for item in served:
            assert item["percent"] == tenths(item["events"], item["n"]), item["study_id"]
    query = {"study": "J201-axicel-Japan", "event": "CRS", "grade": "any"}
    [j201] = api.get("/api/safety", params=query).json()["items"]
    assert (j201["events"], j201["n"]) == (13, 16)
    assert j201["percent"] == j201["printed_percent"] == 81.3


def test_cli_prints_the_paper_s_rate(evidence_store):
    row = next(
        r
        for r in plain.rows("safety")
        if r["study_id"] == "J201-axicel-Japan" and (r["event"], r["grade"]) == ("CRS", "any")
    )
    cli = CliRunner().invoke(
        app, ["--db", evidence_store, "safety", "--product", "axi-cel", "--format", "json"]
    )
    [shown] = [
        r
        for r in json.loads(cli.stdout)
        if r["study"] == "J201-axicel-Japan" and (r["event"], r["grade"]) == ("CRS", "any")
    ]
    assert shown["percent"] == tenths(int(row["events"]), int(row["n"])) == float(row["percent"])


def test_report_prints_the_paper_s_rate(evidence_store):
    """MM, CN: the Yangtze cohort's 13 of 16 complete responses in the studies table."""
    [(study, events, n)] = [
        c for c in plain.selected("MM", "CR", "CN") if c[0].startswith("Yangtze")
    ]
    with open_store(evidence_store, read_only=True) as store:
        section = success.build(ReportContext(store, ["CN", "US"]))
    tables = [getattr(block, "data", None) or block for block in section.blocks]
    rows = [
        row
        for table in tables
        if getattr(table, "title", "").startswith("Studies behind")
        for row in table.rows
        if row[4] == f"{events}/{n}" and "Yangtze" in row[1]
    ]
    assert rows and all(row[5] == f"{tenths(events, n):.1f}%" for row in rows)
    assert tenths(events, n) == 81.3
