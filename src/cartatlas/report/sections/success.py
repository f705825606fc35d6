"""1. Success rates: response per indication, pooled by country of conduct, with the test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from cartatlas.analyses.figures import forest_title, subgroup_test_note
from cartatlas.analyses.like_for_like import (
    ASSIGNMENT_RULE,
    same_products,
    with_multinational,
)
from cartatlas.analyses.populations import (
    POPULATION_RULE,
    SUBGROUP_RULE,
    apart_rule,
    apart_sentence,
    population_label,
)
from cartatlas.analyses.response_floors import FLOOR_RULE, floor_sentence
from cartatlas.analyses.study_labels import study_labels
from cartatlas.analyses.study_rows import (
    ANALYSIS_PREFERENCE,
    LATER_RULE,
    SELECTION_RULE,
    code_names,
)
from cartatlas.analyses.success_rates import (
    CountryPooling,
    absent_reason,
    country_absence,
    difference_wording,
    later_sentence,
    pool_by_country,
)
from cartatlas.evidence.absence import no_cohorts, no_data
from cartatlas.evidence.queries import exact_ci
from cartatlas.evidence.source_strength import is_weak
from cartatlas.missing import is_missing
from cartatlas.report import parts as kept
from cartatlas.report.context import ReportContext
from cartatlas.report.figures import svg
from cartatlas.report.model import Figure, Paragraph, Section, Table
from cartatlas.report.sections.common import cite_marked, interval, pct
from cartatlas.rounding import half_up
from cartatlas.wording import and_list, counted, part_of, pvalue, was

INDICATIONS = ("LBCL", "B-ALL", "MM", "FL", "MCL")
NAMES = {
    "LBCL": "Large B-cell lymphoma",
    "B-ALL": "B-cell acute lymphoblastic leukaemia",
    "MM": "Multiple myeloma",
    "FL": "Follicular lymphoma",
    "MCL": "Mantle cell lymphoma",
}


def _weak_count(pooling: CountryPooling, country: str) -> tuple[int, int]:
    """How many of the rows a country's pooled rate rests on were read on news pages, of how
    many: every headline rate marks them, as the table below it does (secondary pages never
    enter a pool)."""
    kinds = pooling.rows.loc[pooling.rows["country"] == country, "source_kind"]
    return sum(is_weak(k) for k in kinds), len(kinds)


def _weak_rows(pooling: CountryPooling, country: str) -> str:
    """ "; 3 of 9 from news pages" beside the full statement's rate."""
    weak, rows = _weak_count(pooling, country)
    if not weak:
        return ""
    return "; from a news page" if rows == 1 else f"; {weak} of {rows} from news pages"


def _spread(s) -> str:
    """ ", 95% prediction interval 9–81%, I² 95%" beside a pooled rate: the CI says where the
    average lies, the prediction interval where a new study's rate may fall; a pooled 40%
    (22–60%) over studies ranging from 15% to 70% must say so beside the number, not only in
    the table below it. Nothing for one study (its exact CI is all there is)."""
    if s.k < 2 or s.pi_low is None or s.pi_high is None:
        return ""
    return f", 95% prediction interval {interval(s.pi_low, s.pi_high)}, I² {s.i2:.0f}%"


def summary_sentence(pooling: CountryPooling, what: str) -> str:
    """ "CR was 52% (44–60%) in CN (3 studies, 160 patients); …; test: p = 0.4 (…)"."""
    parts = []
    for country, s in pooling.summaries.items():
        basis = f"{s.k} studies, pooled" if s.k > 1 else "1 study, exact CI"
        parts.append(
            f"{pct(s.estimate)} ({interval(s.ci_low, s.ci_high)}) in {country} "
            f"({basis}, {s.patients} patients{_weak_rows(pooling, country)})" + _spread(s)
        )
    text = f"{what} was " + "; ".join(parts)
    c = pooling.comparison
    if c is not None:
        text += (
            f"; test for a difference between countries ({c.test}): {pvalue(c.p)} "
            f"({difference_wording(c.p)})"
        )
    for country in pooling.missing:
        text += f"; {country}: {country_absence(pooling, country)}"
    if pooling.left_out:
        text += f"; not in this pool, as they report no such row: {'; '.join(pooling.left_out)}"
    if floors := floor_sentence(pooling.floors):
        text += f"; of these, {floors}"
    if pooling.secondary_only:
        text += (
            "; not in this pool, as their only source is a secondary page (listed in the "
            f"tables, marked): {'; '.join(pooling.secondary_only)}"
        )
    if apart := apart_sentence(pooling.apart):
        text += f"; {apart}"
    if later := later_sentence(pooling.later):
        text += f"; {later}"
    if c is not None:
        text += f". Caveat: {caveat(pooling)}"
    return text + ("" if text.endswith(".") else ".")


