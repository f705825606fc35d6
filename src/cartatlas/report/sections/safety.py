"""7. Safety: CRS and ICANS by study and country, pooled only within one grading system."""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.populations import STANDARD, apart_sentence, population_label
from cartatlas.analyses.safety_rows import LISTING_RULE, MULTINATIONAL, SAFETY, safety_rows
from cartatlas.analyses.study_rows import ENDPOINTS, treating_countries
from cartatlas.analyses.success_rates import (
    GRADING_RULE,
    CountryPooling,
    country_absence,
    pool_by_country,
)
from cartatlas.evidence.absence import no_data
from cartatlas.evidence.queries import exact_ci
from cartatlas.report.context import ReportContext
from cartatlas.report.model import Paragraph, Section, Table
from cartatlas.report.sections.common import cite_marked, interval, pct
from cartatlas.report.sections.success import INDICATIONS
from cartatlas.wording import in_words, noun, pvalue

#: How a cell names an event reported as neurologic events / neurotoxicity (broader than ICANS).
BROADER = "NE"
#: Marks a count the source does not print: events = round(percent × n / 100), or a grade ≥3
#: count added up from the worst-grade rows of a table the source prints whole.
DERIVED = "≈"
#: A cell the evidence base holds no row for: said as absent, never read as 0%.
NO_ROW = "—"
#: The two side effects in words a patient's family can read.
WORDS = (
    "CRS (cytokine release syndrome): an inflammatory reaction as the infused cells multiply, "
    "with fever and, when severe, low blood pressure or low oxygen needing treatment; ICANS "
    "(immune effector cell-associated neurotoxicity syndrome): confusion, difficulty speaking "
    "or writing, drowsiness and, when severe, seizures or brain swelling. Grade ≥3: severe or "
    "life-threatening (grades 3 and 4) or fatal (grade 5)."
)
CELL_NOTE = (
    "Each cell: rate (events/n; exact Clopper–Pearson 95% CI). "
    f"{NO_ROW}: no data (the evidence base holds no such rate for the study). "
    f"{DERIVED}: the source does not print the count; it is derived from the printed percentage "
    "(round(percent × n / 100)), which may differ from the true count by one, or added up from "
    "the grade 3, 4 and 5 rows of a table the source prints whole. "
    f"{BROADER}: reported as neurologic events / neurotoxicity, a broader category than ICANS. "
    "Grading names the system each cell's source used; rates graded with different systems are "
    "not comparable. Analysis names each cell's data cut (primary analysis, the label's review of "
    "it, or a longer follow-up): one row's cells can come from different analyses and patient "
    "numbers (n)."
)


def safety_cell(events: int, n: int, code: object, derived: bool = False) -> str:
    """ "42% (113/269; 36–48%)", with ``BROADER`` when the row is neurotoxicity, not ICANS, and
    ``DERIVED`` before a count the source does not print."""
    low, high = exact_ci(int(events), int(n))
    mark = f" {BROADER}" if code == "neurotoxicity" else ""
    count = f"{DERIVED if derived else ''}{events}/{n}"
    return f"{pct(events / n)} ({count}; {interval(low / 100, high / 100)}){mark}"


def _derived(ctx: ReportContext) -> set[tuple[str, int]]:
    """(study, CSV line) of the safety rows whose count is derived from a printed percentage."""
    return set(
        ctx.store.execute("SELECT study_id, source_line FROM evidence_safety WHERE events_derived")
    )


def _apart_mark(group: object) -> str:
    """ " — CNS lymphoma, not pooled" for a cohort in a special population (``POPULATION_RULE``):
    listed with its rates, never in a pooled comparison."""
    if not isinstance(group, str) or group == STANDARD:
        return ""
    return f" — {population_label(group)}, not pooled"


def _per_cell(cells: dict[str, str]) -> str:
    """One value for the whole row when every cell shares it (its grading system, its analysis),
    else each cell's own: ZUMA-1's CRS is the label's 108 patients, its grade ≥3 neurotoxicity
    the 101 of a later data cut."""
    values = set(cells.values())
    if len(values) == 1:
        return values.pop()
    return "; ".join(f"{ENDPOINTS[k].label}: {cells[k]}" for k in SAFETY if k in cells)


def _wide(ctx: ReportContext, found: dict[str, pd.DataFrame]) -> list[list[str]]:
    derived = _derived(ctx)
    studies: dict[str, dict] = {}
    for endpoint, rows in found.items():
        for row in rows.itertuples():
            entry = studies.setdefault(
                row.study_id,
                {
                    "country": _place(row, ctx.countries),
                    "apart": bool(row.multinational),
                    "study": f"{row.name} ({row.product})" + _apart_mark(row.population_group),
                    "grading": {},
                    "analysis": {},
                    "refs": {},  # in citing order: renumbering keeps it (a sort would not)
                },
            )
            estimated = (row.study_id, row.source_line) in derived
            entry[endpoint] = safety_cell(row.events, row.n, row.code, estimated)
            stated = row.grading if isinstance(row.grading, str) else "not stated"
            entry["grading"][endpoint] = stated
            entry["analysis"][endpoint] = in_words(row.analysis)
            entry["refs"].setdefault(cite_marked(ctx.refs, row))
    order = {c: i for i, c in enumerate(ctx.countries)}  # the pair's order: JP before CN
    return [
        [
            e["country"],
            e["study"],
            *(e.get(k, NO_ROW) for k in SAFETY),
            _per_cell(e["grading"]),
            _per_cell(e["analysis"]),
            " ".join(e["refs"]),
        ]
        for e in sorted(
            studies.values(),
            key=lambda e: (e["apart"], 0 if e["apart"] else order[e["country"]], e["study"]),
        )
    ]


