"""/api/survival, /api/comparisons, /api/regulatory-actions and /api/coverage, checked against
the raw CSV rows and the independent pooled-HR recomputation; the dashboard pages show them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from tests.analyses.test_durability import _csv, _raw_trials, _reml_knapp_hartung


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
    assert body["count"] == sum(
        1 for r in _csv("comparisons") if r["study_id"] in ("ZUMA-7", "TRANSFORM")
    )
    pooled = {(p["indication"], p["endpoint"]): p for p in body["pooled"]}
    for endpoint in ("EFS", "OS"):
        trials = _raw_trials("LBCL", endpoint)
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
