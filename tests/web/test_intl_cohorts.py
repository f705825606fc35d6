"""Wave-6 cohorts outside China and the US: one single-study complete-response rate, recomputed
from the raw CSV rows with an exact binomial interval, reads the same on the CLI, the report's
side-by-side table, the JSON API and the dashboard's compare view."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from scipy import stats
from typer.testing import CliRunner

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"
COUNTRIES = ["ES", "DE", "US"]


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _raw_cr(country: str, indication: str) -> list[tuple[str, int, int]]:
    """(study, events, n) of every CR row of a cohort conducted in ``country``, straight from
    the CSVs: primary analysis, no later report of another cohort."""
    studies = {
        s["study_id"]: s
        for s in _rows("studies")
        if s["country_of_conduct"] == country
        and s["indication"] == indication
        and not s["overlaps_with"]
    }
    return [
        (o["study_id"], int(o["events"]), int(o["n"]))
        for o in _rows("outcomes")
        if o["study_id"] in studies and o["endpoint"] == "CR" and o["analysis"] == "primary"
    ]


def _exact(k: int, n: int) -> tuple[float, float]:
    """Clopper–Pearson 95% interval, from the beta distribution directly."""
    return stats.beta.ppf(0.025, k, n - k + 1), stats.beta.ppf(0.975, k + 1, n - k)


def _cli_cr(store: str, indication: str, country: str) -> dict:
    """``meta --countries <country> US --format json``: that country's pooled CR entry."""
    from cartatlas.cli import app

    result = CliRunner().invoke(
        app,
        ["--db", store, "meta", "--indication", indication, "--endpoint", "CR"]
        + ["--countries", country, "US", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    return next(p for p in json.loads(result.stdout)["pooled"] if p["country"] == country)


@pytest.fixture(scope="module")
def spain_mm():
    """Spain's only MM cohort (CARTBCMA-HCB-01): k/n and its Clopper–Pearson interval."""
    [(study, k, n)] = _raw_cr("ES", "MM")
    assert (study, k, n) == ("CARTBCMA-HCB-01", 15, 30)  # "15 (50%) with complete response"
    return k / n, *_exact(k, n), n


def _cell(rate: float, low: float, high: float, n: int) -> str:
    """The side-by-side wording, written out here rather than imported."""
    return f"{100 * rate:.0f}% ({100 * low:.0f}–{100 * high:.0f}%; 1 study, {n} patients)"


def test_the_cli_pools_spain_and_germany_from_the_raw_rows(evidence_store, spain_mm):
    from cartatlas.cli import app

    rate, low, high, n = spain_mm
    result = CliRunner().invoke(
        app,
        ["--db", evidence_store, "meta", "--indication", "MM", "--endpoint", "CR"]
        + ["--countries", "ES", "DE", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    pooled = {p["country"]: p for p in json.loads(result.stdout)["pooled"]}
    spain = pooled["ES"]
    assert (spain["k"], spain["patients"]) == (1, n)
    assert spain["estimate"] == pytest.approx(rate, abs=1e-9)
    assert (spain["ci_low"], spain["ci_high"]) == pytest.approx((low, high), abs=1e-6)
    germany = _raw_cr("DE", "MM")
    assert (pooled["DE"]["k"], pooled["DE"]["patients"]) == (
        len(germany),
        sum(n for _, _, n in germany),
    )
    low_de = min(k / n for _, k, n in germany)
    high_de = max(k / n for _, k, n in germany)
    assert low_de <= pooled["DE"]["estimate"] <= high_de  # a pooled rate lies between its studies


def test_the_api_serves_the_same_interval(evidence_client, spain_mm):
    rate, low, high, n = spain_mm
    body = evidence_client.get(
        "/api/meta", params={"indication": "MM", "endpoint": "CR", "countries": ["ES", "DE"]}
    ).json()
    spain = body["pooled"]["by_country"]["ES"]
    assert spain["estimate"] == pytest.approx(rate, abs=1e-9)
    assert (spain["ci_low"], spain["ci_high"]) == pytest.approx((low, high), abs=1e-6)
    assert (spain["studies"], spain["patients"]) == (1, n)


def test_the_report_and_dashboard_side_by_side_print_it(evidence_store, evidence_client, spain_mm):
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import side_by_side
    from cartatlas.store import open_store

    expected = _cell(*spain_mm)
    assert expected == "50% (31–69%; 1 study, 30 patients)"
    with open_store(evidence_store, read_only=True) as store:
        section = side_by_side.build(ReportContext(store, COUNTRIES))
    rows = {row[0]: row[1:] for row in section.blocks[0].rows}
    assert rows["complete response, MM (95% CI)"][0].startswith(expected + " [")
    # the MCL row is there; its cohorts are French, British and Italian, none of these three
    assert all(c.startswith("no data (") for c in rows["complete response, MCL (95% CI)"])
    page = evidence_client.get("/", params=dict(zip("abc", COUNTRIES, strict=True)))
    assert page.status_code == 200
    assert expected in page.text


def test_a_one_cohort_country_reads_the_same_on_cli_and_dashboard(evidence_store, evidence_client):
    """`meta --countries JP US`: Japan's one LBCL cohort, its exact interval on the CLI and the
    dashboard. (France's LBCL now pools two cohorts: tests/golden/test_national_surfaces.py pins
    that pool to metafor on every surface.)"""
    [(study, k, n)] = _raw_cr("JP", "LBCL")
    assert (study, k, n) == ("J201-axicel-Japan", 4, 15)
    low, high = _exact(k, n)
    japan = _cli_cr(evidence_store, "LBCL", "JP")
    assert (japan["k"], japan["patients"]) == (1, n)
    assert (japan["ci_low"], japan["ci_high"]) == pytest.approx((low, high), abs=1e-6)
    page = evidence_client.get("/", params={"a": "JP", "b": "US", "c": "ES"})
    assert page.status_code == 200 and _cell(k / n, low, high, n) in page.text


def test_germanys_one_b_all_cohort_reads_the_same_everywhere(evidence_store, evidence_client):
    """Issue 18: Germany's third pooled cohort, the HD-CAR-1 adult ALL trial (Heidelberg), 8 of
    10 evaluable in CR at day 90. Recomputed from the raw rows with an exact interval and read
    on the CLI, the JSON API, the report's side-by-side table and the dashboard."""
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import side_by_side
    from cartatlas.store import open_store

    secondary = {o["study_id"] for o in _rows("outcomes") if o["source_kind"] == "secondary"}
    # the Bader tisa-cel cohort rests on a secondary page only and is not pooled
    [(study, k, n)] = [row for row in _raw_cr("DE", "B-ALL") if row[0] not in secondary]
    assert (study, k, n) == ("HDCAR1-ALL-Schubert2023", 8, 10)  # "Eight patients (80%)"
    low, high = _exact(k, n)
    expected = _cell(k / n, low, high, n)
    assert expected == "80% (44–97%; 1 study, 10 patients)"
    germany = _cli_cr(evidence_store, "B-ALL", "DE")
    assert (germany["k"], germany["patients"]) == (1, n)
    assert (germany["ci_low"], germany["ci_high"]) == pytest.approx((low, high), abs=1e-6)
    body = evidence_client.get(
        "/api/meta", params={"indication": "B-ALL", "endpoint": "CR", "countries": ["DE", "US"]}
    ).json()
    served = body["pooled"]["by_country"]["DE"]
    assert (served["studies"], served["patients"]) == (1, n)
    assert served["estimate"] == pytest.approx(k / n, abs=1e-9)
    assert (served["ci_low"], served["ci_high"]) == pytest.approx((low, high), abs=1e-6)
    with open_store(evidence_store, read_only=True) as store:
        section = side_by_side.build(ReportContext(store, COUNTRIES))
    rows = {row[0]: row[1:] for row in section.blocks[0].rows}
    assert rows["complete response, B-ALL (95% CI)"][1].startswith(expected + " [")
    page = evidence_client.get("/", params={"a": "DE", "b": "US", "c": "ES"})
    assert page.status_code == 200 and expected in page.text
    pair = evidence_client.get("/", params={"a": "DE", "b": "US"})  # the two-country overview
    words = f"{100 * k / n:.0f}% ({100 * low:.0f}–{100 * high:.0f}%) in DE (1 study)"
    assert pair.status_code == 200 and words in pair.text
