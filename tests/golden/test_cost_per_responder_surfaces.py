"""Cost per complete responder, recomputed from the CSV rows by the plain route
(``tests/golden/test_golden.py``: ``EXPECTED_COSTS``), is the same on every surface: the CLI
(``prices --per-responder``, new: the answer was on the report and the dashboard only), the API
(``/api/prices/per-responder``, new), the report's table and the dashboard's cost page.

The table printed "65.0% (117/180)" for ZUMA-7 (randomized: intention to treat) beside
"54.5% (55/101)" for ZUMA-1 (infused) with no word on the denominators, no CI on either rate and
a note saying the derivation "ignores patients who never reach infusion" (an intention-to-treat
rate counts them). The denominator is taken here from the outcome row the plain route chooses,
the exact (Clopper–Pearson) interval is computed by bisection on the binomial distribution
(``plain.clopper_pearson``: no scipy, no statsmodels), and the cost interval is the paired price
over its bounds."""

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
from tests.golden import plain
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
def report_table(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        section = cost.build(ReportContext(store, ["CN", "US"]))
    return next(b for b in section.blocks if getattr(b, "title", "").startswith("Cost per"))


@pytest.fixture(scope="module")
def dashboard(evidence_client) -> str:
    page = evidence_client.get("/q/cost?a=CN&b=US")
    assert page.status_code == 200
    return " ".join(html.unescape(page.text).split())


def test_cli_and_api_list_exactly_the_plain_routes_pairs(cli_rows, api_rows):
    assert set(cli_rows) == set(api_rows) == set(EXPECTED_COSTS)


@pytest.mark.parametrize("key", sorted(EXPECTED_COSTS), ids="-".join)
def test_every_surface_gives_the_plain_routes_cost(
    key, cli_rows, api_rows, report_table, dashboard
):
    expected = EXPECTED_COSTS[key]
    served, printed = api_rows[key], cli_rows[key]
    located = f"({served['events']}/{served['n']} "
    row = next(
        r
        for r in report_table.rows
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
    assert row[9].startswith(
        f"{said} (95% CI "
    )  # the interval: test_cost_per_responder_uncertainty
    assert said in dashboard


def _chosen(study_id: str) -> dict[str, str]:
    """The outcome row the pools (and so the cost per responder) take for the study's CR."""
    study = next(s for s in plain.rows("studies") if s["study_id"] == study_id)
    return plain.chosen_rows(study["indication"], "CR", study["country_of_conduct"])[study_id]


def _expected(key: tuple[str, str]) -> dict:
    row = _chosen(key[0])
    events, n = int(row["events"]), int(row["n"])
    low, high = plain.clopper_pearson(events, n)
    expected = {"denominator": row["denominator"], "low": low, "high": high, "cost": None}
    if EXPECTED_COSTS[key] is not None:
        price = EXPECTED_COSTS[key] * events / n
        expected.update(cost=EXPECTED_COSTS[key], cost_low=price / high, cost_high=price / low)
    return expected


EXPECTED = {key: _expected(key) for key in EXPECTED_COSTS}


def test_the_plain_interval_is_the_textbook_one():
    """Clopper–Pearson for 5/10 is 0.187–0.813 (every table of exact intervals)."""
    low, high = plain.clopper_pearson(5, 10)
    assert (round(low, 3), round(high, 3)) == (0.187, 0.813)


def test_the_costs_divide_by_rates_of_different_denominators():
    """The reason the denominator must be printed: the table holds both kinds."""
    kinds = {e["denominator"] for e in EXPECTED.values() if e["cost"] is not None}
    assert {"randomized", "infused"} <= kinds


def _rate_words(key: tuple[str, str]) -> str:
    e, row = EXPECTED[key], _chosen(key[0])
    share = f"{100 * int(row['events']) / int(row['n']):.1f}%"
    return (
        f"{share} ({row['events']}/{row['n']} {e['denominator']}; "
        f"95% CI {100 * e['low']:.0f}–{100 * e['high']:.0f}%)"
    )


@pytest.mark.parametrize("key", sorted(EXPECTED), ids="-".join)
def test_every_surface_states_the_denominator_and_the_rates_exact_ci(
    key, api_rows, cli_rows, report_table, dashboard
):
    e = EXPECTED[key]
    served, printed = api_rows[key], cli_rows[key]
    assert served["denominator"] == printed["denominator"] == e["denominator"]
    assert served["rate_ci_low"] == pytest.approx(e["low"], abs=1e-6)
    assert served["rate_ci_high"] == pytest.approx(e["high"], abs=1e-6)
    assert printed["rate_ci95"] == f"{100 * e['low']:.0f}–{100 * e['high']:.0f}%"
    said = _rate_words(key)
    rate_column = report_table.columns.index("response rate")
    assert said in {r[rate_column] for r in report_table.rows if r[1] == key[1]}
    assert said in dashboard


@pytest.mark.parametrize("key", sorted(k for k, e in EXPECTED.items() if e["cost"]), ids="-".join)
def test_every_surface_carries_the_rates_ci_into_the_cost(
    key, api_rows, cli_rows, report_table, dashboard
):
    e = EXPECTED[key]
    served, printed = api_rows[key], cli_rows[key]
    assert served["cost_ci_low"] == pytest.approx(e["cost_low"], rel=1e-6)
    assert served["cost_ci_high"] == pytest.approx(e["cost_high"], rel=1e-6)
    assert float(printed["cost_ci_low"]) == pytest.approx(e["cost_low"], abs=1)
    assert float(printed["cost_ci_high"]) == pytest.approx(e["cost_high"], abs=1)
    said = f"{e['cost']:,.0f} USD (95% CI {e['cost_low']:,.0f}–{e['cost_high']:,.0f})"
    cost_column = report_table.columns.index("price ÷ response rate")
    assert said in {r[cost_column] for r in report_table.rows}
    assert said in dashboard


def test_the_note_no_longer_says_every_rate_leaves_out_the_never_infused(report_table):
    assert "intention to treat" in report_table.note
    assert "ignores hospital costs, patients who never reach infusion" not in report_table.note


def _priced_products(country: str) -> set[str]:
    return {p["product_id"] for p in plain.rows("prices") if p["country"] == country}


@pytest.mark.parametrize(
    "key", sorted(k for k, e in EXPECTED.items() if not e["cost"]), ids="-".join
)
def test_a_trial_without_a_price_says_which_price_is_missing(key, api_rows, cli_rows, dashboard):
    """'no CN price attributable to MM' was said of eque-cel, which has no CN price at all; it
    fits relma-cel, whose CN prices name no indication while it had several approved."""
    served = api_rows[key]
    if served["status"].startswith("no data (no " + key[1] + " approval"):
        return
    product = served["product_id"]
    if product in _priced_products(key[1]):
        wanted = f"no data (no {key[1]} price attributable to {served['indication']})"
    else:
        wanted = f"no data (no {key[1]} price recorded for {product})"
    assert served["status"] == cli_rows[key]["status"] == wanted
    assert wanted in dashboard
