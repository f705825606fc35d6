"""The cost per responder two new national prices answer (issue #18), recomputed by hand from
the CSV rows and asserted on the analysis, the CLI, the JSON API, the report's cost table and
the dashboard's cost page:

* NICE's 2022 list price of axi-cel for second-line LBCL (280,451 GBP) ÷ ZUMA-7's CR rate, GB;
* Japan's 2022 NHI price of ide-cel (32,647,761 JPY) ÷ KarMMa's CR rate, JP.

Each price is converted at its own year's Federal Reserve rate (GBP printed in US dollars per
pound, JPY in yen per dollar).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cartatlas.analyses.responder_cost import cost_per_responder
from cartatlas.cli import app
from cartatlas.store import open_store
from tests.golden import plain
from tests.report.cost_surfaces import cost_surfaces

PAIR = ("GB", "JP")
# (study, country, product, indication, price year)
CASES = [
    ("ZUMA-7", "GB", "axicabtagene-ciloleucel", "LBCL", "2022"),
    ("KarMMa", "JP", "idecabtagene-vicleucel", "MM", "2022"),
]


def _by_hand(study: str, country: str, product: str, indication: str, year: str) -> float:
    [price] = [
        p
        for p in plain.rows("prices")
        if (p["product_id"], p["country"], p["year"]) == (product, country, year)
    ]
    [rate] = [
        r
        for r in plain.rows("exchange_rates")
        if (r["currency"], r["year"]) == (price["currency"], year)
    ]
    usd = float(price["amount"]) / plain.per_usd(rate)
    [(events, n)] = [
        (e, n) for s, e, n in plain.selected(indication, "CR", "multinational") if s == study
    ]
    return usd * n / events


EXPECTED = {(c[0], c[1]): _by_hand(*c) for c in CASES}


def test_the_hand_route_reads_the_quoted_prices():
    # 280,451 GBP x 1.2371 USD/GBP x 180/117; 32,647,761 JPY / 131.4589 x 128/42
    assert EXPECTED[("ZUMA-7", "GB")] == pytest.approx(280451 * 1.2371 * 180 / 117, rel=1e-12)
    assert EXPECTED[("KarMMa", "JP")] == pytest.approx(32647761 / 131.4589 * 128 / 42, rel=1e-12)


def test_analysis_cli_and_api_agree_with_the_hand_route(evidence_store, evidence_client):
    with open_store(evidence_store, read_only=True) as store:
        frame = cost_per_responder(store, list(PAIR))
    got = {(r.study_id, r.country): r.cost_usd for r in frame.itertuples()}
    result = CliRunner().invoke(
        app,
        ["--db", evidence_store, "prices", "--per-responder", "--countries", *PAIR]
        + ["--format", "json"],
    )
    assert result.exit_code == 0, result.output
    cli = {(r["study_id"], r["country"]): r["cost_usd"] for r in json.loads(result.stdout)}
    body = evidence_client.get("/api/prices/per-responder", params={"countries": list(PAIR)})
    api = {(r["study_id"], r["country"]): r["cost_usd"] for r in body.json()["items"]}
    for key, expected in EXPECTED.items():
        assert got[key] == pytest.approx(expected, rel=1e-9), key
        assert cli[key] == pytest.approx(expected, abs=0.5), key
        assert api[key] == pytest.approx(expected, abs=0.5), key


def test_report_and_dashboard_show_the_same_costs(evidence_store, evidence_client, tmp_path):
    surfaces = cost_surfaces(evidence_store, evidence_client, tmp_path, PAIR)
    for (study, country), expected in EXPECTED.items():
        surfaces.assert_cost(study, country, expected)
