"""Web hardening: YAML bombs refused, bodies capped while they stream, security headers on every
response, and an OpenAPI document that names every status and media type."""

from __future__ import annotations

import json
import time

import pytest

from cartatlas.web.api.claims import MAX_BYTES

YAML = {"content-type": "application/yaml"}
BOMB = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(8)]
    + ["claims: [*i]"]
)


def test_yaml_alias_bomb_is_refused_at_once(evidence_client) -> None:
    assert len(BOMB) < 600
    started = time.perf_counter()
    response = evidence_client.post("/api/claims", content=BOMB, headers=YAML)
    assert time.perf_counter() - started < 2
    assert response.status_code == 422
    assert "anchors and aliases" in response.text and len(response.content) < 2000


def test_a_lone_anchor_is_refused_too(evidence_client) -> None:
    response = evidence_client.post(
        "/api/claims", content="source: &s {title: t}\nclaims: []\n", headers=YAML
    )
    assert response.status_code == 422 and "line 1" in response.text


def test_body_over_the_cap_is_refused_while_streaming(evidence_client) -> None:
    sent = []

    def chunks():
        for _ in range(50):
            sent.append(1)
            yield b"x" * 100_000  # 5 MB in all, no Content-Length

    response = evidence_client.post("/api/claims", content=chunks(), headers=YAML)
    assert response.status_code == 413
    declared = evidence_client.post("/api/claims", content=b"x" * (MAX_BYTES + 1), headers=YAML)
    assert declared.status_code == 413 and "claims document over" in declared.json()["detail"]


@pytest.mark.parametrize("path", ["/", "/api/products", "/products", "/no-such-page"])
def test_security_headers_on_every_response(evidence_client, path) -> None:
    headers = evidence_client.get(path).headers
    assert headers["x-frame-options"] == "DENY"
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "script-src 'self' 'unsafe-eval';" in csp  # no inline script on our pages


def test_docs_keep_a_policy_that_lets_swagger_load(evidence_client) -> None:
    csp = evidence_client.get("/docs").headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in csp and "frame-ancestors 'none'" in csp


def test_openapi_documents_every_status_and_media_type(evidence_client) -> None:
    paths = evidence_client.get("/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            if not path.startswith("/api"):
                continue
            responses = operation["responses"]
            assert {"200", "404", "503"} <= set(responses), (path, method)
            if method == "post":
                assert "413" in responses, path
    assert "text/csv" in paths["/api/trials"]["get"]["responses"]["200"]["content"]
    forest = paths["/api/meta/forest.svg"]["get"]["responses"]["200"]["content"]
    assert list(forest) == ["image/svg+xml"]


def _schema_allows(schema: dict, document: object) -> bool:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema).is_valid(document)


CLAIM = {"id": "c", "text": "t", "metric": "CR", "indication": "LBCL", "countries": ["CN", "US"]}


@pytest.mark.parametrize(
    "claim",
    [
        {**CLAIM, "compare": "similar"},
        {**CLAIM, "range": [0.4, 0.6]},
        {**CLAIM, "values": ["x"]},
        {**CLAIM, "values": []},  # asserts nothing
        {**CLAIM, "range": [0.4, None], "compare": "greater"},  # asserts two things
        {**CLAIM, "compare": "less", "countries": ["CN"]},
        {**CLAIM, "indication": None, "range": [0.4, 0.6]},
        {**CLAIM, "indication": "", "compare": "greater"},  # a comparison needs no indication
        {**CLAIM, "metric": "price_usd", "indication": None, "compare": "similar"},
        {**CLAIM, "metric": "price_usd", "range": [1, 2]},
        {**CLAIM, "metric": "approval_date", "values": ["2021-06"]},
        {**CLAIM, "metric": "approval_date", "product": "axi-cel", "values": ["2021-06"]},
        {**CLAIM, "metric": "approval_date", "product": "", "values": ["2021-06"]},
        {**CLAIM, "metric": "price_discount", "countries": ["CN"], "range": [0.1, None]},
        {**CLAIM, "metric": "price_discount", "range": [0.1, None]},
        {**CLAIM, "indication": "lbcl", "range": [50, 60]},  # any case of a code
        {**CLAIM, "indication": "LBLC", "range": [50, 60]},  # no code
        {**CLAIM, "also_in": ["b-all", "XYZ"], "range": [50, 60]},
    ],
)
def test_openapi_claim_schema_agrees_with_the_model(evidence_client, claim) -> None:
    """Each rule across a claim's fields is in the OpenAPI document, so the API accepts exactly
    the claims documents its schema allows (schemathesis found the one-of rule missing)."""
    spec = evidence_client.get("/openapi.json").json()
    body = spec["paths"]["/api/claims"]["post"]["requestBody"]["content"]["application/json"]
    schema = {**body["schema"], "$defs": spec["components"]["schemas"]}
    schema = json.loads(json.dumps(schema).replace("#/components/schemas/", "#/$defs/"))
    document = {"source": {}, "claims": [claim]}
    answer = evidence_client.post("/api/claims", json=document)
    assert answer.status_code in (200, 422), answer.text
    assert _schema_allows(schema, document) == (answer.status_code == 200), answer.text