def short_line(pooling: CountryPooling) -> str:
    """ "MM: 72% (63–80%) in CN (9 studies, 3 from news) vs 41% (27–57%) in US (6 studies),
    p < 0.001": one indication of the short answer, with the same rates,
    weak-source marks and test as ``summary_sentence`` gives in full below it."""
    c = pooling.comparison
    text = f"{pooling.indication}: " + " vs ".join(
        f"{pct(s.estimate)} ({interval(s.ci_low, s.ci_high)}) in {country} "
        f"({counted(s.k, 'study', 'studies')}{_news(pooling, country)})"
        for country, s in pooling.summaries.items()
    )
    text += f", {pvalue(c.p)}" if c is not None else ""
    above = _floors_above(pooling)
    if not above.empty:
        # the highest floor per country, short: the answer card is capped (the full list of
        # floors is in the indication's statement below)
        top = above.sort_values("percent", ascending=False).drop_duplicates("country")
        text += (
            " ("
            + "; ".join(
                f"{r.study_id} ({r.country}), {r.name} only, not pooled: CR at least "
                f"{half_up(r.percent):.0f}%"
                for r in top.itertuples()
            )
            + ")"
        )
    return text


def _floors_above(pooling: CountryPooling) -> pd.DataFrame:
    """The complete-response floors (cohorts reporting only an sCR or MRD-negative CR) above
    the upper CI bound of their own country's pooled rate: the short answer names them, since
    "MM: … 40% (22–60%) in US, p = 0.003" read as US myeloma CAR-T responding half as often
    while CARTITUDE-1, left out for printing only its sCR, responded completely in at least
    67%."""
    floors = pooling.floors
    if floors.empty:
        return floors
    top = {country: s.ci_high for country, s in pooling.summaries.items()}
    above = [
        country in top and percent / 100 > top[country]
        for country, percent in zip(floors["country"], floors["percent"], strict=True)
    ]
    return floors[pd.Series(above, index=floors.index, dtype=bool)]


def _news(pooling: CountryPooling, country: str) -> str:
    """ ", 3 from news" beside the short answer's count of studies."""
    weak, rows = _weak_count(pooling, country)
    return "" if not weak else ", from news" if rows == 1 else f", {weak} from news"


def short_gaps(poolings: list[CountryPooling], countries: list[str]) -> list[str]:
    """The countries without a rate, each said once for all its indications ("KR: no data (no
    cohort conducted in KR reports CR in LBCL, B-ALL and MM)"), and per indication where a
    reason other than no cohort applies (only special populations, only secondary pages) or a
    cohort there sets a complete-response floor ("ES B-ALL: complete response at least 71% in
    CART19-BE-01 (ES; MRD-negative CR 27/38)"), so the floor is not lost behind "no data"."""
    uncovered: dict[str, list[str]] = {c: [] for c in countries}
    other = []
    for pooling in poolings:
        for country in pooling.missing:
            if reason := absent_reason(pooling, country):
                other.append(f"{country} {pooling.indication}: {reason}")
            else:
                uncovered[country].append(pooling.indication)
            floors = pooling.floors
            if not floors.empty and (here := floors[floors["country"] == country]).size:
                other.append(f"{country} {pooling.indication}: {floor_sentence(here, rule=False)}")
    # "CR": the lead these gaps end has named it "Complete response (CR)" already
    said = [f"{c}: {no_cohorts(c, 'CR', and_list(i))}" for c, i in uncovered.items() if i]
    return said + other


