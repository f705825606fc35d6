"""A "similar" claim is judged by the 95% CI of the difference against the ±10-point margin, and
every surface shows the same verdict: ``cartatlas claims`` (JSON), the API, the report's claims
section and the dashboard's claims page share one checker."""

from __future__ import annotations

import json
import warnings

import pytest
from typer.testing import CliRunner

from cartatlas.analyses.claims import EXAMPLE, load_claims
from cartatlas.cli import app
from cartatlas.web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

# B-ALL compares each country's approved products (the article's "their respective approved
# CAR-T products"): China's one pivotal trial gives a CI too wide for the margin; LBCL's
# country-of-conduct pools run past it too (tests/articles/test_example_review.py recomputes).
SIMILAR = {"cr-lymphoma-similar": "partly supported", "cr-ball-similar": "partly supported"}
TEXT = {c.id: c.text for c in load_claims(EXAMPLE).claims}


@pytest.fixture(scope="module")
def cli_verdicts(evidence_store) -> dict[str, dict]:
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "claims", str(EXAMPLE), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    by_text = {row["claim"]: row for row in json.loads(result.stdout)}
    return {claim_id: by_text[text] for claim_id, text in TEXT.items()}


@pytest.fixture(scope="module")
def client(evidence_store):
    with TestClient(create_app(evidence_store)) as test_client:
        yield test_client


def test_similar_claims_are_not_supported_by_a_large_p_alone(cli_verdicts, client):
    """CN's CR in LBCL runs 38–65%: no significant difference, but a gap of up to 17 points is
    not ruled out, so "similar" is not shown (partly supported) on the CLI and the API alike."""
    served = client.post(
        "/api/claims",
        content=EXAMPLE.read_bytes(),
        headers={"content-type": "application/yaml"},
    ).json()
    api = {v["claim"]["id"]: v for v in served["verdicts"]}
    for claim_id, verdict in SIMILAR.items():
        cli = cli_verdicts[claim_id]
        assert cli["verdict"] == api[claim_id]["verdict"] == verdict
        assert cli["evidence"] == api[claim_id]["evidence"]
        assert "±10 points" in cli["rule"]
        if verdict == "partly supported":
            assert "similarity not shown" in cli["evidence"]
            assert "cannot rule out a difference of up to" in cli["evidence"]


def test_the_dashboard_claims_page_shows_the_same_verdict(cli_verdicts, client):
    page = client.get("/q/claims", params={"a": "CN", "b": "US"}).text
    for claim_id, verdict in SIMILAR.items():
        text = TEXT[claim_id]
        row = page[page.index(text) :][:4000].split("</tr>")[0]
        assert f">{verdict}<" in row, claim_id
