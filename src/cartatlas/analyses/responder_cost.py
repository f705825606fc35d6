"""Cost per complete responder: a product's price divided by the complete-response rate of its
own registrational trial, paired so that price and rate describe the same thing.

Pairing rule (``PAIRING_RULE``):

* same product;
* same indication (``INDICATION_RULE``: the one the price's source names, else the product's only
  approved indication in that country by the end of the price's year; a price whose indication
  is unknown is not used), and the same line of therapy where both the price's source and the
  trial state one;
* same country: the trial was conducted in the price's country, or it is multinational and its
  registry site list includes that country (with no site list recorded: the country of the
  product's first approval for that indication anywhere, which the pivotal trial supported,
  whichever countries are compared). A US price
  is never divided by a Chinese trial's rate;
* same era: the trial's readout is dated by the approval it supported in the price's country
  (the first approval there for the trial's indication and line, else for its indication); the
  price is the one in force then (the latest recorded in or before that year) or, when none was
  recorded by then, the nearest later one, and the row says how many years apart the two are. A
  2022 second-line trial (ZUMA-7) is never divided into a 2018 third-line launch price where a
  2022 price is recorded;
* the price: list, WAC or insurance-negotiated, converted to USD; prices whose note marks them as
  low reliability are never used; among the prices of the chosen year, the strongest source.

Each row names the study and the price used (year, amount, source) and why that price.
The endpoint is named as the trial reports it: CR, or CR/CRi in B-ALL, with the trial's
denominator (infused, evaluable, enrolled, randomized) and the rate's exact (Clopper–Pearson)
95 % CI: an intention-to-treat rate (randomized, enrolled) counts patients never infused and
reads lower than a rate among the infused, so a reader must see which one a cost divides by.
``cost_ci_low`` / ``cost_ci_high`` divide the price by the CI's upper and lower bounds: the
uncertainty of the response rate carried into the cost (the price itself is taken as known).
"""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.approvals import approvals_frame
from cartatlas.analyses.cost import prices_frame
from cartatlas.analyses.price_indications import INDICATION_RULE, covers
from cartatlas.analyses.study_rows import code_names, study_rows, treating_countries
from cartatlas.evidence.jurisdictions import EU, covered_by_eu
from cartatlas.evidence.queries import exact_ci
from cartatlas.evidence.source_strength import SECONDARY_ONLY, is_secondary, is_weak, rank
from cartatlas.store import Store
from cartatlas.wording import counted

PRODUCT_PRICES = ("list", "WAC", "insurance_negotiated")
INDICATIONS = ("LBCL", "B-ALL", "MM", "FL", "MCL")
PAIRING_RULE = (
    "same product; same indication (" + INDICATION_RULE + "; a price of unknown indication is "
    "not used) and the same line of therapy where both the price's source and the trial state "
    "one; same country (trial conducted there, or multinational with a site there, or, without "
    "a recorded site list, the country of the product's first approval for that indication "
    "anywhere, whichever countries are compared); "
    "same era: the price in force when the trial was read out, dated by the approval it "
    "supported in that country (the latest price recorded in or before that year), or else the "
    "nearest later price, each row naming the years between a price and that approval; prices "
    "noted as low reliability are never used; among prices of that "
    "year, the strongest source"
)


#: The columns of ``cost_per_responder``, present (and numeric where they are amounts) even
#: when no trial pairs with a price: a pair of countries with no priced trial (DE and GB) or
#: with no trial at all (KR and IN) answers "no data" rows or none, never a crash.
COLUMNS = [
    "product_id",
    "country",
    "indication",
    "line_of_therapy",
    "study_id",
    "trial",
    "trial_country",
    "endpoint",
    "events",
    "n",
    "denominator",
    "rate",
    "rate_ci_low",
    "rate_ci_high",
    "trial_source_url",
    "readout_approval",
    "readout_approval_source_url",
    "price_year",
    "price_kind",
    "price_usd",
    "price_source_url",
    "price_source_kind",
    "price_choice",
    "weak_price_source",
    "cost_usd",
    "cost_ci_low",
    "cost_ci_high",
    "status",
]
AMOUNTS = {
    "rate": float,
    "rate_ci_low": float,
    "rate_ci_high": float,
    "price_usd": float,
    "cost_usd": float,
    "cost_ci_low": float,
    "cost_ci_high": float,
}


def low_reliability(note: object) -> bool:
    """The curator marked the price as unreliable in its note."""
    return isinstance(note, str) and "low reliability" in note.lower()


