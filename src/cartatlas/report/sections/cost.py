"""3. Cost: prices in local currency, in USD at the same year's rate and at PPP."""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.cost import LATEST_RATE_RULE, confidential_discount, prices_frame
from cartatlas.analyses.headline_prices import (
    HEADLINE_PRICE_RULE,
    different_products,
    headline_prices,
    products_by_country,
)
from cartatlas.analyses.responder_cost import (
    PAIRING_RULE,
    PRODUCT_PRICES,
    cost_per_responder,
)
from cartatlas.evidence.absence import no_data, no_prices
from cartatlas.missing import is_missing
from cartatlas.report.context import ReportContext
from cartatlas.report.model import Paragraph, Section, Table
from cartatlas.report.sections.common import LINES_OF_THERAPY, cite_row, interval, pct

#: Abbreviations whose full stop does not end a note's first clause ("… - i.e. an upper bound").
ABBREVIATED = ("i.e", "e.g")


def _first_sentence(note: object) -> str:
    """The note's first clause: the knowledge base keeps the whole curator's note. A clause
    ends at "; " or ". " outside brackets only, and a shortened one closes the brackets it
    opened: cut inside one, "launch price (free for one year under AMNOG" lost its reason, and
    "i.e." does not end it ("just under 1.3 million yuan' - i.e" lost what the bound meant). A
    clause over 140 characters is cut at the last space before them, never inside a word."""
    if is_missing(note):
        return ""
    text, depth = str(note), 0
    for i, char in enumerate(text):
        depth = depth + (char == "(") - (char == ")" and depth > 0)
        if not depth and text[i : i + 2] in ("; ", ". ") and text[i - 3 : i] not in ABBREVIATED:
            text = text[:i]
            break
    if len(text) <= 140:
        return text
    # cut between words: "only be used if the comp…" read as a word of its own
    cut = text[:140]
    cut = cut[: cut.rfind(" ")].rstrip(" ,;:(") if " " in cut else cut[:139]
    return cut + "…" + ")" * max(0, cut.count("(") - cut.count(")"))


def _indication(price) -> str:
    """ "LBCL (2L)": the indication with the line its source names, so a second-line British
    price is not read beside a third-line American launch price as the same thing."""
    said = "not stated" if is_missing(price.indication) else price.indication
    line = price.line_of_therapy
    return said if is_missing(line) else f"{said} ({line})"


def _year_note(year: object, used: object, what: str) -> str:
    """ " (2024 rate)" or " (2024 PPP)" when LATEST_RATE_RULE converted the price at another
    year's exchange rate or PPP factor."""
    if is_missing(year) or is_missing(used) or year == used:
        return ""
    return f" ({int(used)} {what})"


def _money(value: float, unit: str) -> str:
    return no_data("not recorded") if is_missing(value) else f"{value:,.0f} {unit}"


def _year(price: object) -> str:
    return "an unknown year" if is_missing(price.year) else str(int(price.year))


def _converted(value: float, unit: str, reason: str) -> str:
    return no_data(reason) if is_missing(value) else f"{value:,.0f} {unit}"


def _rate_cell(r) -> str:
    """ "65.0% (117/180 randomized; 95% CI 58–72%)": the rate with the patients it counts and
    its exact CI, so an intention-to-treat rate is not read as a rate among the infused."""
    counted = "denominator not stated" if is_missing(r.denominator) else r.denominator
    return (
        f"{pct(r.rate, 1)} ({r.events}/{r.n} {counted}; "
        f"95% CI {interval(r.rate_ci_low, r.rate_ci_high)})"
    )


def _cost_cell(r) -> str:
    """ "613,846 USD (95% CI 554,587–693,294)": the price over the rate and over its CI's bounds
    (the upper bound unbounded when no responder was counted)."""
    if is_missing(r.cost_usd):
        return r.status
    high = "unbounded" if is_missing(r.cost_ci_high) else f"{r.cost_ci_high:,.0f}"
    return f"{_money(r.cost_usd, 'USD')} (95% CI {r.cost_ci_low:,.0f}–{high})"


