"""5, 6 and 8. Types, trial activity and outlook: counts from the classified registry trials."""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.landscape.counts import (
    STATING_SHARE_COLUMNS,
    count,
    started_by,
    yearly_shares,
)
from cartatlas.evidence.absence import no_approvals, no_data
from cartatlas.evidence.queries import exact_ci
from cartatlas.registries.national import named_registers
from cartatlas.report.context import NO_REGISTRY, ReportContext
from cartatlas.report.figures import grouped_bars, lines
from cartatlas.report.model import Figure, Paragraph, Section, Table
from cartatlas.report.sections.common import frame_table, tied_past_cut
from cartatlas.wording import noun

TARGET_SHARE = "share of the country's CAR trials"
#: Under a table of a list label: its shares can add up to more than 100% (CN's cell sources:
#: 102%), which a reader adding them up would otherwise take for an error.
MULTI_LABEL_NOTE = (
    "A trial naming more than one {what} (e.g. one arm of each) counts under each, so a "
    "country's shares can add up to more than 100%."
)
SHARES = {
    "allogeneic": "allogeneic",
    "solid": "solid tumour",
    "autoimmune": "autoimmune",
    "in_vivo": "in vivo",
}


def _no_registry(key: str, title: str) -> Section:
    return Section(key, title, NO_REGISTRY, [Paragraph(NO_REGISTRY)])


def _counts(ctx: ReportContext, by: list[str]) -> pd.DataFrame:
    table = count(ctx.trials, by, ctx.countries)
    return table[table["country"].isin(ctx.countries)]


def _share(share: float) -> str:
    """A share as a whole percent, never a false "0%" for a few trials out of many."""
    return "<1%" if 0 < share < 0.005 else f"{share:.0%}"


def _wide(
    ctx: ReportContext,
    table: pd.DataFrame,
    key: str,
    label: str,
    present: set[str] | None = None,
) -> pd.DataFrame:
    """One row per ``key`` value, a "trials (share)" column per country; ``present`` names the
    countries that have CAR trials at all, so one whose trials fall outside the rows shown still
    gets its column (of true zeros) instead of vanishing from the comparison."""
    table = table.assign(
        cell=[f"{t} ({_share(s)})" for t, s in zip(table["trials"], table["share"], strict=True)]
    )
    wide = table.pivot(index=key, columns="country", values="cell")
    shown = set(wide.columns) | (present or set())
    wide = wide.reindex(columns=[c for c in ctx.countries if c in shown], fill_value="0")
    wide = wide.fillna("0")
    return wide.reset_index().rename(columns={key: label})


def trials_per_country(ctx: ReportContext) -> pd.Series:
    """CAR trials with a site in each compared country (a multinational trial in each)."""
    exploded = ctx.trials.explode("countries")
    return exploded[exploded["countries"].isin(ctx.countries)].groupby("countries").size()


def _leading_targets(named: pd.DataFrame, country: str, n: int = 4) -> str:
    """The ``n`` targets with most trials in ``country`` (ties by name), from the country's own
    counts: a country's leaders need not be among the most frequent targets overall. A tie the
    cut falls in is said (DE's CD123 and GPRC5D have 2 trials each: naming CD123 alone ranked
    it above GPRC5D)."""
    own = named[named["country"] == country].sort_values(
        ["trials", "targets"], ascending=[False, True]
    )
    text = ", ".join(own["targets"].head(n))
    tied = tied_past_cut(list(zip(own["targets"], own["trials"], strict=True)), n)
    if not tied:
        return text
    last = int(own["trials"].iloc[n - 1])
    named_ties = ", ".join(tied) if len(tied) <= 3 else f"{len(tied)} more targets"
    return f"{text} (tied: {named_ties}, {last} {noun(last, 'trial')} each)"


def _approved_targets(ctx: ReportContext) -> Table:
    """Approved products per country and target, the countries in the pair's order (JP before
    CN in "JP vs CN", as every other table of the report has them)."""
    frame = ctx.approvals
    order = {c: i for i, c in enumerate(ctx.countries)}
    grouped = (
        frame.groupby(["country", "targets"])["product_id"]
        .agg(products="nunique", product_ids=lambda ids: ", ".join(sorted(set(ids))))
        .reset_index()
        .assign(rank=lambda f: f["country"].map(order).fillna(len(order)))
        .sort_values(
            ["rank", "country", "products", "targets"], ascending=[True, True, False, True]
        )
        .drop(columns="rank")
    )
    table = frame_table(
        "Approved products by target", grouped.rename(columns={"product_ids": "which products"})
    )
    table.rows += [
        [c, no_approvals(c), "", ""] for c in ctx.countries if c not in set(grouped["country"])
    ]
    return table