def test_a_blank_filter_box_is_documented_and_means_any(evidence_client) -> None:
    spec = evidence_client.get("/openapi.json").json()
    [country] = spec["paths"]["/api/products"]["get"]["parameters"]
    every = evidence_client.get("/api/products").json()
    for value in ("", "  "):
        assert _schema_allows(country["schema"], value)
        assert evidence_client.get("/api/products", params={"country": value}).json() == every
    for value, accepted in (("us", True), ("US", True), ("Us", False), ("ZZ", False)):
        assert _schema_allows(country["schema"], value) is accepted
        status = evidence_client.get("/api/products", params={"country": value}).status_code
        assert status == (200 if accepted else 422), value


@pytest.mark.parametrize(
    "body, content_type, status, no_words",
    [
        (b"[null, null]", "text/html", 200, False),  # any text is an article
        (b"<p> </p>", "text/html", 200, True),  # no words: 0 claims and a note
        (b"!!", "text/plain", 200, True),
        (b"", "text/plain", 422, None),  # the schema's minLength
        (b'{"text": " "}', "application/json", 200, True),
        (b'{"text": ""}', "application/json", 422, None),
        (b'{"": {"x": []}}', "application/json", 422, None),  # "text" is required
    ],
)
def test_check_article_accepts_what_its_schema_allows(
    evidence_client, body, content_type, status, no_words
) -> None:
    spec = evidence_client.get("/openapi.json").json()
    content = spec["paths"]["/api/check-article"]["post"]["requestBody"]["content"]
    schema = content[content_type]["schema"]
    value = json.loads(body) if content_type == "application/json" else body.decode()
    assert _schema_allows(schema, value) is (status == 200)
    answer = evidence_client.post(
        "/api/check-article", content=body, headers={"content-type": content_type}
    )
    assert answer.status_code == status, answer.text
    if status == 200:
        assert answer.json()["claims"] == [] and ("note" in answer.json()) is no_words


def test_meta_documents_its_rule_across_parameters(evidence_client) -> None:
    spec = evidence_client.get("/openapi.json").json()
    for path in ("/api/meta", "/api/meta/forest.svg"):
        assert "knha=false only" in spec["paths"][path]["get"]["responses"]["422"]["description"]
    refused = evidence_client.get("/api/meta", params={"method": "GLMM", "knha": "true"})
    assert refused.status_code == 422 and "Knapp–Hartung" in refused.text


def test_a_rate_claim_in_an_unknown_indication_is_refused(evidence_client) -> None:
    """Schemathesis found a 500: a comparison in an indication neither country has; it then
    answered "no data" for any indication, a misspelt one included (harden2: a 422 naming the
    nearest code)."""
    claim = {**CLAIM, "indication": "LBLC", "compare": "similar"}
    answer = evidence_client.post("/api/claims", json={"source": {}, "claims": [claim]})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["msg"] == (
        "document: claim 1, field indication: 'LBLC' is not an indication; write one of LBCL, "
        "FL, MCL, MZL, B-ALL, CLL, MM, gastric, SLE, other; did you mean 'LBCL'?"
    )
