"""Web hardening: YAML bombs refused, bodies capped while they stream, security headers on every
response, and an OpenAPI document that names every status and media type."""

from __future__ import annotations

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
