"""/api/survival, /api/comparisons, /api/regulatory-actions and /api/coverage, checked against
the raw CSV rows and the independent pooled-HR recomputation; the dashboard pages show them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from tests.analyses.test_durability import _csv, _raw_trials, _reml_knapp_hartung
from tests.golden.plain import hazard_ratio_gaps
from tests.report.test_safety_regulatory_cells import _text


def test_survival_returns_every_row_of_the_product(evidence_client):
    studies = {r["study_id"]: r["product_id"] for r in _csv("studies")}
    expected = [
        r for r in _csv("survival") if studies[r["study_id"]] == "ciltacabtagene-autoleucel"
    ]
    body = evidence_client.get("/api/survival", params={"product": "Carvykti"}).json()
    assert body["count"] == len(expected)
    for raw in expected:
        value = None if raw["not_reached"] == "true" else float(raw["value"])
        assert any(
            item["study_id"] == raw["study_id"]
            and item["endpoint"] == raw["endpoint"]
            and item["value"] == value
            and item["source_url"] == raw["source_url"]
            for item in body["items"]
        ), raw


def test_comparisons_pool_like_an_independent_fit(evidence_client):
    body = evidence_client.get("/api/comparisons", params={"indication": "LBCL"}).json()
    lbcl = {r["study_id"] for r in _csv("studies") if r["indication"] == "LBCL"}
    assert body["count"] == sum(1 for r in _csv("comparisons") if r["study_id"] in lbcl)
    pooled = {(p["indication"], p["endpoint"]): p for p in body["pooled"]}
    for endpoint in ("EFS", "OS"):
        trials = _raw_trials("LBCL", endpoint)
        assert len(trials) >= 2
        hr = np.array([float(t["hr"]) for t in trials])
        lo = np.array([float(t["ci_low"]) for t in trials])
        hi = np.array([float(t["ci_high"]) for t in trials])
        v = ((np.log(hi) - np.log(lo)) / (2 * stats.norm.ppf(0.975))) ** 2
        mu, low, high = _reml_knapp_hartung(np.log(hr), v)
        got = pooled[("LBCL", endpoint)]
        assert got["hr"] == pytest.approx(math.exp(mu), rel=1e-5)
        assert got["ci_low"] == pytest.approx(math.exp(low), rel=1e-4)
        assert got["ci_high"] == pytest.approx(math.exp(high), rel=1e-4)
    assert "REML" in body["method"]


def test_regulatory_actions_and_coverage_return_every_row(evidence_client):
    actions = evidence_client.get("/api/regulatory-actions", params={"agency": "FDA"}).json()
    assert actions["count"] == sum(1 for r in _csv("regulatory_actions") if r["agency"] == "FDA")
    coverage = evidence_client.get("/api/coverage", params={"country": "CN"}).json()
    raw = [r for r in _csv("coverage") if r["country"] == "CN"]
    assert coverage["count"] == len(raw)
    assert all(item["out_of_pocket_amount"] is None for item in coverage["items"])


def test_bad_parameters_are_named(evidence_client):
    response = evidence_client.get("/api/survival", params={"product": "nope"})
    assert response.status_code == 404 and "nope" in response.text  # as /api/products/{key}
    assert evidence_client.get("/api/coverage", params={"country": "ZZ"}).status_code == 422


@pytest.mark.parametrize("key", ["durability", "coverage", "regulatory"])
def test_dashboard_pages_show_the_new_questions(evidence_client, key):
    page = evidence_client.get(f"/q/{key}", params={"a": "CN", "b": "US"})
    assert page.status_code == 200
    text = page.text
    if key == "durability":
        assert "Medians are shown per study and not pooled" in text and "ZUMA-7" in text
    if key == "coverage":
        assert "Commercial Health Insurance Innovative Drug List" in text
    if key == "regulatory":
        assert "boxed warning" in text


def _printed_median(raw: dict[str, str]) -> str:
    """How a survival row reads on every surface, written out from the raw CSV fields."""
    point = "not reached" if raw["not_reached"] == "true" else f"{float(raw['value']):g}"
    if not (raw["ci_low"] or raw["ci_high"]):
        return point
    low = f"{float(raw['ci_low']):g}" if raw["ci_low"] else "?"
    high = f"{float(raw['ci_high']):g}" if raw["ci_high"] else "NR"
    return f"{point} ({low}–{high})"


def test_a_new_median_reads_the_same_on_cli_report_api_and_dashboard(
    evidence_client, evidence_store
):
    import csv as csv_module

    from typer.testing import CliRunner

    from cartatlas.cli import app
    from cartatlas.report.context import ReportContext
    from cartatlas.report.model import Table
    from cartatlas.report.sections import durability
    from cartatlas.store import open_store

    [raw] = [
        r
        for r in _csv("survival")
        if (r["study_id"], r["endpoint"], r["statistic"]) == ("TRANSCEND-NHL-001", "PFS", "median")
    ]
    shown = _printed_median(raw)
    # the abstract's words: "Median PFS was 6.8 mo (95% CI, 3.3-12.7)"
    assert shown == "6.8 (3.3–12.7)"

    cli = CliRunner().invoke(
        app, ["--db", evidence_store, "durability", "--product", "liso-cel", "--format", "csv"]
    )
    assert cli.exit_code == 0, cli.output
    assert any(
        line[:1] == ["TRANSCEND-NHL-001"] and line[4] == "PFS" and line[6] == shown
        for line in csv_module.reader(cli.output.splitlines())
    ), cli.output

    with open_store(evidence_store, read_only=True) as store:
        section = durability.build(ReportContext(store, ["CN", "US"]))
    cells = [row for b in section.blocks if isinstance(b, Table) for row in b.rows]
    assert any(row[2] == "median PFS (months)" and row[3] == shown for row in cells)

    body = evidence_client.get("/api/survival", params={"indication": "LBCL"}).json()
    [item] = [
        i
        for i in body["items"]
        if (i["study_id"], i["endpoint"], i["statistic"]) == ("TRANSCEND-NHL-001", "PFS", "median")
    ]
    assert (item["value"], item["ci_low"], item["ci_high"]) == (
        float(raw["value"]),
        float(raw["ci_low"]),
        float(raw["ci_high"]),
    )

    page = evidence_client.get("/q/durability", params={"a": "CN", "b": "US"})
    assert page.status_code == 200 and shown in _text(page.text)


def test_kb_coverage_names_each_randomized_trial_and_its_missing_hazard_ratios(evidence_store):
    import json

    from typer.testing import CliRunner

    from cartatlas.cli import app

    result = CliRunner().invoke(
        app, ["--db", evidence_store, "kb", "coverage", "--randomized", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = {r["study"]: r for r in json.loads(result.stdout)}
    approved = {r["product_id"] for r in _csv("approvals")}
    randomized = {
        r["study_id"]
        for r in _csv("studies")
        if r["design"].startswith("randomized") and r["product_id"] in approved
    }
    assert set(rows) == randomized
    # ZUMA-7's primary endpoint (EFS) has one analysis: HR and CI as comparisons.csv prints them
    [efs] = [
        r
        for r in _csv("comparisons")
        if r["study_id"] == "ZUMA-7" and r["primary_endpoint"] == "true"
    ]
    hr, low, high = (f"{float(efs[k]):g}" for k in ("hr", "ci_low", "ci_high"))
    assert rows["ZUMA-7"]["primary HR"] == f"{hr} ({low}–{high}), primary"
    # A trial without any comparisons row is a gap, named in the plain table too
    no_rows = randomized - {r["study_id"] for r in _csv("comparisons")}
    for study in no_rows:
        assert rows[study]["primary HR"] == rows[study]["OS HR"] == NO_HR_WORDS
    table = CliRunner().invoke(app, ["--db", evidence_store, "kb", "coverage"])
    for study in no_rows:
        assert f"{study} (primary HR, OS HR)" in table.output
    # Crossover: the largest any comparisons row records, else said missing, never a bare "—"
    for study in randomized:
        given = [
            float(r["crossover_percent"])
            for r in _csv("comparisons")
            if r["study_id"] == study and r["crossover_percent"]
        ]
        expected = f"{max(given):g}" if given else NO_CROSSOVER_WORDS
        assert rows[study]["crossover %"] == expected, study
    assert any(r["crossover %"] == NO_CROSSOVER_WORDS for r in rows.values())


NO_CROSSOVER_WORDS = "no data (no stored source of this trial's hazard ratios gives the crossover)"


#: What a surface prints where a randomized trial's hazard ratio is absent, written out here
#: rather than read from the code: we do not know whether the trial's papers report it, only
#: that no stored source does, so the words say that and never "not reported".
NO_HR_WORDS = (
    "no data (no source in the evidence base reports it; "
    "`cartatlas kb coverage --randomized` lists the gap)"
)


def _gaps_said(named: list[str]) -> str:
    """ "BELINDA (OS HR): no data (…)" for the gaps comparisons.csv leaves (one HR: "it")."""
    hrs = sum(n.count(" HR") for n in named)
    words = NO_HR_WORDS if hrs == 1 else NO_HR_WORDS.replace("reports it", "reports them")
    joined = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return f"{joined}: {words}"


def test_a_missing_hazard_ratio_says_why_in_the_same_words_on_every_surface(
    evidence_client, evidence_store
):
    """BELINDA's OS HR is in no stored source. `kb coverage --randomized` printed "OS HR: —"
    and the durability output "no HR recorded for BELINDA (OS HR)": a reader could not tell
    "not published" from "not found". Every surface now gives the reason in the same words."""
    import json

    from typer.testing import CliRunner

    from cartatlas.cli import app
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import durability
    from cartatlas.store import open_store

    named = hazard_ratio_gaps("LBCL")
    assert "BELINDA (OS HR)" in named, "the check needs BELINDA's OS HR to be a gap"
    said = _gaps_said(named)

    coverage = CliRunner().invoke(
        app, ["--db", evidence_store, "kb", "coverage", "--randomized", "--format", "json"]
    )
    rows = {r["study"]: r for r in json.loads(coverage.stdout)}
    assert rows["BELINDA"]["OS HR"] == NO_HR_WORDS
    for gap in hazard_ratio_gaps():  # each gap comparisons.csv leaves, and only those
        study, _, missing = gap.partition(" (")
        for column in ("primary HR", "OS HR"):
            assert (rows[study][column] == NO_HR_WORDS) == (column in missing), (gap, column)

    cli = CliRunner().invoke(
        app, ["--db", evidence_store, "durability", "--indication", "LBCL"], terminal_width=400
    )
    assert f"{said}, so no pooled estimate includes" in cli.output, cli.output

    with open_store(evidence_store, read_only=True) as store:
        section = durability.build(ReportContext(store, ["CN", "US"]))
    # the short answer, capped in length, gives the reason and leaves the command to the page
    assert f"; {said.split('; `cartatlas')[0]})." in section.answer
    texts = [b.text for b in section.blocks if hasattr(b, "text")]
    assert any(t.startswith(f"{_gaps_said(hazard_ratio_gaps())}, so no pooled") for t in texts)

    body = evidence_client.get("/api/comparisons", params={"indication": "LBCL"}).json()
    assert body["missing_hazard_ratios_said"] == said
    page = evidence_client.get("/q/durability", params={"a": "CN", "b": "US"})
    # the page prints the command as code: the reader sees it without its backticks
    assert _gaps_said(hazard_ratio_gaps()).replace("`", "") in _text(page.text)

    for text in (cli.output, section.answer, *texts, body["missing_hazard_ratios_said"]):
        assert "no HR recorded" not in text and "BELINDA (OS HR): not reported" not in text


def test_a_randomized_trial_without_hazard_ratios_is_named_on_every_surface(
    evidence_client, evidence_store
):
    """A pooled LBCL estimate without BELINDA's OS hazard ratio must say it is missing,
    everywhere."""
    from typer.testing import CliRunner

    from cartatlas.cli import app
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import durability
    from cartatlas.store import open_store

    named = hazard_ratio_gaps("LBCL")
    assert named, "the check needs a randomized LBCL trial without a recorded HR"

    cli = CliRunner().invoke(app, ["--db", evidence_store, "durability", "--indication", "LBCL"])
    assert all(n in cli.output for n in named), cli.output

    with open_store(evidence_store, read_only=True) as store:
        answer = durability.build(ReportContext(store, ["CN", "US"])).answer
    assert all(n in answer for n in named)

    body = evidence_client.get("/api/comparisons", params={"indication": "LBCL"}).json()
    assert body["missing_hazard_ratios"] == named

    page = evidence_client.get("/q/durability", params={"a": "CN", "b": "US"})
    assert all(n in page.text for n in named)


def test_a_two_trial_pooled_hr_is_shown_with_each_trial_beside_it(evidence_client, evidence_store):
    """Two trials give a Knapp–Hartung interval on t with 1 df that can span 1 while each trial
    alone favours CAR-T; every surface says so and gives each trial's own HR from the CSV."""
    from typer.testing import CliRunner

    from cartatlas.cli import app
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import durability
    from cartatlas.store import open_store

    names = {r["study_id"]: r["name"] for r in _csv("studies")}
    trials = _raw_trials("MM", "PFS")
    assert len(trials) == 2
    each = [f"{names[t['study_id']]} {float(t['hr']):g} " for t in trials]
    each += [f"({float(t['ci_low']):g}–{float(t['ci_high']):g}; " for t in trials]  # analysis

    body = evidence_client.get("/api/comparisons", params={"indication": "MM"}).json()
    (pooled,) = [p for p in body["pooled"] if p["endpoint"] == "PFS"]
    assert "only two trials" in pooled["caveat"]
    assert all(part in pooled["caveat"] for part in each)

    with open_store(evidence_store, read_only=True) as store:
        detail = durability.build(ReportContext(store, ["CN", "US"])).blocks[0].text
    assert all(part in detail for part in each)

    cli = CliRunner().invoke(app, ["--db", evidence_store, "durability", "--indication", "MM"])
    assert cli.exit_code == 0, cli.output
    flat = " ".join(cli.output.split())
    assert "only two trials" in flat and all(part in flat for part in each)


