"""Question pages: a report section with its figures turned into interactive charts.

The section (answer, tables, caveats, numbered references) comes from the report's builder; each
matplotlib figure is replaced by a Vega-Lite chart of the same data, and a few sections without a
figure get one. Every chart keeps its data table and its sources beside it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import pandas as pd

from cartatlas.analyses.claims import ClaimsFile
from cartatlas.analyses.cost import confidential_discount, prices_frame
from cartatlas.analyses.durability import (
    comparisons_frame,
    pooled_hazard_ratios_of,
    survival_frame,
    trial_rows,
)
from cartatlas.analyses.headline_prices import in_headline
from cartatlas.analyses.landscape.counts import count, started_by, yearly_shares
from cartatlas.analyses.safety_rows import MULTINATIONAL, safety_rows
from cartatlas.analyses.study_labels import (
    hazard_ratio_label,
    landmark_label,
    study_labels,
    study_lines,
)
from cartatlas.evidence.jurisdictions import with_eu_if_member
from cartatlas.evidence.source_strength import label as kind_label
from cartatlas.missing import is_missing
from cartatlas.report import figures
from cartatlas.report.model import CITATION, Figure, Reference, Section, Table
from cartatlas.report.sections import claims as claims_section
from cartatlas.report.sections.access import recruiting_sites
from cartatlas.report.sections.common import cite_row, frame_table
from cartatlas.report.sections.cost import CONFIDENTIAL, PRODUCT_PRICES
from cartatlas.report.sections.registry_views import SHARES, TARGET_SHARE, top_targets
from cartatlas.report.sections.success import INDICATIONS
from cartatlas.web import charts
from cartatlas.web.api.meta import MetaQuery, forest_frames, run_meta
from cartatlas.web.api.outcomes import with_exact_ci
from cartatlas.web.questions import Question
from cartatlas.web.registry import WebContext
from cartatlas.web.responses import records
from cartatlas.wording import in_words

#: The verdict colours of the report's claims table.
VERDICT_COLORS = {
    "supported": "#2e7d32",
    "partly supported": "#a15c00",
    "contradicted": "#b3261e",
    "no data": "#8a949f",
}


@dataclass
class WebFigure:
    title: str
    caption: str
    slug: str
    spec: charts.Spec | None = None
    svg: str | None = None  # a figure no chart replaces keeps the report's SVG
    data: Table | None = None
    sources: list[Reference] = field(default_factory=list)


@dataclass
class QuestionPage:
    """One question's page; ``section`` is the report's section without its figures, which
    ``blocks`` holds as charts (or drawn, where no chart replaces one)."""

    question: Question
    countries: list[str]
    section: Section
    blocks: list
    references: list[Reference]


def _markers(*texts: str) -> set[int]:
    return {int(n) for text in texts for n in CITATION.findall(text or "")}


def _table_text(table: Table | None) -> list[str]:
    if table is None:
        return []
    return [table.title, table.note, *(cell for row in table.rows for cell in row)]


def _sources(ctx: WebContext, numbers: set[int]) -> list[Reference]:
    return [ref for ref in ctx.refs.items if ref.number in numbers]


# -- chart data: the frames the report's figures are drawn from ---------------------------------


def _counts(ctx: WebContext, by: list[str]) -> pd.DataFrame:
    table = count(ctx.trials, by, ctx.countries)
    return table[table["country"].isin(ctx.countries)]


def _last_year(ctx: WebContext, years: pd.Series) -> int:
    return ctx.snapshot_year or int(years.max())


def _years(ctx: WebContext) -> pd.DataFrame:
    """The report's chart rows (:func:`started_by`): every dated start to the snapshot year."""
    return started_by(_counts(ctx, ["year"]), ctx.snapshot_year)[0]


def _shares(ctx: WebContext) -> pd.DataFrame:
    table = yearly_shares(ctx.trials, ctx.countries)
    table = table[table["country"].isin(ctx.countries)]
    last = _last_year(ctx, table["start_year"])
    return table[(table["start_year"] >= 2015) & (table["start_year"] <= last)].astype(
        {"start_year": int}
    )


