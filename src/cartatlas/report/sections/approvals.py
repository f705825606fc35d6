"""2. Approvals: products, indications and dates by agency, and the lag between countries."""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.approvals import (
    CHOICE_RULE,
    LAG_DEFINITION,
    RECORDED_ONLY,
    approved_product_counts,
    first_approvals,
    lag_summary,
    lag_uncertainty,
    oriented_lag,
    product_lag,
)
from cartatlas.evidence.absence import no_approvals, no_data
from cartatlas.evidence.jurisdictions import shown_brand
from cartatlas.evidence.source_strength import WEAK, label
from cartatlas.missing import is_missing
from cartatlas.report.context import ReportContext
from cartatlas.report.figures import timeline
from cartatlas.report.model import Figure, Paragraph, Section, Table
from cartatlas.report.sections.common import LINES_OF_THERAPY, cite_row
from cartatlas.wording import and_list, in_words, noun


def _text(value: object, empty: str = "") -> str:
    return empty if is_missing(value) else str(value)


def _agency(row: object) -> str:
    """``EMA (EU)`` for an EU approval shown under a member state, else the agency."""
    via = getattr(row, "via", None)
    return f"{row.agency} ({via})" if isinstance(via, str) else row.agency


def _sources(ctx: ReportContext, frame: pd.DataFrame, country: str) -> str:
    """The reference markers of a country's approval rows (each approval cites its source)."""
    rows = frame[frame["country"] == country]
    return " ".join(dict.fromkeys(cite_row(ctx.refs, r) for r in rows.itertuples()))


def _first(row: pd.Series, country: str) -> str:
    """ "2022-02-28 (5L+, adult, full)": a side's first approval with its line, population and
    kind, so a reader sees whether the two approvals compared are alike; empty where the side
    has none."""
    if is_missing(row.get(f"product_id_{country}", row.get("product_id"))):
        return ""
    detail = [
        _text(row[f"line_of_therapy_{country}"], "line not stated"),
        in_words(_text(row[f"population_{country}"], "population not stated")),
        _text(row[f"kind_{country}"], "kind not stated"),
    ]
    kind = row.get(f"date_source_kind_{country}")
    if kind in WEAK:  # the lag rests on it: said beside the date (analyses.approvals.weakly_dated)
        detail.append(f"dated only by a {label(kind)} page")
    return f"{_text(row[f'approval_date_{country}'], 'no date recorded')} ({', '.join(detail)})"


def _lag_cell(row: pd.Series, a: str, b: str) -> str:
    """ "+44", "+4 (± 1 month …)" when a date is known only to the month; empty for no lag."""
    if pd.isna(row["lag_months"]):
        return ""
    unit = lag_uncertainty(row[f"approval_date_{a}"], row[f"approval_date_{b}"])
    return f"{row['lag_months']:+.0f}" + (f" (± {unit})" if unit else "")


def _indication(frame: pd.DataFrame, countries: list[str], target: str, indication: str) -> str:
    """An indication as a reader can read it: the bucket "other" (NexCAR19 in India: "CD19
    other") with what the approval's source says it covers."""
    if indication != "other":
        return indication
    rows = frame[
        frame["country"].isin(countries)
        & (frame["indication"] == "other")
        & frame["targets"].str.split("|").apply(lambda targets: target in targets)
    ]
    said = list(dict.fromkeys(rows["indication_label"].dropna()))
    return f"other indication ({'; '.join(said)})" if said else "other indication"


def _lag_blocks(frame: pd.DataFrame, countries: list[str]) -> tuple[str, list]:
    """The lag sentences of the short answer (median lag of target and indication, what is
    approved in one country only), and the blocks: each product's lag said in full first, then
    the two lag tables."""
    a, b, lag = oriented_lag(frame, countries)
    same = product_lag(frame, a, b)
    definition = LAG_DEFINITION.format(a=a, b=b)
    both = lag["lag_months"].dropna()
    text = ""
    blocks: list = []
    if len(same):
        blocks.append(
            Paragraph(
                f"Same product, same indication (lag = {definition}): "
                + "; ".join(
                    f"{r.product_id} {r.indication} {r.lag_months:+.0f} months "
                    f"({r[f'approval_date_{a}']} → {r[f'approval_date_{b}']})"
                    for _, r in same.iterrows()
                )
                + "."
            )
        )
    # With more than two countries the lag still compares two: it says which, and a target and
    # indication approved in one of them is "not in" the other, not "only" there (Spain, also
    # compared, may have it).
    many = len(countries) > 2
    if many:
        others = [c for c in countries if c not in (a, b)]
        text += (
            f" Lag between {a} and {b}, the first two countries named (the lag compares two; "
            f"for {and_list(others)}, run cartatlas approvals --lag --countries {a} {others[0]})."
        )
    if len(both):
        text += f" Same target and indication, any product: {lag_summary(lag, a, b)}"
    for country in (a, b):
        only = lag[lag["status"].str.startswith(f"approved in {country} only")]
        if len(only):
            other = b if country == a else a
            head = (
                f" Approved in {country}, not in {other}: "
                if many
                else f" Approved in {country} only (no approval recorded in {other}): "
            )
            text += (
                head
                + ", ".join(
                    f"{r.target} {_indication(frame, [country], r.target, r.indication)}"
                    for r in only.itertuples()
                )
                + "."
            )
            # "India's approval of NexCAR19 for … B-cell lymphomas and leukaemia … is not
            # matched to LBCL": said once, so "only" does not read as none there at all.
            unmatched = dict.fromkeys(
                status.split("; ", 1)[1].rsplit(" is not matched to ", 1)[0]
                for status in only["status"]
                if " is not matched to " in status
            )
            if unmatched:
                text += f" {'; '.join(unmatched)}: an indication not matched to one of these codes."
    if len(same):
        text += " Each product's lag: see Approvals."
    blocks += [
        Table(
            f"Lag, same product: months from first approval in {a} to first in {b}",
            ["product", "indication", f"first in {a}", f"first in {b}", "lag (months)"],
            [
                [
                    r["product_id"],
                    r["indication"],
                    _first(r, a),
                    _first(r, b),
                    _lag_cell(r, a, b),
                ]
                for _, r in same.iterrows()
            ],
            note=f"Lag: {definition}. Only products approved in both countries. Each date is "
            "the product's first approval for the indication there, with its line of therapy, "
            "population and kind (full, accelerated, conditional): the two may differ.",
        ),
        Table(
            f"Lag, same target and indication (any product): {a} → {b}",
            [
                "target",
                "indication",
                f"first in {a}",
                "date",
                f"first in {b}",
                "date",
                "lag (months)",
            ],
            [
                [
                    r["target"],
                    _indication(frame, [a, b], r["target"], r["indication"]),
                    _text(r[f"product_id_{a}"], "none recorded"),
                    _first(r, a),
                    _text(r[f"product_id_{b}"], "none recorded"),
                    _first(r, b),
                    _lag_cell(r, a, b) or r["status"],
                ]
                for _, r in lag.iterrows()
            ],
            note=f"Lag: {definition}. A target and indication approved in one country only, or "
            "whose approval date is not recorded, has no lag (said in the lag column), never 0.",
        ),
    ]
    return text, blocks