def _place(row, compared: list[str]) -> str:
    """The country column: the country of conduct, or for a multinational cohort which of the
    compared countries it treated patients in, out of how many ("multinational, incl. US (6
    countries)")."""
    if not row.multinational:
        return row.country_of_conduct
    treated = treating_countries(row.countries)
    if not treated:
        return f"{MULTINATIONAL} (countries not recorded)"
    here = ", ".join(c for c in compared if c in treated)
    return f"{MULTINATIONAL}, incl. {here} ({len(treated)} countries)"


def _pool_notes(ctx: ReportContext, indication: str) -> tuple[list[str], list[str]]:
    """(country comparisons, refusals) over the safety endpoints of ``indication``, under the
    one grading rule shared with ``meta`` and claims. A refusal is the rule's own words, with
    the systems each country's studies state, so a reader sees whether rates are apart because
    the systems differ or because none is stated."""
    compared, refused = [], []
    for endpoint in SAFETY:
        pooling = pool_by_country(ctx.store, indication, endpoint, ctx.countries)
        if pooling.refusal:
            refused.append(
                f"{ENDPOINTS[endpoint].label}: {pooling.refusal}."
                + "".join(f" {c}: {country_absence(pooling, c)}." for c in pooling.missing)
            )
        elif (note := _comparison(pooling)) is not None:
            compared.append(note)
    return compared, refused


def _comparison(pooling: CountryPooling) -> str | None:
    """The country comparison of one pooled safety endpoint, or None when nothing compares."""
    if pooling.comparison is None:
        return None
    endpoint = pooling.endpoint
    parts = [
        f"{c} {pct(s.estimate)} ({interval(s.ci_low, s.ci_high)}, k={s.k})"
        for c, s in pooling.summaries.items()
    ]
    grading = pooling.rows["grading"].iloc[0]
    return (
        f"{ENDPOINTS[endpoint].label}, {grading} grading only: "
        + "; ".join(parts)
        + f"; difference {pvalue(pooling.comparison.p)} ({pooling.comparison.test}; "
        f"{pooling.method_note.split(';')[0]})"
        + (f"; {apart}." if (apart := apart_sentence(pooling.apart)) else ".")
    )


def build(ctx: ReportContext) -> Section:
    blocks: list = []
    pooled_notes = []
    reporting: dict[str, set[str]] = {}
    for indication in INDICATIONS:
        found = safety_rows(ctx.store, indication, ctx.countries)
        for rows in found.values():
            for country, study, name, apart in zip(
                rows["country_of_conduct"],
                rows["study_id"],
                rows["name"],
                rows["multinational"],
                strict=True,
            ):
                # a country's cohorts by ID (counted); the multinational ones by name (named)
                reporting.setdefault(MULTINATIONAL if apart else country, set()).add(
                    name if apart else study
                )
        rows = _wide(ctx, found)
        if not rows:
            continue
        blocks.append(
            Table(
                f"CRS and ICANS, {indication}",
                [
                    "country",
                    "study",
                    "CRS any",
                    "CRS ≥3",
                    "ICANS any",
                    "ICANS ≥3",
                    "grading",
                    "analysis",
                    "source",
                ],
                rows,
                note=CELL_NOTE,
            )
        )
        notes, refusals = _pool_notes(ctx, indication)
        own = set().union(
            *(set(r["country_of_conduct"][~r["multinational"]]) for r in found.values())
        )
        present = [c for c in ctx.countries if c in own]  # in the pair's order, as elsewhere
        text = (
            " ".join(notes)
            if notes
            else "Not compared: no compared country has a cohort of its own reporting CRS or "
            "ICANS here."
            if not present
            else f"Not compared: only {present[0]} has cohorts reporting CRS or ICANS here."
            if len(present) < 2
            else f"Not pooled: the studies of {', '.join(present)} do not share a stated grading "
            "system, so their rates are not comparable. " + " ".join(refusals)
        )
        pooled_notes.extend(f"{indication}: {n}" for n in notes)
        blocks.append(Paragraph(f"**{indication}**: {text}"))
    answer = (
        "Cytokine release syndrome (CRS) and neurotoxicity (ICANS) rates by study, with "
        "the grading system each study used. "
        + (
            " ".join(pooled_notes)
            if pooled_notes
            else "No indication has studies from the compared countries graded with one shared "
            "system, so no pooled country comparison is made."
        )
    )
    per_country = "; ".join(
        f"{c}: {len(reporting[c])} {noun(len(reporting[c]), 'cohort')} "
        f"{'reports' if len(reporting[c]) == 1 else 'report'} CRS or ICANS (see the safety tables)"
        if c in reporting
        else f"{c}: " + no_data(f"no cohort conducted in {c} reports CRS or ICANS")
        for c in ctx.countries
    )
    answer += f" {per_country}."
    if MULTINATIONAL in reporting:
        listed = sorted(reporting[MULTINATIONAL])
        answer += (
            f" Multinational trials, pooled for no country, are listed after the countries' "
            f"cohorts: {len(listed)} {noun(len(listed), 'cohort')} ({', '.join(listed)})."
        )
    caveats = [
        WORDS,
        "Grading systems (Lee 2014, ASTCT 2019, Penn, CTCAE, CARTOX) classify the same "
        f"event differently, especially at grade ≥3. One rule for the report, `cartatlas meta` "
        f"and claims: {GRADING_RULE}.",
        f"Which cohorts are listed: those conducted in a compared country; {LISTING_RULE}.",
        "Neurotoxicity reported as 'neurologic events' (a broader category) is shown in "
        f"the ICANS columns, marked {BROADER}, when a study reports no ICANS figure.",
    ]
    return Section("safety", "Safety", answer, blocks, caveats)