def usable_prices(store: Store, countries: list[str]) -> pd.DataFrame:
    """Product prices converted to USD, dated and not marked low reliability, whether or not
    their indication is known: a trial without a price says which of the two it lacks."""
    prices = prices_frame(store, countries)
    prices = prices[
        prices["kind"].isin(PRODUCT_PRICES)
        & prices["usd"].notna()
        & prices["year"].notna()
        & ~prices["note"].map(low_reliability)
    ].copy()
    prices["strength"] = [rank(k) for k in prices["source_kind"]]
    return prices


def _approvals_for(approvals: pd.DataFrame, trial, country: str) -> pd.DataFrame:
    """The approvals in ``country`` of the trial's product for its indication, dated or not."""
    return approvals[
        (approvals["product_id"] == trial.product_id)
        & (approvals["country"] == country)
        & (approvals["indication"] == trial.indication)
    ]


def readout_approval(approvals: pd.DataFrame, trial, country: str):
    """The approval that dates the trial's readout in ``country``: the first there for the
    trial's product, indication and line, else the first for its product and indication."""
    mine = _approvals_for(approvals, trial, country).dropna(subset=["date"])
    same_line = mine[mine["line_of_therapy"] == trial.line_of_therapy]
    chosen = same_line if len(same_line) else mine
    return None if chosen.empty else chosen.sort_values("date").iloc[0]


def _lines_clash(price_line: object, trial_line: object) -> bool:
    return isinstance(price_line, str) and isinstance(trial_line, str) and price_line != trial_line


def price_in_force(prices: pd.DataFrame, trial, country: str, year: int, line: object = None):
    """(price, why) under ``PAIRING_RULE``'s era clause, or (None, reason). ``prices`` holds
    prices of unknown indication too: a product with no usable price in ``country`` at all is
    said to have none, rather than none "attributable to" the trial's indication. ``line`` is
    the line of the approval that dates the trial, named when it is not the trial's own."""
    product = prices[(prices["product_id"] == trial.product_id) & (prices["country"] == country)]
    if product.empty:
        return None, f"no data (no {country} price recorded for {trial.product_id})"
    mine = product[
        product["indication"].map(lambda stated: covers(stated, trial.indication))
        & ~product["line_of_therapy"].map(lambda line: _lines_clash(line, trial.line_of_therapy))
    ]
    if mine.empty:
        return None, f"no data (no {country} price attributable to {trial.indication})"
    before = mine[mine["year"] <= year]
    if len(before):
        chosen = before[before["year"] == before["year"].max()]
        why = f"latest recorded by the {_approval_named(year, country, line, trial)}" + _older(
            year, chosen
        )
    else:
        later = mine[mine["year"] > year]
        chosen = later[later["year"] == later["year"].min()]
        gap = counted(int(chosen["year"].iloc[0]) - year, "year")
        named = _approval_named(year, country, line, trial)
        why = f"none recorded by the {named}: nearest later, {gap} after it"
    return chosen.sort_values(["strength", "source_url"]).iloc[0], why


def _approval_named(year: int, country: str, line: object, trial) -> str:
    """ "2018 GB approval", or "2018 GB approval (for 3L+)" when the approval that dates the
    trial was recorded for another line than the trial's: ZUMA-7 (2L) read "none recorded by
    the 2018 GB approval", which a haematologist took for an approval ZUMA-7 supported, while
    it was the third-line one (no dated British second-line approval is recorded). Lines are
    named as recorded, so ELIANA's "r/r" beside "refractory or 2+ relapse" is named too."""
    named = f"{year} {country} approval"
    return f"{named} (for {line})" if _lines_clash(line, trial.line_of_therapy) else named


def _older(year: int, chosen: pd.DataFrame) -> str:
    """ ", 3 years older": a price set before the approval that dates the trial may not be the
    one in force then (Germany's 2019 axi-cel price beside ZUMA-7's 2022 approval, while the US
    row divides by a 2022 price), so the gap is said where the reader compares the costs."""
    gap = year - int(chosen["year"].iloc[0])
    if not gap:
        return ""
    return f", {counted(gap, 'year')} older: the price in force then is not recorded"


def _trial_countries(trial, first_approvals: pd.DataFrame, countries: list[str]) -> list[str]:
    if trial.country_of_conduct != "multinational":
        return [trial.country_of_conduct] if trial.country_of_conduct in countries else []
    sites = treating_countries(trial.countries)
    if sites:
        return [c for c in countries if c in sites]
    dated = first_approvals[
        (first_approvals["product_id"] == trial.product_id)
        & (first_approvals["indication"] == trial.indication)
    ].dropna(subset=["date"])
    if dated.empty:
        return []
    first = dated.sort_values("date", kind="stable").iloc[0]
    return [
        c
        for c in countries
        if c == first["country"]
        or (first["country"] == EU and covered_by_eu(c, first["approval_date"]))
    ]