def top_targets(named: pd.DataFrame, n: int = 15) -> tuple[pd.DataFrame, list[str]]:
    """The rows of the ``n`` targets with most trials over the compared countries (the figure's
    bars, report and dashboard), in that order, and the targets themselves."""
    top = named.groupby("targets")["trials"].sum().sort_values(ascending=False).head(n)
    rank = {t: i for i, t in enumerate(top.index)}
    chosen = named[named["targets"].isin(rank)]
    chosen = chosen.assign(rank=chosen["targets"].map(rank)).sort_values(["rank", "country"])
    return chosen.drop(columns="rank"), list(rank)


def types(ctx: ReportContext) -> Section:
    if not ctx.has_registry:
        section = _no_registry("types", "Types")
        section.blocks.insert(0, _approved_targets(ctx))
        return section
    targets = _counts(ctx, ["target"])
    named = targets[targets["targets"] != "unnamed"]
    top_table, top = top_targets(named)
    unnamed = targets[targets["targets"] == "unnamed"].set_index("country")["trials"]
    leaders = {c: _leading_targets(named, c) for c in ctx.countries}
    totals = trials_per_country(ctx)
    answer = (
        "Most-studied CAR targets in registered trials (each country's number of trials, the "
        "base of its ranking, in brackets): "
        + "; ".join(
            f"{c} ({totals.get(c, 0)} {noun(totals.get(c, 0), 'trial')}): "
            f"{t or no_data(f'no registered CAR trial with a site in {c} names a target')}"
            for c, t in leaders.items()
        )
        + f" {ctx.registry_cite}. Trials whose registry text names no target: "
        + ", ".join(f"{c} {unnamed.get(c, 0)}" for c in ctx.countries)
        + "."
    )
    target_wide = _wide(ctx, top_table, "targets", "target", set(targets["country"]))
    target_wide = target_wide.set_index("target").loc[top].reset_index()  # the figure's order
    blocks = [
        Figure(
            "Trials by target (15 most frequent)",
            grouped_bars(
                top_table, "targets", "share", "country", TARGET_SHARE, ctx.countries, True
            ),
            "Bars are shares, so countries with few trials can be compared with countries with "
            "many; the numbers are in the table. A multi-target construct counts once under "
            "each target.",
            data=frame_table("Trials by target: number (share)", target_wide),
            slug="targets",
        ),
        frame_table(
            "Trials by cell source: number (share)",
            _wide(ctx, _counts(ctx, ["source"]), "cell_source", "cell source"),
            MULTI_LABEL_NOTE.format(what="cell source"),
        ),
        frame_table(
            "Trials by engineered cell type: number (share)",
            _wide(ctx, _counts(ctx, ["cell"]), "cell_type", "cell type"),
            MULTI_LABEL_NOTE.format(what="cell type"),
        ),
        _approved_targets(ctx),
    ]
    caveats = [
        "Targets, cell source and cell type come from the rule-based classifier "
        "(docs/classification.md gives its measured accuracy); 'unknown' means the "
        "registry text does not say."
    ]
    if ctx.uncounted_registers:  # a 0 here is 0 in the registers loaded, not in the country
        caveats.append(ctx.uncounted_registers)
    return Section("types", "Types", answer, blocks, caveats)


#: Phases in the order a trial passes through them (early phase 1 is ClinicalTrials.gov's
#: "formerly phase 0"); labels not listed follow, alphabetically.
PHASE_ORDER = ("early 1", "1", "1/2", "2", "2/3", "3", "4", "n/a", "unknown")


def _by_phase(ctx: ReportContext) -> pd.DataFrame:
    wide = _wide(ctx, _counts(ctx, ["phase"]), "phase", "phase")
    rank = {p: i for i, p in enumerate(PHASE_ORDER)}
    order = sorted(wide["phase"], key=lambda p: (rank.get(p, len(rank)), str(p)))
    return wide.set_index("phase").loc[order].reset_index()


def activity(ctx: ReportContext) -> Section:
    if not ctx.has_registry:
        return _no_registry("activity", "Trial activity")
    by_year = _counts(ctx, ["year"])
    undated = by_year[by_year["start_year"].isna()].groupby("country")["trials"].sum()
    years, planned = started_by(by_year, ctx.snapshot_year)
    last = int(years["start_year"].max())
    planned_text = (
        f"Trials planned to start after {last} are not in the chart either: "
        + ", ".join(f"{c} {int(planned.get(c, 0))}" for c in ctx.countries)
        + ". "
        if planned.sum()
        else ""
    )
    undated_text = (
        "Trials whose record gives no start year are not in the chart: "
        + ", ".join(f"{c} {int(undated.get(c, 0))}" for c in ctx.countries)
        + f". {planned_text}A year shown as 0 means no dated trial started then."
    )
    totals = trials_per_country(ctx)
    # The counts are compared at a glance: what they leave out is said beside them, not only
    # in the caveats (China's trials registered only in ChiCTR are not in CN's count).
    named = named_registers(ctx.countries) if ctx.uncounted_registers else ""
    answer = (
        "Registered CAR trials with a site in each country: "
        + ", ".join(f"{c} {totals.get(c, 0)}" for c in ctx.countries)
        + (
            f" ({ctx.registry_names} only; trials registered only in {named} are not "
            "counted, so a country's count can be low)"
            if named
            else ""
        )
        + f" {ctx.registry_cite}."
    )
    blocks = [
        Figure(
            "CAR trials by start year",
            lines(years, "start_year", "trials", "country", "trials started", ctx.countries),
            f"Start year as registered (actual or anticipated); {last} is "
            f"partial (to the snapshot date). {undated_text}",
            data=frame_table(
                "Trials by start year: number (share of the country's trials)",
                _wide(ctx, years, "start_year", "start year"),
            ),
            slug="activity-years",
        ),
        frame_table("Trials by phase: number (share)", _by_phase(ctx)),
    ]
    caveats = [
        "A trial with sites in several countries counts once for each; trials without "
        "a site have no country.",
        "Phase 'early 1' is ClinicalTrials.gov's early phase 1 (formerly phase 0); 'n/a' is "
        "its 'not applicable' (the record gives no drug-development phase); 'unknown': the "
        "record gives none at all.",
    ]
    if ctx.uncounted_registers:
        caveats.append(ctx.uncounted_registers)
    return Section("activity", "Trial activity", answer, blocks, caveats)


