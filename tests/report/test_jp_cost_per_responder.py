"""Japan's cost per responder in the JP–CN comparison, recomputed from the CSV rows by the plain
route (price ÷ events/n, the price in force at the Japanese approval the trial supported) and
asserted on the analysis, the report section, the ``report`` command's Markdown, the dashboard's
cost page and the price the API serves.

Kymriah's Japanese NHI price covers leukaemia and lymphoma (prices.csv names both,
"B-ALL|LBCL"); of its two prices, the 2019 listing price is the one in force at the 2019
approval JULIET supported (the 2021 cost-effectiveness cut to 32,647,761 JPY came later); while
its indication was unknown, JULIET showed "no data" for Japan. ELIANA
(no recorded site list) pairs with the country of Kymriah's first B-ALL approval anywhere, the
US, so not with Japan (tests/web/test_responder_any_pair.py).
No API endpoint serves cost per responder itself; /api/prices serves its price.
"""

from __future__ import annotations

import math

import pytest

from cartatlas.analyses.responder_cost import cost_per_responder
from cartatlas.store import open_store
from tests.golden import plain
from tests.golden.test_golden import _expected_costs
from tests.report.cost_surfaces import cost_surfaces

PAIR = ("JP", "CN")
EXPECTED = _expected_costs(PAIR)
KYMRIAH_JP = [("JULIET", "JP")]


def test_kymriah_japan_price_pairs_with_juliet_by_hand():
    """33,490,000 JPY at the 2019 rate, divided by JULIET's CR 37/93."""
    [price] = [
        p
        for p in plain.rows("prices")
        if (p["product_id"], p["country"], p["year"]) == ("tisagenlecleucel", "JP", "2019")
    ]
    assert sorted(price["indication"].split("|")) == ["B-ALL", "LBCL"]
    [rate] = [
        r for r in plain.rows("exchange_rates") if (r["currency"], r["year"]) == ("JPY", "2019")
    ]
    usd = float(price["amount"]) / plain.per_usd(rate)
    rates = {s: (e, n) for s, e, n in plain.selected("LBCL", "CR", "multinational")}
    rates |= {s: (e, n) for s, e, n in plain.selected("B-ALL", "CR", "multinational")}
    for study, country in KYMRIAH_JP:
        events, n = rates[study]
        assert EXPECTED[(study, country)] == pytest.approx(usd * n / events, rel=1e-12)


def test_analysis_matches_the_plain_route(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        frame = cost_per_responder(store, list(PAIR))
    got = {(r.study_id, r.country): r.cost_usd for r in frame.itertuples()}
    assert set(got) == set(EXPECTED)
    for key, expected in EXPECTED.items():
        if expected is None:
            assert math.isnan(got[key]), key
        else:
            assert got[key] == pytest.approx(expected, rel=1e-9), key


def test_report_command_and_dashboard_show_japan_cost(evidence_store, evidence_client, tmp_path):
    surfaces = cost_surfaces(evidence_store, evidence_client, tmp_path, PAIR)
    for study, country in KYMRIAH_JP:
        surfaces.assert_cost(study, country, EXPECTED[(study, country)])


def test_api_serves_the_japanese_price_with_both_indications(evidence_client):
    served = evidence_client.get(
        "/api/prices", params={"country": "JP", "product": "tisagenlecleucel"}
    ).json()["items"]
    [price] = [
        p
        for p in plain.rows("prices")
        if (p["product_id"], p["country"], p["year"]) == ("tisagenlecleucel", "JP", "2019")
    ]
    [row] = [r for r in served if r["amount"] == float(price["amount"])]
    assert row["indication"] == price["indication"]
    [rate] = [
        r for r in plain.rows("exchange_rates") if (r["currency"], r["year"]) == ("JPY", "2019")
    ]
    assert row["usd"] == pytest.approx(float(price["amount"]) / plain.per_usd(rate), rel=1e-12)
