"""Every pooled rate shows its prediction interval and I² beside it, as metafor gives them, on
every surface: the full statement (report and dashboard page), the report's rates table, the
CLI (``meta``) and the API (``/api/meta``).

The statement read "40% (22–60%) in US (5 studies, pooled, …)" for myeloma CR while the five
studies ranged from 15% to 70% (I² 95%, prediction interval 9–81%): the spread was in the table
below only. The values are metafor's (``rma.glmm``, ``predict``: ``metafor_golden.json``, written
by make_reference.R from the cohorts the plain route selects).
"""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import success
from cartatlas.store import open_store
from tests.golden.test_golden import METAFOR

CELLS = sorted(
    key for key in METAFOR if key[2] in ("CN", "US") and key[1] == "CR"
)  # the statement is said of complete response


def _band(low: float, high: float) -> str:
    return f"{100 * low:.0f}–{100 * high:.0f}%"


def _said(ref: dict) -> str:
    return f", 95% prediction interval {_band(ref['pi_low'], ref['pi_high'])}, I² {ref['i2']:.0f}%"


@pytest.fixture(scope="module")
def section(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        return success.build(ReportContext(store, ["CN", "US"]))


def _statement(section, indication: str) -> str:
    return next(
        str(b.text)
        for b in section.blocks
        if str(getattr(b, "text", "")).startswith("**") and f"({indication})**" in str(b.text)
    )


def test_the_reference_has_a_wide_spread_to_show():
    """Myeloma CR in the US: the case that misled."""
    ref = METAFOR[("MM", "CR", "US")]
    assert ref["i2"] > 75 and ref["pi_high"] - ref["pi_low"] > 0.5


@pytest.mark.parametrize("cell", CELLS, ids="-".join)
def test_statement_and_dashboard_give_metafors_spread(cell, section, evidence_client):
    indication, _, country = cell
    ref = METAFOR[cell]
    beside = re.compile(rf"in {country} \([^)]* patients[^)]*\){re.escape(_said(ref))}")
    assert beside.search(_statement(section, indication))
    page = " ".join(html.unescape(evidence_client.get("/q/success?a=CN&b=US").text).split())
    assert beside.search(page)


@pytest.mark.parametrize("cell", sorted(k for k in METAFOR if k[2] in ("CN", "US")), ids="-".join)
def test_table_cli_and_api_give_metafors_spread(cell, section, evidence_store, evidence_client):
    indication, endpoint, country = cell
    ref = METAFOR[cell]
    table = next(
        b
        for b in section.blocks
        if getattr(b, "title", "") == f"Rates by country of conduct, {indication}"
    )
    [row] = [r for r in table.rows if r[1] == endpoint and r[2] == country]
    assert row[table.columns.index("95% PI")] == _band(ref["pi_low"], ref["pi_high"])
    assert row[table.columns.index("I²")] == f"{ref['i2']:.0f}%"
    args = ["--db", evidence_store, "meta", "--indication", indication, "--endpoint", endpoint]
    result = CliRunner().invoke(app, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    printed = {r["country"]: r for r in csv.DictReader(io.StringIO(result.stdout))}[country]
    assert printed["pi95_%"] == f"{100 * ref['pi_low']:.1f}–{100 * ref['pi_high']:.1f}"
    assert printed["i2_%"] == f"{ref['i2']:.0f}"
    served = evidence_client.get(
        "/api/meta", params={"indication": indication, "endpoint": endpoint}
    ).json()["pooled"]["by_country"][country]
    assert served["pi_low"] == pytest.approx(ref["pi_low"], abs=2e-4)
    assert served["pi_high"] == pytest.approx(ref["pi_high"], abs=2e-4)
    assert served["i2"] == pytest.approx(ref["i2"], abs=0.5)
