"""4. Access: treatment centres, recruiting trials and where their sites are."""

from __future__ import annotations

import pandas as pd

from cartatlas.evidence.absence import no_centres
from cartatlas.evidence.source_strength import is_weak
from cartatlas.missing import is_missing
from cartatlas.registries.concepts import (
    RECRUITING_DEFINITION,
    recruiting_site_mask,
)
from cartatlas.report.context import NO_REGISTRY, ReportContext
from cartatlas.report.figures import site_map
from cartatlas.report.model import Figure, Paragraph, Section, Table
from cartatlas.report.sections.common import cite_row, tied_past_cut
from cartatlas.wording import noun

#: What a count of "trial sites" is, since readers take "sites" for hospitals.
TRIAL_SITES = (
    "A trial site is one hospital in one trial: a hospital taking part in several recruiting "
    "trials counts once for each, so trial sites outnumber hospitals."
)


def _centres_frame(ctx: ReportContext) -> pd.DataFrame:
    marks = ", ".join("?" * len(ctx.countries))
    return ctx.store.frame(
        "SELECT country, as_of, count, lower_bound, region, scope, product_id, source_url, "
        "source_kind, "
        "doi, pmid, note "
        f"FROM evidence_centres WHERE country IN ({marks}) ORDER BY country, as_of, product_id",
        ctx.countries,
    )


def count_text(row) -> str:
    """A count as the source gives it: "more than 200" for a lower bound, never a bare 200, and
    "7 in England only" for a count of one region, never the country's bare 7."""
    count = f"more than {row['count']}" if row["lower_bound"] else str(row["count"])
    region = row.get("region")
    return count if is_missing(region) or not region else f"{count} in {region} only"


def _centres(ctx: ReportContext, frame: pd.DataFrame) -> Table:
    rows = [
        [
            r.country,
            r.as_of,
            count_text(r._asdict()),
            r.scope,
            "" if is_missing(r.product_id) else r.product_id,
            cite_row(ctx.refs, r),
        ]
        for r in frame.itertuples()
    ]
    rows += [
        [c, "", no_centres(c), "", "", ""] for c in ctx.countries if c not in set(frame["country"])
    ]
    return Table(
        "Published counts of CAR-T treatment centres",
        ["country", "as of", "count", "what was counted", "product", "source"],
        rows,
        note="Counts use different definitions and dates; compare within a row's scope.",
    )


def centres_summary(ctx: ReportContext, frame: pd.DataFrame) -> str:
    """Per country: the latest published count of centres for CAR-T as a whole (its date; what
    it counts is in the centres table, too long for an answer the overview shows), or, when only
    one product's centres were counted, the latest of those said to be for that product (one
    product's network next to another country's total would read as a difference in access);
    a count from news or secondary pages is marked as such. When several counts share the latest
    date, the one of the alphabetically last product is given and the others follow it as
    "and of the same date", so that none is dropped silently."""
    parts = []
    shown = []
    for country in ctx.countries:
        own = frame[frame["country"] == country]
        if own.empty:
            parts.append(f"{country}: {no_centres(country)}")
            continue
        overall = own[own["product_id"].map(is_missing)]
        candidates = overall if len(overall) else own
        latest = candidates.iloc[-1]
        shown.append(latest)
        only = "" if len(overall) else f"; {latest['product_id']} only"
        parts.append(
            f"{country}: {count_text(latest)} ({latest['as_of']}{only})"
            f"{_weak(latest)} {cite_row(ctx.refs, latest.to_dict())}"
            + _same_date(ctx, candidates.iloc[:-1], latest["as_of"])
        )
    return (
        "Latest published treatment-centre counts (definitions differ; see the table) — "
        + "; ".join(parts)
        + "."
        + _unlike(shown)
    )


def _weak(row: pd.Series) -> str:
    """ " (weak source)" after a count read on a news or secondary page, wherever it is said (the
    reference list names the kind; the overview's answer has no room to spell it out)."""
    return " (weak source)" if is_weak(row["source_kind"]) else ""


def _same_date(ctx: ReportContext, earlier: pd.DataFrame, as_of: str) -> str:
    """The other counts published for the same latest date (CN's eque-cel and zevor-cel), each
    marked as weak when its source is, as the latest one is."""
    same = earlier[earlier["as_of"] == as_of]
    return "".join(
        f", and of the same date {'' if is_missing(r['product_id']) else r['product_id'] + ': '}"
        f"{count_text(r)}{_weak(r)} {cite_row(ctx.refs, r.to_dict())}"
        for _, r in same.iterrows()
    )


