"""0. Side by side: one table with a column per country, for comparisons of more than two.

People choosing where to be treated, and analysts comparing health systems, look at several
destinations at once. Each cell is either a number with its source marker or "no data (reason)";
the numbers come from the same analyses as the sections that follow, which give the detail.
"""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.approvals import RECORDED_ONLY
from cartatlas.analyses.cost import prices_frame
from cartatlas.analyses.headline_prices import (
    HEADLINE_PRICE_RULE,
    headline_prices,
    priced_products,
)
from cartatlas.analyses.response_floors import FLOOR_RULE, floor_sentence
from cartatlas.analyses.success_rates import country_absence, pool_by_country
from cartatlas.evidence.absence import no_approvals, no_data, no_prices
from cartatlas.registries.concepts import RECRUITING_DEFINITION, recruiting_in
from cartatlas.report.context import NO_REGISTRY, ReportContext
from cartatlas.report.model import Section, Table
from cartatlas.report.sections.common import cite_row, interval, pct
from cartatlas.report.sections.cost import PRODUCT_PRICES, confidential_share, weak_share

INDICATIONS = ("LBCL", "B-ALL", "MM", "MCL")
LEFT_OUT = (
    "its recorded prices come from secondary pages or are noted as low reliability; the Cost "
    "section lists them, marked"
)


def _cites(ctx: ReportContext, rows: pd.DataFrame) -> str:
    return " ".join(dict.fromkeys(cite_row(ctx.refs, r) for r in rows.itertuples()))


def _approvals_row(ctx: ReportContext) -> list[str]:
    frame = ctx.approvals
    cells = []
    for country in ctx.countries:
        own = frame[frame["country"] == country]
        if own.empty:
            cells.append(no_approvals(country))
            continue
        dated = own.dropna(subset=["date"]).sort_values("date")
        first = f", first recorded {dated['approval_date'].iloc[0]}" if len(dated) else ""
        cells.append(f"{own['product_id'].nunique()}{first} {_cites(ctx, own)}")
    return ["approved CAR-T products", *cells]


def _price_rows(ctx: ReportContext) -> list[list[str]]:
    """Price ranges under the same rule as the Cost section's lead (``HEADLINE_PRICE_RULE``),
    so the two never print different ranges for one country."""
    prices = prices_frame(ctx.store, ctx.countries)
    prices = prices[prices["kind"].isin(PRODUCT_PRICES)] if len(prices) else prices
    usable = headline_prices(prices) if len(prices) else prices
    rows = []
    for label, column, unit, reason, used, factor in (
        (
            "product price, USD (same-year rate)",
            "usd",
            "USD",
            "no exchange rate for its year",
            "fx_year",
            "exchange rate",
        ),
        (
            "product price, PPP (international $)",
            "intl_dollars",
            "int$",
            "no PPP factor",
            "ppp_year",
            "PPP factor",
        ),
    ):
        cells = []
        for country in ctx.countries:
            own = prices[prices["country"] == country] if len(prices) else prices
            kept = usable[usable["country"] == country] if len(usable) else usable
            converted = kept[kept[column].notna()] if len(kept) else kept
            if own.empty:
                cells.append(no_prices(country))
            elif converted.empty and own[column].notna().any():
                cells.append(no_data(LEFT_OUT))
            elif converted.empty:
                cells.append(no_data(f"{reason} of the {len(own)} recorded prices"))
            else:
                low, high = converted[column].min(), converted[column].max()
                span = f"{low:,.0f}" if low == high else f"{low:,.0f}–{high:,.0f}"
                stale = _latest_factor(converted, used, factor)
                weak = weak_share(converted["weak"])  # news-only ranges marked, as in Cost
                products = priced_products(converted)  # ranges of different products differ
                secret = confidential_share(converted["note"])
                cells.append(
                    f"{span} {unit} for {products}{weak}{secret}{stale} {_cites(ctx, converted)}"
                )
        rows.append([label, *cells])
    return rows


def _latest_factor(converted: pd.DataFrame, used: str, factor: str) -> str:
    """ " (2 of 6 at the 2024 PPP factor, the latest recorded)" when some prices were converted
    with an earlier year's rate or factor than their own (the Cost table marks each), else "":
    a range labelled "same-year" must not hide that."""
    stale = converted[converted[used].notna() & (converted[used] != converted["year"])]
    if stale.empty:
        return ""
    years = ", ".join(str(int(y)) for y in sorted(stale[used].unique()))
    return f" ({len(stale)} of {len(converted)} at the {years} {factor}, the latest recorded)"