def _cost_per_responder(ctx: ReportContext) -> Table:
    """Price (USD) ÷ complete-response rate, paired by product, indication and country."""
    frame = cost_per_responder(ctx.store, ctx.countries)
    rows = []
    for r in frame.itertuples():
        paired = r.status == "ok"
        rows.append(
            [
                r.product_id,
                r.country,
                r.indication,
                f"{r.trial} ({r.trial_country})",
                r.endpoint,
                _rate_cell(r),
                str(int(r.price_year)) if paired else "",  # float column: unpaired rows are NaN
                r.price_choice if paired else "",
                (_money(r.price_usd, "USD") + (" (weak source)" if r.weak_price_source else ""))
                if paired
                else no_data("no price paired with this trial"),
                _cost_cell(r) if paired else r.status,
                # one source can stand for two (ZUMA-5: the FDA page gives the rate and dates
                # the approval): cited once
                " ".join(
                    dict.fromkeys(
                        ctx.refs.cite(u)
                        for u in (
                            r.price_source_url,
                            r.trial_source_url,
                            r.readout_approval_source_url,
                        )
                        if isinstance(u, str)
                    )
                ),
            ]
        )
    return Table(
        "Cost per responder (derived estimate)",
        [
            "product",
            "country",
            "indication",
            "trial (conducted in)",
            "endpoint",
            "response rate",
            "price year",
            "why this price",
            "price (USD)",
            "price ÷ response rate",
            "sources (price, trial, approval)",
        ],
        rows,
        note="Derived by cartatlas: the product price divided by the complete-response rate "
        f"(CR, or CR/CRi in B-ALL) of the product's registrational trial. Pairing: {PAIRING_RULE}. "
        "Response rate: responders over the patients the trial counts (infused; evaluable; "
        "enrolled or randomized: intention to treat, which includes patients never infused and "
        "so reads lower), with its exact (Clopper–Pearson) 95% CI; the trials' denominators "
        "differ, so their costs per responder are not like for like. The CI beside the cost is "
        "the price divided by the rate's CI bounds: the uncertainty of the response rate only, "
        "with the price taken as known. It ignores hospital costs and later relapses, and, "
        "except where the rate is intention to treat, patients who never reach infusion.",
    )


#: The mark beside a price whose note says the payer pays less, in confidence.
CONFIDENTIAL = "confidential discount"


def confidential_share(notes: pd.Series) -> str:
    """ " (5 of 5 under a confidential discount: the payer pays less)" beside a headline range
    whose prices' notes say the payer pays less under a confidential agreement (the Cost lead
    and the side-by-side cells): Britain's range read as what the NHS pays."""
    secret = int(notes.map(confidential_discount).sum())
    if not secret:
        return ""
    return f" ({secret} of {len(notes)} under a {CONFIDENTIAL}: the payer pays less)"


def weak_share(weak: pd.Series) -> str:
    """How many of a headline range's prices rest on news reports, said next to them (the Cost
    lead and the side-by-side cells)."""
    if weak.all():
        return " (news reports only)"
    if weak.any():
        return (
            # that nothing stronger gives their price is the rule the lead points to (see Cost)
            f" ({int(weak.sum())} of {len(weak)} from news reports)"
        )
    return ""


def _left_out(prices: pd.DataFrame, used: pd.DataFrame, country: str) -> str:
    """The converted product prices of ``country`` that the headline range leaves out, with
    their span and the rule, so a reader who finds a dearer price in the table below (a launch
    price read on a secondary page) is not misled by the range."""
    own = prices[
        (prices["country"] == country) & prices["kind"].isin(PRODUCT_PRICES) & prices["usd"].notna()
    ]
    out = own.drop(index=used.index)
    if out.empty:
        return ""
    low, high = out["usd"].min(), out["usd"].max()
    span = f"{low:,.0f} USD" if round(low) == round(high) else f"{low:,.0f}–{high:,.0f} USD"
    reports = "1 more price report" if len(out) == 1 else f"{len(out)} more price reports"
    return f", plus {reports} ({span}) listed only in the table below"


