"""Does it last, and is it better than standard care: survival per study, randomized HRs."""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.durability import (
    LEFT_OUT_LEAD,
    MEDIANS_NOT_POOLED,
    POOLING_CAVEAT,
    POOLING_METHOD,
    HeadlineHazardRatio,
    PooledHazardRatio,
    comparisons_frame,
    headline_hazard_ratios,
    left_out_unpooled,
    median_text,
    missing_hazard_ratios,
    missing_hazard_ratios_said,
    pooled_hazard_ratios_of,
    survival_counts,
    survival_frame,
    trial_rows,
    unpooled_without_ci,
)
from cartatlas.analyses.study_labels import study_labels, study_lines
from cartatlas.evidence.absence import hazard_ratio_gaps_said, no_survival
from cartatlas.missing import is_missing
from cartatlas.report.context import ReportContext
from cartatlas.report.durability_figures import hazard_ratio_forest, landmark_plot
from cartatlas.report.model import Figure, Paragraph, Section, Table
from cartatlas.report.sections.common import cite_marked
from cartatlas.wording import counted

ENDPOINT_ORDER = ("OS", "PFS", "EFS", "DOR")


#: Beside every landmark figure: its series are different trials, not one population.
LANDMARKS_UNLIKE = (
    "Not like for like: trials differ in line of therapy (in brackets in the legend), in "
    "population and in when the clock starts (randomization in randomized trials, infusion in "
    "single-arm ones), so a higher point does not mean a better product."
)
#: The abbreviations the lead and tables use, in words a patient's family can read.
WORDS = (
    "OS (overall survival): the share of patients alive; PFS (progression-free survival): alive "
    "without the disease growing or coming back; EFS (event-free survival): alive without such "
    "an event, where trials also count starting a new treatment or not responding (each trial "
    "defines its events); DOR (duration of response): how long responders stay in response; "
    "median: the time by which half the patients had the event ('not reached': fewer than half "
    "had it by the last follow-up); HR (hazard ratio): the rate of the event with CAR-T relative "
    "to standard care, below 1 favouring CAR-T (0.4: 60% lower)."
)


def _country(value: object) -> str:
    return value if isinstance(value, str) and value else "not stated"


def _study_cell(row: dict) -> str:
    """A table's study cell: the study's name with its product ("TRANSFORM
    (lisocabtagene-maraleucel)"); a study of no recorded product (an academic construct such as
    LEGEND-2's LCAR-B38M) by its name alone, never "(nan)"."""
    product = row["product_id"]
    return row["name"] if is_missing(product) else f"{row['name']} ({product})"


def _survival_tables(ctx: ReportContext, rows: pd.DataFrame) -> list:
    """Per indication: one table of CAR-T-arm medians and landmark rates per study, grouped by
    country of conduct (the countries compared, then multinational trials), and its figure."""
    blocks: list = []
    order = {c: i for i, c in enumerate([*ctx.countries, "multinational"])}
    car_t = rows[rows["arm"] == "car-t"]
    for indication, part in car_t.groupby("indication", sort=True):
        part = part.assign(_c=part["country_of_conduct"].map(order).fillna(len(order)))
        table_rows = []
        for row in part.sort_values(["_c", "study_id", "source_line"]).to_dict("records"):
            what = (
                f"{int(row['landmark_months'])}-month {row['endpoint']}"
                if row["statistic"] == "landmark"
                else f"median {row['endpoint']} (months)"
            )
            follow = row["follow_up_months"]
            table_rows.append(
                [
                    _country(row["country_of_conduct"]),
                    _study_cell(row),
                    what,
                    median_text(row),
                    "" if pd.isna(follow) else f"{follow:g}",
                    row["analysis"].replace("_", " "),
                    cite_marked(ctx.refs, row),
                ]
            )
        blocks.append(
            Table(
                f"Durability, {indication}: CAR-T arm, per study (95% CI where printed)",
                [
                    "country",
                    "study",
                    "measure",
                    "value",
                    "follow-up (months)",
                    "analysis",
                    "source",
                ],
                table_rows,
                note=MEDIANS_NOT_POOLED,
            )
        )
        landmarks = part[part["statistic"] == "landmark"]
        if not landmarks.empty:
            data = [
                [
                    r["study_id"],
                    r["endpoint"],
                    str(int(r["landmark_months"])),
                    median_text(r),
                    cite_marked(ctx.refs, r),
                ]
                for r in landmarks.to_dict("records")
            ]
            blocks.append(
                Figure(
                    f"Landmark survival over time, {indication}",
                    landmark_plot(landmarks, study_labels(ctx.store), study_lines(ctx.store)),
                    "Share of patients alive (OS), without progression / event (PFS, EFS), or "
                    "of responders still in response (DOR) at each printed landmark, CAR-T arm; "
                    "bars are the printed 95% CIs (none where the source gives none). "
                    f"{LANDMARKS_UNLIKE}",
                    Table(
                        "Landmark rates", ["study", "endpoint", "months", "rate", "source"], data
                    ),
                    slug=f"landmarks-{indication}",
                )
            )
    return blocks