def _follow_up(months: pd.Series, cohorts: int) -> str:
    """The span of the cohorts' median follow-up, one number when it is one, and how many of the
    pooled cohorts report it, so one study's 19 months does not read as every cohort's."""
    follow = pd.to_numeric(months, errors="coerce").dropna()
    if follow.empty:
        return "not stated"
    low, high = f"{follow.min():.0f}", f"{follow.max():.0f}"
    span = low if low == high else f"{low}–{high}"
    return span if len(follow) == cohorts else f"{span} ({part_of(len(follow), cohorts, 'cohort')})"


def _tally(values: pd.Series, order: tuple[str, ...] = ()) -> str:
    """ "IRC 2, not stated 5": each value with the number of pooled cohorts that have it, the
    unstated ones counted too. A bare "IRC" for a pool of seven, five of them real-world
    cohorts without independent review, would tell a reader every response was reviewed;
    "primary 6, longer follow-up 3" says a pool takes later reports, in which complete
    responses deepen (in myeloma above all), so it is not like for like with one that does not."""
    counts = values.map(
        lambda v: "not stated" if is_missing(v) or v == "" else str(v)
    ).value_counts()
    last = len(order) + 1

    def place(name: str) -> tuple[int, str]:
        if name == "not stated":
            return (last, name)
        return (order.index(name) if name in order else len(order), name)

    names = sorted(counts.index, key=place)
    return ", ".join(f"{name.replace('_', ' ')} {counts[name]}" for name in names)


def _lines(part: pd.DataFrame) -> str:
    """ "2L and 3L+ (3 of 7 not stated)": the caveat's lines of therapy, and how many of the
    pooled cohorts state none, so two stated lines do not read as every cohort's."""
    stated = part["line_of_therapy"].dropna().astype(str)
    stated = stated[stated != ""]
    if stated.empty:
        return "not stated"
    lines = and_list(sorted(set(stated)))
    unstated = len(part) - len(stated)
    return f"{lines} ({unstated} of {len(part)} not stated)" if unstated else lines


#: Why a pool that mixes endpoint codes says so (B-ALL: CR/CRi where the paper reports it, else
#: CR): CR/CRi also counts remissions without full blood-count recovery, so a country whose
#: cohorts report it more often shows a higher rate with the same patients.
MIXED_ENDPOINTS = (
    "endpoints (CR/CRi also counts remissions without full blood-count recovery, which CR "
    "alone leaves out)"
)


def _endpoints(part: pd.DataFrame) -> str:
    """ "CR/CRi 4, CR 3": the endpoint each pooled cohort reports, counted."""
    return _tally(part["code"].map(lambda c: code_names([c])), ("CR/CRi", "CR"))


def _mixes_endpoints(pooling: CountryPooling) -> bool:
    return pooling.rows["code"].nunique() > 1


def caveat(pooling: CountryPooling) -> str:
    """What differs besides country, next to every country difference: product mix, line of
    therapy and real-world share, counted from the pooled rows, and the endpoint each cohort
    reports where the pool mixes them (``MIXED_ENDPOINTS``)."""
    mixed = _mixes_endpoints(pooling)
    parts = []
    for country, part in pooling.rows.groupby("country", sort=False):
        parts.append(
            f"{country} {counted(len(part), 'cohort')} of "
            f"{counted(part['product'].nunique(), 'product')}, "
            f"{int(part['real_world'].astype(bool).sum())} real-world, lines {_lines(part)}"
            + (f", endpoints {_endpoints(part)}" if mixed else "")
        )
    differing = (
        f"product mix, line of therapy, real-world share and {MIXED_ENDPOINTS}"
        if mixed
        else "product mix, line of therapy and real-world share"
    )
    return "; ".join(parts) + f" — {differing} differ, so this is not a country effect alone."


