"""The same number on every surface: the CLI (``meta --format json``), the report's Markdown and
the JSON API give identical country rates and the same test for a difference."""

from __future__ import annotations

import json
import warnings

import pytest
from typer.testing import CliRunner

from cartatlas.analyses.claims import EXAMPLE, load_claims
from cartatlas.cli import app
from cartatlas.report.build import build_report
from cartatlas.report.render import render_markdown
from cartatlas.store import open_store
from cartatlas.web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

CASES = [("MM", "CR"), ("MCL", "ORR"), ("LBCL", "ORR"), ("B-ALL", "CR")]


@pytest.fixture(scope="module")
def markdown(evidence_store, tmp_path_factory):
    with open_store(evidence_store, read_only=True) as store:
        report = build_report(store, ["CN", "US"], load_claims(EXAMPLE))
    return render_markdown(report, tmp_path_factory.mktemp("md") / "figures")


@pytest.fixture(scope="module")
def api(evidence_store):
    with TestClient(create_app(evidence_store)) as client:
        yield client


@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_cli_report_and_api_agree(case, markdown, api, evidence_store):
    indication, endpoint = case
    cli = CliRunner().invoke(
        app,
        ["--db", evidence_store, "meta", "--indication", indication, "--endpoint", endpoint]
        + ["--format", "json"],
    )
    assert cli.exit_code == 0, cli.output
    document = json.loads(cli.stdout)
    body = api.get("/api/meta", params={"indication": indication, "endpoint": endpoint}).json()
    for pooled in document["pooled"]:
        country = pooled["country"]
        served = body["pooled"]["by_country"][country]
        assert (served["estimate"], served["ci_low"], served["ci_high"]) == (
            pooled["estimate"],
            pooled["ci_low"],
            pooled["ci_high"],
        )
        assert (served["studies"], served["patients"]) == (pooled["k"], pooled["patients"])
        row = f"| {indication} | {endpoint} | {country} | {pooled['k']} | {pooled['patients']} | "
        line = next(x for x in markdown.splitlines() if x.startswith(row))
        ci = f"{100 * pooled['ci_low']:.0f}–{100 * pooled['ci_high']:.0f}%"
        assert line.startswith(f"{row}{100 * pooled['estimate']:.1f}% | {ci} |")
        p = document["comparison"]["p"]
        shown = "p < 0.001" if p < 0.001 else f"p = {p:.2f}" if p >= 0.01 else f"p = {p:.3f}"
        assert f"| {shown.replace('<', '&lt;')}" in line  # Markdown output escapes "<"
    assert f"({document['comparison']['test']})" in markdown
    assert body["comparison"]["p"] == document["comparison"]["p"]
    assert body["comparison"]["test"] == document["comparison"]["test"]