def _comparison_blocks(ctx: ReportContext, comparisons: pd.DataFrame) -> tuple[list, list[str]]:
    rows = []
    for row in comparisons.to_dict("records"):
        hr = "not reported" if pd.isna(row["hr"]) else f"{row['hr']:g}"
        if not pd.isna(row["ci_low"]):
            hr += f" ({row['ci_low']:g}–{row['ci_high']:g})"
        rows.append(
            [
                _study_cell(row),
                row["indication"],
                row["endpoint"] + (" (primary)" if row["primary_endpoint"] else ""),
                row["analysis"].replace("_", " "),
                hr,
                "" if is_missing(row["p_value"]) else row["p_value"],
                "" if pd.isna(row["crossover_percent"]) else f"{row['crossover_percent']:g}%",
                row["status"],
                cite_marked(ctx.refs, row),
            ]
        )
    table = Table(
        "Randomized CAR-T vs standard of care: hazard ratios as printed (< 1 favours CAR-T)",
        [
            "trial",
            "indication",
            "endpoint",
            "analysis",
            "HR (95% CI)",
            "p",
            "crossover",
            "status",
            "source",
        ],
        rows,
    )
    pooled = pooled_hazard_ratios_of(ctx.store)
    sentences = []
    for p in pooled:
        low, high = p.ci
        plow, phigh = p.pi
        sentences.append(
            f"{p.indication} {p.endpoint} ({', '.join(p.rows['name'])}): pooled HR {p.hr:.2f} "
            f"(95% CI {low:.2f}–{high:.2f}, prediction interval {plow:.2f}–{phigh:.2f}, "
            f"I² {p.result.i2:.0f}%; {p.caveat})"
        )
    trials = trial_rows(comparisons)
    figure = Figure(
        "Hazard ratios of the randomized trials, and pooled where two trials share a comparison",
        hazard_ratio_forest(trials, pooled, study_labels(ctx.store)),
        f"Per trial the latest analysis with a printed 95% CI; pooled: {POOLING_METHOD}. "
        + POOLING_CAVEAT,
        Table(
            "Hazard ratios plotted",
            ["trial", "indication", "endpoint", "analysis", "HR", "95% CI", "source"],
            [
                [
                    r.name,
                    r.indication,
                    r.endpoint,
                    r.analysis.replace("_", " "),
                    f"{r.hr:g}",
                    f"{r.ci_low:g}–{r.ci_high:g}",
                    cite_marked(ctx.refs, r),
                ]
                for r in trials.itertuples()
            ],
        ),
        slug="hazard-ratios",
    )
    return [table, figure], sentences


def build(ctx: ReportContext) -> Section:
    survival = survival_frame(ctx.store)
    comparisons = comparisons_frame(ctx.store)
    if survival.empty and comparisons.empty:
        return Section(
            "durability",
            "Does it last?",
            "No data (no survival or hazard-ratio rows are recorded in the knowledge base).",
        )
    blocks = _survival_tables(ctx, survival)
    sentences: list[str] = []
    if not comparisons.empty:
        more, sentences = _comparison_blocks(ctx, comparisons)
        blocks += more
    unrecorded = missing_hazard_ratios(ctx.store)
    pooled = pooled_hazard_ratios_of(ctx.store) if not comparisons.empty else []
    weak = left_out_unpooled(comparisons, pooled) if not comparisons.empty else []
    if unrecorded:
        blocks.append(Paragraph(missing_hazard_ratios_said(unrecorded)))
    blocks.append(Paragraph(MEDIANS_NOT_POOLED))
    detail = (
        "Median and landmark survival per registrational and other trials are listed per "
        "indication and country of conduct; most registrational trials are multinational. "
        + (
            "Pooled hazard ratios vs standard of care (random effects on the log scale): "
            + "; ".join(sentences)
            + "."
            if sentences
            else "No two randomized trials share an indication and endpoint, so no hazard "
            "ratio is pooled."
        )
        + (f" {LEFT_OUT_LEAD}: {'; '.join(weak)}." if weak else "")
    )
    blocks.insert(0, Paragraph(detail))
    caveats = [
        WORDS,
        MEDIANS_NOT_POOLED,
        POOLING_CAVEAT,
        "Crossover from the standard-of-care arm to CAR-T (shown where the trial reports it) "
        "pulls overall-survival hazard ratios towards 1.",
        "Landmark rates are Kaplan-Meier estimates read from the publications; where a source "
        "prints no interval, none is drawn.",
    ]
    return Section(
        "durability",
        "Does it last? Survival and randomized evidence",
        short_answer(ctx, survival, comparisons, pooled, unrecorded),
        blocks,
        caveats,
    )