def _forest(ctx: WebContext, indication: str) -> charts.Spec | None:
    run = run_meta(
        ctx.store, MetaQuery(indication, "CR", tuple(ctx.countries), "PLO", "auto", False)
    )
    if run.result is None:
        return None
    return charts.forest(*forest_frames(ctx.store, run), ctx.countries)


#: Figures drawn from registry data: their source is the registry snapshot.
REGISTRY_SLUGS = ("targets", "activity-years", "outlook-", "recruiting-map")


def _sites_table(sites: pd.DataFrame, countries: list[str]) -> Table:
    """The map's data: recruiting trial sites per city of the compared countries only, in their
    order (the sites of every other country, listed before, buried JP's 47 under AU's and AT's
    and were not on the map), most sites first."""
    order = {c: i for i, c in enumerate(countries)}
    here = sites[sites["country_code"].isin(order)]
    by_city = (
        here.groupby(["country_code", "city"], dropna=False)
        .agg(sites=("facility", "size"), trials=("trial_id", "nunique"))
        .reset_index()
        .assign(rank=lambda f: f["country_code"].map(order))
        .sort_values(["rank", "sites", "city"], ascending=[True, False, True])
        .drop(columns="rank")
        .rename(columns={"country_code": "country", "sites": "trial sites"})
    )
    return frame_table("Recruiting trial sites by city", by_city)


def chart_for(
    ctx: WebContext, slug: str, world_url: str
) -> tuple[charts.Spec | None, Table | None]:
    """The interactive chart that replaces the report figure ``slug`` (None: keep the SVG),
    and a data table for a figure the report gives none."""
    countries = ctx.countries
    if slug == "approvals-timeline":
        return charts.timeline(ctx.approvals, countries), None
    if slug == "targets":
        counts = _counts(ctx, ["target"])
        table, _ = top_targets(counts[counts["targets"] != "unnamed"])
        return (
            charts.grouped_bars(table, "targets", "share", TARGET_SHARE, countries, percent=True),
            None,
        )
    if slug == "activity-years":
        return charts.lines(_years(ctx), "start_year", "trials", "trials started", countries), None
    if slug.startswith("outlook-"):
        column = slug.removeprefix("outlook-")
        table = _shares(ctx)[["start_year", "country", column, "trials"]]
        spec = charts.lines(table, "start_year", column, f"share {SHARES[column]}", countries, True)
        return spec, frame_table(f"Share {SHARES[column]} by start year", table)
    if slug == "recruiting-map":
        sites = recruiting_sites(ctx)
        return charts.site_map(records(sites), countries, world_url), _sites_table(sites, countries)
    if slug.startswith("forest-"):
        return _forest(ctx, slug.removeprefix("forest-")), None
    if slug == "hazard-ratios":
        return charts.hazard_ratios(_hazard_ratio_rows(ctx)), None
    if slug.startswith("landmarks-"):
        return charts.landmarks(_landmark_rows(ctx, slug.removeprefix("landmarks-"))), None
    if slug == "regulatory-timeline":
        return charts.dated_events(_action_rows(ctx)), None
    return None, None


def _hazard_ratio_rows(ctx: WebContext) -> pd.DataFrame:
    """The trials and pooled estimates the report's hazard-ratio forest plot draws, in its
    order: per indication and endpoint, the trials, then their pooled estimate (sorted by label
    alone, a pool stood apart from the trials it pools)."""
    comparisons = comparisons_frame(ctx.store)
    trials = trial_rows(comparisons)
    names = study_labels(ctx.store)
    rows = [
        {
            "label": hazard_ratio_label(names, t.study_id, t.endpoint, t.indication),
            "indication": t.indication,
            "endpoint": t.endpoint,
            "kind": "trial",
            "hr": t.hr,
            "ci_low": t.ci_low,
            "ci_high": t.ci_high,
        }
        for t in trials.itertuples()
    ]
    for p in pooled_hazard_ratios_of(ctx.store):
        low, high = p.ci
        rows.append(
            {
                "label": f"Pooled {p.endpoint}, {p.indication}",
                "indication": p.indication,
                "endpoint": p.endpoint,
                "kind": "pooled",
                "hr": p.hr,
                "ci_low": low,
                "ci_high": high,
            }
        )
    order = ["indication", "endpoint", "kind", "label"]  # "pooled" after "trial"
    return pd.DataFrame(rows).sort_values(order, key=_pooled_last, kind="stable")


