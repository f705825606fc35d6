"""The cost per responder new national prices answer (issue #18), recomputed by hand from
the CSV rows and asserted on the analysis, the CLI, the JSON API, the report's cost table and
the dashboard's cost page:

* NICE's 2022 list price of axi-cel for second-line LBCL (280,451 GBP) ÷ ZUMA-7's CR rate, GB;
* obe-cel's 2025 list price at NICE's recommendation (372,000 GBP, pharmaphorum) ÷ FELIX's
  CR/CRi rate, GB;
* Japan's 2022 NHI price of ide-cel (32,647,761 JPY) ÷ KarMMa's CR rate, JP;
* Japan's 2021 NHI price of liso-cel (the same 32,647,761 JPY, GemMed) ÷ TRANSFORM's CR rate, JP,
  a price one year older than the 2022 second-line approval that dates the trial;
* Gilead's German price of axi-cel without discount, quoted as "327.000 Euro" (2019), ÷ the CR
  rates of ZUMA-1 and ZUMA-7, DE.

Each price is converted at its own year's Federal Reserve rate (GBP and EUR printed in US
dollars per unit, JPY in yen per dollar), the regulator's rate where a secondary one is also
recorded for that year.
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

# (study, country, product, indication, price year), by the pair of countries compared
CASES = {
    ("GB", "JP"): [
        ("ZUMA-7", "GB", "axicabtagene-ciloleucel", "LBCL", "2022"),
        ("FELIX", "GB", "obecabtagene-autoleucel", "B-ALL", "2025"),
        ("KarMMa", "JP", "idecabtagene-vicleucel", "MM", "2022"),
        ("TRANSFORM", "JP", "lisocabtagene-maraleucel", "LBCL", "2021"),
    ],
    ("DE", "US"): [
        ("ZUMA-1", "DE", "axicabtagene-ciloleucel", "LBCL", "2019"),
        ("ZUMA-7", "DE", "axicabtagene-ciloleucel", "LBCL", "2019"),
    ],
}


def _by_hand(study: str, country: str, product: str, indication: str, year: str) -> float:
    [price] = [
        p
        for p in plain.rows("prices")
        if (p["product_id"], p["country"], p["year"]) == (product, country, year)
    ]
    rate = min(
        (
            r
            for r in plain.rows("exchange_rates")
            if (r["currency"], r["year"]) == (price["currency"], year)
        ),
        key=lambda r: (r["source_kind"] != "regulator", r["source_url"]),
    )
    usd = float(price["amount"]) / plain.per_usd(rate)
    [(events, n)] = [
        (e, n) for s, e, n in plain.selected(indication, "CR", "multinational") if s == study
    ]
    return usd * n / events


EXPECTED = {pair: {(c[0], c[1]): _by_hand(*c) for c in cases} for pair, cases in CASES.items()}


def test_the_hand_route_reads_the_quoted_prices():
    # 280,451 GBP x 1.2371 USD/GBP x 180/117; 372,000 GBP x 1.3192 USD/GBP (2025) x 94/72
    # (FELIX CR/CRi, infused); 32,647,761 JPY / 131.4589 x 128/42 (KarMMa)
    # and / 109.8429 x 92/68 (TRANSFORM, 2021 rate);
    # 327,000 EUR x 1.1194 USD/EUR x 101/55 (ZUMA-1) and x 180/117 (ZUMA-7)
    gb_jp, de_us = EXPECTED[("GB", "JP")], EXPECTED[("DE", "US")]
    assert gb_jp[("ZUMA-7", "GB")] == pytest.approx(280451 * 1.2371 * 180 / 117, rel=1e-12)
    assert gb_jp[("FELIX", "GB")] == pytest.approx(372000 * 1.3192 * 94 / 72, rel=1e-12)
    assert gb_jp[("KarMMa", "JP")] == pytest.approx(32647761 / 131.4589 * 128 / 42, rel=1e-12)
    assert gb_jp[("TRANSFORM", "JP")] == pytest.approx(32647761 / 109.8429 * 92 / 68, rel=1e-12)
    assert de_us[("ZUMA-1", "DE")] == pytest.approx(327000 * 1.1194 * 101 / 55, rel=1e-12)
    assert de_us[("ZUMA-7", "DE")] == pytest.approx(327000 * 1.1194 * 180 / 117, rel=1e-12)


@pytest.mark.parametrize("pair", list(CASES), ids="-".join)
def test_analysis_cli_and_api_agree_with_the_hand_route(evidence_store, evidence_client, pair):
    with open_store(evidence_store, read_only=True) as store:
        frame = cost_per_responder(store, list(pair))
    got = {(r.study_id, r.country): r.cost_usd for r in frame.itertuples()}
    result = CliRunner().invoke(
        app,
        ["--db", evidence_store, "prices", "--per-responder", "--countries", *pair]
        + ["--format", "json"],
    )
    assert result.exit_code == 0, result.output
    cli = {(r["study_id"], r["country"]): r["cost_usd"] for r in json.loads(result.stdout)}
    body = evidence_client.get("/api/prices/per-responder", params={"countries": list(pair)})
    api = {(r["study_id"], r["country"]): r["cost_usd"] for r in body.json()["items"]}
    for key, expected in EXPECTED[pair].items():
        assert got[key] == pytest.approx(expected, rel=1e-9), key
        assert cli[key] == pytest.approx(expected, abs=0.5), key
        assert api[key] == pytest.approx(expected, abs=0.5), key


@pytest.mark.parametrize("pair", list(CASES), ids="-".join)
def test_report_and_dashboard_show_the_same_costs(evidence_store, evidence_client, tmp_path, pair):
    surfaces = cost_surfaces(evidence_store, evidence_client, tmp_path, pair)
    for (study, country), expected in EXPECTED[pair].items():
        surfaces.assert_cost(study, country, expected)
    if pair == ("GB", "JP"):
        # liso-cel's only recorded JP price (2021) predates the 2022 2L approval: said so
        why = (
            "latest recorded by the 2022 JP approval, 1 year older: "
            "the price in force then is not recorded"
        )
        surfaces.assert_why("TRANSFORM", "JP", "2021", why)