def _sensitivity(ctx: ReportContext, indication: str, main: CountryPooling) -> Table | None:
    """The main CR comparison beside one with multinational pivotal trials assigned to the
    country holding at least half of their registry sites."""
    if not ctx.has_registry:
        return None
    alt = with_multinational(ctx.store, indication, "CR", ctx.countries, ctx.site_counts)
    if not alt.has_data:
        return None
    rows = []
    for label, pooling in (("main (country of conduct)", main), ("with multinational", alt)):
        c = pooling.comparison
        for country, s in pooling.summaries.items():
            added = pooling.rows[
                (pooling.rows["country"] == country)
                & (pooling.rows.get("assigned_from", "") == "registry sites (multinational)")
            ]["study_id"]
            rows.append(
                [
                    label,
                    country,
                    str(s.k),
                    pct(s.estimate, 1),
                    interval(s.ci_low, s.ci_high),
                    pvalue(c.p) if c else "—",
                    ", ".join(added) or "—",
                ]
            )
    return Table(
        f"Sensitivity: complete response in {indication} with multinational pivotal trials",
        ["analysis", "country", "studies", "rate", "95% CI", "difference", "trials added"],
        rows,
        note=f"Assignment: {ASSIGNMENT_RULE}.",
    )


def _same_product(ctx: ReportContext) -> list:
    """Like for like: each product with its own trials in both countries."""
    blocks: list = []
    found = same_products(ctx.store, ctx.countries, ("ORR", "CR"), ctx.site_counts)
    for product, comparisons in found.items():
        rows, floors = [], []
        for comparison in comparisons:
            if floor := floor_sentence(comparison.pooling.floors, rule=False):
                floors.append(f"{comparison.indication}: {floor}")
            pooling = comparison.pooling
            c = pooling.comparison
            for country in ctx.countries:
                s = pooling.summaries.get(country)
                studies = pooling.rows.loc[pooling.rows["country"] == country, "study_id"]
                rows.append(
                    [
                        comparison.indication,
                        comparison.endpoint,
                        country,
                        ", ".join(studies) or "—",
                        f"{pct(s.estimate, 1)} ({interval(s.ci_low, s.ci_high)})"
                        if s
                        else no_cohorts(country, comparison.endpoint, comparison.indication),
                        f"{pvalue(c.p)} ({c.test})" if c else "—",
                    ]
                )
        blocks.append(
            Table(
                f"Same product in both countries: {product}",
                ["indication", "endpoint", "country", "studies", "rate (95% CI)", "difference"],
                rows,
                note="Only the evidence rows present; a study with one cohort shows its exact "
                f"CI. {ASSIGNMENT_RULE[0].upper()}{ASSIGNMENT_RULE[1:]}. Even for one product, "
                "line of therapy, follow-up and real-world share differ between the trials. "
                "Cohorts in special populations (CNS lymphoma, after prior CD19 CAR-T, …) and "
                "results of one dose level or a selected subgroup are left out, as in the pools "
                "above."
                + (
                    f" Not in the complete-response rows, as they print only a stringent CR: "
                    f"{'; '.join(floors)} ({FLOOR_RULE})."
                    if floors
                    else ""
                ),
            )
        )
    if blocks:
        blocks.insert(
            0,
            Paragraph(
                "**Like for like — the same product in both countries.** The most comparable "
                "CN vs US evidence: one product's results in its own trials in each country."
            ),
        )
    return blocks


def _pooled_table(poolings: dict[str, CountryPooling], indication: str) -> Table:
    rows = []
    for endpoint, pooling in poolings.items():
        c = pooling.comparison
        for number, (country, s) in enumerate(pooling.summaries.items()):
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
                    (pvalue(c.p) + ("" if number else f" ({c.test})")) if c else "—",
                ]
            )
        for country in pooling.missing:
            reason = country_absence(pooling, country)
            rows.append([indication, endpoint, country, "—", "—", reason, "", "", "", ""])
    apart = "; ".join(
        f"{endpoint}: {sentence}"
        for endpoint, pooling in poolings.items()
        if (sentence := apart_sentence(pooling.apart))
    )
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
        note=ENDPOINT_TERMS
        + " Several studies: pooled estimate; one study: its own proportion with an exact "
        "(Clopper–Pearson) CI. PI: 95% prediction interval, the range expected for the rate in "
        "a new study of the same kind. I²: share of variation due to real differences "
        "between studies." + (f" Not pooled — {apart}." if apart else ""),
    )


