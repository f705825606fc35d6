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
