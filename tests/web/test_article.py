"""POST /api/check-article and the "Check an article" page give the CLI's verdicts; the page
shows the article escaped, with claims highlighted by verdict."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cartatlas.cli import app
from tests.articles.conftest import EXAMPLE_ARTICLE

HOSTILE = (
    '<script>alert("x")</script>In China, CAR-T costs $120,000 to $170,000 '
    "<img src=x onerror=alert(1)>."
)


def test_api_and_cli_give_the_same_claims_and_verdicts(evidence_client, evidence_store):
    text = EXAMPLE_ARTICLE.read_text("utf-8")
    answer = evidence_client.post(
        "/api/check-article", content=text.encode(), headers={"content-type": "text/plain"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    cli = CliRunner().invoke(
        app, ["--db", evidence_store, "check-article", "--format", "json", str(EXAMPLE_ARTICLE)]
    )
    records = [json.loads(line) for line in cli.stdout.splitlines()]
    assert [(r["sentence"], r["metric"], r["verdict"]) for r in body["claims"]] == [
        (r["sentence"], r["metric"], r["verdict"]) for r in records
    ]
    assert body["summary"].endswith(cli.stderr.strip().splitlines()[-1].split(": ", 1)[1])


def test_api_takes_json_and_caps_the_body(evidence_client):
    answer = evidence_client.post("/api/check-article", json={"text": HOSTILE})
    assert answer.status_code == 200
    assert answer.json()["claims"][0]["metric"] == "price_usd"
    big = evidence_client.post(
        "/api/check-article", content=b"x" * 1_000_001, headers={"content-type": "text/plain"}
    )
    assert big.status_code == 413
    bad = evidence_client.post("/api/check-article", json={"article": 1})
    assert bad.status_code == 422


def test_page_highlights_claims_and_escapes_the_article(evidence_client):
    page = evidence_client.post("/article", data={"text": HOSTILE})
    assert page.status_code == 200
    html = page.text
    assert '<mark class="claim verdict-' in html
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "1 checkable claims" in html
    assert evidence_client.get("/article").status_code == 200


def test_trial_claims_use_the_registry_snapshot(client, full_store):
    """With registry data, a share of the world's trials is checked against the snapshot; the
    share is recomputed here from the trial search API (trials with a site in China among all
    CAR trials) — a separate route from the claims checker's frame."""
    text = "More than 50% of the world's CAR-T clinical trials are conducted in China."
    body = client.post("/api/check-article", json={"text": text}).json()
    (claim,) = body["claims"]
    assert claim["metric"] == "trial_share" and body["registry_data"]
    in_china = client.get("/api/trials", params={"country": "CN", "car": "true"}).json()["total"]
    every = client.get("/api/trials", params={"car": "true"}).json()["total"]
    share = 100 * in_china / every
    assert claim["verdict"] == ("supported" if share > 50 else "contradicted")
    assert f"{share:,.4g}%" in claim["evidence"]
    cli = CliRunner().invoke(
        app, ["--db", full_store, "check-article", "--format", "json", "-"], input=text
    )
    (record,) = [json.loads(line) for line in cli.stdout.splitlines()]
    assert (record["verdict"], record["evidence"]) == (claim["verdict"], claim["evidence"])
    page = client.post("/article", data={"text": text}).text
    assert f"{share:,.4g}%" in page