#: The endpoints in plain words beside every rates table: a reader who is not a haematologist
#: met "CR", "ORR" and "CR/CRi" with no explanation anywhere near the numbers.
ENDPOINT_TERMS = (
    "CR: complete response, no sign of the disease left on the tests used; ORR: overall "
    "response, complete or partial; CRi (B-ALL): complete response with incomplete recovery of "
    "blood counts; MRD-negative: no minimal residual disease found by a sensitive test."
)


def _differences(pooling: CountryPooling, what: str = "complete response") -> Table:
    """What differs besides country: line, real-world share, assessor, denominator, analysis and
    follow-up, each value counted over the cohorts pooled for ``what`` (``_tally``)."""
    mixed = _mixes_endpoints(pooling)
    rows = []
    for country, part in pooling.rows.groupby("country", sort=False):
        rows.append(
            [
                country,
                *([_endpoints(part)] if mixed else []),
                _tally(part["line_of_therapy"]),
                f"{int(part['real_world'].astype(bool).sum())} of {len(part)}",
                _tally(part["assessor"]),
                _tally(part["denominator"]),
                _tally(part["analysis"], ANALYSIS_PREFERENCE),
                _follow_up(part["median_follow_up_months"], len(part)),
            ]
        )
    return Table(
        f"What differs besides country (studies pooled for {what})",
        [
            "country",
            *(["endpoint (cohorts)"] if mixed else []),
            "line of therapy",
            "real-world cohorts",
            "response assessor",
            "denominator",
            "analysis (cohorts)",
            "median follow-up (months)",
        ],
        rows,
        note=f"Endpoint: the pool mixes {MIXED_ENDPOINTS}." if mixed else "",
    )


def _studies_table(
    ctx: ReportContext, pooling: CountryPooling, title: str = "Studies behind the forest plot"
) -> Table:
    rows = [
        [
            row.country,
            f"{row.name} ({row.product})",
            code_names([row.code]),
            str(row.analysis).replace("_", " "),
            f"{row.events}/{row.n}",
            pct(row.events / row.n, 1),
            _exact_ci_cell(row.events, row.n),
            cite_marked(ctx.refs, row),
        ]
        for row in pooling.rows.itertuples()
    ]
    weak = sum(is_weak(k) for k in pooling.rows["source_kind"])
    return Table(
        title,
        ["country", "study", "endpoint", "analysis", "events/n", "rate", "95% CI", "source"],
        rows,
        note=(
            f"{part_of(weak, len(rows), 'row')} {was(weak)} read on news or secondary pages "
            "(no journal, label or regulator page with the numbers was found); they are marked."
            if weak
            else ""
        ),
    )


def _exact_ci_cell(events: int, n: int) -> str:
    """A study's own exact (Clopper–Pearson) 95% CI in whole percent, as every table of single
    study rates prints it beside the rate."""
    return "–".join(f"{v:.0f}" for v in exact_ci(int(events), int(n))) + "%"


def _own_rates(
    ctx: ReportContext, frames: list[pd.DataFrame], describe: Callable[[Any], str]
) -> list[list[str]]:
    """One row per study row shown beside a pool, never in it: country, study, ``describe(row)``
    (why it is apart), endpoint, events/n, its own rate and exact CI, source."""
    return [
        [
            row.country,
            f"{row.name} ({row.product})",
            describe(row),
            code_names([row.code]),
            f"{row.events}/{row.n}",
            pct(row.events / row.n, 1),
            _exact_ci_cell(row.events, row.n),
            cite_marked(ctx.refs, row),
        ]
        for frame in frames
        for row in frame.itertuples()
    ]


