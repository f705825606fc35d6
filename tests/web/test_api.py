"""The JSON API on the shipped evidence plus the shared snapshots: contents checked against the
store and the analyses, validation (422 naming the parameter), 404s, read-only."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml

from cartatlas.analyses.claims import EXAMPLE
from cartatlas.analyses.success_rates import pool_by_country
from cartatlas.evidence.queries import Proportion
from cartatlas.store import open_store


def _problem(response, name: str) -> dict:
    assert response.status_code == 422, response.text
    found = [d for d in response.json()["detail"] if d["loc"][1] == name]
    assert found, response.json()
    return found[0]


def test_products_list_every_product_with_its_countries(client, full_store):
    items = client.get("/api/products").json()["items"]
    with open_store(full_store, read_only=True) as store:
        [(n,)] = store.execute("SELECT count(*) FROM evidence_products")
        approved_cn = {
            p
            for (p,) in store.execute(
                "SELECT DISTINCT product_id FROM evidence_approvals WHERE country = 'CN'"
            )
        }
    assert len(items) == n
    assert all(item["source_url"] for item in items)
    cn = client.get("/api/products", params={"country": "cn"}).json()["items"]
    assert {item["product_id"] for item in cn} == approved_cn


def test_product_by_alias_brand_or_id_and_404(client):
    by_alias = client.get("/api/products/axi-cel").json()
    by_brand = client.get("/api/products/Yescarta").json()
    assert by_alias["product"]["product_id"] == by_brand["product"]["product_id"]
    assert by_alias["approvals"] and by_alias["outcomes"] and by_alias["prices"]
    missing = client.get("/api/products/no-such-product")
    assert missing.status_code == 404
    assert "no-such-product" in missing.json()["detail"]


def test_outcomes_carry_exact_intervals(client):
    items = client.get("/api/outcomes", params={"product": "axi-cel", "endpoint": "CR"}).json()[
        "items"
    ]
    assert items
    for item in items:
        low, high = Proportion(item["events"], item["n"]).ci()
        assert (item["ci_low"], item["ci_high"]) == (round(low, 1), round(high, 1))
        assert item["endpoint"] == "CR" and item["source_url"]


def test_safety_filters_and_grading(client):
    items = client.get("/api/safety", params={"event": "CRS", "grade": "3plus"}).json()["items"]
    assert (
        items
        and {i["event"] for i in items} == {"CRS"}
        and {i["grade"] for i in items} == {"3plus"}
    )


def test_studies_and_one_study(client):
    studies = client.get("/api/studies", params={"indication": "LBCL", "country": "CN"}).json()
    assert studies["count"] and all(s["country_of_conduct"] == "CN" for s in studies["items"])
    one = client.get(f"/api/studies/{studies['items'][0]['study_id']}").json()
    assert one["study"]["study_id"] == studies["items"][0]["study_id"]
    assert client.get("/api/studies/NOPE-1").status_code == 404


def test_prices_convert_at_the_same_years_rate(client, full_store):
    items = client.get("/api/prices", params={"currency": "CNY", "country": "US"}).json()["items"]
    with open_store(full_store, read_only=True) as store:
        rows = store.execute(
            "SELECT year, per_usd, source_kind, source_url FROM evidence_exchange_rates"
            " WHERE currency = 'CNY'"
        )
    # One rate per year: a regulator's (the Federal Reserve's) before any other, then by URL.
    rates: dict[int, float] = {}
    for year, per_usd, _kind, _url in sorted(rows, key=lambda r: (r[2] != "regulator", r[3])):
        rates.setdefault(year, per_usd)
    assert items
    for item in items:
        assert item["target_currency"] == "CNY"
        if item["year"] in rates and item["usd"] is not None:
            assert item["in_target_currency"] == pytest.approx(item["usd"] * rates[item["year"]])
        else:
            assert item["in_target_currency"] is None  # no other year's rate is borrowed
    unknown = client.get("/api/prices", params={"currency": "XYZ"})  # depends on the data: 404
    assert unknown.status_code == 404 and "CNY" in unknown.json()["detail"].partition("known: ")[2]


def test_trial_search_filters_pages_and_csv(client):
    page = client.get(
        "/api/trials", params={"country": "CN", "recruiting": "true", "per_page": 5}
    ).json()
    assert page["total"] > 5 and len(page["items"]) == 5 and page["pages"] >= 2
    for item in page["items"]:
        assert "CN" in item["countries"] and item["status"] in (
            "RECRUITING",
            "ENROLLING_BY_INVITATION",
        )
    second = client.get(
        "/api/trials", params={"country": "CN", "recruiting": "true", "per_page": 5, "page": 2}
    ).json()
    assert not {i["nct_id"] for i in page["items"]} & {i["nct_id"] for i in second["items"]}
    exported = client.get(
        "/api/trials", params={"country": "CN", "recruiting": "true", "format": "csv"}
    )
    assert exported.headers["content-type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(exported.text)))) == page["total"]


def test_trial_search_by_target_disease_age_and_text(client):
    found = client.get(
        "/api/trials", params={"target": "cd19", "disease": "LBCL", "age": 10, "per_page": 200}
    ).json()["items"]
    assert found
    for item in found:
        assert "CD19" in item["targets"] and "LBCL" in item["disease_area"]
        assert item["min_age"] is None or item["min_age"] <= 10
        assert item["max_age"] is None or item["max_age"] >= 10
    lupus = client.get("/api/trials", params={"text": "lupus", "per_page": 3}).json()
    assert lupus["total"] > 0


def test_one_trial_with_sites_and_404(client):
    first = client.get("/api/trials", params={"country": "US", "per_page": 1}).json()["items"][0]
    trial = client.get(f"/api/trials/{first['nct_id'].lower()}").json()
    assert trial["trial"]["nct_id"] == first["nct_id"]
    assert trial["sites"] and all("facility" in s for s in trial["sites"])
    assert client.get("/api/trials/NCT00000000").status_code == 404


def test_trial_parameters_are_validated(client):
    assert _problem(client.get("/api/trials", params={"country": "ZZ"}), "country")
    assert _problem(client.get("/api/trials", params={"country": "CHN"}), "country")
    assert _problem(client.get("/api/trials", params={"phase": "seven"}), "phase")
    assert _problem(client.get("/api/trials", params={"status": "sleeping"}), "status")
    assert _problem(client.get("/api/trials", params={"age": -1}), "age")
    assert _problem(client.get("/api/trials", params={"per_page": 10_000}), "per_page")
    assert _problem(client.get("/api/trials", params={"sponsor_type": "pharma"}), "sponsor_type")


def test_landscape_counts_and_shares(client):
    rows = client.get("/api/landscape", params={"by": "target", "countries": ["CN", "US"]}).json()
    assert {r["country"] for r in rows["items"]} == {"CN", "US", "all"}
    cd19 = [r for r in rows["items"] if r["targets"] == "CD19"]
    assert cd19 and all(0 < r["share"] <= 1 for r in cd19)
    shares = client.get("/api/landscape/shares", params={"countries": "US"}).json()["items"]
    assert shares and {"allogeneic", "solid", "autoimmune", "in_vivo"} <= set(shares[0])
    assert _problem(client.get("/api/landscape", params={"by": "colour"}), "by")


def test_meta_default_is_the_reports_model(client, full_store):
    body = client.get(
        "/api/meta", params={"indication": "LBCL", "endpoint": "CR", "countries": ["CN", "US"]}
    ).json()
    with open_store(full_store, read_only=True) as store:
        pooling = pool_by_country(store, "LBCL", "CR", ["CN", "US"])
    for country, summary in pooling.summaries.items():
        assert body["pooled"]["by_country"][country]["estimate"] == pytest.approx(summary.estimate)
    assert body["comparison"]["p"] == pytest.approx(pooling.comparison.p)
    assert body["model"] == pooling.method_note
    assert len(body["studies"]) == len(pooling.rows)


def test_meta_with_one_study_per_country_shows_both_and_a_named_test(client):
    """MCL ORR (one study per country) used to return only a model error."""
    body = client.get("/api/meta", params={"indication": "MCL", "endpoint": "ORR"}).json()
    by_country = body["pooled"]["by_country"]
    assert {c: (r["studies"], r["patients"]) for c, r in by_country.items()} == {
        "CN": (1, 59),
        "US": (1, 68),
    }
    assert by_country["CN"]["estimate"] == pytest.approx(42 / 59)
    assert body["comparison"]["test"].startswith("Fisher's exact test")
    assert "could not be fitted" not in body["model"]
    page = client.get("/meta", params={"indication": "MCL", "endpoint": "ORR"}).text
    assert "RELMA-CEL-MCL" in page and "exact (Clopper–Pearson)" in page


def test_same_product_view(client):
    body = client.get("/api/meta/same-product", params={"product": "cilta-cel"}).json()
    assert body["product"] == "ciltacabtagene-autoleucel"
    orr = next(c for c in body["comparisons"] if (c["indication"], c["endpoint"]) == ("MM", "ORR"))
    assert orr["studies"]["CN"] == ["CARTIFAN-1"] and orr["comparison"]["test"]
    assert client.get("/api/meta/same-product", params={"product": "nope"}).status_code == 404


def test_meta_explorer_wording_follows_the_p_value(client):
    """The page said "no statistically clear difference" even at p = 0.001 (MM CR)."""
    body = client.get("/api/meta", params={"indication": "MM", "endpoint": "CR"}).json()
    assert body["comparison"]["p"] < 0.05
    page = client.get("/meta", params={"indication": "MM", "endpoint": "CR"}).text
    assert "the countries differ" in page and "no statistically clear difference" not in page
    page = client.get("/meta", params={"indication": "LBCL", "endpoint": "CR"}).text
    assert "no statistically clear difference" in page


def test_meta_options_change_the_model_and_are_validated(client):
    dl = client.get(
        "/api/meta", params={"indication": "MM", "method": "DL", "knha": "true", "measure": "PAS"}
    ).json()
    assert "τ² by DL" in dl["model"] and "Knapp–Hartung" in dl["model"]
    ce = client.get("/api/meta", params={"indication": "MM", "method": "CE"}).json()
    assert "common-effect" in ce["model"]
    assert _problem(client.get("/api/meta", params={"method": "GLMM", "knha": "true"}), "knha")
    assert _problem(client.get("/api/meta", params={"method": "GLMM", "measure": "PR"}), "measure")
    assert _problem(client.get("/api/meta", params={"indication": "XYZ"}), "indication")
    assert _problem(client.get("/api/meta", params={"endpoint": "OS"}), "endpoint")


def test_forest_plot_svg(client):
    response = client.get("/api/meta/forest.svg", params={"indication": "MM", "endpoint": "ORR"})
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.startswith("<svg") and "Pooled" in response.text or "CN" in response.text
    nothing = client.get(
        "/api/meta/forest.svg", params={"indication": "gastric", "countries": "FR"}
    )
    assert nothing.status_code == 404


def test_claims_check_accepts_yaml_and_json(client):
    text = EXAMPLE.read_text("utf-8")
    as_yaml = client.post("/api/claims", content=text, headers={"content-type": "application/yaml"})
    assert as_yaml.status_code == 200, as_yaml.text
    verdicts = as_yaml.json()["verdicts"]
    assert len(verdicts) == len(yaml.safe_load(text)["claims"])
    assert {v["verdict"] for v in verdicts} <= {
        "supported",
        "partly supported",
        "contradicted",
        "no data",
    }
    document = json.loads(json.dumps(yaml.safe_load(text), default=str))  # YAML dates as text
    as_json = client.post("/api/claims", json=document)
    assert [v["verdict"] for v in as_json.json()["verdicts"]] == [v["verdict"] for v in verdicts]


def test_claims_errors_name_the_claim_and_field(client):
    bad = {"claims": [{"id": "x", "text": "t", "metric": "height", "countries": ["CN"]}]}
    problem = _problem(client.post("/api/claims", json=bad), "document")
    assert "claim 1" in problem["msg"] and "metric" in problem["msg"]
    assert _problem(
        client.post("/api/claims", content=b"\xff\xfe", headers={"content-type": "text/yaml"}),
        "document",
    )


def test_the_api_is_read_only(client, full_store):
    with open_store(full_store, read_only=True) as store:
        before = store.execute("SELECT count(*) FROM evidence_products")
    hostile = "x'; DROP TABLE evidence_products; --"
    for path, params in [
        ("/api/products", {"country": hostile}),
        ("/api/approvals", {"product": hostile}),
        ("/api/studies/" + hostile, {}),
        ("/api/trials", {"text": hostile}),
    ]:
        assert client.get(path, params=params).status_code in (404, 422, 200)
    assert client.delete("/api/products").status_code == 405
    assert client.post("/api/products").status_code == 405
    with open_store(full_store, read_only=True) as store:
        assert store.execute("SELECT count(*) FROM evidence_products") == before


def test_sources_and_health(client):
    sources = client.get("/api/sources").json()
    assert sources["evidence"]["products"] > 0
    assert {s["selection"] for s in sources["registry_snapshots"]} == {
        "cart-oncology",
        "cart-autoimmune",
    }
    assert client.get("/api/health").json()["status"] == "ok"


def test_openapi_documents_every_route(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/products", "/api/trials", "/api/meta", "/api/claims", "/api/landscape"):
        assert path in paths
    assert client.get("/docs").status_code == 200


def test_without_registry_data_registry_routes_say_so(evidence_client):
    response = evidence_client.get("/api/trials")
    assert response.status_code == 503 and "cartatlas import" in response.json()["detail"]
    assert evidence_client.get("/api/products").status_code == 200
