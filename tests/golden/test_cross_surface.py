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
from tests.golden.plain import chosen_rows, clopper_pearson, later, selected

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


def test_fl_rate_and_later_cut_agree_on_every_surface(evidence_store, markdown, api):
    """ZUMA-5's label IRC 49/81 is the FL CR rate, and its 5-year 100/127 is listed beside it,
    not pooled, on the CLI, the API and the report (recomputed by tests/golden/plain.py)."""
    assert selected("FL", "CR", "US") == [("ZUMA-5", 49, 81)]
    assert later("FL", "CR", "US") == [("ZUMA-5", 100, 127)]
    low, high = clopper_pearson(49, 81)
    cli = CliRunner().invoke(
        app,
        ["--db", evidence_store, "meta", "--indication", "FL", "--endpoint", "CR"]
        + ["--format", "json"],
    )
    assert cli.exit_code == 0, cli.output
    document = json.loads(cli.stdout)
    (us,) = document["pooled"]
    assert (us["country"], us["k"], us["patients"]) == ("US", 1, 81)
    assert us["estimate"] == pytest.approx(49 / 81)
    assert (us["ci_low"], us["ci_high"]) == (
        pytest.approx(low, abs=1e-6),
        pytest.approx(high, abs=1e-6),
    )
    assert [(r["study_id"], r["events"], r["n"]) for r in document["later"]] == [
        ("ZUMA-5", 100, 127)
    ]
    assert [(r["study_id"], r["analysis"]) for r in document["studies"]] == [("ZUMA-5", "label")]

    body = api.get("/api/meta", params={"indication": "FL", "endpoint": "CR"}).json()
    served = body["pooled"]["by_country"]["US"]
    assert (served["studies"], served["patients"]) == (1, 81)
    assert served["estimate"] == pytest.approx(49 / 81)
    assert [(r["study_id"], r["events"], r["n"]) for r in body["later"]] == [("ZUMA-5", 100, 127)]
    assert [r["source_kind"] for r in body["later"]] == ["news"]
    page = api.get("/meta", params={"indication": "FL", "endpoint": "CR"}).text
    assert "<td>100 / 127</td><td>78.7%</td>" in page and "(news, weak source)" in page

    ci = f"{100 * low:.0f}–{100 * high:.0f}%"
    assert f"| FL | CR | US | 1 | 81 | {100 * 49 / 81:.1f}% | {ci} |" in markdown
    assert f"complete response (CR) was {100 * 49 / 81:.0f}% ({ci}) in US" in markdown
    assert "later data cuts of pooled cohorts, not pooled: ZUMA-5 (US) CR 100/127" in markdown
    assert f"| not stated | CR | 100/127 | {100 * 100 / 127:.1f}% |" in markdown


@pytest.mark.parametrize("indication", ["B-ALL", "LBCL", "MM"])
def test_explorer_marks_each_pooled_study_read_on_a_weak_page(api, indication):
    """Every pooled study in the explorer's data table says '(news, weak source)' or
    '(secondary, weak source)' exactly when the row the simple route chooses for it comes from
    such a page (issue 14: weak rows appear in detail tables, marked)."""
    page = api.get("/meta", params={"indication": indication, "endpoint": "CR"}).text
    table = page.split('<details class="figure-data">', 1)[1].split("</details>", 1)[0]
    cells = {
        line.split("</td>", 1)[0].removeprefix("<tr><td>"): line
        for line in table.split("</tr>")
        if line.startswith("<tr><td>")
    }
    chosen = {
        study: row
        for country in ("CN", "US")
        for study, row in chosen_rows(indication, "CR", country).items()
        if study in cells
    }
    assert chosen and len(chosen) == len(cells)
    for study, row in chosen.items():
        weak = row["source_kind"] in ("news", "secondary")
        assert (f"({row['source_kind']}, weak source)" in cells[study]) is weak, study
    if indication == "B-ALL":  # ROCCA's real-world cohort is read on a news page
        assert any(row["source_kind"] == "news" for row in chosen.values())