def _apart_table(
    ctx: ReportContext, poolings: dict[str, CountryPooling], indication: str
) -> Table | None:
    """Each cohort in a special population, and each row of one dose level or selected subgroup
    of a trial, with its own rate and exact CI, marked with its population or the reason: shown,
    never pooled (``POPULATION_RULE``, ``SUBGROUP_RULE``). None when there is none."""
    frames = [p.apart for p in poolings.values()]
    rows = _own_rates(ctx, frames, lambda r: population_label(r.population_group, r.subgroup))
    if not rows:
        return None
    return Table(
        "Shown separately, not pooled: cohorts in special populations or results of part of a "
        f"trial, {indication}",
        ["country", "study", "population", "endpoint", "events/n", "rate", "95% CI", "source"],
        rows,
        note="Exact (Clopper–Pearson) 95% CIs. Rule: "
        f"{apart_rule(pd.concat(frames, ignore_index=True))}.",
    )


def _later_table(
    ctx: ReportContext, poolings: dict[str, CountryPooling], indication: str
) -> Table | None:
    """Each later data cut of a pooled cohort, with its own rate and exact CI: listed beside
    the pool, never in it (``LATER_RULE``). None when there is none."""
    rows = _own_rates(
        ctx,
        [p.later for p in poolings.values()],
        lambda r: r.assessor if isinstance(r.assessor, str) else "not stated",
    )
    if not rows:
        return None
    return Table(
        f"Later data cuts of pooled cohorts, not pooled, {indication}",
        ["country", "study", "assessor", "endpoint", "events/n", "rate", "95% CI", "source"],
        rows,
        note=f"Exact (Clopper–Pearson) 95% CIs. Rule: {LATER_RULE}.",
    )


#: What the short answer's numbers are, and what a reader must not read into them.
SHORT_LEAD = "separate studies, not randomized; p tests whether the countries differ"
SHORT_CAVEAT = (
    "Products, lines and real-world shares differ: no difference is a country effect alone."
)


def _no_response_rate(ctx: ReportContext) -> str:
    """Why there is no response rate to show: no cohort from the compared countries reports one
    (named, so that a reader never takes the gap for a country with a rate of zero)."""
    return no_data(f"no cohort conducted in {' or '.join(ctx.countries)} reports a response rate")


def _indication_blocks(
    ctx: ReportContext, indication: str
) -> tuple[list, str | None, CountryPooling | None]:
    """An indication's rates, forest plot and tables, its answer line, and the CR pooling (the
    sensitivity table, which reads the registry, is added beside it by :func:`build`)."""
    poolings = {e: pool_by_country(ctx.store, indication, e, ctx.countries) for e in ("CR", "ORR")}
    cr = poolings["CR"]
    title = f"{NAMES[indication]} ({indication})"
    if not cr.has_data and not poolings["ORR"].has_data:
        apart = _apart_table(ctx, poolings, indication)
        if apart is None:
            return [Paragraph(f"**{title}**: {_no_response_rate(ctx)}.")], None, None
        only = "; ".join(s for p in poolings.values() if (s := apart_sentence(p.apart)))
        return [Paragraph(f"**{title}**: no pooled rate: {only}."), apart], None, None
    if cr.has_data:
        sentence = summary_sentence(cr, f"complete response ({code_names(cr.rows['code'])})")
    elif cr.apart.empty:
        sentence = "no CR data."
    else:
        sentence = f"no pooled CR rate; {apart_sentence(cr.apart)}."
    blocks: list = [Paragraph(f"**{title}**: {sentence}"), _pooled_table(poolings, indication)]
    if cr.result is not None:
        from cartatlas.stats import forest_plot  # matplotlib: only when a plot is drawn

        plot = forest_plot(
            cr.result,
            title=forest_title(cr),
            xlabel="Complete response",
            percent=True,
            common_tau2_test=False,
            names=study_labels(ctx.store),
        )
        blocks.append(
            Figure(
                f"Forest plot: complete response in {indication}, by country of conduct",
                svg(plot),
                f"Model: {cr.method_note}. Squares: single studies with exact 95% CIs; diamonds: "
                "pooled estimates; bars beneath: 95% prediction intervals. "
                + subgroup_test_note(cr),
                data=_studies_table(ctx, cr),
                slug=f"forest-{indication}",
            )
        )
    elif cr.has_data:
        # no joint fit to plot (e.g. one study in a country): the studies and their sources
        # are listed all the same, so every rate in the answer is traceable
        blocks.append(_studies_table(ctx, cr, f"Studies behind the rates: CR in {indication}"))
    if (apart := _apart_table(ctx, poolings, indication)) is not None:
        blocks.append(apart)  # cited after the pooled studies, so its sources number after theirs
    if (later := _later_table(ctx, poolings, indication)) is not None:
        blocks.append(later)
    if not cr.has_data:
        return blocks, None, None
    blocks.append(_differences(cr))
    if poolings["ORR"].has_data:
        # every ORR rate in the table above traceable to its rows and sources, a news page
        # marked (MCL's US 85.3% is the FDA label's figure read on a news page)
        title_orr = f"Studies behind the rates: ORR in {indication}"
        blocks.append(_studies_table(ctx, poolings["ORR"], title_orr))
    if poolings["ORR"].comparison is not None:
        # the ORR difference is tested too (MCL: IRC-read label review in the US against a
        # Chinese cohort with no assessor stated): its cohorts' assessors and denominators are
        # counted beside it as the CR pool's are
        blocks.append(_differences(poolings["ORR"], "overall response"))
    return blocks, short_line(cr), cr


