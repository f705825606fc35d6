"""Prices in local currency, in US dollars at the same year's exchange rate, and at PPP.

A conversion uses only the rate for the price's own year; when that year's rate is missing the
converted value stays empty ("no data") rather than borrowing another year's rate. When two
sources give a rate for the same year, the first by source URL is used and named.
"""

from __future__ import annotations

import pandas as pd

from cartatlas.store import Store


def _one_per_year(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    return frame.sort_values("source_url").drop_duplicates([by, "year"])


def prices_frame(store: Store, countries: list[str]) -> pd.DataFrame:
    """Every price in ``countries`` with USD (year-matched FX) and international-$ (PPP) values."""
    marks = ", ".join("?" * len(countries))
    prices = store.frame(
        "SELECT product_id, country, year, kind, currency, amount, note, source_url, source_quote "
        f"FROM evidence_prices WHERE country IN ({marks}) ORDER BY country, product_id, year",
        countries,
    )
    fx = _one_per_year(
        store.frame("SELECT currency, year, per_usd, source_url FROM evidence_exchange_rates"),
        "currency",
    ).rename(columns={"per_usd": "fx_per_usd", "source_url": "fx_source"})
    ppp = _one_per_year(
        store.frame("SELECT country, year, ppp_per_usd, source_url FROM evidence_ppp"),
        "country",
    ).rename(columns={"source_url": "ppp_source"})
    frame = prices.merge(fx, on=["currency", "year"], how="left").merge(
        ppp, on=["country", "year"], how="left"
    )
    # A US dollar is one US dollar, and the international dollar is defined at US prices.
    frame.loc[frame["currency"].eq("USD"), "fx_per_usd"] = 1.0
    frame.loc[frame["country"].eq("US"), "ppp_per_usd"] = 1.0
    frame["usd"] = frame["amount"] / frame["fx_per_usd"]
    frame["intl_dollars"] = frame["amount"] / frame["ppp_per_usd"]
    return frame
