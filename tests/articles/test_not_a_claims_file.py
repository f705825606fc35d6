"""An article given to ``cartatlas claims`` (which reads claims files) gets one line that says so
and names ``check-article``, never the YAML parser's text."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from tests.articles.conftest import EXAMPLE_ARTICLE


def _claims(evidence_store: str, path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", evidence_store, "claims", str(path)])
    return result.exit_code, result.output.strip()


def _is_one_plain_line(output: str) -> bool:
    parser_words = ("unicode string", "column", "expected a single document", "<block")
    return "\n" not in output and not any(w in output for w in parser_words)


def test_the_example_article_is_pointed_to_check_article(evidence_store):
    if not EXAMPLE_ARTICLE.exists():
        pytest.skip(f"{EXAMPLE_ARTICLE} is missing (the shared folder sits beside the repo)")
    code, output = _claims(evidence_store, EXAMPLE_ARTICLE)
    assert code == 2
    assert _is_one_plain_line(output), output
    assert "not a claims file" in output and "article" in output
    assert f"cartatlas check-article {EXAMPLE_ARTICLE}" in output


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("note.txt", "CAR-T rates are similar in China and the US.\n", "check-article"),
        ("claims.yaml", "claims:\n  - id: a\n   text: b: c\n", "line 3"),
    ],
    ids=["one sentence of prose", "claims file with broken YAML"],
)
def test_no_parser_text_reaches_the_user(evidence_store, tmp_path, name, text, words):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    code, output = _claims(evidence_store, path)
    assert code == 2 and _is_one_plain_line(output), output
    assert words in output
