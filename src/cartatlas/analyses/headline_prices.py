"""Which recorded prices may stand behind a headline: the report's lead text and a claim's verdict.

One rule for both surfaces, so they never disagree on the same countries: a price noted as low
reliability or read on a secondary page (aggregator, blog, medical-travel site) never counts; a
price from a news page counts only when no stronger source gives a price for the same product,
indication, country and year (it is then marked ``weak`` so the text can say so). The rule works
per value, not per country: a country with one journal price must not lose every other product's
launch price to it, or its headline range would shrink to that one source; and per indication,
since a product can be priced differently per indication (a journal's 2018 Kymriah B-ALL price of
$475,000 must not drop the news report of its $373,000 lymphoma price). The detail tables keep
every price, each marked with its source's kind.
"""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.price_indications import INDICATION_RULE
from cartatlas.analyses.responder_cost import PRODUCT_PRICES, low_reliability
from cartatlas.evidence.source_strength import is_weak, on_secondary_pages, rank
from cartatlas.wording import and_list

HEADLINE_PRICE_RULE = (
    "prices noted as low reliability or read on secondary pages are left out; for each product, "
    "indication, country and year only prices from sources stronger than news count, unless there "
    "is none (then the news ones count and are marked as such); a product priced differently per "
    "indication keeps a price for each indication (" + INDICATION_RULE + ")"
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
    value = usable.groupby(["country", "product_id", "indication", "year"], dropna=False)["weak"]
    has_strong = value.transform(lambda weak: not weak.all())
    return usable[~(usable["weak"] & has_strong)]


def in_headline(prices: pd.DataFrame) -> pd.Series:
    """Per row of ``prices`` (a ``prices_frame`` of every price of its countries): whether a
    headline range counts it (``HEADLINE_PRICE_RULE``), so the CLI, API and dashboard can show
    which prices stand behind the report's ranges."""
    return pd.Series(prices.index.isin(headline_prices(prices).index), index=prices.index)


def headline_range(prices: pd.DataFrame, country: str) -> tuple[float, float, int] | None:
    """(lowest, highest, number of price reports) in USD of ``country``'s headline range, or
    None when no price may stand behind it."""
    usd = headline_prices(prices)
    usd = usd.loc[usd["country"] == country, "usd"]
    return None if usd.empty else (float(usd.min()), float(usd.max()), len(usd))


ONE_PER_AMOUNT_RULE = (
    "a price several sources report (same product, indication, country and amount) counts once, "
    "from its strongest source"
)


def one_per_amount(prices: pd.DataFrame) -> pd.DataFrame:
    """One row per product, indication, country, currency and amount (``ONE_PER_AMOUNT_RULE``):
    the strongest source, then the latest year, then the first by source URL; ``reports`` says
    how many rows said it. A claim's verdict counts prices, not news stories: four pages
    repeating inati-cel's 999,000 yuan are one price."""
    value = ["country", "product_id", "indication", "currency", "amount"]
    ordered = prices.assign(_strength=prices["source_kind"].map(rank)).sort_values(
        ["_strength", "year", "source_url"], ascending=[True, False, True]
    )
    reports = ordered.groupby(value, dropna=False)["source_url"].transform("size")
    kept = ordered.assign(reports=reports).drop_duplicates(value).drop(columns="_strength")
    return kept.sort_index()


def priced_products(used: pd.DataFrame) -> str:
    """The products behind one country's headline range, named when there are at most three
    ("axicabtagene-ciloleucel and tisagenlecleucel"), else counted ("7 products")."""
    names = sorted(used["product_id"].dropna().unique())
    return and_list(names) if len(names) <= 3 else f"{len(names)} products"


def _product_sets(used: pd.DataFrame, countries: list[str]) -> dict[str, set[str]]:
    """The products behind each compared country's headline range (countries with none left
    out)."""
    return {
        c: set(used.loc[used["country"] == c, "product_id"].dropna())
        for c in countries
        if (used["country"] == c).any()
    }


def different_products(used: pd.DataFrame, countries: list[str]) -> str:
    """ "" when every compared country with a headline range prices the same products, else a
    short sentence saying the ranges are not like for like and naming the products priced in
    all of them: Spain's one price is a hospital-made product's, India's are local products',
    and beside the US range of commercial products they read as the same therapy cheaper."""
    sets = _product_sets(used, countries)
    if len(sets) < 2 or len({frozenset(s) for s in sets.values()}) == 1:
        return ""
    shared = sorted(set.intersection(*sets.values()))
    return (
        "Not like for like: the ranges cover different products (priced in all of them: "
        f"{', '.join(shared) if shared else 'none'})"
    )


def products_by_country(used: pd.DataFrame, countries: list[str]) -> str:
    """Every product behind each country's headline range, for the paragraph beside the
    table that ``different_products`` points to."""
    sets = _product_sets(used, countries)
    return "; ".join(f"{c}: {and_list(sorted(names))}" for c, names in sets.items())
