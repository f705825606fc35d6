"""The example article yields every claim of the shipped claims file, with the same verdict,
through the CLI, JSON Lines, Markdown, HTML and the API alike."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cartatlas.analyses.article import render
from cartatlas.analyses.claims import EXAMPLE, check_claims, load_claims
from cartatlas.cli import app
from cartatlas.store import open_store
from tests.articles.conftest import EXAMPLE_ARTICLE

KEYS = {"sentence", "metric", "countries", "indication", "product", "value", "range", "compare"}


def _key(claim) -> tuple:
    bounds = tuple(None if b is None else round(b) for b in claim.range or ()) or None
    return (
        claim.metric,
        frozenset(claim.countries),
        claim.indication,
        tuple(claim.also_in or ()),
        claim.scope,
        bounds,
        claim.top_over and round(claim.top_over),
        claim.compare,
        frozenset(claim.values or []),
    )


def test_every_shipped_claim_is_found_with_the_same_verdict(example_check, evidence_store):
    shipped = load_claims(EXAMPLE)
    with open_store(evidence_store, read_only=True) as store:
        expected = {_key(v.claim): v.verdict for v in check_claims(store, shipped)}
    found = {}
    for c in example_check.claims:
        if c.item.claim is not None:
            found.setdefault(_key(c.item.claim), c.label)
    missing = [k for k in expected if k not in found]
    assert not missing, missing
    assert {k: found[k] for k in expected} == expected


def test_every_claim_keeps_its_exact_sentence_and_span(example_check):
    for c in example_check.claims:
        f = c.item.finding
        assert example_check.text[f.sentence.start : f.sentence.end] == f.sentence.text
        assert example_check.text[f.span[0] : f.span[1]] == f.words
        assert f.sentence.start <= f.span[0] < f.span[1] <= f.sentence.end


def test_summary_counts_the_verdicts(example_check):
    labels = [c.label for c in example_check.claims]
    checkable = sum(label != "not checkable" for label in labels)
    assert example_check.summary.startswith(f"{checkable} checkable claims: ")
    assert f"{labels.count('supported')} supported" in example_check.summary


def test_cli_prints_every_claim_with_its_verdict_and_json_lines(evidence_store, example_check):
    runner = CliRunner()
    result = runner.invoke(app, ["--db", evidence_store, "check-article", str(EXAMPLE_ARTICLE)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(example_check.claims) + 1
    assert lines[-1] == example_check.summary
    result = runner.invoke(
        app, ["--db", evidence_store, "check-article", "--format", "json", str(EXAMPLE_ARTICLE)]
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(example_check.claims)
    for record, c in zip(records, example_check.claims, strict=True):
        assert KEYS | {"verdict"} <= set(record)
        assert record["verdict"] == c.label


def test_cli_errors_are_clear(evidence_store, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["--db", evidence_store, "check-article", str(tmp_path / "no.md")])
    assert result.exit_code == 2 and "no such file" in result.stderr
    result = runner.invoke(app, ["--db", evidence_store, "check-article"])
    assert result.exit_code == 2 and "give a FILE" in result.stderr


def test_url_fails_fast_and_clearly_offline(evidence_store):
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "check-article", "--url", "http://127.0.0.1:9/article"]
    )
    assert result.exit_code == 2
    assert "cannot fetch" in result.stderr and "save the page" in result.stderr


@pytest.mark.parametrize("writer", [render.to_html, render.to_markdown])
def test_article_markup_never_reaches_the_output(writer, evidence_store):
    from cartatlas.analyses.article import check_article

    hostile = (
        "<script>alert(1)</script> In China, CAR-T costs $120,000 to $170,000 "
        "<img src=x onerror=alert(1)>."
    )
    with open_store(evidence_store, read_only=True) as store:
        checked = check_article(hostile, store)
    page = writer(checked)
    assert "<script>" not in page and "<img" not in page
    assert len(checked.claims) == 1
