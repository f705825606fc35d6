"""Which indication a price belongs to: the one its source names, else the product's only one.

A product can be priced differently per indication (Kymriah in the US: $475,000 for B-ALL,
$373,000 for large B-cell lymphoma), so a price is compared, deduplicated or divided by a
response rate only within its own indication. ``INDICATION_RULE`` says how it is found.
"""

from __future__ import annotations

import pandas as pd

INDICATION_RULE = (
    "a price's indication is the one its source names (or each of several, for one price its "
    "source says covers them all); when the source names none, it is the product's only "
    "approved indication in that country by the end of the price's year, and otherwise unknown"
)


def covers(indication: object, wanted: str) -> bool:
    """Whether a price's indication (one, or several joined by "|": "B-ALL|LBCL") includes
    ``wanted``."""
    return isinstance(indication, str) and wanted in indication.split("|")


def approved_indication(prices: pd.DataFrame, approvals: pd.DataFrame) -> list[str | None]:
    """Per price: the one indication its product was approved for in its country by the end of
    the price's year, or None when there were several (or none)."""
    dated = approvals.dropna(subset=["date"])
    dated = dated.assign(date=pd.to_datetime(dated["date"]))  # an empty frame's column is object
    found = []
    for price in prices.itertuples():
        if pd.isna(price.year):
            found.append(None)
            continue
        year_end = pd.Timestamp(int(price.year), 12, 31)
        mine = dated[
            (dated["product_id"] == price.product_id)
            & (dated["country"] == price.country)
            & (dated["date"] <= year_end)
        ]
        indications = set(mine["indication"])
        found.append(indications.pop() if len(indications) == 1 else None)
    return found


def with_indications(prices: pd.DataFrame, approvals: pd.DataFrame) -> pd.DataFrame:
    """``prices`` with ``indication`` filled under ``INDICATION_RULE`` and ``indication_basis``
    saying how: "stated by source", "only approved indication", or None (unknown)."""
    stated = prices["indication"].where(prices["indication"].notna(), None)
    approved = pd.Series(approved_indication(prices, approvals), index=prices.index, dtype=object)
    basis = pd.Series(
        [
            "stated by source" if s is not None else "only approved indication" if a else None
            for s, a in zip(stated, approved, strict=True)
        ],
        index=prices.index,
        dtype=object,
    )
    return prices.assign(indication=stated.fillna(approved), indication_basis=basis)