def outlook(ctx: ReportContext) -> Section:
    if not ctx.has_registry:
        return _no_registry("outlook", "Outlook")
    shares = yearly_shares(ctx.trials, ctx.countries)
    shares = started_by(shares[shares["country"].isin(ctx.countries)], ctx.snapshot_year)[0]
    shares = shares[shares["start_year"] >= 2015].assign(
        start_year=lambda f: f["start_year"].astype(int)
    )
    last_full = (ctx.snapshot_year or int(shares["start_year"].max()) + 1) - 1
    blocks = []
    for column, label in SHARES.items():
        blocks.append(
            Figure(
                f"Share of {label} trials by start year",
                lines(
                    shares,
                    "start_year",
                    column,
                    "country",
                    f"share {label}",
                    ctx.countries,
                    percent=True,
                ),
                "Share of the country's CAR trials started that year; the last year is partial.",
                slug=f"outlook-{column}",
            )
        )
    order = {c: i for i, c in enumerate(ctx.countries)}
    table = shares.sort_values(
        ["country", "start_year"], key=lambda k: k.map(order) if k.name == "country" else k
    )
    for column in SHARES:
        table[column] = [f"{v:.0%}" for v in table[column]]
    stating, of_stating = "stating a cell source", "allogeneic of those stating one"
    table[of_stating] = [
        "no data" if pd.isna(v) else f"{v:.0%}" for v in table[STATING_SHARE_COLUMNS[0]]
    ]
    table = table.drop(columns=list(STATING_SHARE_COLUMNS))
    blocks.append(
        frame_table(
            "Yearly shares",
            table.rename(columns={**SHARES, "stating_source": stating, "start_year": "start year"}),
        )
    )
    recent = shares[shares["start_year"] == last_full].set_index("country")
    parts = [
        _year_shares(c, recent.loc[c])
        if c in recent.index
        else f"{c}: {no_data(f'no registered CAR trial with a site in {c} started in {last_full}')}"
        for c in ctx.countries
    ]
    answer = (
        f"Among CAR trials starting in {last_full} (the last full year), trials of each kind "
        "(share, exact 95% CI): " + "; ".join(parts) + f" {ctx.registry_cite}."
    )
    caveats = [
        "Shares rest on the number of trials given with each country; a share of a few "
        "trials (a wide interval) says little, and the latest year moves as the registry fills.",
        "A trial counts as allogeneic only when its registry text says so; where the cell "
        "source is not stated the allogeneic share is a lower bound, and countries differ in "
        "how often it is stated, so the share among the trials that state a cell source is "
        "given beside it: compare both before reading a difference between countries.",
        "A trial is 'solid tumour' or 'autoimmune' when any of its conditions is.",
    ]
    return Section("outlook", "Outlook", answer, blocks, caveats)


def _year_shares(country: str, row: pd.Series) -> str:
    """One country's part of the outlook answer: each kind as count (share, exact CI) of the
    trials started that year, with that denominator and how many state no cell source; the
    allogeneic share also among the trials that state one (with its CI), since countries differ
    in how often they do (CN 2025: 22% of all trials but 52% of those stating a source, US 29%
    and 38%), so the comparison of the two shares can turn round."""
    n = int(row["trials"])
    unstated = n - int(row["stating_source"])
    kinds = []
    for column, label in SHARES.items():
        events = round(float(row[column]) * n)
        low, high = exact_ci(events, n)
        kind = f"{label} {events} ({events / n:.0%}, {low:.0f}–{high:.0f}%"
        if column == "allogeneic" and 0 < unstated < n:
            low, high = exact_ci(events, n - unstated)
            kind += f"; {events} of the {n - unstated} stating a cell source, "
            kind += f"{events / (n - unstated):.0%}, {low:.0f}–{high:.0f}%"
        kinds.append(kind + ")")
    return f"{country} ({n} trials, cell source not stated in {unstated}): " + ", ".join(kinds)
