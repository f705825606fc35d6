"""Hostile articles for ``cartatlas check-article`` and ``POST /api/check-article``: figures too
large for a decimal's default precision, numbers written with the separators of other
typographies, and files that are not UTF-8 text or not files at all."""

from __future__ import annotations

import json

import pytest

from cartatlas.cli import app


def _claims(capsys, db: str, path) -> list[dict]:
    """The JSON Lines ``check-article`` writes for ``path``, after checking it exited 0."""
    try:
        app(["--db", db, "check-article", "--format", "json", str(path)])
    except SystemExit as exit_info:
        assert exit_info.code in (0, None), capsys.readouterr()
    output = capsys.readouterr()
    assert "unexpected" not in output.err, output.err
    return [json.loads(line) for line in output.out.splitlines()]


def test_a_price_beyond_28_digits_gets_a_verdict(capsys, evidence_store, tmp_path) -> None:
    """A price of 53 nines crashed ('IndexError … unexpected': 1e+53 has no decimal point to
    count after; then decimal.InvalidOperation quantizing it to 28 digits)."""
    path = tmp_path / "huge.txt"
    path.write_text("In the US, Yescarta costs $" + "9" * 53 + ".\n")
    [claim] = _claims(capsys, evidence_store, path)
    assert claim["metric"] == "price_usd" and claim["verdict"] == "contradicted"


def test_a_claims_file_with_a_huge_price_gets_a_verdict(capsys, evidence_store, tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(
        "source: {title: t}\nclaims:\n"
        "- {id: c, text: t, metric: price_usd, countries: [US], range: [1e20, 2e20]}\n"
    )
    app(["--db", evidence_store, "claims", "--format", "json", str(path)], standalone_mode=False)
    output = capsys.readouterr()
    [verdict] = json.loads(output.out)
    assert verdict["verdict"] == "contradicted", output