#: Where the short answer sends a reader for everything it leaves out.
SEE_DETAIL = "Every study and caveat: see Durability."


def short_answer(
    ctx: ReportContext,
    survival: pd.DataFrame,
    comparisons: pd.DataFrame,
    pooled: list[PooledHazardRatio],
    unrecorded: list[str],
) -> str:
    """Two or three sentences a patient can read: per country how many studies and products
    report survival, each indication's primary randomized hazard ratio (the value and sources
    the durability tables and the pooled estimates give, weak sources marked), the randomized
    trials with no hazard ratio recorded (``unrecorded``: a headline silently without one would
    look firmer than it is), and where the rest is. The full statement opens the section's
    blocks."""
    counts = survival_counts(survival, [*ctx.countries, "multinational"])
    said = [
        f"{studies} ({counted(products, 'product')}) {_in(place)}"
        if studies or place == "multinational"
        else f"in {place}, {no_survival(place)}"
        for place, (studies, products) in counts.items()
    ]
    text = f"Studies recording survival after CAR-T: {'; '.join(said)}."
    headlines = headline_hazard_ratios(comparisons, pooled) if not comparisons.empty else []
    if headlines:
        text += (
            " Randomized vs standard care, primary endpoint (HR < 1 favours CAR-T): "
            + "; ".join(_headline_said(ctx, h, comparisons) for h in headlines)
            + (f"; {hazard_ratio_gaps_said(unrecorded, pointer=False)}" if unrecorded else "")
            + "."
        )
    return f"{text} {SEE_DETAIL}"


def _in(place: str) -> str:
    return "in several countries" if place == "multinational" else f"in {place}"


def _headline_said(ctx: ReportContext, h: HeadlineHazardRatio, comparisons: pd.DataFrame) -> str:
    low, high = h.ci
    sources = " ".join(cite_marked(ctx.refs, row) for row in h.rows.to_dict("records"))
    if h.pooled:
        # the page's caveat in a few words: a pooled interval that spans 1 only because it is
        # wider than each trial's own (two trials give a t interval on 1 degree of freedom)
        # says less than the trials do, so their own HRs are given beside it
        wide = ""
        if h.pooled.wider_than_each and low < 1 < high:
            own = ", ".join(
                f"{r.study_id} {r.hr:g} ({r.ci_low:g}–{r.ci_high:g})" for r in h.rows.itertuples()
            )
            each = "either" if len(h.rows) == 2 else "every"
            wide = f", wider than {each} trial's own: {own}"
        # a trial of the same comparison whose HR has no CI is not pooled; the headline says so
        # rather than let the pool stand for every trial (BELINDA's EFS 1.07 beside LBCL EFS)
        left = unpooled_without_ci(comparisons, h.indication, h.endpoint, set(h.rows["study_id"]))
        unpooled = "".join(f"; {r.study_id} {r.hr:g} not pooled, no CI" for r in left.itertuples())
        number = (
            f"{h.hr:.2f} (95% CI {low:.2f}–{high:.2f}, {len(h.rows)} trials pooled{wide}{unpooled})"
        )
    else:
        (row,) = h.rows.itertuples()
        where = _country(row.country_of_conduct)
        number = f"{h.hr:g} (95% CI {low:g}–{high:g}, {row.study_id}, {where})"
    return f"{h.indication} {h.endpoint} {number} {sources}"