#: A product with no brand recorded anywhere (satri-cel); one approved in a country whose brand
#: there no stored source names (cilta-cel in China: the NMPA approval's sources say only
#: "ciltacabtagene autoleucel (cilta-cel)") shows its brand elsewhere, marked as such, never as
#: the local brand, which may differ (``shown_brand``).
NO_BRAND = no_data("no source names its brand here")


def _firsts_table(frame: pd.DataFrame, countries: list[str]) -> Table:
    """Three or four countries: each one's first approval per target and indication."""
    firsts = first_approvals(frame, countries)
    return Table(
        "First approval per target and indication, each country",
        list(firsts.columns),
        firsts.values.tolist(),
        note=f"The lags above compare {countries[0]} and {countries[1]}; for another pair, "
        f"`cartatlas approvals --countries {countries[2]} {countries[0]} --lag`. "
        "'none recorded': no approval of a product with that target for that indication is "
        "recorded for the country.",
    )


def build(ctx: ReportContext) -> Section:
    frame = ctx.approvals
    if frame.empty:
        answer = "; ".join(no_approvals(c) for c in ctx.countries) + "."
        return Section("approvals", "Approvals", answer[0].upper() + answer[1:])
    rows = [
        [
            r.country,
            _agency(r),
            r.product_id,
            shown_brand(r.brands, r.country) or NO_BRAND,
            r.targets,
            _indication(frame, [r.country], r.targets.split("|")[0], r.indication),
            _text(r.line_of_therapy),
            in_words(_text(r.population)),
            _text(r.approval_date, no_data("the source gives no date")),
            _text(r.kind, "not stated"),
            cite_row(ctx.refs, r),
            r.alternative_sources or "—",
            r.choice,
        ]
        for r in frame.itertuples()
    ]
    table = Table(
        "Approvals (one row per approval)",
        [
            "country",
            "agency",
            "product",
            "brand",
            "targets",
            "indication",
            "line",
            "population",
            "date",
            "kind",
            "source",
            "alternative sources",
            "choice",
        ],
        rows,
        note=f"Rule: {CHOICE_RULE}.",
    )
    counts = approved_product_counts(frame, ctx.countries)
    # The first dated approval, shown at the precision its source gives (2021-06, not 2021-06-01).
    firsts = frame.dropna(subset=["date"]).sort_values("date").groupby("country").first()
    answer_parts = [
        (
            f"{counts[c]} CAR-T {noun(counts[c], 'product')} approved in {c}"
            + (
                f" (first recorded: {firsts.loc[c, 'approval_date']})"
                if c in firsts.index
                else " (no approval date recorded)"
            )
            + f" {_sources(ctx, frame, c)}"
        )
        if counts[c] is not None
        else f"{c}: {no_approvals(c)}"
        for c in ctx.countries
    ]
    answer = "; ".join(answer_parts) + "."
    blocks: list = []
    if len(ctx.countries) >= 2 and all(counts[c] is not None for c in ctx.countries[:2]):
        lag_text, blocks = _lag_blocks(frame, ctx.countries)
        answer += lag_text
    if len(ctx.countries) > 2:
        blocks.append(_firsts_table(frame, ctx.countries))
    blocks.insert(
        0,
        Figure(
            "Timeline of approvals",
            timeline(frame, ctx.countries),
            "Each marker is a product's approval in a country; approvals for several "
            "indications on the same day share one marker (the table below lists each).",
            data=table,
            slug="approvals-timeline",
        ),
    )
    caveats = [
        "An EU approval (European Commission, on the EMA's opinion) is shown under each "
        "requested EU/EEA state as 'EMA (EU)', on the date its source gives for the Commission "
        "decision (mostly the company's announcement of it, which can follow the decision by a "
        "few days); it applied in the United Kingdom until the end of 2020.",
        "Approval dates come from agency or company announcements; where a source gives "
        "only a month, the date is placed at the start of that month for ordering.",
        f"{CHOICE_RULE[0].upper()}{CHOICE_RULE[1:]}.",  # the rule opens "one row per approval"
        "'kind' is left empty where no source states whether an approval was full, "
        "accelerated or conditional.",
        RECORDED_ONLY,
        LINES_OF_THERAPY,
    ]
    return Section("approvals", "Approvals", answer, blocks, caveats)