def _pooled_last(column: pd.Series) -> pd.Series:
    return column.map({"trial": 0, "pooled": 1}) if column.name == "kind" else column


def _landmark_rows(ctx: WebContext, indication: str) -> pd.DataFrame:
    frame = survival_frame(ctx.store, None, indication)
    frame = frame[(frame["statistic"] == "landmark") & (frame["arm"] == "car-t")]
    names, lines = study_labels(ctx.store), study_lines(ctx.store)
    return pd.DataFrame(
        {
            "series": [
                landmark_label(names, s, e, lines)
                for s, e in zip(frame["study_id"], frame["endpoint"], strict=True)
            ],
            "months": frame["landmark_months"],
            "rate": frame["value"],
            "ci_low": frame["ci_low"],
            "ci_high": frame["ci_high"],
        }
    )


def _action_rows(ctx: WebContext) -> pd.DataFrame:
    frame = ctx.store.frame("SELECT * FROM evidence_regulatory_actions")
    wanted = with_eu_if_member(ctx.countries)  # EMA (EU) actions apply to the EEA states asked for
    frame = frame[frame["country"].isin(wanted) & (frame["action_date"].str.len() > 4)]
    return frame.assign(
        day=[d if len(d) == 10 else f"{d}-01" for d in frame["action_date"]],
        action=frame["action"].map(in_words),
    )


def _web_figure(ctx: WebContext, figure: Figure, section: Section, world_url: str) -> WebFigure:
    spec, table = chart_for(ctx, figure.slug, world_url)
    numbers = _markers(figure.title, figure.caption, *_table_text(figure.data))
    if not numbers:
        registry = figure.slug.startswith(REGISTRY_SLUGS) and ctx.has_registry
        numbers = _markers(ctx.registry_cite if registry else section.answer)
    return WebFigure(
        figure.title,
        figure.caption,
        figure.slug,
        spec=spec,
        svg=None if spec else figures.drawn(figure.svg),
        data=figure.data or table,
        sources=_sources(ctx, numbers),
    )


# -- charts for sections the report gives no figure ---------------------------------------------


def _cited(ctx: WebContext, frame: pd.DataFrame) -> list[Reference]:
    """The references of the rows of ``frame`` (cited as the report cites: URL, DOI, PMID)."""
    return _sources(ctx, _markers(*(cite_row(ctx.refs, row) for row in frame.itertuples())))


#: The mark of a charted price that no headline range counts, and what it means.
OUTSIDE_HEADLINE = " †"
OUTSIDE_HEADLINE_MEANS = (
    "† only on a secondary page or noted as low reliability, or from news where a stronger "
    "source prices the same product, indication and year: left out of the headline ranges"
)


def _indication_line(indication: object, line: object) -> str:
    """ " (LBCL 2L)": a bar's indication with the line its source names, as the Prices table
    gives them, so NICE's second-line price is not read as a third-line launch price."""
    said = [str(v) for v in (indication, line) if not is_missing(v)]
    return f" ({' '.join(said)})" if said else ""