def recorded_everywhere(store: Store) -> pd.DataFrame:
    """Every recorded approval in every jurisdiction (EU rows kept under ``EU``): the first
    approval of a product for an indication is the world's first, whichever countries are
    compared. Chosen among the compared countries only, ELIANA (no recorded site list; first
    approved in the US) was paired with a Japanese price when Japan was compared with China and
    not when it was compared with the US."""
    codes = store.frame("SELECT DISTINCT country FROM evidence_approvals")["country"].tolist()
    return approvals_frame(store, sorted(codes))


def _pair(prices: pd.DataFrame, approvals: pd.DataFrame, trial, country: str):
    """(price or None, approval or None, status text, why this price)."""
    approval = readout_approval(approvals, trial, country)
    if approval is None:
        return None, None, _undated_reason(approvals, trial, country), ""
    line = approval["line_of_therapy"]
    price, why = price_in_force(prices, trial, country, approval["date"].year, line)
    return price, approval, (why if price is None else "ok"), ("" if price is None else why)


def _undated_reason(approvals: pd.DataFrame, trial, country: str) -> str:
    """Why no approval dates the trial: none is recorded, or one is recorded without a date
    (Tecartus' EU B-ALL approval): "no approval dates the trial" read as "not approved"."""
    if len(_approvals_for(approvals, trial, country)):
        return (
            f"no data (the {country} approval for {trial.indication} is recorded without a "
            "date, so no price era can be chosen)"
        )
    return (
        f"no data (no {country} approval for {trial.indication} is recorded in the evidence "
        "base to date the trial)"
    )


def _divided(price: float | None, rate: float) -> float | None:
    """``price`` ÷ ``rate``; none without a price or with a zero rate."""
    return None if price is None or rate == 0 else price / rate


def cost_per_responder(store: Store, countries: list[str]) -> pd.DataFrame:
    """One row per registrational trial × country it is paired with (``PAIRING_RULE``):
    the price, the CR rate and their ratio, or ``no data`` with the reason."""
    approvals = approvals_frame(store, countries)
    first_approvals = recorded_everywhere(store)
    prices = usable_prices(store, countries)
    rows = []
    for indication in INDICATIONS:
        trials = study_rows(store, indication, "CR")
        trials = trials[trials["registrational"].astype(bool) & trials["product_id"].notna()]
        for trial in trials.assign(indication=indication).itertuples():
            for country in _trial_countries(trial, first_approvals, countries):
                price, approval, status, why = _pair(prices, approvals, trial, country)
                rate = trial.events / trial.n
                low, high = (bound / 100 for bound in exact_ci(int(trial.events), int(trial.n)))
                weak_rate = is_secondary(trial.source_kind)  # listed, never divided by
                usd = None if price is None or weak_rate else float(price["usd"])
                rows.append(
                    {
                        "product_id": trial.product_id,
                        "country": country,
                        "indication": indication,
                        "line_of_therapy": trial.line_of_therapy,
                        "study_id": trial.study_id,
                        "trial": trial.name,
                        "trial_country": trial.country_of_conduct,
                        "endpoint": code_names([trial.code]),
                        "events": int(trial.events),
                        "n": int(trial.n),
                        "denominator": trial.denominator,
                        "rate": rate,
                        "rate_ci_low": low,
                        "rate_ci_high": high,
                        "trial_source_url": trial.source_url,
                        "readout_approval": None
                        if approval is None
                        else str(approval["approval_date"]),
                        "readout_approval_source_url": None
                        if approval is None
                        else approval["source_url"],
                        "price_year": None if price is None else int(price["year"]),
                        "price_kind": None if price is None else price["kind"],
                        "price_usd": None if price is None else float(price["usd"]),
                        "price_source_url": None if price is None else price["source_url"],
                        "price_source_kind": None if price is None else price["source_kind"],
                        "price_choice": why or None,
                        "weak_price_source": None
                        if price is None
                        else is_weak(price["source_kind"]),
                        "cost_usd": _divided(usd, rate),
                        "cost_ci_low": _divided(usd, high),
                        "cost_ci_high": _divided(usd, low),
                        "status": SECONDARY_ONLY if weak_rate else status,
                    }
                )
    return pd.DataFrame(rows, columns=COLUMNS).astype(AMOUNTS)