def _raw_survival_text(raw: dict[str, str]) -> str:
    """A median as every surface should print it, written out from the raw CSV fields: an
    empty upper bound is "NE" (the source says "not estimable")."""
    point = "not reached" if raw["not_reached"] == "true" else f"{float(raw['value']):g}"
    if not raw["ci_low"]:
        return point
    high = f"{float(raw['ci_high']):g}" if raw["ci_high"] else "NE"
    return f"{point} ({float(raw['ci_low']):g}–{high})"


@pytest.mark.parametrize(
    ("analysis", "endpoint", "printed"),
    [
        # J Hematol Oncol 2022: "medians for duration of remission and overall survival (OS)
        # were 14.6 and 25.4 months"; its background restates the Lancet primary analysis:
        # "median overall survival (OS) was 18.2 months (95% CI 15.9–not estimable [NE])"
        ("longer_follow_up", "OS", "25.4"),
        ("longer_follow_up", "DOR", "14.6"),
        ("primary", "OS", "18.2 (15.9–NE)"),
    ],
)
def test_zuma3_journal_medians_read_the_same_on_cli_report_api_and_dashboard(
    evidence_client, evidence_store, analysis, endpoint, printed
):
    import csv as csv_module

    from typer.testing import CliRunner

    from cartatlas.cli import app
    from cartatlas.report.context import ReportContext
    from cartatlas.report.model import Table
    from cartatlas.report.sections import durability
    from cartatlas.store import open_store

    doi = "10.1186/s13045-022-01379-0"
    [raw] = [
        r
        for r in _csv("survival")
        if (r["study_id"], r["analysis"], r["endpoint"], r["doi"])
        == ("ZUMA-3", analysis, endpoint, doi)
    ]
    assert _raw_survival_text(raw) == printed

    cli = CliRunner().invoke(
        app, ["--db", evidence_store, "durability", "--product", "Tecartus", "--format", "csv"]
    )
    assert cli.exit_code == 0, cli.output
    assert any(
        line[0] == "ZUMA-3"
        and line[4] == endpoint
        and line[6] == printed
        and line[-1] == f"https://doi.org/{doi}"
        for line in csv_module.reader(cli.output.splitlines())
        if line
    ), cli.output

    with open_store(evidence_store, read_only=True) as store:
        section = durability.build(ReportContext(store, ["CN", "US"]))
    cells = [row for b in section.blocks if isinstance(b, Table) for row in b.rows]
    assert any(
        row[1].startswith("ZUMA-3")
        and row[2] == f"median {endpoint} (months)"
        and row[3] == printed
        for row in cells
    )

    body = evidence_client.get("/api/survival", params={"product": "Tecartus"}).json()
    assert any(
        i["study_id"] == "ZUMA-3"
        and i["endpoint"] == endpoint
        and i["value"] == float(raw["value"])
        and i["source_url"] == f"https://doi.org/{doi}"
        for i in body["items"]
    ), body

    page = evidence_client.get("/q/durability", params={"a": "CN", "b": "US"})
    assert page.status_code == 200 and printed in _text(page.text)


