"""Which recorded prices may stand behind a headline: the report's lead text and a claim's verdict.

One rule for both surfaces, so they never disagree on the same countries: a price noted as low
reliability or read on a secondary page (aggregator, blog, medical-travel site) never counts; a
price from a news page counts only when no stronger source gives a price for the same product,
country and year (it is then marked ``weak`` so the
text can say so). The rule works per value, not per country: a country with one journal price
must not lose every other product's launch price to it, or its headline range would shrink to
that one source. The detail tables keep every price, each marked with its source's kind.
"""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.responder_cost import PRODUCT_PRICES, low_reliability
from cartatlas.evidence.source_strength import is_weak, on_secondary_pages

HEADLINE_PRICE_RULE = (
    "prices noted as low reliability or read on secondary pages are left out; for each product, "
    "country and year only prices from sources stronger than news count, unless there is none "
    "(then the news ones count and are marked as such)"
)


def headline_prices(prices: pd.DataFrame, kinds: tuple[str, ...] = PRODUCT_PRICES) -> pd.DataFrame:
    """The rows of ``prices`` (a ``prices_frame``) of ``kinds`` with a USD value that a headline
    may use under ``HEADLINE_PRICE_RULE``, with a boolean column ``weak``."""
    usable = prices[
        prices["kind"].isin(kinds)
        & prices["usd"].notna()
        & ~prices["note"].map(low_reliability)
        & ~on_secondary_pages(prices)
    ]
    usable = usable.assign(weak=[is_weak(k) for k in usable["source_kind"]])
    value = usable.groupby(["country", "product_id", "year"], dropna=False)["weak"]
    has_strong = value.transform(lambda weak: not weak.all())
    return usable[~(usable["weak"] & has_strong)]