def distinct_prices(prices: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct price (product, indication, country, year, kind, amount, currency): a
    price that several sources quote is drawn once. Each row gets a unique ``label`` naming the
    indication where known (a product can be priced per indication); where one product,
    indication, country, year and kind has several amounts, the label numbers them (#1, #2, …)
    so that no two prices share a bar. A price none of whose sources a headline may use
    (``HEADLINE_PRICE_RULE``) is marked ``OUTSIDE_HEADLINE``, so the chart does not show it
    as an equal of the prices the lead text counts."""
    key = ["product_id", "indication", "country", "year", "kind"]
    value = [*key, "amount", "currency"]
    any_source_counted = (
        prices.assign(_counted=in_headline(prices))
        .groupby(value, dropna=False)["_counted"]
        .transform("any")
    )
    rows = (
        prices.assign(in_headline=any_source_counted)
        .drop_duplicates(value)
        .sort_values([*key, "usd"], kind="stable")
    )
    rank = rows.groupby(key, sort=False, dropna=False).cumcount() + 1
    several = rows.groupby(key, sort=False, dropna=False)["amount"].transform("size") > 1
    return rows.assign(
        label=[
            f"{p}{_indication_line(i, line)} · {c} {int(y)} {k}"
            + (f" ({CONFIDENTIAL})" if confidential_discount(note) else "")
            + (f" #{n}" if many else "")
            + ("" if counted else OUTSIDE_HEADLINE)
            for p, i, line, c, y, k, note, n, many, counted in zip(
                rows["product_id"],
                rows["indication"],
                rows["line_of_therapy"],
                rows["country"],
                rows["year"],
                rows["kind"],
                rows["note"],
                rank,
                several,
                rows["in_headline"],
                strict=True,
            )
        ],
        usd=rows["usd"].round(0),
    )


def _price_chart(ctx: WebContext) -> WebFigure | None:
    prices = prices_frame(ctx.store, ctx.countries)
    prices = prices[prices["kind"].isin(PRODUCT_PRICES) & prices["usd"].notna()]
    if prices.empty:
        return None
    table = distinct_prices(prices)
    data = table[
        [
            "label",
            "product_id",
            "indication",
            "country",
            "year",
            "kind",
            "amount",
            "currency",
            "usd",
            "in_headline",
        ]
    ]
    return WebFigure(
        "Product prices in US dollars (same-year exchange rate)",
        "One bar per distinct price (a price quoted by several sources is drawn once; #1, #2 "
        "number different prices of one product, indication, year and kind). The indication is "
        "shown where the source names it or the product had only one approved then: a product "
        "can be priced per indication. List, WAC or insurance-negotiated prices; "
        f"{OUTSIDE_HEADLINE_MEANS}. The Prices table below also gives PPP values.",
        "prices-usd",
        spec=charts.labelled_bars(
            table[["label", "country", "usd"]], "label", "usd", "US dollars", ctx.countries
        ),
        data=frame_table("Prices converted to USD", data),
        sources=_cited(ctx, prices),
    )


def _safety_chart(ctx: WebContext) -> WebFigure | None:
    """CRS of any grade per cohort the safety tables list (:func:`safety_rows`): the compared
    countries' own, then the multinational trials, coloured apart."""
    parts = []
    for indication in INDICATIONS:
        rows = safety_rows(ctx.store, indication, ctx.countries)["CRS_any"]
        parts.append(rows.assign(indication=indication))
    rows = pd.concat(parts, ignore_index=True)
    if rows.empty:
        return None
    names = study_labels(ctx.store)
    studies = with_exact_ci(
        rows.assign(
            label=[
                f"{names.get(s, s)} ({i})"
                for s, i in zip(rows["study_id"], rows["indication"], strict=True)
            ],
            country=[
                MULTINATIONAL if apart else c
                for c, apart in zip(rows["country_of_conduct"], rows["multinational"], strict=True)
            ],
            # as the report's tables say it: a blank cell read as "no grading" or as missing
            grading=rows["grading"].fillna("not stated"),
            source=rows["source_kind"].map(kind_label),  # news, secondary: "(weak source)"
        )[["label", "country", "grading", "events", "n", "source"]],
        after="n",
    )
    return WebFigure(
        "Cytokine release syndrome, any grade, by study",
        "Exact 95% CIs. Grading systems differ between studies (column 'grading'); compare "
        "rates within one system.",
        "crs-any",
        spec=charts.forest(studies, None, [*ctx.countries, MULTINATIONAL]),
        data=frame_table("CRS, any grade", studies),
        sources=_cited(ctx, rows),
    )


SCHEME_TYPES = {
    "public_insurance": "public insurance",
    "national_reimbursement": "national reimbursement list",
    "commercial_insurance": "commercial insurance",
    "city_scheme": "city scheme (Huiminbao)",
    "hta_decision": "HTA decision",
    "managed_access": "managed access",
    "charity_or_manufacturer": "charity or manufacturer",
}


def payer_schemes(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per payer scheme (country, type, payer, status) with the products it names, or
    "CAR-T as a class": coverage.csv has a row per product a scheme names, so counting rows
    would make a country whose one list names five products look five times as covered."""
    named = rows.assign(
        product=rows["product_id"].fillna("CAR-T as a class"),
        scheme_type=rows["scheme"].map(SCHEME_TYPES).fillna(rows["scheme"]),
    )
    return (
        named.groupby(["country", "scheme_type", "status", "payer"], sort=True)["product"]
        .agg(lambda products: ", ".join(sorted(set(products))))
        .reset_index()
        .rename(columns={"product": "products"})
    )


def _coverage_chart(ctx: WebContext) -> WebFigure | None:
    """Who pays: the payer schemes of each country by type and status, counted once each."""
    rows = ctx.store.frame("SELECT * FROM evidence_coverage")
    rows = rows[rows["country"].isin(ctx.countries)]
    if rows.empty:
        return None
    schemes = payer_schemes(rows)
    table = (
        schemes.assign(kind=schemes["scheme_type"] + " — " + schemes["status"])
        .groupby(["kind", "country"])
        .size()
        .reset_index(name="schemes")
        .sort_values(["kind", "country"])
    )
    return WebFigure(
        "Who pays: payer schemes recorded per country, by type and status",
        "Each bar counts the distinct payer schemes of one type and status recorded in a country "
        "(a list naming five products is one scheme; 'excluded' is a scheme that does not pay). "
        "It shows which routes to payment exist, not how many patients they reach nor how much "
        "of the price they pay; the table below names each scheme, its products and sources, "
        "and the section's table gives scope and conditions.",
        "coverage-schemes",
        spec=charts.grouped_bars(
            table, "kind", "schemes", "payer schemes", ctx.countries, whole=True
        ),
        data=frame_table("Payer schemes", schemes),
        sources=_cited(ctx, rows),
    )


def _verdict_chart(ctx: WebContext, section: Section) -> WebFigure | None:
    """Claims per verdict, counted from the section's own verdict table."""
    table = next(
        (b for b in section.blocks if isinstance(b, Table) and "verdict" in b.columns), None
    )
    if table is None:
        return None
    column = table.columns.index("verdict")
    tally = Counter(row[column] for row in table.rows)
    frame = pd.DataFrame({"verdict": list(tally), "claims": list(tally.values())})
    return WebFigure(
        "Verdicts",
        "Number of claims per verdict; the table below gives each claim's evidence and rule.",
        "verdicts",
        spec=charts.counts(frame, "verdict", "claims", "claims", VERDICT_COLORS),
        data=frame_table("Claims per verdict", frame),
        sources=_sources(ctx, _markers(*_table_text(table))),
    )


def question_page(
    ctx: WebContext, question: Question, world_url: str, document: ClaimsFile | None = None
) -> QuestionPage:
    """The page of one question for ``ctx.countries`` (``document``: claims to check instead of
    the bundled example)."""
    with figures.on_demand():  # saved only where no chart replaces them
        if question.key == "claims" and document is not None:
            section = claims_section.build(ctx, document)
        else:
            section = question.build(ctx)
    blocks: list = [
        _web_figure(ctx, b, section, world_url) if isinstance(b, Figure) else b
        for b in section.blocks
    ]
    extra = {
        "cost": lambda: _price_chart(ctx),
        "safety": lambda: _safety_chart(ctx),
        "coverage": lambda: _coverage_chart(ctx),
        "claims": lambda: _verdict_chart(ctx, section),
    }.get(question.key)
    if extra and (figure := extra()) is not None:
        blocks.insert(0, figure)
    # The report's figures live on in ``blocks``, as charts or drawn; the page keeps no
    # undrawn one (a page is stored in the store, a matplotlib figure is not).
    section = replace(section, blocks=[b for b in section.blocks if not isinstance(b, Figure)])
    return QuestionPage(question, ctx.countries, section, blocks, list(ctx.refs.items))
