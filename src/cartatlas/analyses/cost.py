"""Prices in local currency, in US dollars at the same year's exchange rate, and at PPP.

A conversion uses the rate for the price's own year; when that year's rate is missing the
converted value stays empty ("no data") rather than borrowing another year's rate, with one
stated exception (``LATEST_RATE_RULE``): a price from a year after the latest annual average the
knowledge base holds for its currency (the current, partial year, or a year whose average is not
yet recorded) is converted at that latest average, and ``fx_year`` says which year was used.
PPP factors follow the same rule per country (the World Bank publishes them a year or more
late): ``ppp_year`` names the factor's year.
When two sources give a rate (or a PPP factor) for the same year, the strongest source kind is
used and named (a Federal Reserve release over a news page), then the first by source URL.
A PPP factor is in the country's own currency per international dollar, so a price quoted in
another currency (an Indian price in US dollars) is first taken to that currency at the same
year's rate; without that rate its PPP value stays empty.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from babel.numbers import get_territory_currencies

from cartatlas.analyses.approvals import approvals_frame
from cartatlas.analyses.evidence_kept import kept
from cartatlas.analyses.price_indications import with_indications
from cartatlas.evidence.source_strength import rank
from cartatlas.store import Store

LATEST_RATE_RULE = (
    "a price from a year after the latest annual exchange rate recorded for its currency (the "
    "current, partial year, or a year whose average is not yet recorded) is converted at that "
    "latest annual average, and likewise at its country's latest recorded PPP factor"
)


def confidential_discount(note: object) -> bool:
    """Does the curator's note say the payer pays less than this price, under a confidential
    discount or commercial arrangement? Every British list price's note does (NHS England pays
    a confidential discount), but its first clause, the one the Prices table prints, did not,
    and a reader took £372,000 for what the NHS pays."""
    return isinstance(note, str) and "confidential" in note.lower()


def _one_per_year(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """One row per ``by`` and year: the strongest source kind, then the first by source URL."""
    strength = frame["source_kind"].map(rank)
    ordered = frame.assign(_strength=strength).sort_values(["_strength", "source_url"])
    return ordered.drop_duplicates([by, "year"]).drop(columns=["_strength", "source_kind"])


def exchange_rates(store: Store) -> pd.DataFrame:
    """The rate used for each currency and year (currency, year, per_usd, source_url): one per
    year, from the strongest source. Every surface that converts a price reads it from here."""
    return _one_per_year(
        store.frame(
            "SELECT currency, year, per_usd, source_url, source_kind FROM evidence_exchange_rates"
        ),
        "currency",
    )


@kept
def prices_frame(store: Store, countries: list[str]) -> pd.DataFrame:
    """Every price in ``countries`` with USD (year-matched FX) and international-$ (PPP) values,
    and its indication (``INDICATION_RULE``); computed once per evidence version and set of
    countries (:mod:`~cartatlas.analyses.evidence_kept`), as the cost page, its chart, the
    cost per responder and the claims check all read it."""
    marks = ", ".join("?" * len(countries))
    prices = store.frame(
        "SELECT product_id, country, year, kind, currency, amount, indication, line_of_therapy, "
        "note, source_url, source_kind, source_quote "
        f"FROM evidence_prices WHERE country IN ({marks}) ORDER BY country, product_id, year",
        countries,
    )
    fx = exchange_rates(store).rename(columns={"per_usd": "fx_per_usd", "source_url": "fx_source"})
    prices["fx_year"] = _year_used(prices["currency"], prices["year"], fx, "currency")
    ppp = _one_per_year(
        store.frame("SELECT country, year, ppp_per_usd, source_url, source_kind FROM evidence_ppp"),
        "country",
    ).rename(columns={"source_url": "ppp_source"})
    prices["ppp_year"] = _year_used(prices["country"], prices["year"], ppp, "country")
    frame = prices.merge(
        fx.rename(columns={"year": "fx_year"}), on=["currency", "fx_year"], how="left"
    ).merge(ppp.rename(columns={"year": "ppp_year"}), on=["country", "ppp_year"], how="left")
    # A US dollar is one US dollar, and the international dollar is defined at US prices.
    frame.loc[frame["currency"].eq("USD"), "fx_per_usd"] = 1.0
    frame.loc[frame["country"].eq("US"), "ppp_per_usd"] = 1.0
    frame.loc[frame["country"].eq("US"), "ppp_year"] = frame["year"]
    frame["usd"] = frame["amount"] / frame["fx_per_usd"]
    frame["intl_dollars"] = _in_local_currency(frame, fx) / frame["ppp_per_usd"]
    return with_indications(frame, approvals_frame(store, countries))


def _year_used(keys: pd.Series, years: pd.Series, recorded: pd.DataFrame, by: str) -> pd.Series:
    """The year whose rate (or PPP factor) converts each price: its own year, or
    (``LATEST_RATE_RULE``) the latest year ``recorded`` holds for the price's ``by`` value
    (currency or country) when the price is newer than all of them."""
    newest = keys.map(recorded.groupby(by)["year"].max())
    newer = years.notna() & newest.notna() & (years > newest)
    return years.where(~newer, newest)


def local_currency(country: str, year: float) -> str | None:
    """The currency a country used in mid-``year`` (CLDR territory data), or None if unknown."""
    when = dt.date(int(year), 7, 1) if pd.notna(year) else dt.date.today()
    currencies = get_territory_currencies(country, when)
    return currencies[0] if currencies else None


def _in_local_currency(frame: pd.DataFrame, fx: pd.DataFrame) -> pd.Series:
    """Each price in its country's own currency, the unit of the country's PPP factor: the
    amount itself, or a foreign-currency amount taken through US dollars at the local
    currency's rate for the same year (``LATEST_RATE_RULE`` applies)."""
    local = pd.Series(
        [
            local_currency(country, year)
            for country, year in zip(frame["country"], frame["year"], strict=True)
        ],
        index=frame.index,
    )
    converted = _through_usd(frame, local, fx)
    return converted.where(~frame["country"].eq("US"), frame["amount"])


def _through_usd(frame: pd.DataFrame, currencies: pd.Series, fx: pd.DataFrame) -> pd.Series:
    """Each price of ``frame`` in the currency ``currencies`` names for it: the amount itself
    when it is recorded in that currency, else its US-dollar value at that currency's rate for
    the price's own year (``LATEST_RATE_RULE`` applies); empty without such a rate."""
    wanted = pd.DataFrame({"currency": currencies, "year": frame["year"]}, index=frame.index)
    wanted["fx_year"] = _year_used(wanted["currency"], wanted["year"], fx, "currency")
    rates = wanted.merge(
        fx.rename(columns={"year": "fx_year"}), on=["currency", "fx_year"], how="left"
    )["fx_per_usd"]
    rates.index = frame.index
    rates = rates.where(~currencies.eq("USD"), 1.0)
    return frame["amount"].where(currencies.eq(frame["currency"]), frame["usd"] * rates)


def in_currency(store: Store, prices: pd.DataFrame, currency: str) -> pd.Series:
    """Each price of ``prices`` (a ``prices_frame``) in ``currency``, as a claim stated in it is
    checked: a price recorded in that currency at its own amount, any other through US dollars
    at the rate of the price's own year (never one rate for every year)."""
    if prices.empty:
        return pd.Series(dtype=float, index=prices.index)
    fx = exchange_rates(store).rename(columns={"per_usd": "fx_per_usd"})
    return _through_usd(prices, pd.Series(currency, index=prices.index), fx)
