"""Cost per complete responder: a product's price divided by the complete-response rate of its
own registrational trial, paired so that price and rate describe the same thing.

Pairing rule (``PAIRING_RULE``):

* same product;
* same indication: a price counts for an indication only when, by the end of the price's year,
  the product was approved in the price's country for that indication alone (approval evidence);
  a price set while several indications were approved cannot be attributed and is not used;
* same country: the trial was conducted in the price's country, or it is multinational and its
  registry site list includes that country (with no site list recorded: the country of the
  product's first approval for that indication, which the pivotal trial supported). A US price
  is never divided by a Chinese trial's rate;
* the price: list, WAC or insurance-negotiated, converted to USD; prices whose note marks them as
  low reliability are never used; of the rest, the strongest source kind, then the latest year.

The endpoint is named as the trial reports it: CR, or CR/CRi in B-ALL.
"""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.approvals import approvals_frame
from cartatlas.analyses.cost import prices_frame
from cartatlas.analyses.study_rows import code_names, study_rows
from cartatlas.evidence.source_strength import SECONDARY_ONLY, is_secondary, is_weak, rank
from cartatlas.store import Store

PRODUCT_PRICES = ("list", "WAC", "insurance_negotiated")
INDICATIONS = ("LBCL", "B-ALL", "MM", "FL", "MCL")
PAIRING_RULE = (
    "same product; same indication (a price counts for an indication only when the product was "
    "approved in that country for that indication alone by the end of the price's year); same "
    "country (trial conducted there, or multinational with a site there, or, without a recorded "
    "site list, the country of the product's first approval for that indication); prices noted "
    "as low reliability are never used; otherwise the strongest source, then the latest year"
)


def low_reliability(note: object) -> bool:
    """The curator marked the price as unreliable in its note."""
    return isinstance(note, str) and "low reliability" in note.lower()


def price_indications(prices: pd.DataFrame, approvals: pd.DataFrame) -> list[str | None]:
    """Per price: the one indication its product was approved for in its country by the end of
    the price's year, or None when there were several (or none)."""
    dated = approvals.dropna(subset=["date"])
    found = []
    for price in prices.itertuples():
        year_end = pd.Timestamp(int(price.year), 12, 31)
        mine = dated[
            (dated["product_id"] == price.product_id)
            & (dated["country"] == price.country)
            & (dated["date"] <= year_end)
        ]
        indications = set(mine["indication"])
        found.append(indications.pop() if len(indications) == 1 else None)
    return found


def eligible_prices(store: Store, countries: list[str]) -> pd.DataFrame:
    """Prices that may enter the derivation, with the indication each belongs to."""
    prices = prices_frame(store, countries)
    prices = prices[
        prices["kind"].isin(PRODUCT_PRICES)
        & prices["usd"].notna()
        & prices["year"].notna()
        & ~prices["note"].map(low_reliability)
    ].copy()
    prices["indication"] = price_indications(prices, approvals_frame(store, countries))
    prices["strength"] = [rank(k) for k in prices["source_kind"]]
    return prices.dropna(subset=["indication"])


def _best_price(prices: pd.DataFrame, product: str, country: str, indication: str):
    mine = prices[
        (prices["product_id"] == product)
        & (prices["country"] == country)
        & (prices["indication"] == indication)
    ]
    if mine.empty:
        return None
    return mine.sort_values(["strength", "year", "source_url"], ascending=[True, False, True]).iloc[
        0
    ]


def _first_approval_country(approvals: pd.DataFrame, product: str, indication: str) -> str | None:
    dated = approvals[
        (approvals["product_id"] == product) & (approvals["indication"] == indication)
    ].dropna(subset=["date"])
    return None if dated.empty else dated.sort_values("date")["country"].iloc[0]


def _trial_countries(trial, approvals: pd.DataFrame, countries: list[str]) -> list[str]:
    if trial.country_of_conduct != "multinational":
        return [trial.country_of_conduct] if trial.country_of_conduct in countries else []
    sites = [c for c in str(trial.countries or "").split("|") if c]
    if sites:
        return [c for c in countries if c in sites]
    first = _first_approval_country(approvals, trial.product_id, trial.indication)
    return [first] if first in countries else []


def cost_per_responder(store: Store, countries: list[str]) -> pd.DataFrame:
    """One row per registrational trial × country it is paired with (``PAIRING_RULE``):
    the price, the CR rate and their ratio, or ``no data`` with the reason."""
    prices = eligible_prices(store, countries)
    approvals = approvals_frame(store, countries)
    rows = []
    for indication in INDICATIONS:
        trials = study_rows(store, indication, "CR")
        trials = trials[trials["registrational"].astype(bool) & trials["product_id"].notna()]
        for trial in trials.assign(indication=indication).itertuples():
            for country in _trial_countries(trial, approvals, countries):
                price = _best_price(prices, trial.product_id, country, indication)
                rate = trial.events / trial.n
                weak_rate = is_secondary(trial.source_kind)  # listed, never divided by
                rows.append(
                    {
                        "product_id": trial.product_id,
                        "country": country,
                        "indication": indication,
                        "study_id": trial.study_id,
                        "trial": trial.name,
                        "trial_country": trial.country_of_conduct,
                        "endpoint": code_names([trial.code]),
                        "events": int(trial.events),
                        "n": int(trial.n),
                        "rate": rate,
                        "trial_source_url": trial.source_url,
                        "price_year": None if price is None else int(price["year"]),
                        "price_kind": None if price is None else price["kind"],
                        "price_usd": None if price is None else float(price["usd"]),
                        "price_source_url": None if price is None else price["source_url"],
                        "price_source_kind": None if price is None else price["source_kind"],
                        "weak_price_source": None
                        if price is None
                        else is_weak(price["source_kind"]),
                        "cost_usd": None
                        if price is None or rate == 0 or weak_rate
                        else float(price["usd"]) / rate,
                        "status": SECONDARY_ONLY
                        if weak_rate
                        else "ok"
                        if price is not None
                        else f"no data (no {country} price attributable to {indication})",
                    }
                )
    return pd.DataFrame(rows)
