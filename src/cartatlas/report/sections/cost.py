"""3. Cost: prices in local currency, in USD at the same year's rate and at PPP."""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.cost import LATEST_RATE_RULE, prices_frame
from cartatlas.analyses.study_rows import study_rows
from cartatlas.report.context import ReportContext
from cartatlas.report.model import Section, Table
from cartatlas.report.sections.common import cite_row, missing, pct

PRODUCT_PRICES = ("list", "WAC", "insurance_negotiated")


def _first_sentence(note: object) -> str:
    """The note's first clause: the knowledge base keeps the whole curator's note."""
    if missing(note):
        return ""
    text = str(note).split("; ")[0].split(". ")[0]
    return text if len(text) <= 140 else text[:139] + "…"


def _rate_year_note(price: object) -> str:
    """ " (2024 rate)" when LATEST_RATE_RULE converted the price at another year's rate."""
    year, fx_year = price.year, price.fx_year
    if missing(year) or missing(fx_year) or year == fx_year:
        return ""
    return f" ({int(fx_year)} rate)"


def _money(value: float, unit: str) -> str:
    return "no data" if missing(value) else f"{value:,.0f} {unit}"


def _cost_per_responder(ctx: ReportContext, prices: pd.DataFrame) -> Table:
    """Price (USD) divided by the complete-response rate of the product's own trials."""
    latest = (
        prices[prices["kind"].isin(PRODUCT_PRICES) & prices["usd"].notna()]
        .sort_values("year")
        .groupby(["product_id", "country"])
        .tail(1)
    )
    rows = []
    for indication in ("LBCL", "B-ALL", "MM", "FL", "MCL"):
        trials = study_rows(ctx.store, indication, "CR")
        trials = trials[trials["registrational"].astype(bool)]
        for price in latest.itertuples():
            for trial in trials[trials["product_id"] == price.product_id].itertuples():
                rate = trial.events / trial.n
                rows.append(
                    [
                        price.product_id,
                        price.country,
                        str(price.year),
                        _money(price.usd, "USD"),
                        f"{trial.name} ({indication})",
                        f"{pct(rate, 1)} ({trial.events}/{trial.n})",
                        _money(price.usd / rate, "USD"),
                        f"{cite_row(ctx.refs, price)} {cite_row(ctx.refs, trial)}",
                    ]
                )
    return Table(
        "Cost per complete responder (derived estimate)",
        [
            "product",
            "country",
            "price year",
            "price (USD)",
            "trial",
            "CR rate",
            "price ÷ CR rate",
            "sources",
        ],
        rows,
        note="Derived by cartatlas: the product price divided by the complete-response "
        "rate of the product's registrational trial (primary analysis). It ignores "
        "hospital costs, patients who never reach infusion and later relapses.",
    )


def build(ctx: ReportContext) -> Section:
    prices = prices_frame(ctx.store, ctx.countries)
    if prices.empty:
        return Section(
            "cost", "Cost", f"No data: no prices recorded for {', '.join(ctx.countries)}."
        )
    rows = [
        [
            p.product_id,
            p.country,
            "" if missing(p.year) else str(int(p.year)),
            p.kind,
            _money(p.amount, p.currency),
            _money(p.usd, "USD") + _rate_year_note(p),
            _money(p.intl_dollars, "int$"),
            _first_sentence(p.note),
            cite_row(ctx.refs, p),
        ]
        for p in prices.itertuples()
    ]
    table = Table(
        "Prices",
        [
            "product",
            "country",
            "year",
            "kind",
            "local",
            "USD (same-year rate)",
            "PPP (international $)",
            "note",
            "source",
        ],
        rows,
    )
    product = prices[prices["kind"].isin(PRODUCT_PRICES) & prices["usd"].notna()]
    parts = []
    for country in ctx.countries:
        usd = product.loc[product["country"] == country, "usd"]
        if len(usd):
            parts.append(
                f"in {country} the recorded product prices range from "
                f"{usd.min():,.0f} to {usd.max():,.0f} USD"
            )
        else:
            parts.append(f"no product price converted to USD for {country}")
    answer = "; ".join(parts) + (
        " (list, WAC or insurance-negotiated prices, converted at the same year's exchange rate, "
        "or at the latest recorded annual rate for years after it)."
    )
    answer = answer[0].upper() + answer[1:]
    caveats = [
        "A price is converted with the exchange rate (or PPP factor) of its own year; where "
        "that rate is missing, the converted value says 'no data', except that "
        + LATEST_RATE_RULE
        + " (shown as '(2024 rate)').",
        "List prices are not what patients pay: insurance, hospital costs and "
        "negotiated discounts differ by country.",
        "PPP: purchasing-power parity, local currency per international dollar.",
    ]
    return Section("cost", "Cost", answer, [table, _cost_per_responder(ctx, prices)], caveats)