def pooled(ctx: ReportContext) -> list[tuple[list, str | None, CountryPooling | None]]:
    """Per indication, :func:`_indication_blocks`: the part of the section that reads only the
    evidence, kept in the store once computed (:mod:`cartatlas.report.parts`)."""
    return kept.part(ctx, "success", lambda: [_indication_blocks(ctx, i) for i in INDICATIONS])


def sited(
    ctx: ReportContext, pools: list[tuple[list, str | None, CountryPooling | None]]
) -> tuple[list[Table | None], list]:
    """The part that assigns multinational trials by their registry sites: per indication the
    sensitivity table beside the main CR pooling of ``pools`` (or None), and the like-for-like
    blocks; kept in the store under the evidence and those sites
    (:func:`~cartatlas.report.parts.sites_version`)."""

    def build() -> tuple[list[Table | None], list]:
        tables = [
            _sensitivity(ctx, indication, cr) if cr is not None else None
            for indication, (_, _, cr) in zip(INDICATIONS, pools, strict=True)
        ]
        return tables, _same_product(ctx)

    return kept.part(ctx, "success-sites", build, also=kept.sites_version(ctx))


def build(ctx: ReportContext) -> Section:
    blocks: list = []
    answers = []
    pools = pooled(ctx)
    sensitivity, same_product = sited(ctx, pools)
    for (found, answer, _), table in zip(pools, sensitivity, strict=True):
        blocks.extend(found)
        if table is not None:
            blocks.append(table)
        if answer:
            answers.append(answer)
    blocks.extend(same_product)
    gaps = short_gaps([cr for _, _, cr in pools if cr is not None], ctx.countries)
    answer = (
        f"Complete response (CR) pooled per country ({SHORT_LEAD}): "
        + "; ".join([*answers, *gaps])
        + f". {SHORT_CAVEAT} Every study and caveat: see Success rates."
        if answers
        else f"{_no_response_rate(ctx)}."
    )
    caveats = [
        "These are comparisons between studies, not randomized comparisons: populations, lines "
        "of therapy, products, response assessors and follow-up differ (see each table).",
        f"Selection: {SELECTION_RULE}.",
        f"Populations: {POPULATION_RULE}.",
        f"Subgroups: {SUBGROUP_RULE}.",
        "A study counts for a country when all its treating sites, or at least 80% of them, "
        "are there; multinational pivotal trials are left out of the main analysis and added "
        f"in the sensitivity table beside it ({ASSIGNMENT_RULE}).",
        "Published cohorts are a selection of the literature: small single-centre studies with "
        "good results are more likely to be published.",
    ]
    return Section("success", "Success rates", answer, blocks, caveats)
