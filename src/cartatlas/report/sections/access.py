"""4. Access: treatment centres, recruiting trials and where their sites are."""

from __future__ import annotations

import pandas as pd

from cartatlas.registries.concepts import (
    RECRUITING_DEFINITION,
    recruiting_site_mask,
)
from cartatlas.report.context import NO_REGISTRY, ReportContext
from cartatlas.report.figures import site_map
from cartatlas.report.model import Figure, Paragraph, Section, Table
from cartatlas.report.sections.common import cite_row, missing


def _centres(ctx: ReportContext) -> Table:
    marks = ", ".join("?" * len(ctx.countries))
    frame = ctx.store.frame(
        "SELECT country, as_of, count, scope, product_id, source_url, doi, pmid, note "
        f"FROM evidence_centres WHERE country IN ({marks}) ORDER BY country, as_of",
        ctx.countries,
    )
    return Table(
        "Published counts of CAR-T treatment centres",
        ["country", "as of", "count", "what was counted", "product", "source"],
        [
            [
                r.country,
                r.as_of,
                str(r.count),
                r.scope,
                "" if missing(r.product_id) else r.product_id,
                cite_row(ctx.refs, r),
            ]
            for r in frame.itertuples()
        ],
        note="Counts use different definitions and dates; compare within a row's scope.",
    )


def recruiting_sites(ctx: ReportContext) -> pd.DataFrame:
    """Sites of recruiting CAR trials under ``RECRUITING_DEFINITION`` (open site, recruiting
    trial)."""
    sites = ctx.sites
    status = ctx.trials.set_index("nct_id")["status"]
    return sites[recruiting_site_mask(sites, status)]


def _recruiting_table(ctx: ReportContext, sites: pd.DataFrame) -> Table:
    rows = []
    for country in ctx.countries:
        part = sites[sites["country_code"] == country]
        cities = part["city"].value_counts().head(8)
        rows.append(
            [
                country,
                str(part["trial_id"].nunique()),
                str(len(part)),
                ", ".join(f"{city} ({n})" for city, n in cities.items()) or "—",
            ]
        )
    return Table(
        f"Recruiting CAR trials {ctx.registry_cite}",
        ["country", "trials", "sites", "cities with most recruiting sites (sites)"],
        rows,
        note=f"Counted as everywhere in cartatlas: {RECRUITING_DEFINITION}.",
    )


def build(ctx: ReportContext) -> Section:
    blocks: list = [_centres(ctx)]
    if not ctx.has_registry:
        blocks.append(Paragraph(NO_REGISTRY))
        return Section(
            "access",
            "Access",
            "Treatment-centre counts are shown from published "
            "sources; recruiting trials need registry data. " + NO_REGISTRY,
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
    summary = "; ".join(
        f"{row[1]} recruiting CAR trials at {row[2]} sites in {row[0]}" for row in table.rows
    )
    answer = (
        f"{summary} (registry snapshot {ctx.snapshot_dates}). Approved products are given "
        "at certified treatment centres (counts below); trials are the other route in."
    )
    caveats = [
        "Recruitment status is as registered at the snapshot date; registries are often not "
        "updated, so some 'recruiting' trials may have stopped.",
        "cartatlas has no sourced data on how international patients are admitted; ask the "
        "trial contact or centre directly.",
    ]
    return Section("access", "Access", answer, blocks, caveats)
