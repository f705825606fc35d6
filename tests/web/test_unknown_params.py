"""An /api query parameter the route does not take is a 422 naming it, what the route takes and
the nearest name, never silently ignored: ``/api/approvals/lag?a=JP&b=CN`` used to answer the
default CN–US lag."""

from __future__ import annotations


def test_an_unknown_parameter_is_named_with_what_the_route_takes(evidence_client):
    response = evidence_client.get("/api/approvals/lag", params={"a": "JP", "b": "CN"})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["query", "a"]
    assert problem["msg"] == "unknown parameter 'a'; this route takes countries"


def test_a_misspelt_parameter_gets_the_nearest_name(evidence_client):
    response = evidence_client.get(
        "/api/meta", params={"indication": "LBCL", "endpoint": "CR", "countrie": "CN"}
    )
    assert response.status_code == 422
    message = response.json()["detail"][0]["msg"]
    assert message.startswith("unknown parameter 'countrie'; this route takes countries, ")
    assert message.endswith("; did you mean 'countries'?")


def test_declared_parameters_still_answer(evidence_client):
    lag = evidence_client.get("/api/approvals/lag", params={"countries": ["JP", "CN"]})
    assert lag.status_code == 200
    assert lag.json()["count"] > 0
