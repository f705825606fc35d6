"""Which recorded prices may stand behind a headline: the report's lead text and a claim's verdict.

One rule for both surfaces, so they never disagree on the same countries: a price noted as low
reliability never counts; in each country, prices from news or secondary pages count only when
that country has no price from a stronger source (and then they are marked ``weak`` so the text
can say so). The detail tables keep every price, each marked with its source's kind.
"""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.responder_cost import PRODUCT_PRICES, low_reliability
from cartatlas.evidence.source_strength import is_weak

HEADLINE_PRICE_RULE = (
    "prices noted as low reliability are left out; in each country only prices from sources "
    "stronger than news or secondary pages count, unless the country has none (then the weak "
    "ones count and are marked as such)"
)


def headline_prices(prices: pd.DataFrame, kinds: tuple[str, ...] = PRODUCT_PRICES) -> pd.DataFrame:
    """The rows of ``prices`` (a ``prices_frame``) of ``kinds`` with a USD value that a headline
    may use under ``HEADLINE_PRICE_RULE``, with a boolean column ``weak``."""
    usable = prices[
        prices["kind"].isin(kinds) & prices["usd"].notna() & ~prices["note"].map(low_reliability)
    ]
    usable = usable.assign(weak=[is_weak(k) for k in usable["source_kind"]])
    has_strong = usable.groupby("country")["weak"].transform(lambda weak: not weak.all())
    return usable[~(usable["weak"] & has_strong)]
