"""1. Success rates: response per indication, pooled by country of conduct, with the test."""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.study_rows import SELECTION_RULE, code_names
from cartatlas.analyses.success_rates import CountryPooling, difference_wording, pool_by_country
from cartatlas.report.context import ReportContext
from cartatlas.report.figures import svg
from cartatlas.report.model import Figure, Paragraph, Section, Table
from cartatlas.report.sections.common import cite_row, interval, pct, pvalue
from cartatlas.stats import forest_plot

INDICATIONS = ("LBCL", "B-ALL", "MM", "FL", "MCL")
NAMES = {
    "LBCL": "Large B-cell lymphoma",
    "B-ALL": "B-cell acute lymphoblastic leukaemia",
    "MM": "Multiple myeloma",
    "FL": "Follicular lymphoma",
    "MCL": "Mantle cell lymphoma",
}


def summary_sentence(pooling: CountryPooling, what: str) -> str:
    """ "CR was 52% (44–60%) in CN (3 studies, 160 patients); …; test: p = 0.4 (…)"."""
    parts = []
    for country, s in pooling.summaries.items():
        basis = f"{s.k} studies, pooled" if s.k > 1 else "1 study, exact CI"
        parts.append(
            f"{pct(s.estimate)} ({interval(s.ci_low, s.ci_high)}) in {country} "
            f"({basis}, {s.patients} patients)"
        )
    text = f"{what} was " + "; ".join(parts)
    c = pooling.comparison
    if c is not None:
        text += (
            f"; test for a difference between countries ({c.test}): {pvalue(c.p)} "
            f"({difference_wording(c.p)})"
        )
    for country in pooling.missing:
        text += f"; no data for {country} (no study conducted there reports it)"
    return text + "."


def _pooled_table(poolings: dict[str, CountryPooling], indication: str) -> Table:
    rows = []
    for endpoint, pooling in poolings.items():
        c = pooling.comparison
        for country, s in pooling.summaries.items():
            many = s.k > 1
            rows.append(
                [
                    indication,
                    endpoint,
                    country,
                    str(s.k),
                    str(s.patients),
                    pct(s.estimate, 1),
                    interval(s.ci_low, s.ci_high),
                    interval(s.pi_low, s.pi_high) if many else "—",
                    f"{s.i2:.0f}%" if many else "—",
                    f"{pvalue(c.p)} ({c.test})" if c else "—",
                ]
            )
        for country in pooling.missing:
            rows.append([indication, endpoint, country, "0", "0", "no data", "", "", "", ""])
    return Table(
        f"Rates by country of conduct, {indication}",
        [
            "indication",
            "endpoint",
            "country",
            "studies",
            "patients",
            "rate",
            "95% CI",
            "95% PI",
            "I²",
            "difference",
        ],
        rows,
        note="Several studies: pooled estimate; one study: its own proportion with an exact "
        "(Clopper–Pearson) CI. PI: 95% prediction interval, the range expected for the rate in "
        "a new study of the same kind. I²: share of variation due to real differences "
        "between studies.",
    )


def _differences(pooling: CountryPooling) -> Table:
    """What differs besides country: line, real-world share, assessor, denominator, follow-up."""
    rows = []
    for country, part in pooling.rows.groupby("country", sort=False):
        follow = pd.to_numeric(part["median_follow_up_months"], errors="coerce").dropna()
        rows.append(
            [
                country,
                ", ".join(sorted({str(v) for v in part["line_of_therapy"].dropna()}))
                or "not stated",
                f"{int(part['real_world'].astype(bool).sum())} of {len(part)}",
                ", ".join(sorted({str(v) for v in part["assessor"].dropna()})) or "not stated",
                ", ".join(sorted({str(v) for v in part["denominator"].dropna()})),
                f"{follow.min():.0f}–{follow.max():.0f}" if len(follow) else "not stated",
            ]
        )
    return Table(
        "What differs besides country (studies pooled for complete response)",
        [
            "country",
            "line of therapy",
            "real-world cohorts",
            "response assessor",
            "denominator",
            "median follow-up (months)",
        ],
        rows,
    )


def _studies_table(ctx: ReportContext, pooling: CountryPooling) -> Table:
    rows = [
        [
            row.country,
            f"{row.name} ({row.product})",
            code_names([row.code]),
            str(row.analysis),
            f"{row.events}/{row.n}",
            pct(row.events / row.n, 1),
            cite_row(ctx.refs, row),
        ]
        for row in pooling.rows.itertuples()
    ]
    return Table(
        "Studies behind the forest plot",
        ["country", "study", "endpoint", "analysis", "events/n", "rate", "source"],
        rows,
    )


def _indication_blocks(ctx: ReportContext, indication: str) -> tuple[list, str | None]:
    poolings = {e: pool_by_country(ctx.store, indication, e, ctx.countries) for e in ("CR", "ORR")}
    cr = poolings["CR"]
    title = f"{NAMES[indication]} ({indication})"
    if not cr.has_data and not poolings["ORR"].has_data:
        where = " or ".join(ctx.countries)
        return [
            Paragraph(
                f"**{title}**: no data — no study conducted in {where} reports a response rate."
            )
        ], None
    sentence = (
        summary_sentence(cr, f"complete response ({code_names(cr.rows['code'])})")
        if cr.has_data
        else "no CR data."
    )
    blocks: list = [Paragraph(f"**{title}**: {sentence}"), _pooled_table(poolings, indication)]
    if cr.result is not None:
        plot = forest_plot(
            cr.result,
            title=f"Complete response — {indication}",
            xlabel="Complete response",
            percent=True,
        )
        blocks.append(
            Figure(
                f"Forest plot: complete response in {indication}, by country of conduct",
                svg(plot),
                f"Model: {cr.method_note}. Squares: single studies with exact 95% CIs; diamonds: "
                "pooled estimates; bars beneath: 95% prediction intervals.",
                data=_studies_table(ctx, cr),
                slug=f"forest-{indication}",
            )
        )
    if cr.has_data:
        blocks.append(_differences(cr))
    return blocks, f"{indication}: {sentence}" if cr.has_data else None


def build(ctx: ReportContext) -> Section:
    blocks: list = []
    answers = []
    for indication in INDICATIONS:
        found, answer = _indication_blocks(ctx, indication)
        blocks.extend(found)
        if answer:
            answers.append(answer)
    answer = (
        "Complete-response rates from studies conducted in each country, pooled by "
        "meta-analysis.\n"
        + ("\n".join(answers) if answers else "No indication has data for these countries.")
    )
    caveats = [
        "These are comparisons between studies, not randomized comparisons: populations, lines "
        "of therapy, products, response assessors and follow-up differ (see each table).",
        f"Selection: {SELECTION_RULE}.",
        "A study counts for a country when all its treating sites, or at least 80% of them, "
        "are there; multinational pivotal trials are in the knowledge base but not pooled by "
        "country.",
        "Published cohorts are a selection of the literature: small single-centre studies with "
        "good results are more likely to be published.",
    ]
    return Section("success", "Success rates", answer, blocks, caveats)