def test_reliance_one_year_os_from_the_company_release_reads_the_same_everywhere(
    evidence_client, evidence_store
):
    """JW Therapeutics' release: "1-year Overall Survival (OS) was 76.8% with a median
    follow-up of 17.9 months" — a company release, so not marked as a weak source."""
    import csv as csv_module

    from typer.testing import CliRunner

    from cartatlas.cli import app
    from cartatlas.report.context import ReportContext
    from cartatlas.report.model import Table
    from cartatlas.report.sections import durability
    from cartatlas.store import open_store

    [raw] = [
        r
        for r in _csv("survival")
        if (r["study_id"], r["endpoint"], r["landmark_months"]) == ("RELIANCE", "OS", "12")
    ]
    assert raw["source_kind"] == "company_release"
    printed = f"{float(raw['value']):g}%"
    assert printed == "76.8%"

    cli = CliRunner().invoke(
        app, ["--db", evidence_store, "durability", "--product", "Carteyva", "--format", "csv"]
    )
    assert cli.exit_code == 0, cli.output
    assert any(
        line[0] == "RELIANCE"
        and line[5] == "12-month rate"
        and line[6] == printed
        and line[7] == raw["follow_up_months"]
        for line in csv_module.reader(cli.output.splitlines())
        if line
    ), cli.output

    with open_store(evidence_store, read_only=True) as store:
        section = durability.build(ReportContext(store, ["CN", "US"]))
    [cell] = [
        row
        for b in section.blocks
        if isinstance(b, Table)
        for row in b.rows
        if row[1].startswith("RELIANCE (") and row[2] == "12-month OS"
    ]
    assert cell[3] == printed and "weak source" not in cell[-1]

    body = evidence_client.get("/api/survival", params={"product": "Carteyva"}).json()
    assert any(
        i["study_id"] == "RELIANCE" and i["landmark_months"] == 12 and i["value"] == 76.8
        for i in body["items"]
    ), body

    page = evidence_client.get("/q/durability", params={"a": "CN", "b": "US"})
    assert page.status_code == 200 and printed in _text(page.text)
