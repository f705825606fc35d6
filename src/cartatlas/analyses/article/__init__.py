"""Check any article: find the checkable claims of a page (rates, prices, relative costs, counts,
approval dates, comparisons between countries), structure each as a claims-file claim and give it
the claims checker's verdict with its evidence and a plain-language sentence.

``check_article(text, store, trials)`` is the one entry point of the CLI, the API and the
dashboard page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the package is imported by the CLI at start-up, which must stay light
    import pandas as pd

    from cartatlas.store import Store

#: Longest article text accepted (characters); a page longer than this is not an article.
MAX_CHARS = 300_000


@dataclass
class ArticleCheck:
    text: str
    claims: list  # list[CheckedClaim]
    summary: str


def check_article(
    text: str,
    store: Store,
    trials: pd.DataFrame | Callable[[], pd.DataFrame | None] | None = None,
) -> ArticleCheck:
    """Every claim of ``text`` with its verdict, and each sentence stating a figure no rule reads
    as not checkable (``unread``). ``trials`` (the registry's CAR trials, or a
    function loading them) is read only when a claim is about trial counts."""
    from cartatlas.analyses.article.extract import extract
    from cartatlas.analyses.article.names import load_products
    from cartatlas.analyses.article.parse_dates import written_on
    from cartatlas.analyses.article.structure import structure
    from cartatlas.analyses.article.unread import unread_figures
    from cartatlas.analyses.article.verdicts import check_items, summary

    findings = extract(text, load_products(store))
    findings = sorted(findings + unread_figures(text, findings), key=lambda f: f.span)
    checked = check_items(store, structure(findings, store, written_on(text)), trials)
    return ArticleCheck(text, checked, summary(checked))
