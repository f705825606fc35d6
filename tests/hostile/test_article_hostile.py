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


@pytest.mark.parametrize(
    "written, words, low",
    [
        ("$475\u2009000", "$475\u00a0000", 475000.0),  # thin space: read as $475
        ("$475\u202f000", "$475\u00a0000", 475000.0),  # narrow no-break space
        ("$475\u2007000", "$475\u00a0000", 475000.0),  # figure space
    ],
)
def test_thousands_grouped_by_thin_spaces_are_one_number(
    capsys, evidence_client, evidence_store, tmp_path, written, words, low
) -> None:
    text = f"In the US, Kymriah costs {written}.\n"
    path = tmp_path / "article.txt"
    path.write_text(text)
    [claim] = _claims(capsys, evidence_store, path)
    assert (claim["words"], claim["range"][0]) == (words, low)
    [api] = evidence_client.post("/api/check-article", json={"text": text}).json()["claims"]
    assert (api["words"], api["range"], api["verdict"]) == (
        claim["words"],
        claim["range"],
        claim["verdict"],
    )


def test_a_middle_dot_is_a_decimal_point(capsys, evidence_store, tmp_path) -> None:
    """The Lancet prints 58·3%; it was read as 3%."""
    path = tmp_path / "lancet.txt"
    path.write_text("In the US, the complete response rate of Yescarta in LBCL was 58·3%.\n")
    [claim] = _claims(capsys, evidence_store, path)
    assert claim["words"] == "58.3%" and claim["range"] == pytest.approx([58.25, 58.35])
