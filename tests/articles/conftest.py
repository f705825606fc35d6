"""The example article (read from ../shared/reference, never copied) checked once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartatlas.analyses.article import check_article
from cartatlas.analyses.article.page_text import article_text
from cartatlas.store import open_store

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_ARTICLE = REPO.parent / "shared" / "reference" / "placidway-cart-china-vs-us.md"


@pytest.fixture(scope="session")
def example_check(evidence_store):
    if not EXAMPLE_ARTICLE.exists():
        pytest.skip(f"{EXAMPLE_ARTICLE} is missing (the shared folder sits beside the repo)")
    text = article_text(EXAMPLE_ARTICLE.read_text("utf-8"))
    with open_store(evidence_store, read_only=True) as store:
        return check_article(text, store)
