"""The API's safety, outcomes and studies listings filter by a study's country of conduct; the
parameter says so, since a multinational trial that treated patients in the country (ZUMA-1,
KarMMa in the US) is left out, while the report lists it after the country's own cohorts.
Recomputed from studies.csv and safety.csv with the csv module.

Before: the parameter read "ISO 3166-1 alpha-2 country code, e.g. CN; empty: any country", and
/api/safety?country=US answered without ZUMA-1's CRS, with no word why."""

from __future__ import annotations

from tests.golden import plain


def test_country_filter_says_country_of_conduct(evidence_client):
    treated_us = {
        s["study_id"]
        for s in plain.rows("studies")
        if s["country_of_conduct"] == "multinational" and "US" in s["countries"].split("|")
    }
    with_safety = treated_us & {r["study_id"] for r in plain.rows("safety")}
    assert "ZUMA-1" in with_safety
    items = evidence_client.get("/api/safety", params={"country": "US"}).json()["items"]
    conducted = {s["study_id"] for s in plain.rows("studies") if s["country_of_conduct"] == "US"}
    assert {i["study_id"] for i in items} == conducted & {
        r["study_id"] for r in plain.rows("safety")
    }
    schema = evidence_client.get("/openapi.json").json()["paths"]
    for path in ("/api/safety", "/api/outcomes", "/api/studies"):
        param = next(p for p in schema[path]["get"]["parameters"] if p["name"] == "country")
        assert "country of conduct" in param["description"], path
        assert "multinational" in param["description"], path