def _response_rows(ctx: ReportContext) -> list[list[str]]:
    rows = []
    for indication in INDICATIONS:
        pooling = pool_by_country(ctx.store, indication, "CR", ctx.countries)
        cells = []
        for country in ctx.countries:
            summary = pooling.summaries.get(country)
            if summary is None:
                cells.append(
                    _floor_cell(ctx, pooling.floors, country) or country_absence(pooling, country)
                )
                continue
            studies = pooling.rows[pooling.rows["country"] == country]
            cells.append(
                f"{pct(summary.estimate)} ({interval(summary.ci_low, summary.ci_high)}; "
                f"{summary.k} {'study' if summary.k == 1 else 'studies'}, "
                f"{summary.patients} patients) {_cites(ctx, studies)}"
            )
        rows.append([f"complete response, {indication} (95% CI)", *cells])
    return rows


def _floor_cell(ctx: ReportContext, floors: pd.DataFrame, country: str) -> str:
    """The complete-response floor of ``country``'s cohorts that print only an sCR or an
    MRD-negative CR, or "" for none: "no data" in that cell would hide a trial (ARI-0001 in
    Spain, MRD-negative CR 27/38) that the Success rates section names with its floor."""
    here = floors[floors["country"] == country] if not floors.empty else floors
    if here.empty:
        return ""
    return f"no pooled rate; {floor_sentence(here, rule=False)}, a floor {_cites(ctx, here)}"


def _registry_rows(ctx: ReportContext) -> list[list[str]]:
    if not ctx.has_registry:
        return [
            ["registered CAR trials", *([no_data("no registry data loaded")] * len(ctx.countries))]
        ]
    trials = ctx.trials
    status = trials.set_index("nct_id")["status"]
    counts, recruiting = [], []
    for country in ctx.countries:
        here = trials[[country in cs for cs in trials["countries"]]]
        counts.append(f"{len(here)}{ctx.unloaded_beside(country, len(here))} {ctx.registry_cite}")
        open_here = recruiting_in(ctx.sites, status, country)
        recruiting.append(
            f"{len(open_here)}{ctx.unloaded_beside(country, len(open_here))} {ctx.registry_cite}"
        )
    return [
        ["registered CAR trials with a site there", *counts],
        ["recruiting there now", *recruiting],
    ]


def build(ctx: ReportContext) -> Section:
    """The side-by-side table (the report includes it when more than two countries are named)."""
    rows = [
        _approvals_row(ctx),
        *_price_rows(ctx),
        *_response_rows(ctx),
        *_registry_rows(ctx),
    ]
    table = Table(
        f"{', '.join(ctx.countries)} side by side",
        ["", *ctx.countries],
        rows,
        note="Each cell gives its source markers; 'no data (reason)' where the evidence base or "
        "the registry snapshot holds nothing for that country.",
    )
    answer = (
        f"Side by side for {', '.join(ctx.countries)}: approved products, product prices in US "
        "dollars and at purchasing-power parity, pooled complete response by indication, and "
        "registered and recruiting CAR trials; the sections below give the detail."
    )
    caveats = [
        RECORDED_ONLY,
        "Prices are ranges over the recorded list, WAC or insurance-negotiated prices of all "
        "products and years; a country's range can mix products and years, and countries' ranges "
        "can cover different products (each cell names its own), so they are not like for like; "
        "as in the Cost "
        f"section, {HEADLINE_PRICE_RULE}.",
        "Response rates are pooled within each country from studies conducted there; they are "
        "comparisons between studies, not randomized comparisons. 'At least' marks a cohort "
        f"that reports only a deeper response: {FLOOR_RULE}.",
        f"Trial counts are {ctx.registry_names} records with a site in the country; a trial "
        f"with sites in several countries counts for each. Recruiting: {RECRUITING_DEFINITION}."
        if ctx.has_registry
        else NO_REGISTRY,
    ]
    if ctx.has_registry and ctx.uncounted_registers:
        caveats.append(ctx.uncounted_registers)
    return Section("compare", "Side by side", answer, [table], caveats)
