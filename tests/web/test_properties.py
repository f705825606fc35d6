"""Generated input at every endpoint: whatever the parameters, the API never answers with a 5xx.

The strategies come from the OpenAPI schema: each documented parameter gets either a value its
schema allows (enum members, numbers in range, country codes, booleans) or arbitrary text, and
undocumented parameters and hostile strings are mixed in; the claims check gets random bytes,
random JSON and structured claims built from the claim model's fields.
"""

from __future__ import annotations

import json
import string
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartatlas.analyses.claims.model import Metric
from cartatlas.web.api import api_router

SCHEMA = FastAPI()
SCHEMA.include_router(api_router())
OPENAPI = SCHEMA.openapi()
GETS = sorted(path for path, ops in OPENAPI["paths"].items() if "get" in ops)
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

HOSTILE = st.sampled_from(
    ["'; DROP TABLE evidence_products; --", "%", "_", "\\", "' OR 1=1 --", "😀", "\x00", "  ", ""]
)
TEXT = st.one_of(st.text(max_size=40), HOSTILE)
KNOWN_IDS = st.sampled_from(
    ["axi-cel", "Yescarta", "ZUMA-1", "NCT04033302", "ChiCTR2000001", "nope", "..", "%2F"]
)


def _resolve(schema: dict) -> dict:
    if "$ref" in schema:
        return _resolve(OPENAPI["components"]["schemas"][schema["$ref"].split("/")[-1]])
    return schema


def _valid(schema: dict) -> st.SearchStrategy:
    """Values the schema allows (as query-string text)."""
    schema = _resolve(schema)
    if "anyOf" in schema:
        return st.one_of([_valid(s) for s in schema["anyOf"] if s.get("type") != "null"])
    if "enum" in schema:
        return st.sampled_from([str(v) for v in schema["enum"]])
    if "const" in schema:
        return st.just(str(schema["const"]))
    kind = schema.get("type")
    if kind == "integer":
        low, high = schema.get("minimum", -5), schema.get("maximum", 10_000)
        return st.integers(low - 1, high + 1).map(str)
    if kind == "number":
        return st.floats(-10, 200, allow_nan=False).map(lambda x: f"{x:g}")
    if kind == "boolean":
        return st.sampled_from(["true", "false", "1", "0", "yes"])
    if kind == "array":
        return st.lists(_valid(schema.get("items", {})), max_size=4)
    if schema.get("pattern") == "^[A-Za-z]{2}$":
        return st.sampled_from(["CN", "US", "de", "ZZ", "GB", "XX"])
    return TEXT


def _value(schema: dict) -> st.SearchStrategy:
    return st.one_of(_valid(schema), TEXT, st.lists(TEXT, min_size=2, max_size=3))


def _query(path: str) -> st.SearchStrategy:
    parameters = OPENAPI["paths"][path]["get"].get("parameters", [])
    # Absent and valid values twice as likely as junk, so most examples also reach the code
    # behind the validation.
    fields = {
        p["name"]: st.one_of(
            st.none(), st.none(), _valid(p.get("schema", {})), _value(p.get("schema", {}))
        )
        for p in parameters
        if p["in"] == "query"
    }
    fields["unexpected"] = st.one_of(st.none(), TEXT)
    return st.fixed_dictionaries(fields).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


def _url(path: str) -> st.SearchStrategy:
    names = [
        p["name"] for p in OPENAPI["paths"][path]["get"].get("parameters", []) if p["in"] == "path"
    ]
    if not names:
        return st.just(path)
    segment = st.one_of(KNOWN_IDS, st.text(alphabet=string.printable, min_size=1, max_size=80))
    return segment.map(lambda v: path.replace("{" + names[0] + "}", quote(v, safe="")))


@pytest.mark.parametrize("path", GETS)
def test_no_get_answers_with_a_server_error(client, path):
    statuses = []

    @SETTINGS
    @given(url=_url(path), query=_query(path))
    def check(url, query):
        response = client.get(url, params=query)
        statuses.append(response.status_code)
        assert response.status_code < 500, (url, query, response.text[:500])

    check()
    assert any(s < 300 or s == 404 for s in statuses), "no example got past validation"


CLAIM = st.fixed_dictionaries(
    {
        "id": st.text(max_size=10),
        "text": st.text(max_size=30),
        "metric": st.one_of(st.sampled_from(list(Metric.__args__)), st.text(max_size=8)),
        "countries": st.lists(st.sampled_from(["CN", "US", "cn", "ZZ", ""]), max_size=3),
    },
    optional={
        "indication": st.sampled_from(["LBCL", "MM", "B-ALL", "gastric", "xyz", ""]),
        "product": st.one_of(KNOWN_IDS, st.none()),
        "scope": st.sampled_from(["approved_products", "domestic_products", "other"]),
        "range": st.one_of(
            st.tuples(st.floats(-1e9, 1e9), st.one_of(st.none(), st.floats(-1e9, 1e9))),
            st.lists(st.integers(), max_size=3),
        ),
        "compare": st.sampled_from(["similar", "greater", "less"]),
        "values": st.lists(st.sampled_from(["CD19", "BCMA", "GPRC5D", ""]), max_size=3),
    },
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)


@SETTINGS
@given(
    body=st.one_of(
        st.fixed_dictionaries({"claims": st.lists(CLAIM, max_size=3)}).map(json.dumps),
        JSON.map(json.dumps),
        st.binary(max_size=200),
        st.text(max_size=200),
    ),
    kind=st.sampled_from(["application/json", "application/yaml", "text/plain", ""]),
)
def test_no_claims_document_causes_a_server_error(client, body, kind):
    response = client.post("/api/claims", content=body, headers={"content-type": kind})
    assert response.status_code < 500, (body, kind, response.text[:500])