def _why_no_usd(prices: pd.DataFrame, country: str) -> str:
    """Why a country has no product price in USD: no price at all, or no rate for its year."""
    own = prices[(prices["country"] == country) & prices["kind"].isin(PRODUCT_PRICES)]
    if own.empty:
        return no_prices(country)
    if own["usd"].notna().any():  # converted, but none may stand behind a headline
        return no_data(
            "its recorded prices come from secondary pages or are noted as low reliability; "
            "they are listed in the table below, marked"
        )
    missing_rates = sorted(
        {f"{p.currency} {'?' if is_missing(p.year) else int(p.year)}" for p in own.itertuples()}
    )
    return no_data(f"no exchange rate recorded for {', '.join(missing_rates)}")


def build(ctx: ReportContext) -> Section:
    prices = prices_frame(ctx.store, ctx.countries)
    if prices.empty:
        answer = "; ".join(no_prices(c) for c in ctx.countries) + "."
        return Section("cost", "Cost", answer[0].upper() + answer[1:])
    rows = [
        [
            p.product_id,
            _indication(p),
            p.country,
            "" if is_missing(p.year) else str(int(p.year)),
            p.kind + (f" ({CONFIDENTIAL})" if confidential_discount(p.note) else ""),
            _money(p.amount, p.currency),
            _converted(p.usd, "USD", f"no {p.currency} exchange rate recorded for {_year(p)}")
            + _year_note(p.year, p.fx_year, "rate"),
            _converted(p.intl_dollars, "int$", f"no PPP factor recorded for {p.country} {_year(p)}")
            + _year_note(p.year, p.ppp_year, "PPP"),
            _first_sentence(p.note),
            cite_row(ctx.refs, p),
        ]
        for p in prices.itertuples()
    ]
    table = Table(
        "Prices",
        [
            "product",
            "indication",
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
    product = headline_prices(prices)
    parts = []
    left_out_any = False
    for country in ctx.countries:
        used = product[product["country"] == country]
        usd = used["usd"]
        if len(usd):
            distinct = usd.round().nunique()
            reports = "one report" if len(usd) == 1 else f"{len(usd)} reports"
            spread = (
                f"the recorded product price is {usd.iloc[0]:,.0f} USD ({reports}) "
                if distinct == 1
                else f"the {len(usd)} recorded price reports ({distinct} distinct values) "
                f"range from {usd.min():,.0f} to {usd.max():,.0f} USD "
            )
            left_out = _left_out(prices, used, country)
            left_out_any = left_out_any or bool(left_out)
            parts.append(
                f"in {country} {spread}"
                + " ".join(dict.fromkeys(cite_row(ctx.refs, p) for p in used.itertuples()))
                + weak_share(used["weak"])
                + confidential_share(used["note"])
                + left_out
            )
        else:
            parts.append(f"for {country}, {_why_no_usd(prices, country)}")
    answer = "; ".join(parts) + (
        " (list, WAC or insurance-negotiated prices at their year's exchange rate, else the "
        "latest; every price and the rule for the ranges: see Cost)."
    )
    unlike = different_products(product, ctx.countries)
    answer += f" {unlike}." if unlike else ""
    behind = (
        [Paragraph(f"Products behind each range: {products_by_country(product, ctx.countries)}.")]
        if unlike
        else []
    )
    answer = answer[0].upper() + answer[1:]
    # The rule is said in full beside the table, not in the short answer the overview shows.
    rule = [Paragraph(f"Rule for the ranges: {HEADLINE_PRICE_RULE}.")] if left_out_any else []
    caveats = [
        "A price is converted with the exchange rate (or PPP factor) of its own year; where "
        "that rate is missing, the converted value says 'no data', except that "
        + LATEST_RATE_RULE
        + "; the year used is then named beside the value, as '(2024 rate)' or '(2024 PPP)'.",
        "List prices are not what patients pay: insurance, hospital costs and "
        "negotiated discounts differ by country.",
        f"'{CONFIDENTIAL}' beside a price: its source or the curator's note says the payer "
        "pays less under a confidential discount or commercial arrangement; what it pays is "
        "not published, so the price shown is an upper bound.",
        "PPP: purchasing-power parity, local currency per international dollar.",
        "The indication column names the line of therapy in brackets where the price's source "
        "states it. " + LINES_OF_THERAPY,
    ]
    blocks = [*rule, *behind, table, _cost_per_responder(ctx)]
    return Section("cost", "Cost", answer, blocks, caveats)
