"""7. Safety: CRS and ICANS by study and country, pooled only within one grading system."""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.study_rows import ENDPOINTS, study_rows
from cartatlas.analyses.success_rates import GRADING_RULE, pool_by_country
from cartatlas.evidence.absence import no_data
from cartatlas.report.context import ReportContext
from cartatlas.report.model import Paragraph, Section, Table
from cartatlas.report.sections.common import cite_marked, interval, pct, pvalue
from cartatlas.report.sections.success import INDICATIONS

SAFETY = ("CRS_any", "CRS_3plus", "ICANS_any", "ICANS_3plus")


def _rows(ctx: ReportContext, indication: str) -> dict[str, pd.DataFrame]:
    found = {}
    for endpoint in SAFETY:
        rows = study_rows(ctx.store, indication, endpoint)
        found[endpoint] = rows[rows["country_of_conduct"].isin(ctx.countries)]
    return found


def _wide(ctx: ReportContext, found: dict[str, pd.DataFrame]) -> list[list[str]]:
    studies: dict[str, dict] = {}
    for endpoint, rows in found.items():
        for row in rows.itertuples():
            entry = studies.setdefault(
                row.study_id,
                {
                    "country": row.country_of_conduct,
                    "study": f"{row.name} ({row.product})",
                    "grading": set(),
                    "refs": set(),
                },
            )
            entry[endpoint] = f"{pct(row.events / row.n)} ({row.events}/{row.n})"
            if isinstance(row.grading, str):
                entry["grading"].add(row.grading)
            entry["refs"].add(cite_marked(ctx.refs, row))
    return [
        [
            e["country"],
            e["study"],
            *(e.get(k, "—") for k in SAFETY),
            ", ".join(sorted(e["grading"])) or "not stated",
            " ".join(sorted(e["refs"])),
        ]
        for e in sorted(studies.values(), key=lambda e: (e["country"], e["study"]))
    ]


def _comparable_pool(ctx: ReportContext, indication: str, endpoint: str) -> str | None:
    """The country comparison under the one grading rule shared with ``meta`` and claims."""
    pooling = pool_by_country(ctx.store, indication, endpoint, ctx.countries)
    if pooling.comparison is None:
        return None
    parts = [
        f"{c} {pct(s.estimate)} ({interval(s.ci_low, s.ci_high)}, k={s.k})"
        for c, s in pooling.summaries.items()
    ]
    grading = pooling.rows["grading"].iloc[0]
    return (
        f"{ENDPOINTS[endpoint].label}, {grading} grading only: "
        + "; ".join(parts)
        + f"; difference {pvalue(pooling.comparison.p)} ({pooling.comparison.test}; "
        f"{pooling.method_note.split(';')[0]})."
    )


def build(ctx: ReportContext) -> Section:
    blocks: list = []
    pooled_notes = []
    reporting: dict[str, set[str]] = {}
    for indication in INDICATIONS:
        found = _rows(ctx, indication)
        for rows in found.values():
            for country, study in zip(rows["country_of_conduct"], rows["study_id"], strict=True):
                reporting.setdefault(country, set()).add(study)
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
                    "source",
                ],
                rows,
            )
        )
        notes = [n for e in SAFETY if (n := _comparable_pool(ctx, indication, e))]
        text = (
            " ".join(notes)
            if notes
            else "Not pooled: the studies of the two countries do not share a stated grading "
            "system, so their rates are not comparable."
        )
        pooled_notes.extend(f"{indication}: {n}" for n in notes)
        blocks.append(Paragraph(f"**{indication}**: {text}"))
    answer = (
        "Cytokine release syndrome (CRS) and neurotoxicity (ICANS) rates by study, with "
        "the grading system each study used. "
        + (
            " ".join(pooled_notes)
            if pooled_notes
            else "No indication has studies from both countries graded with the same system, "
            "so no pooled country comparison is made."
        )
    )
    per_country = "; ".join(
        f"{c}: {len(reporting[c])} cohorts report CRS or ICANS (see the safety tables)"
        if c in reporting
        else f"{c}: " + no_data(f"no cohort conducted in {c} reports CRS or ICANS")
        for c in ctx.countries
    )
    answer += f" {per_country}."
    caveats = [
        "Grading systems (Lee 2014, ASTCT 2019, Penn, CTCAE, CARTOX) classify the same "
        f"event differently, especially at grade ≥3. One rule for the report, `cartatlas meta` "
        f"and claims: {GRADING_RULE}.",
        "Neurotoxicity reported as 'neurologic events' (a broader category) is shown in "
        "the ICANS columns when a study reports no ICANS figure.",
    ]
    return Section("safety", "Safety", answer, blocks, caveats)