def _unlike(latest: list[pd.Series]) -> str:
    """A warning when the counts set side by side are not like for like: one counts a single
    product's centres, or one region's (GB's NHS England centres), or they are more than two
    years apart (JP's 12 Kymriah hospitals of 2020
    next to CN's more than 200 zevor-cel institutions of 2026 read as a 17-fold difference in
    access)."""
    if len(latest) < 2:
        return ""
    years = [int(str(r["as_of"])[:4]) for r in latest]
    reasons = []
    if any(not is_missing(r["product_id"]) for r in latest):
        reasons.append("some count one product's centres only")
    reasons += [
        f"{r['country']}'s count covers {r['region']} only"
        for r in latest
        if not is_missing(r.get("region"))
    ]
    if max(years) - min(years) > 2:
        reasons.append(f"they are from {min(years)} to {max(years)}")
    if not reasons:
        return ""
    return (
        f" These counts are not like for like ({'; '.join(reasons)}): their ratio is not a "
        "measure of the difference in access."
    )


def recruiting_sites(ctx: ReportContext) -> pd.DataFrame:
    """Sites of recruiting CAR trials under ``RECRUITING_DEFINITION`` (open site, recruiting
    trial)."""
    sites = ctx.sites
    status = ctx.trials.set_index("nct_id")["status"]
    return sites[recruiting_site_mask(sites, status)]


#: Why a city's count of trial sites can be low: the registry's spellings are counted as given.
CITY_NAMES = (
    "Cities are counted as each registry record spells them: one city can appear under several "
    "names or by its districts (Tokyo's wards Bunkyo, Shinjuku, Shibuya; Xi'an and Xian), so its "
    "trial sites can be split over several entries."
)


def top_cities(cities: pd.Series, shown: int = 8) -> str:
    """The ``shown`` cities with most recruiting trial sites, ties by name, and, when the cut
    falls inside a tie, how many more cities have as many: "Suzhou (18)" alone once stood for
    Hefei and Nanjing, which have 18 too, so a family in either read it as having fewer."""
    counts = cities.dropna().value_counts()
    ranked = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    text = ", ".join(f"{city} ({n})" for city, n in ranked[:shown])
    if more := len(tied_past_cut(ranked, shown)):
        each = " each" if more > 1 else ""
        last = ranked[shown - 1][1]
        text += f", and {more} more {noun(more, 'city', 'cities')} with {last}{each}"
    return text


def _recruiting_table(ctx: ReportContext, sites: pd.DataFrame) -> Table:
    rows = []
    for country in ctx.countries:
        part = sites[sites["country_code"] == country]
        trials = part["trial_id"].nunique()
        rows.append(
            [
                country,
                f"{trials}{ctx.unloaded_beside(country, trials)}",
                str(len(part)),
                top_cities(part["city"]) or "—",
            ]
        )
    return Table(
        f"Recruiting CAR trials {ctx.registry_cite}",
        ["country", "trials", "trial sites", "cities with most recruiting sites (trial sites)"],
        rows,
        note=f"Counted as everywhere in cartatlas: {RECRUITING_DEFINITION}. {TRIAL_SITES}",
    )


def build(ctx: ReportContext) -> Section:
    centres = _centres_frame(ctx)
    blocks: list = [_centres(ctx, centres)]
    if not ctx.has_registry:
        blocks.append(Paragraph(NO_REGISTRY))
        return Section(
            "access",
            "Access",
            f"{centres_summary(ctx, centres)} Recruiting trials need registry data. " + NO_REGISTRY,
            blocks,
        )
    sites = recruiting_sites(ctx)
    table = _recruiting_table(ctx, sites)
    blocks.append(table)
    blocks.append(
        Figure(
            "Map of recruiting trial sites",
            site_map(sites, ctx.countries),
            f"Registry snapshot {ctx.snapshot_dates}; sites with coordinates. The "
            "counts by country and city are in the table above.",
            slug="recruiting-map",
        )
    )
    summary = "; ".join(  # a trials cell is "0 (… only; CTRI not loaded)" or a bare count
        f"{count} recruiting CAR trials at {row[2]} trial sites in {row[0]}"
        + (f" {unloaded}" if unloaded else "")
        for row in table.rows
        for count, _, unloaded in [row[1].partition(" ")]
    )
    answer = (
        f"{summary} (trials registered in {ctx.registry_names}, snapshot {ctx.snapshot_dates}; "
        "trials registered only elsewhere are not counted). Approved products are given "
        f"at certified treatment centres; trials are the other route in. "
        f"{centres_summary(ctx, centres)}"
    )
    caveats = [
        "Recruitment status is as registered at the snapshot date; registries are often not "
        "updated, so some 'recruiting' trials may have stopped.",
        CITY_NAMES,
        "cartatlas has no sourced data on how international patients are admitted; ask the "
        "trial contact or centre directly.",
    ]
    if ctx.uncounted_registers:
        caveats.append(ctx.uncounted_registers)
    return Section("access", "Access", answer, blocks, caveats)
